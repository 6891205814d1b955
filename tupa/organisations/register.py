"""The register description (*rekisteriseloste / tietosuojaseloste*, GDPR Art 30) of a service form.

Generated from the configuration: the service form's register, kind, violence-work side,
anonymous intake, pregnancy stays, funders (purchase agreements), operating partner, the
default service task (which decides retention) and the security settings actually in force.
The administrator adds prose (``RegisterDescription``, with change history) that is shown next
to the generated text and never replaces it. Nothing here reads a person: the description holds
organisational data only, so its public version (``privacy:*``) may be shown without login.

Each generated statement is an :class:`Item`. ``verify`` marks a statement a lawyer or the DPO
must still confirm (finnish-requirements.md "[verify]"); ``detail`` is shown only inside the
organisation (it names the settings in force, which the public need not know). Docs:
docs/data-protection.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from .models import (
    DataProtectionProfile,
    Organisation,
    RegisterDescription,
    ServiceForm,
    ServiceFormFunding,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

Text = str | Promise


@dataclass(frozen=True)
class Item:
    """One generated statement."""

    text: Text
    verify: bool = False
    detail: Text = ""  # shown inside the organisation only (settings in force)
    ok: bool = True  # False: a safeguard that is NOT in force (shown as a warning)


@dataclass
class Section:
    key: str
    title: Text
    items: list[Item] = field(default_factory=list)
    prose: str = ""  # the administrator's text for this section

    def add(self, text: Text, **kwargs: Any) -> None:
        self.items.append(Item(text, **kwargs))


@dataclass
class Description:
    organisation: Organisation
    service_form: ServiceForm
    profile: DataProtectionProfile | None
    prose: RegisterDescription | None
    sections: list[Section]
    internal: bool

    @property
    def verify_count(self) -> int:
        return sum(1 for s in self.sections for i in s.items if i.verify)

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


# --------------------------------------------------------------------------- retention

#: Retention by service task (*palvelutehtävä*) from finnish-requirements.md §5 (Act 703/2023 and
#: the National Archives' definition). **[verify]**: the numbers are not in the code yet — no
#: retention is computed and nothing expires; this table only describes the rule.
RETENTION: dict[str, Text] = {
    "child_family": _("30 vuotta asiakkuuden päättymisestä"),
    "child_welfare": _("2 vuotta asiakkaan kuolemasta"),
    "working_age": _("10 vuotta asiakkuuden päättymisestä"),
    "family_law": _("lasta koskevat 120 vuotta lapsen syntymästä, muut 10 vuotta"),
    "own_activity": _("ei säädetty laissa; yhdistys päättää itse"),
}

#: Service tasks whose records concern children.
CHILD_TASKS = frozenset({"child_family", "child_welfare", "family_law"})
#: Kinds of work in which children take part as clients or family members.
CHILD_KINDS = frozenset(
    {
        ServiceForm.Kind.RESIDENTIAL,
        ServiceForm.Kind.VISITATION,
        ServiceForm.Kind.DROP_IN,
        ServiceForm.Kind.GROUP,
        ServiceForm.Kind.VOLUNTEER,
    }
)


def _task_label(task: str) -> Text:
    from tupa.episodes.models import ServiceTask

    try:
        return ServiceTask(task).label
    except ValueError:
        return task


def _retention(task: str) -> Text:
    return RETENTION.get(task, _("ei määritelty"))


# --------------------------------------------------------------------------- facts


@dataclass(frozen=True)
class Facts:
    """What the configuration says about a service form, as the description needs it."""

    register: str
    kind: str
    residential: bool
    shelter: bool
    visitation: bool
    group: bool
    drop_in: bool
    victim_side: bool
    perpetrator_side: bool
    anonymous: bool
    pregnancy: bool
    children: bool
    adult_task: str
    child_task: str
    tasks_in_use: tuple[str, ...]
    purchasers: tuple[str, ...]
    operating_partner: str

    @property
    def social_welfare(self) -> bool:
        return self.register == ServiceForm.Register.SOCIAL_WELFARE

    @property
    def own_activity(self) -> bool:
        return self.register == ServiceForm.Register.OWN_ACTIVITY


def facts_of(service_form: ServiceForm, *, internal: bool = True) -> Facts:
    """Derive the facts from the service form's configuration (no person data is read)."""
    from tupa.episodes.models import Episode, Participant
    from tupa.episodes.services import default_service_task
    from tupa.residential.thl_services import is_shelter

    kind = service_form.kind
    adult_task = str(default_service_task(service_form))
    child_task = str(default_service_task(service_form, role=Participant.Role.CHILD))
    tasks_in_use: tuple[str, ...] = ()
    if internal:
        # Which service tasks the form's episodes actually carry (a worker may choose another
        # than the default, e.g. a child-welfare placement). Values only, never a person.
        with scopes_disabled():
            tasks_in_use = tuple(
                sorted(
                    set(
                        Episode.objects.filter(service_form=service_form)
                        .order_by()
                        .values_list("service_task", flat=True)
                        .distinct()
                    )
                    - {adult_task, child_task}
                )
            )
    with scopes_disabled():
        fundings = list(
            ServiceFormFunding.objects.filter(
                service_form=service_form, type=ServiceFormFunding.Type.PURCHASE_AGREEMENT
            ).select_related("funder__partner")
        )
    purchasers = tuple(
        sorted({str(f.funder.partner or f.funder) for f in fundings}, key=str.casefold)
    )
    partner = ""
    if service_form.operator != ServiceForm.Operator.OWN and service_form.operating_partner_id:
        with scopes_disabled():
            partner = str(service_form.operating_partner)
    pregnancy = kind == ServiceForm.Kind.RESIDENTIAL and service_form.pregnancy_stays
    return Facts(
        register=service_form.register,
        kind=kind,
        residential=kind == ServiceForm.Kind.RESIDENTIAL,
        shelter=is_shelter(service_form),
        visitation=kind == ServiceForm.Kind.VISITATION,
        group=kind == ServiceForm.Kind.GROUP,
        drop_in=kind == ServiceForm.Kind.DROP_IN,
        victim_side=service_form.violence_work == "victim",
        perpetrator_side=service_form.violence_work == "perpetrator",
        anonymous=service_form.anonymous_allowed,
        pregnancy=pregnancy,
        children=pregnancy or kind in CHILD_KINDS or child_task in CHILD_TASKS,
        adult_task=adult_task,
        child_task=child_task,
        tasks_in_use=tasks_in_use,
        purchasers=purchasers,
        operating_partner=partner,
    )


