"""The sections of a register description as a table: each statement with the fact it needs.

A section is a :class:`Spec` — its key, title and :class:`Line` s. A line is shown when its
``when`` holds for the service form's :class:`~.facts.Facts` (a fact's name, ``"!name"`` for
its negation, or a predicate); ``params`` fills its ``%(...)s`` placeholders; ``verify`` marks
a statement a lawyer or the DPO must still confirm. The retention and safeguards sections are
computed (:mod:`.retention`, :mod:`.safeguards`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from .document import Item, Section, Text
from .facts import Facts

#: A fact's name (``"shelter"``), its negation (``"!social_welfare"``) or a predicate.
When = str | Callable[[Facts], bool] | None


@dataclass(frozen=True)
class Line:
    """One statement of a section, shown when ``when`` holds."""

    text: Text | Callable[[Facts], Text]
    when: When = None
    params: Callable[[Facts], dict[str, Any]] | None = None
    verify: bool = False

    def applies(self, f: Facts) -> bool:
        if self.when is None:
            return True
        if callable(self.when):
            return self.when(f)
        if self.when.startswith("!"):
            return not getattr(f, self.when[1:])
        return bool(getattr(f, self.when))

    def item(self, f: Facts) -> Item:
        text = self.text(f) if callable(self.text) else self.text
        if self.params is not None:
            text = text % self.params(f)
        return Item(text, verify=self.verify)


@dataclass(frozen=True)
class Spec:
    key: str
    title: Text
    lines: tuple[Line, ...] = ()

    def build(self, f: Facts) -> Section:
        return Section(
            self.key, self.title, [line.item(f) for line in self.lines if line.applies(f)]
        )


def _purchasers(f: Facts) -> dict[str, Any]:
    return {"purchasers": ", ".join(f.purchasers)}


def _form(f: Facts) -> dict[str, Any]:
    return {"form": f.name}


CONTROLLER = Spec(
    "controller",
    _("Rekisterinpitäjä"),
    (
        Line(
            _(
                "Kun hyvinvointialue tai kunta ostaa palvelun (%(purchasers)s), se voi olla "
                "rekisterinpitäjä ja yhdistys käsittelee tietoja sen lukuun."
            ),
            when="purchasers",
            params=_purchasers,
            verify=True,
        ),
        Line(
            _(
                "Työmuotoa hallinnoi kumppani (%(partner)s); rekisterinpitäjyyden jako on "
                "sovittava kirjallisesti."
            ),
            when="operating_partner",
            params=lambda f: {"partner": f.operating_partner},
            verify=True,
        ),
    ),
)

REGISTER = Spec(
    "register",
    _("Rekisterin nimi ja laji"),
    (
        Line(_("%(form)s: asiakasrekisteri"), params=_form),
        Line(lambda f: f.register_label),
        Line(
            _(
                "Asiakasasiakirjoihin sovelletaan lakia sosiaali- ja terveydenhuollon "
                "asiakastietojen käsittelystä (703/2023)."
            ),
            when="social_welfare",
        ),
        Line(
            _(
                "Matalan kynnyksen toimintaa, joka ei ole lakisääteistä sosiaalihuoltoa; "
                "laki 703/2023 ei koske rekisteriä."
            ),
            when="!social_welfare",
            verify=True,
        ),
        Line(
            _("Työmuoto ei ole enää toiminnassa; tiedot säilytetään säilytysajan loppuun."),
            when="!active",
        ),
    ),
)

PURPOSE = Spec(
    "purpose",
    _("Henkilötietojen käsittelyn tarkoitus"),
    (
        Line(
            _(
                "Asiakastyön suunnittelu, toteuttaminen ja seuranta työmuodossa %(form)s sekä "
                "siihen liittyvä kirjaaminen."
            ),
            params=_form,
        ),
        Line(_("Asumispaikkojen, asumisjaksojen ja hoitovuorokausien hallinta."), "residential"),
        Line(
            _("Hoitovuorokausien laskutus maksusitoumuksen antaneelle maksajalle."), "residential"
        ),
        Line(_("Turvakotipalvelujen lakisääteinen tilastointi THL:lle koostetietoina."), "shelter"),
        Line(
            _(
                "Valvottujen ja tuettujen tapaamisten järjestäminen tapaamispäätöksen tai "
                "-sopimuksen mukaisesti, ja tapaamisten laskutus."
            ),
            "visitation",
        ),
        Line(_("Ryhmien, ryhmäkertojen ja läsnäolojen hallinta."), "group"),
        Line(_("Käsittelyn valvonta: käyttöloki jokaisesta asiakastietojen käsittelystä.")),
    ),
)

LEGAL_BASIS = Spec(
    "legal_basis",
    _("Käsittelyn oikeusperuste"),
    (
        Line(
            _(
                "Lakisääteisen velvoitteen noudattaminen ja yleisen edun mukainen tehtävä "
                "(tietosuoja-asetus 6 artiklan 1 kohdan c ja e alakohta)."
            ),
            "social_welfare",
            verify=True,
        ),
        Line(
            _(
                "Erityiset henkilötietoryhmät: sosiaalihuolto (tietosuoja-asetus 9 artiklan "
                "2 kohdan h alakohta; tietosuojalaki 1050/2018 6 §)."
            ),
            "social_welfare",
            verify=True,
        ),
        Line(
            _(
                "Laki sosiaali- ja terveydenhuollon asiakastietojen käsittelystä (703/2023) ja "
                "sosiaalihuoltolaki (1301/2014)."
            ),
            "social_welfare",
        ),
        Line(
            _(
                "Rekisteröidyn suostumus tai yhdistyksen oikeutettu etu (tietosuoja-asetus "
                "6 artiklan 1 kohdan a tai f alakohta); erityisiin henkilötietoryhmiin "
                "nimenomainen suostumus (9 artiklan 2 kohdan a alakohta)."
            ),
            "!social_welfare",
            verify=True,
        ),
        Line(
            _(
                "Laki valtion varoista maksettavasta korvauksesta turvakotipalvelujen "
                "tuottajalle (1354/2014)."
            ),
            "shelter",
        ),
        Line(
            _(
                "Tapaamisten perusteena on tuomioistuimen päätös, vahvistettu sopimus tai "
                "sosiaalihuollon päätös (laki lapsen huollosta ja tapaamisoikeudesta 361/1983)."
            ),
            "visitation",
            verify=True,
        ),
        Line(
            _(
                "Rikoksiin liittyviä tietoja käsitellään vain siltä osin kuin väkivaltatyö sitä "
                "edellyttää (tietosuoja-asetus 10 artikla; tietosuojalaki 1050/2018 7 §)."
            ),
            "perpetrator_side",
            verify=True,
        ),
    ),
)

SUBJECTS = Spec(
    "subjects",
    _("Rekisteröityjen ryhmät"),
    (
        Line(_("Työmuodon asiakkaat")),
        Line(_("Lapset asiakkaina tai perheenjäseninä"), "children"),
        Line(_("Odottavat vanhemmat (raskausajan asuminen)"), "pregnancy"),
        Line(_("Asiakkaiden perheenjäsenet, läheiset ja muut asiakkuuteen osallistuvat henkilöt")),
        Line(
            _(
                "Tapaamisten osapuolet: lapsi, tapaava vanhempi, lähivanhempi tai sijaisperhe "
                "ja muut läheiset"
            ),
            "visitation",
        ),
        Line(_("Väkivaltaa käyttänyt osapuoli siltä osin kuin hänestä kirjataan"), "victim_side"),
        Line(
            _("Väkivaltaa kokenut osapuoli ja perheen lapset siltä osin kuin heistä kirjataan"),
            "perpetrator_side",
        ),
        Line(_("Nimettöminä asioivat asiakkaat (peitenimellä)"), "anonymous"),
        Line(_("Tietoja käsittelevät työntekijät (käyttöloki)")),
    ),
)

DATA = Spec(
    "data",
    _("Henkilötietoryhmät"),
    (
        Line(
            _(
                "Perustiedot: nimi, henkilötunnus tai syntymäaika, sukupuoli, äidinkieli ja "
                "asiointikielet, tulkin tarve"
            )
        ),
        Line(
            _(
                "Yhteystiedot ja kotikunta; turvakielto tai oma turvapäätös ja yhteysosoite. "
                "Turvakiellon alaiset tiedot piilotetaan oletuksena kaikkialla."
            )
        ),
        Line(_("Perhesuhteet ja kotitaloudet")),
        Line(
            _(
                "Asiakkuustiedot: yhteydenotto, ohjaava taho, palvelutehtävä, suunnitelma ja "
                "tavoitteet, verkostopalaverit, lähetteet ja suostumukset"
            )
        ),
        Line(
            _(
                "Asiakaskirjaukset ja liitteet (sosiaalihuollon asiakasasiakirjat); voivat "
                "sisältää terveyttä ja muita erityisiin henkilötietoryhmiin kuuluvia tietoja"
            ),
            "social_welfare",
        ),
        Line(
            _(
                "Toimintaan osallistumista koskevat kirjaukset; voivat sisältää erityisiin "
                "henkilötietoryhmiin kuuluvia tietoja"
            ),
            "!social_welfare",
        ),
        Line(_("Ajanvaraukset ja käynnit")),
        Line(
            _("Asumisjaksot, asumispaikat, hoitovuorokaudet, maksajaryhmä ja jatkosijoitus"),
            "residential",
        ),
        Line(
            _("Maksusitoumukset: maksaja, kotikunta, päätöksen viite ja voimassaolo"),
            "residential",
        ),
        Line(_("Raskaus, odotetun lapsen laskettu aika ja syntymän kirjaus"), "pregnancy"),
        Line(
            _(
                "THL:n turvakotitilaston tiedot: asiakkaan asema, väkivallan muodot, suhde "
                "väkivallan käyttäjään, ohjautuminen, aiemmat jaksot, väkivallan kesto, ikäryhmä"
            ),
            "shelter",
        ),
        Line(
            _("Tiedot koetusta tai käytetystä väkivallasta"),
            lambda f: f.victim_side or f.perpetrator_side,
        ),
        Line(
            _(
                "Rikoksiin liittyvät tiedot, kuten lähestymiskiellot ja rikosilmoitukset, "
                "siltä osin kuin työ sitä edellyttää"
            ),
            "perpetrator_side",
            verify=True,
        ),
        Line(
            _(
                "Tapaamispäätökset ja -sopimukset, osapuolet, turvajärjestelyt, tapaamisten "
                "kulku ja keskeytykset, maksava kunta"
            ),
            "visitation",
        ),
        Line(_("Ryhmiin osallistuminen ja läsnäolot"), "group"),
        Line(_("Kävijämäärät kirjataan nimettöminä laskureina, ilman henkilötietoja"), "drop_in"),
        Line(
            _(
                "Nimettömästä asiakkaasta vain peitenimi, sukupuoli ja syntymävuosi, kunnes "
                "asiakas itse kertoo henkilöllisyytensä"
            ),
            "anonymous",
        ),
        Line(_("Käyttöloki: kuka käsitteli tietoja, milloin, mitä ja millä perusteella")),
    ),
)

SOURCES = Spec(
    "sources",
    _("Säännönmukaiset tietolähteet"),
    (
        Line(_("Asiakas itse sekä hänen huoltajansa tai edustajansa")),
        Line(
            _(
                "Ohjaavat tahot asiakkaan suostumuksella tai lain nojalla (esimerkiksi "
                "sosiaalitoimi, lastensuojelu, neuvola, poliisi)"
            )
        ),
        Line(_("Yhdistyksen muut työmuodot asiakkaan suostumuksella (lähete)")),
        Line(
            _(
                "Tapaamisen määrännyt tai vahvistanut taho (käräjäoikeus, lastenvalvoja, "
                "sosiaalihuolto)"
            ),
            "visitation",
        ),
        Line(_("Palvelun ostaja (%(purchasers)s)"), "purchasers", params=_purchasers),
    ),
)

RECIPIENTS = Spec(
    "recipients",
    _("Säännönmukaiset luovutukset"),
    (
        Line(
            _(
                "Terveyden ja hyvinvoinnin laitos (THL): turvakotipalvelujen vuositilasto "
                "koostetietoina (laki 1354/2014); henkilötietoja ei luovuteta"
            ),
            "shelter",
        ),
        Line(
            _(
                "Maksusitoumuksen antanut kunta tai hyvinvointialue: laskutuksen tiedot "
                "(asiakkaan nimi, hoitovuorokaudet ja jakso)"
            ),
            "residential",
        ),
        Line(_("Lapsen kotikunta tai hyvinvointialue: tapaamisten laskutus"), "visitation"),
        Line(
            _("Tapaamisen määrännyt tai tilannut taho: yhteenvedot ja selvitykset pyydettäessä"),
            "visitation",
            verify=True,
        ),
        Line(
            _(
                "Palvelun ostaja (%(purchasers)s): ostopalvelusopimuksen mukaiset asiakastiedot "
                "ja laskutus"
            ),
            "purchasers",
            params=_purchasers,
            verify=True,
        ),
        Line(
            _(
                "Lastensuojelu: lastensuojeluilmoitus lain velvoittamana (lastensuojelulaki "
                "417/2007 25 §)"
            ),
            lambda f: f.children and f.social_welfare,
        ),
        Line(
            _(
                "Muut viranomaiset vain lain nojalla (esimerkiksi poliisi tai tuomioistuin) ja "
                "muut palvelut asiakkaan suostumuksella"
            )
        ),
        Line(
            _(
                "Kanta-palvelujen sosiaalihuollon asiakastiedon arkisto: järjestelmää ei ole "
                "liitetty arkistoon"
            ),
            "social_welfare",
            verify=True,
        ),
        Line(
            _(
                "Tietoja ei siirretä EU:n tai ETA:n ulkopuolelle. Järjestelmä ei käytä "
                "ulkopuolisia palveluja (ei sisällönjakeluverkkoa eikä analytiikkaa)."
            )
        ),
        Line(_("Palvelimen ja varmuuskopioiden sijainti riippuu käyttöönotosta."), verify=True),
    ),
)

RIGHTS = Spec(
    "rights",
    _("Rekisteröidyn oikeudet"),
    (
        Line(
            _(
                "Oikeus tarkastaa omat tietonsa (tietosuoja-asetus 15 artikla). Oikeutta voidaan "
                "rajoittaa, jos tietojen antaminen vaarantaisi toisen henkilön oikeudet "
                "(tietosuojalaki 1050/2018 34 §)."
            ),
            verify=True,
        ),
        Line(
            _(
                "Oikeus saada tieto siitä, kuka on käsitellyt omia tietoja ja millä perusteella "
                "(lokiote, laki 703/2023)"
            )
        ),
        Line(_("Oikeus vaatia tietojen oikaisemista; kirjauksen alkuperäinen versio säilyy")),
        Line(
            _(
                "Oikeus vaatia käsittelyn rajoittamista. Tietoja ei voi poistaa lakisääteisen "
                "säilytysajan kuluessa (tietosuoja-asetus 17 artiklan 3 kohta)."
            )
        ),
        Line(_("Oikeus tehdä valitus tietosuojavaltuutetun toimistolle (tietosuoja.fi)")),
        Line(_("Automaattista päätöksentekoa tai profilointia ei tehdä")),
    ),
)

NOTES = Spec("notes", _("Muut tiedot"))


#: The title of the safeguards section (its items: :func:`.safeguards.safeguards`).
SAFEGUARDS_TITLE = _("Suojauksen periaatteet")
