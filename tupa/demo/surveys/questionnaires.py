"""The demo questionnaires (fictional wording, realistic for the association's service forms).

:func:`build` creates them through the instrument services and returns the published version of
each under a fixed key; run again, it returns the existing ones. The item codes are stable
(``overall``, ``recommend``, ``felt_heard``, ``best``, ``improve``, …): the demo answers are
generated from them. *Ensikoti, palaute jakson lopussa* has version 1 (retired) and version 2
(published: one item reworded, one added) to show versioning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django_scopes import scope

from tupa.accounts.models import User
from tupa.organisations.models import Organisation, ServiceForm
from tupa.surveys.instruments import services
from tupa.surveys.instruments.builtins import ensure_vaikuttavuus_esiin
from tupa.surveys.models import ItemKind, Questionnaire, QuestionnaireVersion, Target

K = ItemKind

#: Choice lists used by several questionnaires: (value, Finnish label).
HEARD_OF = [
    ("neuvola", "Neuvolasta"),
    ("sosiaalityo", "Sosiaalityöntekijältä"),
    ("netti", "Internetistä"),
    ("tuttava", "Ystävältä tai tuttavalta"),
    ("muu", "Muualta"),
]
HELPED_WITH = [
    ("vauvanhoito", "Vauvan hoito ja arki"),
    ("vuorovaikutus", "Vuorovaikutus vauvan kanssa"),
    ("jaksaminen", "Oma jaksaminen"),
    ("parisuhde", "Parisuhde"),
    ("raha_asiat", "Raha- ja asumisasiat"),
]


@dataclass(frozen=True)
class Q:
    """One item: code, kind, Finnish text; optional Swedish/English, required, help, choices."""

    code: str
    kind: str
    fi: str
    sv: str = ""
    en: str = ""
    required: bool = False
    help: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Spec:
    name: str
    form: str | None
    target: str
    title: tuple[str, str, str]
    intro: str
    sections: list[tuple[str, list[Q]]]
    thanks: str = "Kiitos palautteestasi! Vastauksesi auttavat meitä kehittämään työtämme."
    child_friendly: bool = False
    is_outcome_measure: bool = False


RECOMMEND = Q(
    "recommend",
    K.SCALE10,
    "Kuinka todennäköisesti suosittelisit palvelua muille samassa tilanteessa oleville?",
    "Hur sannolikt är det att du skulle rekommendera tjänsten till andra i samma situation?",
    "How likely would you be to recommend the service to others in the same situation?",
)
IMPROVE = Q(
    "improve",
    K.TEXT,
    "Mitä voisimme tehdä paremmin?",
    "Vad kunde vi göra bättre?",
    "What could we do better?",
)

ENSIKOTI_V1: list[tuple[str, list[Q]]] = [
    (
        "Kokemuksesi ensikodista",
        [
            Q(
                "overall",
                K.SCALE5,
                "Kuinka tyytyväinen olet kokonaisuutena ensikotijaksoosi?",
                "Hur nöjd är du med din tid på mödrahemmet som helhet?",
                "Overall, how satisfied are you with your stay at the mother and baby home?",
                required=True,
            ),
            Q(
                "felt_heard",
                K.SCALE5,
                "Tulitko kuulluksi omissa asioissasi?",
                "Blev du hörd i dina egna frågor?",
                "Were you heard in your own matters?",
                required=True,
            ),
            Q(
                "helped_with",
                K.MULTIPLE,
                "Missä asioissa sait apua?",
                help="Voit valita useamman.",
                choices=HELPED_WITH,
            ),
            Q("safe", K.YESNO, "Tunsitko olosi turvalliseksi ensikodissa?", required=True),
            RECOMMEND,
        ],
    ),
    (
        "Lopuksi",
        [
            Q(
                "best",
                K.TEXT,
                "Mikä oli parasta ensikotijaksossasi?",
                "Vad var bäst?",
                "What was best?",
            ),
            IMPROVE,
        ],
    ),
]

SPECS: dict[str, Spec] = {
    "ensikoti-loppu": Spec(
        "Ensikoti, palaute jakson lopussa",
        "ensikoti",
        Target.ADULT,
        (
            "Palaute ensikotijaksosta",
            "Respons om tiden på mödrahemmet",
            "Feedback on your stay at the mother and baby home",
        ),
        "Kerro, millainen ensikotijaksosi oli. Vastaaminen vie noin viisi minuuttia.",
        ENSIKOTI_V1,
    ),
    "ensikoti-seuranta": Spec(
        "Ensikoti, seuranta 12 kk",
        "ensikoti",
        Target.ADULT,
        ("Kuulumiset vuoden jälkeen", "Hur går det ett år senare?", "How are you a year later?"),
        "Ensikotijaksostasi on kulunut noin vuosi. Kertoisitko, miten teillä nyt menee?",
        [
            (
                "Arki nyt",
                [
                    Q("coping", K.SCALE5, "Selviydyn arjesta lapseni kanssa.", required=True),
                    Q("child_wellbeing", K.SCALE5, "Lapseni voi hyvin.", required=True),
                    Q(
                        "support_now",
                        K.SINGLE,
                        "Saatko tällä hetkellä tukea arkeesi?",
                        choices=[
                            ("riittavasti", "Kyllä, riittävästi"),
                            ("jonkin_verran", "Jonkin verran"),
                            ("en_saa", "En saa"),
                        ],
                    ),
                    Q("still_useful", K.YESNO, "Onko ensikodissa opituista asioista ollut apua?"),
                    Q("best", K.TEXT, "Mikä ensikotijaksosta on jäänyt parhaiten mieleen?"),
                ],
            )
        ],
    ),
    "babyblues-loppu": Spec(
        "Baby blues, palaute työskentelyn lopussa",
        "baby-blues",
        Target.ADULT,
        ("Palaute Baby blues -työskentelystä", "Respons om Baby blues", "Feedback on Baby blues"),
        "Työskentelymme päättyy. Kiitos, että kerrot kokemuksistasi.",
        [
            (
                "",
                [
                    Q(
                        "overall",
                        K.SCALE5,
                        "Kuinka tyytyväinen olet saamaasi tukeen?",
                        required=True,
                    ),
                    Q("felt_heard", K.SCALE5, "Koitko tulleesi kuulluksi?", required=True),
                    Q(
                        "mood_better",
                        K.SINGLE,
                        "Miten vointisi on muuttunut työskentelyn aikana?",
                        choices=[
                            ("parempi", "Parempi"),
                            ("ennallaan", "Ennallaan"),
                            ("huonompi", "Huonompi"),
                        ],
                        required=True,
                    ),
                    Q("heard_of", K.SINGLE, "Mistä kuulit Baby bluesista?", choices=HEARD_OF),
                    RECOMMEND,
                    Q("best", K.TEXT, "Mikä auttoi sinua eniten?"),
                    IMPROVE,
                ],
            )
        ],
    ),
    "babyblues-lahettaja": Spec(
        "Baby blues, lähettäjäkysely",
        "baby-blues",
        Target.REFERRER,
        ("Yhteistyökumppanin palaute", "Samarbetspartnerns respons", "Partner feedback"),
        "Kysymme kerran vuodessa palautetta yhteistyökumppaneiltamme, jotka ohjaavat perheitä "
        "Baby blues -työhön.",
        [
            (
                "",
                [
                    Q(
                        "referral_easy",
                        K.SCALE5,
                        "Perheen ohjaaminen palveluun on helppoa.",
                        required=True,
                    ),
                    Q("cooperation", K.SCALE5, "Yhteistyö kanssamme sujuu hyvin.", required=True),
                    Q(
                        "profession",
                        K.SINGLE,
                        "Ammattiryhmäsi",
                        choices=[
                            ("terveydenhoitaja", "Terveydenhoitaja"),
                            ("sosiaalityontekija", "Sosiaalityöntekijä"),
                            ("psykiatrinen", "Psykiatrinen sairaanhoitaja"),
                            ("muu", "Muu"),
                        ],
                    ),
                    Q("would_refer", K.YESNO, "Ohjaisitko perheitä meille jatkossakin?"),
                    RECOMMEND,
                    IMPROVE,
                ],
            )
        ],
    ),
    "peukaloinen-loppu": Spec(
        "Peukaloinen, ryhmäjakson palaute",
        "peukaloinen",
        Target.PARENT,
        ("Palaute Peukaloinen-ryhmästä", "Respons om Peukaloinen-gruppen", "Group feedback"),
        "Ryhmäjakso on päättynyt. Kerro, mitä ryhmä antoi sinulle ja lapsellesi.",
        [
            (
                "",
                [
                    Q("overall", K.SCALE5, "Kuinka tyytyväinen olet ryhmään?", required=True),
                    Q(
                        "peer_support",
                        K.SCALE5,
                        "Sain ryhmästä vertaistukea.",
                        help="1 = täysin eri mieltä, 5 = täysin samaa mieltä",
                    ),
                    Q(
                        "topics_useful",
                        K.MULTIPLE,
                        "Mitkä aiheet olivat hyödyllisimpiä?",
                        choices=[
                            ("leikki", "Leikki ja vuorovaikutus"),
                            ("uni", "Uni ja rytmi"),
                            ("ruoka", "Ruokailu"),
                            ("tunteet", "Tunteet ja rajat"),
                        ],
                    ),
                    Q("child_liked", K.YESNO, "Viihtyikö lapsesi ryhmässä?"),
                    RECOMMEND,
                    Q("best", K.TEXT, "Mikä ryhmässä oli parasta?"),
                ],
            )
        ],
    ),
    "alvari-seuranta": Spec(
        "Alvari, seuranta 6 kk",
        "alvari",
        Target.ADULT,
        ("Kuulumisia puolen vuoden jälkeen", "Hur går det ett halvår senare?", "Six months on"),
        "Työskentelymme päättymisestä on kulunut puoli vuotta. Kertoisitko, miten nyt menee?",
        [
            (
                "",
                [
                    Q(
                        "overall",
                        K.SCALE5,
                        "Miten tyytyväinen olet nyt saamaasi apuun?",
                        required=True,
                    ),
                    Q(
                        "no_violence",
                        K.YESNO,
                        "Onko elämäsi ollut väkivallatonta työskentelyn päättymisen jälkeen?",
                        required=True,
                    ),
                    Q(
                        "tools_in_use",
                        K.SINGLE,
                        "Käytätkö työskentelyssä opittuja keinoja?",
                        choices=[
                            ("usein", "Usein"),
                            ("joskus", "Joskus"),
                            ("en_juuri", "En juuri"),
                        ],
                    ),
                    RECOMMEND,
                    IMPROVE,
                ],
            )
        ],
    ),
    "lapsityo-hymio": Spec(
        "Lapsityö, hymiölomake",
        "lapsityo",
        Target.CHILD,
        ("Miltä tuntui?", "Hur kändes det?", "How did it feel?"),
        "Täytetään yhdessä työntekijän kanssa. Vastaa valitsemalla naama.",
        [
            (
                "",
                [
                    Q("liked_coming", K.SMILEY, "Miltä tuntui tulla tänne?", required=True),
                    Q("felt_heard", K.SMILEY, "Kuunneltiinko sinua?", required=True),
                    Q("safe", K.SMILEY, "Oliko täällä turvallista olla?"),
                    Q("adult_nice", K.SMILEY, "Oliko aikuinen mukava?"),
                    Q("come_again", K.SMILEY, "Haluaisitko tulla uudestaan?"),
                    Q(
                        "best",
                        K.TEXT,
                        "Mikä oli parasta?",
                        help="Työntekijä voi kirjoittaa puolestasi.",
                    ),
                ],
            )
        ],
        thanks="Kiitos! Olit tosi tärkeä apu.",
        child_friendly=True,
    ),
    "doula-vuosi": Spec(
        "Doulat, vuosikysely",
        "baby-blues",
        Target.VOLUNTEER,
        ("Doulien vuosikysely", "Doulornas årsenkät", "Doulas' yearly survey"),
        "Kysymme kerran vuodessa, miten vapaaehtoistoiminta on sujunut.",
        [
            (
                "",
                [
                    Q(
                        "overall",
                        K.SCALE5,
                        "Kuinka tyytyväinen olet doulatoimintaan?",
                        required=True,
                    ),
                    Q("support_enough", K.SCALE5, "Saan riittävästi tukea ja työnohjausta."),
                    Q(
                        "training_wish",
                        K.MULTIPLE,
                        "Mistä aiheista toivoisit koulutusta?",
                        choices=[
                            ("synnytys", "Synnytyksen tukeminen"),
                            ("imetys", "Imetys"),
                            ("mielenterveys", "Vanhemman mielenterveys"),
                            ("monikulttuurisuus", "Monikulttuuriset perheet"),
                        ],
                    ),
                    Q("continue", K.YESNO, "Aiotko jatkaa doulana ensi vuonna?"),
                    RECOMMEND,
                    IMPROVE,
                ],
            )
        ],
    ),
    "perhetupa-kioski": Spec(
        "Perhetupa, kioskipalaute",
        "perhetupa",
        Target.ADULT,
        ("Miten päiväsi Perhetuvassa meni?", "Hur var din dag?", "How was your day?"),
        "Nimetön palaute – vastaa ja paina Lähetä.",
        [
            (
                "",
                [
                    Q(
                        "overall",
                        K.SMILEY,
                        "Miltä käynti tänään tuntui?",
                        "Hur kändes besöket?",
                        "How did today feel?",
                        required=True,
                    ),
                    Q(
                        "welcome",
                        K.YESNO,
                        "Tunsitko itsesi tervetulleeksi?",
                        "Kände du dig välkommen?",
                        "Did you feel welcome?",
                    ),
                    Q(
                        "visit_often",
                        K.SINGLE,
                        "Kuinka usein käyt Perhetuvassa?",
                        choices=[
                            ("ensimmainen", "Ensimmäistä kertaa"),
                            ("joskus", "Silloin tällöin"),
                            ("viikoittain", "Joka viikko"),
                        ],
                    ),
                    Q(
                        "improve",
                        K.TEXT,
                        "Terveiset Perhetuvan väelle",
                        "Hälsningar",
                        "A message to the staff",
                    ),
                ],
            )
        ],
        thanks="Kiitos! Tervetuloa uudestaan.",
    ),
}


def _actor(organisation: Organisation, form: str | None) -> User:
    users = User.objects.filter(organisation=organisation)
    if form is not None:
        lead = users.filter(username=f"{form.replace('-', '')}.esihenkilo").first()
        if lead is not None:
            return lead
    return users.get(username="johtaja")


def _fill(actor: User, version: QuestionnaireVersion, spec: Spec, sections: Any) -> None:
    services.version_texts_set(
        actor=actor,
        version=version,
        title_fi=spec.title[0],
        title_sv=spec.title[1],
        title_en=spec.title[2],
        intro_fi=spec.intro,
        thanks_fi=spec.thanks,
        child_friendly=spec.child_friendly,
    )
    for title, items in sections:
        section = (
            services.section_add(actor=actor, version=version, title_fi=title) if title else None
        )
        for q in items:
            item = services.item_add(
                actor=actor,
                version=version,
                kind=q.kind,
                code=q.code,
                required=q.required,
                text_fi=q.fi,
                text_sv=q.sv,
                text_en=q.en,
                help_fi=q.help,
                section=section,
            )
            for value, label in q.choices:
                services.choice_add(actor=actor, item=item, label_fi=label, value=value)


def _ensikoti_v2(actor: User, questionnaire: Questionnaire) -> QuestionnaireVersion:
    """Version 2: ``felt_heard`` reworded, ``child_wellbeing`` added."""
    draft = services.version_new_draft(actor=actor, questionnaire=questionnaire)
    heard = draft.items.get(code="felt_heard")
    services.item_edit(
        actor=actor,
        item=heard,
        kind=heard.kind,
        code=heard.code,
        required=True,
        section=heard.section,
        text_fi="Koitko, että sinua kuunneltiin ja mielipiteesi otettiin huomioon?",
        text_sv="Upplevde du att du blev lyssnad på och att din åsikt beaktades?",
        text_en="Did you feel listened to and that your views were taken into account?",
    )
    item = services.item_add(
        actor=actor,
        version=draft,
        kind=K.SCALE5,
        code="child_wellbeing",
        required=True,
        section=heard.section,
        text_fi="Vauvani voi nyt hyvin.",
        text_sv="Min baby mår bra nu.",
        text_en="My baby is doing well now.",
    )
    services.item_move(actor=actor, item=item, direction=services.UP)
    services.item_move(actor=actor, item=item, direction=services.UP)
    return services.version_publish(actor=actor, version=draft)


def build(*, organisation: Organisation) -> dict[str, QuestionnaireVersion]:
    """The demo questionnaires' published versions by key (created on the first run)."""
    result: dict[str, QuestionnaireVersion] = {}
    with scope(organisation=organisation):
        forms = {f.slug: f for f in ServiceForm.objects.filter(organisation=organisation)}
        for key, spec in SPECS.items():
            service_form = forms[spec.form] if spec.form else None
            existing = Questionnaire.objects.filter(
                organisation=organisation, service_form=service_form, name=spec.name
            ).first()
            if existing is not None:
                published = existing.versions.filter(
                    status=QuestionnaireVersion.Status.PUBLISHED
                ).first()
                if published is not None:
                    result[key] = published
                    continue
                existing.delete()  # a half-built one from an interrupted run
            actor = _actor(organisation, spec.form)
            questionnaire = services.questionnaire_create(
                actor=actor,
                organisation=organisation,
                name=spec.name,
                service_form=service_form,
                target=spec.target,
                is_outcome_measure=spec.is_outcome_measure,
            )
            version = questionnaire.versions.get()
            _fill(actor, version, spec, spec.sections)
            version = services.version_publish(actor=actor, version=version)
            if key == "ensikoti-loppu":
                version = _ensikoti_v2(actor, questionnaire)
            result[key] = version
        result["vaikuttavuus-esiin"] = ensure_vaikuttavuus_esiin(
            actor=_actor(organisation, None), organisation=organisation
        )
    return result