# --------------------------------------------------------------------------- sections


def _controller(f: Facts) -> Section:
    s = Section("controller", _("Rekisterinpitäjä"))
    if f.purchasers:
        s.add(
            _(
                "Kun hyvinvointialue tai kunta ostaa palvelun (%(purchasers)s), se voi olla "
                "rekisterinpitäjä ja yhdistys käsittelee tietoja sen lukuun."
            )
            % {"purchasers": ", ".join(f.purchasers)},
            verify=True,
        )
    if f.operating_partner:
        s.add(
            _(
                "Työmuotoa hallinnoi kumppani (%(partner)s); rekisterinpitäjyyden jako on "
                "sovittava kirjallisesti."
            )
            % {"partner": f.operating_partner},
            verify=True,
        )
    return s


def _register(f: Facts, service_form: ServiceForm) -> Section:
    s = Section("register", _("Rekisterin nimi ja laji"))
    s.add(_("%(form)s: asiakasrekisteri") % {"form": service_form.name})
    s.add(capfirst(service_form.get_register_display()))
    if f.social_welfare:
        s.add(
            _(
                "Asiakasasiakirjoihin sovelletaan lakia sosiaali- ja terveydenhuollon "
                "asiakastietojen käsittelystä (703/2023)."
            )
        )
    else:
        s.add(
            _(
                "Matalan kynnyksen toimintaa, joka ei ole lakisääteistä sosiaalihuoltoa; "
                "laki 703/2023 ei koske rekisteriä."
            ),
            verify=True,
        )
    if not service_form.active:
        s.add(_("Työmuoto ei ole enää toiminnassa; tiedot säilytetään säilytysajan loppuun."))
    return s


