"""Demo data of the annual plan (ADR 0030): last year's and this year's goals of the service
forms, of the KAVA working group and of the whole association, under the strategy's themes.

The goal texts paraphrase the 2018 operating plan's goals (seed-spec §2 "2018 goals" under
T1–T5, §3 KAVA): sentences of a public plan, no person named. Last year's goals are mostly
assessed (with a one-sentence assessment and its evidence), a few are left in progress and are
carried over into this year's plan with :func:`tupa.planning.services.goals_carry_over`; of this
year's goals a few are under way, most planned.

A goal is filed under its theme only when the theme's strategy period covers the goal's year
(the service refuses others): the demo's strategy "Rohkeasti ajassa" runs 2016–2019, so outside
it the goals land under "Muut tavoitteet (ei painopistettä)" until a new strategy's themes are
recorded. Everything goes through :mod:`tupa.planning.services`, the executive director keeping
the association's and the working group's goals and each form's lead its form's. Idempotent:
when the organisation has goals, nothing is changed and ``None`` is returned.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from tupa.accounts.models import Membership, Role, User
from tupa.organisations.models import Organisation, ServiceForm, StrategicTheme, WorkingGroup
from tupa.planning import services
from tupa.planning.models import AnnualGoal, GoalStatus

DIRECTOR = "johtaja"
ASSOCIATION = ""  # the owner of the association's own goals; "@X": the working group X
STATUS = {
    "A": GoalStatus.ACHIEVED,
    "P": GoalStatus.PARTLY,
    "N": GoalStatus.NOT_ACHIEVED,
    "S": GoalStatus.POSTPONED,
    "I": GoalStatus.IN_PROGRESS,
    "-": GoalStatus.PLANNED,
}

# fmt: off
# Last year: (owner, theme, goal, status, assessment, evidence; "{y}" is the year).
LAST_YEAR: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("ensikoti", "T1", "Suunnitellaan viikko- ja päiväohjelma sekä ryhmät yhdessä asiakasperheiden kanssa.", "A", "Yhteisökokous pidettiin viikoittain, ja perheet suunnittelivat ohjelmaa.", "Ensikodin yhteisökokousten muistiot {y}"),
    ("ensikoti", "T1", "Tarjotaan doulatukea aktiivisesti kaikille ensikodin perheille.", "P", "Doulatukea tarjottiin, mutta syksyllä vapaaehtoisia oli liian vähän.", "Vapaaehtoistoiminnan tilasto {y}"),
    ("ensikoti", "T2", "Tehdään ensikoti tutuksi kaikille lähettäville tahoille.", "A", "Lähettävät tahot tunsivat palvelun, ja lähetteitä tuli tasaisesti.", "Ensikodin asumisjaksotilasto {y}"),
    ("ensikoti", "T4", "Järjestetään säännöllisesti avointen ovien päiviä ja infoiskuja yhteistyökumppaneille.", "I", "Kaksi avointen ovien päivää pidettiin, syksyn infoiskut ovat vielä pitämättä.", ""),
    ("baby-blues", "T1", "Käynnistetään vertaistukitoiminta raskausajan työhön.", "A", "Raskausajan vertaisryhmä kokoontui keväällä ja syksyllä.", "Baby bluesin ryhmätilasto {y}"),
    ("baby-blues", "T2", "Lisätään vastaanottoaikoja neuvoloihin.", "P", "Vastaanotto alkoi kahdessa neuvolassa, kolmas siirtyi henkilöstövajeen vuoksi.", "Baby bluesin käyntitilasto {y}"),
    ("baby-blues", "T2", "Laajennetaan jalkautuvaa työtä ympäristökuntiin.", "N", "Ympäristökuntiin ei saatu sovittua vastaanottotiloja.", "Yhteistyöpalaverien muistiot {y}"),
    ("peukaloinen", "T1", "Aloitetaan työskentely perheiden kanssa aiemmin ja syvennetään mentalisaatioon perustuvaa työotetta.", "A", "Perheet tulivat ryhmään aiempaa nuorempien vauvojen kanssa.", "Päiväryhmän asiakastilasto {y}"),
    ("perhetupa", "T2", "Pidetään Perhetupa maksuttomana, anonyymina ja matalan kynnyksen kohtaamispaikkana.", "A", "Kävijämäärä pysyi edellisvuoden tasolla, eikä kävijöiltä kysytty henkilötietoja.", "Perhetupan kävijätilasto {y}"),
    ("perhetupa", "T3", "Kehitetään uusia sisäisen yhteistyön muotoja muiden työmuotojen kanssa.", "P", "Yhteiset aamupäivät vauvaperhetyön kanssa alkoivat, muut jäivät suunnitteluun.", "Perhetupan kävijätilasto {y}"),
    ("perhetupa", "T2", "Tuodaan lasten ja perheiden tarpeet rahoittajien tietoon.", "S", "Siirrettiin seuraavaan vuoteen avustushaun aikataulun vuoksi.", ""),
    ("turvakoti", "T1", "Vahvistetaan asiakkaiden osallisuutta ja lapsen oman tilanteen huomioimista.", "A", "Jokaisella jaksolla lapsen kanssa tehtiin oma turvasuunnitelma.", "Turvakodin asiakaspalaute {y}"),
    ("turvakoti", "T2", "Turvataan maksuton, esteetön ja kunnioittava palvelu kaikille väkivaltaa kokeneille.", "A", "Palvelu oli saatavilla ympäri vuorokauden, ja esteettömyys kartoitettiin.", "Turvakodin THL-tilasto {y}"),
    ("turvakoti", "T3", "Koulutetaan koko henkilökunta lapsityöhön.", "P", "Noin puolet henkilökunnasta kävi koulutuksen, loput ovat vuorossa ensi vuonna.", "Koulutussuunnitelman seuranta {y}"),
    ("avokriisityo", "T1", "Vakiinnutetaan asiakaspolku turvakodista avokriisityöhön.", "A", "Lähes kaikille turvakodista lähteneille tarjottiin jatkotapaaminen.", "Avokriisityön käyntitilasto {y}"),
    ("avokriisityo", "T2", "Pidetään lähisuhdeväkivalta näkyvänä mediassa.", "P", "Aiheesta julkaistiin kaksi lehtijuttua, somekampanja jäi toteuttamatta.", "Viestinnän seuranta {y}"),
    ("avokriisityo", "T3", "Koulutetaan työntekijät traumatietoiseen työhön.", "A", "Koko tiimi osallistui traumakoulutukseen.", "Koulutusrekisteri {y}"),
    ("jussi-tyo", "T1", "Käynnistetään miesten vertaisryhmä.", "A", "Ryhmä kokoontui kymmenen kertaa, ja osallistujat suosittelivat sitä muille.", "Jussi-työn ryhmätilasto {y}"),
    ("jussi-tyo", "T2", "Korostetaan viestinnässä palvelun maksuttomuutta ja luottamuksellisuutta.", "A", "Esite ja verkkosivut uudistettiin.", "Verkkosivujen kävijäseuranta {y}"),
    ("jussi-tyo", "T5", "Kerätään asiakaspalaute sähköisellä kyselyllä työskentelyn päättyessä.", "N", "Kysely otettiin käyttöön vasta joulukuussa, eikä vastauksia ehtinyt kertyä.", "Palautekyselyn vastausmäärä {y}"),
    ("lapsityo", "T1", "Laaditaan jokaisen lapsen kanssa oma turvasuunnitelma.", "A", "Turvasuunnitelma tehtiin kaikkien työskentelyyn sitoutuneiden lasten kanssa.", "Lapsityön käyntitilasto {y}"),
    ("lapsityo", "T2", "Uudistetaan lasten esite ja lapsiystävälliset lomakkeet.", "I", "Esite on uudistettu, lomakkeet ovat vielä työn alla.", ""),
    ("lapsityo", "T4", "Liitytään kokemusasiantuntijoiden verkostoon.", "S", "Siirrettiin, koska verkoston toiminta käynnistyi vasta loppuvuodesta.", ""),
    ("tpph", "T2", "Lisätään Nettiturvakodin tunnettuutta kuntalaisten keskuudessa.", "A", "Palvelu esiteltiin teemapäivissä ja kirjastoissa.", "TPPH:n toimintatilasto {y}"),
    ("tpph", "T4", "Juurrutetaan Miniturvallisuusseula yhteistyökumppaneiden perustyöhön.", "P", "Seula on käytössä neuvoloissa, sosiaalitoimistossa vasta kokeiluna.", "Materiaalien jakelutilasto {y}"),
    ("tpph", "T3", "Koordinoidaan seudullista perhe- ja lähisuhdeväkivallan ehkäisyn ryhmää.", "A", "Koordinaatioryhmä kokoontui kuusi kertaa suunnitelman mukaisesti.", "TPPH:n toimintatilasto {y}"),
    ("alvari", "T3", "Ylläpidetään Alvari-työn rakenteita ja lisätään työn näkyvyyttä.", "A", "Työstä kerrottiin kolmessa verkostotapaamisessa, ja lähetteet lisääntyivät.", "Alvari-perhetyön asiakastilasto {y}"),
    ("alvari", "T3", "Ehkäistään kasvatusväkivaltaa perhetyössä kannustavan kasvatuksen keinoin.", "P", "Menetelmää käytettiin osassa perheistä, koulutus jatkuu.", "Perhetyön asiakaspalaute {y}"),
    ("alvari", "T4", "Rakennetaan uusia kumppanuuksia perheiden tarpeiden pohjalta.", "A", "Yhteistyö alkoi kahden uuden kumppanin kanssa.", "Yhteistyösopimukset {y}"),
    ("tapaamispaikka", "T5", "Uudistetaan asiakasperheiden ja yhteistyötahojen palautelomake.", "A", "Uusi lomake otettiin käyttöön keväällä.", "Tapaamispaikan palautekooste {y}"),
    ("tapaamispaikka", "T5", "Kirjataan tapaamiset niin, että kirjaukset soveltuvat valtakunnalliseen arkistoon.", "I", "Kirjausohje on laadittu, henkilöstön koulutus on kesken.", ""),
    ("tapaamispaikka", "T1", "Otetaan lapsi mukaan tapaamisten suunnitteluun.", "A", "Lapsen toiveet kysyttiin aloitustapaamisessa.", "Tapaamispaikan palautekooste {y}"),
    ("ero-lapsiperheessa", "T1", "Järjestetään vertaisryhmiä, joissa vapaaehtoiset hoitavat lapsia ryhmän aikana.", "A", "Kolme ryhmää kokoontui, ja lastenhoito järjestyi joka kerta.", "Ryhmätoiminnan tilasto {y}"),
    ("ero-lapsiperheessa", "T2", "Pidetään ryhmät maksuttomina ja matalan kynnyksen palveluna myös Heinolan toimipisteessä.", "P", "Heinolassa kokoontui yksi ryhmä, toinen peruttiin vähäisen ilmoittautumisen vuoksi.", "Ryhmätoiminnan tilasto {y}"),
    ("ero-lapsiperheessa", "T3", "Huomioidaan perheiden moninaiset rakenteet uusperhetyössä.", "A", "Uusperheryhmän aineisto päivitettiin.", "Ryhmäpalaute {y}"),
    ("@KAVA", "T1", "Kootaan yhdistyksen tapahtumat yhteiseen vuosikelloon.", "A", "Vuosikello otettiin käyttöön kaikissa työmuodoissa.", "Työryhmän muistiot {y}"),
    ("@KAVA", "T5", "Tilastoidaan vapaaehtoisten määrä ja osallistuminen.", "P", "Määrät tilastoitiin, osallistumisen kirjaaminen on vielä kirjavaa.", "Vapaaehtoistoiminnan tilasto {y}"),
    (ASSOCIATION, "T5", "Otetaan arvioiva työote käyttöön kaikissa työmuodoissa.", "P", "Tavoitteet arvioitiin puolivuotiskatsauksessa, mittarit ovat vielä kehitteillä.", "Hallituksen puolivuotiskatsaus {y}"),
    (ASSOCIATION, "T3", "Vahvistetaan yhdistyksen asemaa alueen sosiaali- ja terveyspalveluissa.", "A", "Ostopalvelusopimukset uusittiin hyvinvointialueen kanssa.", "Ostopalvelusopimukset {y}"),
)

# This year: (owner, theme, goal, status, assessment); last year's unfinished ones come too.
THIS_YEAR: tuple[tuple[str, str, str, str, str], ...] = (
    ("ensikoti", "T3", "Kehitetään työtä asiakkaiden ja yhteistyökumppaneiden palautteen pohjalta.", "-", ""),
    ("ensikoti", "T1", "Lisätään kokemusasiantuntijoiden osuutta ensikodin ryhmissä.", "I", "Kokemusasiantuntija on mukana kevään vanhempainryhmässä."),
    ("baby-blues", "T3", "Suunnataan doulatoimintaa myös maahanmuuttajaperheisiin ja synnytyksen jälkeiseen lyhytaikaiseen tukeen.", "-", ""),
    ("baby-blues", "T4", "Rakennetaan yhteistyö pikkulapsipsykiatrian yksikön kanssa.", "-", ""),
    ("peukaloinen", "T2", "Tarjotaan alueen vauvaperheille yhdenvertainen pääsy päiväryhmään.", "-", ""),
    ("perhetupa", "T1", "Suunnitellaan Perhetuvan ohjelmaa yhdessä kävijäperheiden kanssa.", "I", "Kävijöiden toiveet kerättiin helmikuussa, ja kevään ohjelma tehtiin niiden pohjalta."),
    ("perhetupa", "T3", "Pidetään henkilöstön osaaminen ajan tasalla koulutuksilla.", "-", ""),
    ("turvakoti", "T4", "Verkostoidutaan liikunta- ja kulttuuritoimijoiden kanssa lasten vapaa-ajan tueksi.", "-", ""),
    ("turvakoti", "T2", "Kehitetään palveluohjausta turvakotijakson jälkeen.", "-", ""),
    ("avokriisityo", "T4", "Tavataan säännöllisesti seurakunnan diakoniatyön, perhepalvelujen ja nuorisotyön kanssa.", "I", "Ensimmäinen yhteistapaaminen pidettiin maaliskuussa."),
    ("avokriisityo", "T1", "Ohjataan asiakkaita vertaisryhmiin.", "-", ""),
    ("jussi-tyo", "T4", "Osallistutaan perhe- ja lähisuhdeväkivallan ehkäisyn seudulliseen koordinaatioon.", "-", ""),
    ("jussi-tyo", "T3", "Tuodaan lapsen asema vahvemmin esiin työskentelyssä.", "-", ""),
    ("lapsityo", "T3", "Ideoidaan sosiaalisen median sisältöjä lapsille ja nuorille.", "-", ""),
    ("lapsityo", "T5", "Arvioidaan työn vaikutuksia lasten ja vanhempien palautteella.", "-", ""),
    ("tpph", "T4", "Järjestetään työyhteisökohtaisia turvallisuustilaisuuksia.", "I", "Alkuvuonna pidettiin kolme tilaisuutta."),
    ("tpph", "T1", "Osallistutaan kokonaisturvallisuusmessuille yhdessä kumppaneiden kanssa.", "-", ""),
    ("alvari", "T3", "Turvataan työntekijöiden koulutus ja työnohjaus.", "-", ""),
    ("alvari", "T1", "Asetetaan perhetyön tavoitteet yhdessä perheen kanssa.", "-", ""),
    ("tapaamispaikka", "T5", "Dokumentoidaan arjessa saatu palaute.", "-", ""),
    ("tapaamispaikka", "T3", "Siirrytään koordinaattorivetoiseen toimintamalliin.", "-", ""),
    ("ero-lapsiperheessa", "T4", "Vahvistetaan verkostoyhteistyötä ja vertaismentorointia.", "-", ""),
    ("ero-lapsiperheessa", "T1", "Kehitetään uusperhetyötä yhdessä asiakkaiden ja työntekijöiden kanssa.", "-", ""),
    ("@KAVA", "T2", "Aloitetaan yhteistyö hallituksen kanssa vapaaehtois- ja jäsentoiminnassa.", "-", ""),
    (ASSOCIATION, "T4", "Kootaan yhteistyökumppaneiden kanssa alueen perheiden palvelupolut.", "I", "Palvelupolkujen kuvaus on aloitettu kahden työmuodon osalta."),
    (ASSOCIATION, "", "Valmistellaan yhdistyksen seuraava strategia.", "-", ""),
)
# fmt: on


def build(*, organisation: Organisation) -> str | None:
    with scope(organisation=organisation.pk):
        director = User.objects.filter(organisation=organisation, username=DIRECTOR).first()
        if director is None or AnnualGoal.objects.filter(organisation=organisation).exists():
            return None
        with transaction.atomic():
            return _Plan(organisation, director).build()


class _Plan:
    def __init__(self, organisation: Organisation, director: User) -> None:
        self.org = organisation
        self.director = director
        self.this_year = timezone.localdate().year
        self.forms = {f.slug: f for f in ServiceForm.objects.filter(organisation=organisation)}
        self.groups = {
            g.short_name: g for g in WorkingGroup.objects.filter(organisation=organisation)
        }
        self.themes = list(StrategicTheme.objects.filter(organisation=organisation))
        self.keepers: dict[str, User] = {}
        self.counts = {"goals": 0, "assessed": 0, "carried": 0}

    def owner(self, key: str) -> tuple[ServiceForm | None, WorkingGroup | None] | None:
        """The goal's service form and working group; None: the demo has no such owner."""
        if key == ASSOCIATION:
            return None, None
        if key.startswith("@"):
            group = self.groups.get(key[1:])
            return None if group is None else (None, group)
        form = self.forms.get(key)
        return None if form is None else (form, None)

    def keeper(self, key: str) -> User:
        """The form's lead today (the director for the association, a group or a form
        without a lead)."""
        if key not in self.keepers:
            form = self.forms.get(key)
            lead = (
                Membership.objects.active()
                .filter(organisation=self.org, service_form=form, role=Role.LEAD)
                .select_related("user")
                .order_by("pk")
                .first()
                if form is not None
                else None
            )
            self.keepers[key] = lead.user if lead is not None else self.director
        return self.keepers[key]

    def theme(self, code: str, year: int) -> StrategicTheme | None:
        for theme in self.themes:
            if theme.code == code and theme.covers(year):
                return theme
        return None

    def add(self, key: str, code: str, text: str, year: int) -> AnnualGoal | None:
        owner = self.owner(key)
        if owner is None:
            return None
        self.counts["goals"] += 1
        form, group = owner
        return services.goal_add(
            actor=self.keeper(key),
            year=year,
            text=text,
            service_form=form,
            working_group=group,
            theme=self.theme(code, year),
        )

    def assess(self, key: str, goal: AnnualGoal, status: str, text: str, evidence: str) -> None:
        if STATUS[status] == GoalStatus.PLANNED:
            return
        services.goal_assess(
            actor=self.keeper(key),
            goal=goal,
            version=goal.version,
            status=STATUS[status],
            assessment=text,
            evidence=evidence,
        )
        self.counts["assessed"] += 1

    def build(self) -> str:
        last = self.this_year - 1
        for key, code, text, status, assessment, evidence in LAST_YEAR:
            if goal := self.add(key, code, text, last):
                self.assess(key, goal, status, assessment, evidence.format(y=last))
        # Last year's unfinished goals first, as the owners would copy them in January.
        owners = dict.fromkeys(key for key, *_ in LAST_YEAR if not key.startswith("@"))
        for key in owners:  # the association's carry-over takes the working groups' too
            if key != ASSOCIATION and key not in self.forms:
                continue
            copied = services.goals_carry_over(
                actor=self.keeper(key), year=self.this_year, service_form=self.forms.get(key)
            )
            self.counts["carried"] += len(copied)
            self.counts["goals"] += len(copied)
        for key, code, text, status, assessment in THIS_YEAR:
            if goal := self.add(key, code, text, self.this_year):
                self.assess(key, goal, status, assessment, "")
        with_theme = AnnualGoal.objects.filter(organisation=self.org, theme__isnull=False).count()
        return (
            f"Toimintasuunnitelma: {self.counts['goals']} tavoitetta vuosille {last}–"
            f"{self.this_year} ({self.counts['assessed']} arvioitu, {self.counts['carried']} "
            f"siirretty edelliseltä vuodelta, {with_theme} painopisteen alla)"
        )
