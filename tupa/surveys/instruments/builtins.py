"""Built-in instruments: questionnaires every organisation may use as they are.

*Vaikuttavuus esiin* is the Federation's five-item outcome instrument, answered at measurement
points (start, middle, end, follow-up) of a client's episode. It is an organisation-wide
questionnaire (no service form, ``builtin=vaikuttavuus_esiin``, ``is_outcome_measure``): every
form's lead may use it in a schedule and read its results; only the executive director changes it,
and a change makes a new version like any questionnaire's.

The wording and the scale below are **[verify]** with the Federation (``docs/surveys-
questionnaires.md``): plausible items on a 1–5 agreement scale until the official text arrives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django_scopes import scope

from tupa.surveys.instruments import services
from tupa.surveys.models import ItemKind, Questionnaire, QuestionnaireVersion, Target

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.organisations.models import Organisation

AGREEMENT_HELP = {
    "fi": "1 = täysin eri mieltä, 5 = täysin samaa mieltä",
    "sv": "1 = helt av annan åsikt, 5 = helt av samma åsikt",
    "en": "1 = strongly disagree, 5 = strongly agree",
}

#: code → (Finnish, Swedish, English). [verify] the wording with the Federation.
VAIKUTTAVUUS_ESIIN_ITEMS: dict[str, tuple[str, str, str]] = {
    "knows_help": (
        "Tiedän, mistä saan apua, kun tarvitsen sitä.",
        "Jag vet var jag får hjälp när jag behöver det.",
        "I know where to get help when I need it.",
    ),
    "coping": (
        "Selviydyn arjesta.",
        "Jag klarar av vardagen.",
        "I cope with everyday life.",
    ),
    "safety": (
        "Koen oloni turvalliseksi.",
        "Jag känner mig trygg.",
        "I feel safe.",
    ),
    "child_wellbeing": (
        "Lapseni voi hyvin.",
        "Mitt barn mår bra.",
        "My child is doing well.",
    ),
    "relationship": (
        "Suhteeni lapseeni on hyvä.",
        "Min relation till mitt barn är god.",
        "My relationship with my child is good.",
    ),
}


def vaikuttavuus_esiin(organisation: Organisation) -> Questionnaire | None:
    with scope(organisation=organisation):
        return Questionnaire.objects.filter(
            organisation=organisation, builtin=Questionnaire.Builtin.VAIKUTTAVUUS_ESIIN
        ).first()


@transaction.atomic
def ensure_vaikuttavuus_esiin(*, actor: User, organisation: Organisation) -> QuestionnaireVersion:
    """The organisation's *Vaikuttavuus esiin* questionnaire, created and published on first use
    (by an organisation-wide manager, i.e. the executive director). Idempotent: an existing one
    is returned as it is (its published version, else its latest)."""
    existing = vaikuttavuus_esiin(organisation)
    if existing is not None:
        versions = existing.versions.order_by("-number")
        found = versions.filter(status=QuestionnaireVersion.Status.PUBLISHED).first()
        return found or versions[0]
    questionnaire = services.questionnaire_create(
        actor=actor,
        organisation=organisation,
        name="Vaikuttavuus esiin",
        service_form=None,
        target=Target.ADULT,
        is_outcome_measure=True,
        builtin=Questionnaire.Builtin.VAIKUTTAVUUS_ESIIN,
    )
    version = questionnaire.versions.get()
    services.version_texts_set(
        actor=actor,
        version=version,
        title_fi="Vaikuttavuus esiin – miten sinulla menee?",
        title_sv="Vaikuttavuus esiin – hur går det för dig?",
        title_en="Vaikuttavuus esiin – how are you doing?",
        intro_fi=(
            "Kysymme samat viisi asiaa asiakkuuden alussa, lopussa ja seurannassa. "
            "Vastauksesi auttavat meitä näkemään, mikä työssämme auttaa."
        ),
        intro_sv=(
            "Vi frågar samma fem saker i början, i slutet och vid uppföljningen. "
            "Dina svar hjälper oss att se vad i vårt arbete som hjälper."
        ),
        intro_en=(
            "We ask the same five things at the start, at the end and at the follow-up. "
            "Your answers help us see what in our work helps."
        ),
        thanks_fi="Kiitos vastauksistasi!",
        thanks_sv="Tack för dina svar!",
        thanks_en="Thank you for your answers!",
    )
    for code, (fi, sv, en) in VAIKUTTAVUUS_ESIIN_ITEMS.items():
        services.item_add(
            actor=actor,
            version=version,
            kind=ItemKind.SCALE5,
            code=code,
            required=True,
            text_fi=fi,
            text_sv=sv,
            text_en=en,
            help_fi=AGREEMENT_HELP["fi"],
            help_sv=AGREEMENT_HELP["sv"],
            help_en=AGREEMENT_HELP["en"],
        )
    return services.version_publish(actor=actor, version=version)