def _purpose(f: Facts, service_form: ServiceForm) -> Section:
    s = Section("purpose", _("Henkilötietojen käsittelyn tarkoitus"))
    s.add(
        _(
            "Asiakastyön suunnittelu, toteuttaminen ja seuranta työmuodossa %(form)s sekä "
            "siihen liittyvä kirjaaminen."
        )
        % {"form": service_form.name}
    )
    if f.residential:
        s.add(_("Asumispaikkojen, asumisjaksojen ja hoitovuorokausien hallinta."))
        s.add(_("Hoitovuorokausien laskutus maksusitoumuksen antaneelle maksajalle."))
    if f.shelter:
        s.add(_("Turvakotipalvelujen lakisääteinen tilastointi THL:lle koostetietoina."))
    if f.visitation:
        s.add(
            _(
                "Valvottujen ja tuettujen tapaamisten järjestäminen tapaamispäätöksen tai "
                "-sopimuksen mukaisesti, ja tapaamisten laskutus."
            )
        )
    if f.group:
        s.add(_("Ryhmien, ryhmäkertojen ja läsnäolojen hallinta."))
    s.add(_("Käsittelyn valvonta: käyttöloki jokaisesta asiakastietojen käsittelystä."))
    return s


def _legal_basis(f: Facts) -> Section:
    s = Section("legal_basis", _("Käsittelyn oikeusperuste"))
    if f.social_welfare:
        s.add(
            _(
                "Lakisääteisen velvoitteen noudattaminen ja yleisen edun mukainen tehtävä "
                "(tietosuoja-asetus 6 artiklan 1 kohdan c ja e alakohta)."
            ),
            verify=True,
        )
        s.add(
            _(
                "Erityiset henkilötietoryhmät: sosiaalihuolto (tietosuoja-asetus 9 artiklan "
                "2 kohdan h alakohta; tietosuojalaki 1050/2018 6 §)."
            ),
            verify=True,
        )
        s.add(
            _(
                "Laki sosiaali- ja terveydenhuollon asiakastietojen käsittelystä (703/2023) ja "
                "sosiaalihuoltolaki (1301/2014)."
            )
        )
    else:
        s.add(
            _(
                "Rekisteröidyn suostumus tai yhdistyksen oikeutettu etu (tietosuoja-asetus "
                "6 artiklan 1 kohdan a tai f alakohta); erityisiin henkilötietoryhmiin "
                "nimenomainen suostumus (9 artiklan 2 kohdan a alakohta)."
            ),
            verify=True,
        )
    if f.shelter:
        s.add(
            _(
                "Laki valtion varoista maksettavasta korvauksesta turvakotipalvelujen "
                "tuottajalle (1354/2014)."
            )
        )
    if f.visitation:
        s.add(
            _(
                "Tapaamisten perusteena on tuomioistuimen päätös, vahvistettu sopimus tai "
                "sosiaalihuollon päätös (laki lapsen huollosta ja tapaamisoikeudesta 361/1983)."
            ),
            verify=True,
        )
    if f.perpetrator_side:
        s.add(
            _(
                "Rikoksiin liittyviä tietoja käsitellään vain siltä osin kuin väkivaltatyö sitä "
                "edellyttää (tietosuoja-asetus 10 artikla; tietosuojalaki 1050/2018 7 §)."
            ),
            verify=True,
        )
    return s


def _subjects(f: Facts) -> Section:
    s = Section("subjects", _("Rekisteröityjen ryhmät"))
    s.add(_("Työmuodon asiakkaat"))
    if f.children:
        s.add(_("Lapset asiakkaina tai perheenjäseninä"))
    if f.pregnancy:
        s.add(_("Odottavat vanhemmat (raskausajan asuminen)"))
    s.add(_("Asiakkaiden perheenjäsenet, läheiset ja muut asiakkuuteen osallistuvat henkilöt"))
    if f.visitation:
        s.add(
            _(
                "Tapaamisten osapuolet: lapsi, tapaava vanhempi, lähivanhempi tai sijaisperhe "
                "ja muut läheiset"
            )
        )
    if f.victim_side:
        s.add(_("Väkivaltaa käyttänyt osapuoli siltä osin kuin hänestä kirjataan"))
    if f.perpetrator_side:
        s.add(_("Väkivaltaa kokenut osapuoli ja perheen lapset siltä osin kuin heistä kirjataan"))
    if f.anonymous:
        s.add(_("Nimettöminä asioivat asiakkaat (peitenimellä)"))
    s.add(_("Tietoja käsittelevät työntekijät (käyttöloki)"))
    return s


def _data(f: Facts) -> Section:
    s = Section("data", _("Henkilötietoryhmät"))
    s.add(
        _(
            "Perustiedot: nimi, henkilötunnus tai syntymäaika, sukupuoli, äidinkieli ja "
            "asiointikielet, tulkin tarve"
        )
    )
    s.add(
        _(
            "Yhteystiedot ja kotikunta; turvakielto tai oma turvapäätös ja yhteysosoite. "
            "Turvakiellon alaiset tiedot piilotetaan oletuksena kaikkialla."
        )
    )
    s.add(_("Perhesuhteet ja kotitaloudet"))
    s.add(
        _(
            "Asiakkuustiedot: yhteydenotto, ohjaava taho, palvelutehtävä, suunnitelma ja "
            "tavoitteet, verkostopalaverit, lähetteet ja suostumukset"
        )
    )
    if f.social_welfare:
        s.add(
            _(
                "Asiakaskirjaukset ja liitteet (sosiaalihuollon asiakasasiakirjat); voivat "
                "sisältää terveyttä ja muita erityisiin henkilötietoryhmiin kuuluvia tietoja"
            )
        )
    else:
        s.add(
            _(
                "Toimintaan osallistumista koskevat kirjaukset; voivat sisältää erityisiin "
                "henkilötietoryhmiin kuuluvia tietoja"
            )
        )
    s.add(_("Ajanvaraukset ja käynnit"))
    if f.residential:
        s.add(_("Asumisjaksot, asumispaikat, hoitovuorokaudet, maksajaryhmä ja jatkosijoitus"))
        s.add(_("Maksusitoumukset: maksaja, kotikunta, päätöksen viite ja voimassaolo"))
    if f.pregnancy:
        s.add(_("Raskaus, odotetun lapsen laskettu aika ja syntymän kirjaus"))
    if f.shelter:
        s.add(
            _(
                "THL:n turvakotitilaston tiedot: asiakkaan asema, väkivallan muodot, suhde "
                "väkivallan käyttäjään, ohjautuminen, aiemmat jaksot, väkivallan kesto, ikäryhmä"
            )
        )
    if f.victim_side or f.perpetrator_side:
        s.add(_("Tiedot koetusta tai käytetystä väkivallasta"))
    if f.perpetrator_side:
        s.add(
            _(
                "Rikoksiin liittyvät tiedot, kuten lähestymiskiellot ja rikosilmoitukset, "
                "siltä osin kuin työ sitä edellyttää"
            ),
            verify=True,
        )
    if f.visitation:
        s.add(
            _(
                "Tapaamispäätökset ja -sopimukset, osapuolet, turvajärjestelyt, tapaamisten "
                "kulku ja keskeytykset, maksava kunta"
            )
        )
    if f.group:
        s.add(_("Ryhmiin osallistuminen ja läsnäolot"))
    if f.drop_in:
        s.add(_("Kävijämäärät kirjataan nimettöminä laskureina, ilman henkilötietoja"))
    if f.anonymous:
        s.add(
            _(
                "Nimettömästä asiakkaasta vain peitenimi, sukupuoli ja syntymävuosi, kunnes "
                "asiakas itse kertoo henkilöllisyytensä"
            )
        )
    s.add(_("Käyttöloki: kuka käsitteli tietoja, milloin, mitä ja millä perusteella"))
    return s


def _sources(f: Facts) -> Section:
    s = Section("sources", _("Säännönmukaiset tietolähteet"))
    s.add(_("Asiakas itse sekä hänen huoltajansa tai edustajansa"))
    s.add(
        _(
            "Ohjaavat tahot asiakkaan suostumuksella tai lain nojalla (esimerkiksi sosiaalitoimi, "
            "lastensuojelu, neuvola, poliisi)"
        )
    )
    s.add(_("Yhdistyksen muut työmuodot asiakkaan suostumuksella (lähete)"))
    if f.visitation:
        s.add(
            _(
                "Tapaamisen määrännyt tai vahvistanut taho (käräjäoikeus, lastenvalvoja, "
                "sosiaalihuolto)"
            )
        )
    if f.purchasers:
        s.add(_("Palvelun ostaja (%(purchasers)s)") % {"purchasers": ", ".join(f.purchasers)})
    return s


def _recipients(f: Facts) -> Section:
    s = Section("recipients", _("Säännönmukaiset luovutukset"))
    if f.shelter:
        s.add(
            _(
                "Terveyden ja hyvinvoinnin laitos (THL): turvakotipalvelujen vuositilasto "
                "koostetietoina (laki 1354/2014); henkilötietoja ei luovuteta"
            )
        )
    if f.residential:
        s.add(
            _(
                "Maksusitoumuksen antanut kunta tai hyvinvointialue: laskutuksen tiedot "
                "(asiakkaan nimi, hoitovuorokaudet ja jakso)"
            )
        )
    if f.visitation:
        s.add(_("Lapsen kotikunta tai hyvinvointialue: tapaamisten laskutus"))
        s.add(
            _("Tapaamisen määrännyt tai tilannut taho: yhteenvedot ja selvitykset pyydettäessä"),
            verify=True,
        )
    if f.purchasers:
        s.add(
            _(
                "Palvelun ostaja (%(purchasers)s): ostopalvelusopimuksen mukaiset asiakastiedot "
                "ja laskutus"
            )
            % {"purchasers": ", ".join(f.purchasers)},
            verify=True,
        )
    if f.children and f.social_welfare:
        s.add(
            _(
                "Lastensuojelu: lastensuojeluilmoitus lain velvoittamana (lastensuojelulaki "
                "417/2007 25 §)"
            )
        )
    s.add(
        _(
            "Muut viranomaiset vain lain nojalla (esimerkiksi poliisi tai tuomioistuin) ja muut "
            "palvelut asiakkaan suostumuksella"
        )
    )
    if f.social_welfare:
        s.add(
            _(
                "Kanta-palvelujen sosiaalihuollon asiakastiedon arkisto: järjestelmää ei ole "
                "liitetty arkistoon"
            ),
            verify=True,
        )
    s.add(
        _(
            "Tietoja ei siirretä EU:n tai ETA:n ulkopuolelle. Järjestelmä ei käytä ulkopuolisia "
            "palveluja (ei sisällönjakeluverkkoa eikä analytiikkaa)."
        )
    )
    s.add(_("Palvelimen ja varmuuskopioiden sijainti riippuu käyttöönotosta."), verify=True)
    return s


def _retention_section(f: Facts, *, internal: bool) -> Section:
    s = Section("retention", _("Säilytysaika"))
    s.add(
        _("Aikuisen asiakkaan asiakirjat (oletuspalvelutehtävä %(task)s): %(period)s")
        % {"task": _task_label(f.adult_task), "period": _retention(f.adult_task)},
        verify=True,
    )
    if f.children:
        s.add(
            _("Lapsen asiakirjat (oletuspalvelutehtävä %(task)s): %(period)s")
            % {"task": _task_label(f.child_task), "period": _retention(f.child_task)},
            verify=True,
        )
    if internal:
        for task in f.tasks_in_use:
            s.add(
                _("Asiakkuudet, joille on valittu palvelutehtävä %(task)s: %(period)s")
                % {"task": _task_label(task), "period": _retention(task)},
                verify=True,
            )
    if f.social_welfare:
        s.add(
            _("Asiakassuhdeasiakirja ja asiakkaan perustiedot: 2 vuotta asiakkaan kuolemasta"),
            verify=True,
        )
    s.add(
        _("Käyttöloki: vähintään 12 vuotta, eikä koskaan lyhyemmin kuin tieto, jota se koskee"),
        verify=True,
    )
    s.add(
        _(
            "Järjestelmä ei vielä laske säilytysaikoja eikä anonymisoi vanhentuneita tietoja "
            "automaattisesti."
        ),
        verify=True,
    )
    return s


def safeguards(f: Facts | None = None) -> list[Item]:
    """The technical and organisational safeguards in force, read from the running settings."""
    items: list[Item] = [
        Item(
            _(
                "Pääsy asiakastietoihin vain työtehtävän perusteella: työmuodon jäsenyys, nimetty "
                "työpari, asiakkaan suostumus tai perusteltu, määräaikainen ja esihenkilön "
                "tarkastama hätäpääsy"
            )
        ),
    ]
    atomic = bool(settings.DATABASES["default"].get("ATOMIC_REQUESTS"))
    items.append(
        Item(
            _(
                "Jokaisesta asiakastietojen käsittelystä kirjataan käyttöloki; jos kirjaus "
                "epäonnistuu, tietoja ei näytetä"
            ),
            detail=_("ATOMIC_REQUESTS käytössä") if atomic else _("ATOMIC_REQUESTS EI käytössä"),
            ok=atomic,
        )
    )
    items.append(Item(_("Käyttölokia ja turvallisuustapahtumia ei voi muuttaa eikä poistaa")))
    if settings.TUPA_REQUIRE_2FA:
        items.append(Item(_("Kaksivaiheinen tunnistautuminen kaikille työntekijöille")))
    else:
        items.append(
            Item(
                _("Kaksivaiheinen tunnistautuminen ei ole käytössä (sallittu vain demossa)"),
                ok=False,
            )
        )
    limit = getattr(settings, "AXES_FAILURE_LIMIT", None)
    cooloff = getattr(settings, "AXES_COOLOFF_TIME", None)
    items.append(
        Item(
            _("Käyttäjätunnus lukitaan toistuvien epäonnistuneiden kirjautumisten jälkeen"),
            detail=_("%(limit)s yritystä, lukitus %(minutes)s min")
            % {
                "limit": limit,
                "minutes": int(cooloff.total_seconds() // 60) if cooloff else "–",
            },
        )
    )
    items.append(
        Item(
            _("Istunto päättyy käyttämättömänä ja viimeistään enimmäisajan jälkeen"),
            detail=_("%(idle)s min käyttämättömänä, enintään %(hours)s h")
            % {
                "idle": int(settings.TUPA_SESSION_IDLE_TIMEOUT.total_seconds() // 60),
                "hours": int(settings.TUPA_SESSION_ABSOLUTE_TIMEOUT.total_seconds() // 3600),
            },
        )
    )
    tls = bool(
        getattr(settings, "SECURE_SSL_REDIRECT", False)
        and getattr(settings, "SECURE_HSTS_SECONDS", 0)
        and getattr(settings, "SESSION_COOKIE_SECURE", False)
    )
    if tls:
        items.append(Item(_("Tietoliikenne salataan (HTTPS, HSTS, suojatut evästeet)")))
    else:
        items.append(
            Item(
                _(
                    "Sovellus ei itse pakota salattua yhteyttä (kehitysprofiili); tuotannossa "
                    "TUPA_ENV=production ottaa sen käyttöön"
                ),
                ok=False,
            )
        )
    items.append(
        Item(
            _(
                "Turvakiellon alaiset tiedot piilotetaan oletuksena kaikkialla; niiden "
                "näyttäminen vaatii työtehtävän perusteen ja syyn, ja se kirjataan"
            )
        )
    )
    if f is not None and f.victim_side:
        items.append(
            Item(_("Väkivaltaa käyttäneiden työ ei koskaan näe tämän työmuodon asiakkuuksia"))
        )
    if f is not None and f.perpetrator_side:
        items.append(
            Item(
                _(
                    "Työmuodosta ei koskaan näe väkivaltaa kokeneiden työn asiakkuuksia, jaksoja "
                    "eikä olinpaikkoja, vaikka työntekijä kuuluisi myös muihin työmuotoihin"
                )
            )
        )
    if f is not None and f.anonymous:
        items.append(Item(_("Nimettömänä asiointi on mahdollista")))
    items.append(
        Item(
            _(
                "Asiakaskirjauksia ei muuteta jälkikäteen: korjaus on uusi versio ja alkuperäinen "
                "säilyy"
            )
        )
    )
    items.append(
        Item(
            _(
                "Liitteet tallennetaan satunnaisilla nimillä vain palvelimen luettaviksi ja "
                "annetaan vain oikeudet tarkistavan, lokitetun näkymän kautta"
            )
        )
    )
    items.append(
        Item(
            _(
                "Organisaatiotason roolit (pääkäyttäjä, toiminnanjohtaja, talous, "
                "tietosuojavastaava) eivät näe asiakaskirjauksia"
            )
        )
    )
    if settings.PASSWORD_HASHERS and "Argon2" in settings.PASSWORD_HASHERS[0]:
        items.append(Item(_("Salasanat tallennetaan Argon2-tiivisteinä")))
    if "csp.middleware.CSPMiddleware" in settings.MIDDLEWARE:
        items.append(Item(_("Tiukka sisällön suojauskäytäntö (CSP) ja selaimen suojaotsakkeet")))
    items.append(
        Item(
            _(
                "Tallennetun tiedon salaus (levysalaus) ja varmuuskopiointi riippuvat käyttöönotosta"
            ),
            verify=True,
        )
    )
    return items


def _safeguards(f: Facts) -> Section:
    s = Section("safeguards", _("Suojauksen periaatteet"))
    s.items.extend(safeguards(f))
    return s


def _rights() -> Section:
    s = Section("rights", _("Rekisteröidyn oikeudet"))
    s.add(
        _(
            "Oikeus tarkastaa omat tietonsa (tietosuoja-asetus 15 artikla). Oikeutta voidaan "
            "rajoittaa, jos tietojen antaminen vaarantaisi toisen henkilön oikeudet "
            "(tietosuojalaki 1050/2018 34 §)."
        ),
        verify=True,
    )
    s.add(
        _(
            "Oikeus saada tieto siitä, kuka on käsitellyt omia tietoja ja millä perusteella "
            "(lokiote, laki 703/2023)"
        )
    )
    s.add(_("Oikeus vaatia tietojen oikaisemista; kirjauksen alkuperäinen versio säilyy"))
    s.add(
        _(
            "Oikeus vaatia käsittelyn rajoittamista. Tietoja ei voi poistaa lakisääteisen "
            "säilytysajan kuluessa (tietosuoja-asetus 17 artiklan 3 kohta)."
        )
    )
    s.add(_("Oikeus tehdä valitus tietosuojavaltuutetun toimistolle (tietosuoja.fi)"))
    s.add(_("Automaattista päätöksentekoa tai profilointia ei tehdä"))
    return s


# --------------------------------------------------------------------------- assembly

#: Which prose field of RegisterDescription belongs under which section.
PROSE_FIELDS = {
    "controller": "controller_note",
    "purpose": "purpose",
    "legal_basis": "legal_basis_note",
    "recipients": "recipients_note",
    "retention": "retention_note",
    "notes": "notes",
}


def profile_of(organisation: Organisation) -> DataProtectionProfile | None:
    with scopes_disabled():
        return DataProtectionProfile.objects.filter(organisation=organisation).first()


_UNSET: Any = object()


def describe(
    service_form: ServiceForm,
    *,
    internal: bool = True,
    organisation: Organisation | None = None,
    profile: DataProtectionProfile | None = _UNSET,
    prose: RegisterDescription | None = _UNSET,
) -> Description:
    """The register description of ``service_form``; ``internal=False`` for the public one.

    A list of descriptions passes the organisation, its profile and the prose rows it has
    already read, so that each form costs only its own few queries.
    """
    with scopes_disabled():
        if organisation is None:
            organisation = Organisation.objects.get(pk=service_form.organisation_id)
        if prose is _UNSET:
            prose = RegisterDescription.objects.filter(service_form=service_form).first()
    if profile is _UNSET:
        profile = profile_of(organisation)
    f = facts_of(service_form, internal=internal)
    sections = [
        _controller(f),
        _register(f, service_form),
        _purpose(f, service_form),
        _legal_basis(f),
        _subjects(f),
        _data(f),
        _sources(f),
        _recipients(f),
        _retention_section(f, internal=internal),
        _safeguards(f),
        _rights(),
        Section("notes", _("Muut tiedot")),
    ]
    if prose is not None:
        for section in sections:
            name = PROSE_FIELDS.get(section.key)
            if name:
                section.prose = getattr(prose, name)
    return Description(
        organisation=organisation,
        service_form=service_form,
        profile=profile,
        prose=prose,
        sections=sections,
        internal=internal,
    )


def register_forms(organisation: Organisation | int) -> Iterable[ServiceForm]:
    """The organisation's service forms that keep a person register, in display order."""
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    with scopes_disabled():
        return list(
            ServiceForm.objects.filter(organisation_id=org_id)
            .exclude(register=ServiceForm.Register.NONE)
            .select_related("area")
            .order_by("area__order", "order", "name")
        )
