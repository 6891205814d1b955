"""The association's structure: organisation → area → team → service form, and master data.

Seed-spec §1, §3, §6 and requirements ORG-01..06.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords

from tupa.core.models import OrganisationScopedModel, TimeStampedModel


class Organisation(TimeStampedModel):
    """A tenant: one association. Every organisational row points here."""

    name = models.CharField(_("nimi"), max_length=200, unique=True)
    short_name = models.CharField(_("lyhenne"), max_length=50, blank=True)
    slug = models.SlugField(_("tunniste"), max_length=60, unique=True)
    business_id = models.CharField(_("Y-tunnus"), max_length=9, blank=True)
    vision = models.CharField(_("visio"), max_length=300, blank=True)
    mission = models.TextField(_("tarkoitus"), blank=True)
    founded_year = models.PositiveSmallIntegerField(_("perustamisvuosi"), null=True, blank=True)
    federation_member = models.BooleanField(
        _("Ensi- ja turvakotien liiton jäsenyhdistys"), default=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisaatio")
        verbose_name_plural = _("organisaatiot")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Area(OrganisationScopedModel):
    """Work area (*toiminta-alue*): Vauvaperhetyö, Perheväkivaltatyö, … or Administration."""

    class Kind(models.TextChoices):
        OPERATIONAL = "operational", _("toiminta-alue")
        ADMINISTRATION = "administration", _("hallinto")

    name = models.CharField(_("nimi"), max_length=200)
    kind = models.CharField(
        _("laji"), max_length=20, choices=Kind.choices, default=Kind.OPERATIONAL
    )
    description = models.TextField(_("kuvaus"), blank=True)
    order = models.PositiveSmallIntegerField(_("järjestys"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("toiminta-alue")
        verbose_name_plural = _("toiminta-alueet")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="area_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Team(OrganisationScopedModel):
    """A team (*tiimi*) with its line manager (*lähiesimies*). ORG-01, ORG-02, STF-02."""

    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="teams", verbose_name=_("toiminta-alue")
    )
    name = models.CharField(_("nimi"), max_length=200)
    description = models.TextField(_("kuvaus"), blank=True)
    line_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_teams",
        verbose_name=_("lähiesimies"),
    )
    meeting_frequency = models.CharField(_("kokoontuu"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("järjestys"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tiimi")
        verbose_name_plural = _("tiimit")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    """A Finnish municipality with its official code (Statistics Finland classification).

    Reference data shared by every organisation, loaded from ``data/municipalities.csv``.
    """

    code = models.CharField(_("kuntanumero"), max_length=3, unique=True)
    name_fi = models.CharField(_("nimi suomeksi"), max_length=100)
    name_sv = models.CharField(_("nimi ruotsiksi"), max_length=100)
    region_code = models.CharField(_("maakuntakoodi"), max_length=2, blank=True)
    region_name_fi = models.CharField(_("maakunta"), max_length=100, blank=True)
    valid = models.BooleanField(_("voimassa"), default=True)

    class Meta:
        verbose_name = _("kunta")
        verbose_name_plural = _("kunnat")
        ordering = ["name_fi"]

    def __str__(self) -> str:
        return self.name_fi


class Partner(OrganisationScopedModel):
    """An outside body: referrer, purchaser, funder, network, project, school, media. ORG-06."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("kunta tai kuntayhtymä")
        WELLBEING_SERVICES = "wellbeing", _("hyvinvointialue")
        STATE = "state", _("valtion viranomainen")
        FUNDING_BODY = "funding_body", _("rahoittaja")
        FEDERATION = "federation", _("liitto")
        NGO = "ngo", _("järjestö")
        PARISH = "parish", _("seurakunta")
        EDUCATION = "education", _("oppilaitos")
        HEALTH = "health", _("terveydenhuolto")
        POLICE = "police", _("poliisi")
        COMPANY = "company", _("yritys")
        MEDIA = "media", _("media")
        NETWORK = "network", _("verkosto")
        OTHER = "other", _("muu")

    name = models.CharField(_("nimi"), max_length=200)
    kind = models.CharField(_("laji"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    business_id = models.CharField(_("Y-tunnus"), max_length=9, blank=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("kunta")
    )
    description = models.TextField(_("kuvaus"), blank=True)
    website = models.URLField(_("verkkosivu"), blank=True)
    active = models.BooleanField(_("aktiivinen"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kumppani")
        verbose_name_plural = _("kumppanit")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="partner_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class PartnerRole(models.Model):
    """One role a partner plays; a partner can play several (PHHYKY refers *and* purchases)."""

    class Role(models.TextChoices):
        REFERRER = "referrer", _("ohjaava taho")
        PURCHASER = "purchaser", _("palvelun ostaja")
        FUNDER = "funder", _("rahoittaja")
        NETWORK = "network", _("verkosto")
        PROJECT = "project", _("hanke")
        EDUCATION = "education", _("oppilaitos")
        MEDIA = "media", _("media")
        COORDINATOR = "coordinator", _("valtakunnallinen koordinoija")
        OPERATOR = "operator", _("toiminnan hallinnoija")
        SUPERVISOR = "supervisor", _("valvova viranomainen")

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="roles", verbose_name=_("kumppani")
    )
    role = models.CharField(_("rooli"), max_length=20, choices=Role.choices)

    objects = ScopedManager(organisation="partner__organisation")

    class Meta:
        verbose_name = _("kumppanin rooli")
        verbose_name_plural = _("kumppanin roolit")
        constraints = [
            models.UniqueConstraint(fields=["partner", "role"], name="partnerrole_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.partner}: {self.get_role_display()}"


class Funder(OrganisationScopedModel):
    """A funding source as the budget groups it (seed-spec §6.1): municipalities, STEA, state…"""

    class Category(models.TextChoices):
        MUNICIPALITIES = "municipalities", _("kunnat ja kuntayhtymät")
        STEA = "stea", _("STEA")
        STATE = "state", _("valtio")
        OTHER = "other", _("muut tuotot")

    name = models.CharField(_("nimi"), max_length=200)
    category = models.CharField(_("tuloluokka"), max_length=20, choices=Category.choices)
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funder_records",
        verbose_name=_("kumppani"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rahoittaja")
        verbose_name_plural = _("rahoittajat")
        ordering = ["category", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="funder_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class ServiceTask(models.TextChoices):
    """Service task (*palvelutehtävä*) of Act 703/2023; retention is computed from it."""

    CHILD_FAMILY = "child_family", _("lapsiperheiden palvelut")
    CHILD_WELFARE = "child_welfare", _("lastensuojelu")
    WORKING_AGE = "working_age", _("työikäisten palvelut")
    FAMILY_LAW = "family_law", _("perheoikeudelliset palvelut")
    OWN_ACTIVITY = "own_activity", _("yhdistyksen oma toiminta")


class ServiceForm(OrganisationScopedModel):
    """A service form (*työmuoto*): the unit of work, access and reporting. ORG-01, ORG-03, ORG-04."""

    class Kind(models.TextChoices):
        RESIDENTIAL = "residential", _("laitos- ja asumispalvelu")
        OUTPATIENT = "outpatient", _("avopalvelu")
        GROUP = "group", _("ryhmätoiminta")
        DROP_IN = "drop_in", _("avoin kohtaamispaikka")
        VISITATION = "visitation", _("valvotut tapaamiset")
        VOLUNTEER = "volunteer", _("vapaaehtoistoiminta")
        PREVENTION = "prevention", _("ehkäisevä työ ja koordinaatio")
        ONLINE = "online", _("verkkopalvelu")

    class Register(models.TextChoices):
        SOCIAL_WELFARE = "social_welfare", _("sosiaalihuollon asiakasrekisteri")
        OWN_ACTIVITY = "own_activity", _("yhdistyksen oma toimintarekisteri")
        NONE = "none", _("ei henkilörekisteriä")

    class Operator(models.TextChoices):
        OWN = "own", _("oma toiminta")
        PARTNER = "partner", _("kumppanin hallinnoima")
        JOINT = "joint", _("yhteistoiminta")

    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_forms",
        verbose_name=_("tiimi"),
    )
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        related_name="service_forms",
        verbose_name=_("toiminta-alue"),
    )
    name = models.CharField(_("nimi"), max_length=200)
    slug = models.SlugField(_("tunniste"), max_length=60)
    description = models.TextField(_("kuvaus"), blank=True)
    kind = models.CharField(_("laji"), max_length=20, choices=Kind.choices)
    register = models.CharField(_("rekisteri"), max_length=20, choices=Register.choices)
    operator = models.CharField(
        _("toteuttaja"), max_length=10, choices=Operator.choices, default=Operator.OWN
    )
    operating_partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="operated_service_forms",
        verbose_name=_("hallinnoiva kumppani"),
    )
    capacity = models.PositiveSmallIntegerField(_("paikkamäärä"), null=True, blank=True)
    capacity_unit = models.CharField(_("paikkojen yksikkö"), max_length=50, blank=True)
    open_24h = models.BooleanField(_("ympärivuorokautinen"), default=False)
    start_year = models.PositiveSmallIntegerField(_("aloitusvuosi"), null=True, blank=True)
    start_note = models.CharField(_("aloitus, lisätieto"), max_length=200, blank=True)
    free_of_charge = models.BooleanField(_("maksuton asiakkaalle"), default=True)
    anonymous_allowed = models.BooleanField(_("anonyymi asiointi mahdollinen"), default=False)
    trademark = models.BooleanField(_("rekisteröity tavaramerkki"), default=False)
    national_coordinator = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_service_forms",
        verbose_name=_("valtakunnallinen koordinoija"),
    )
    violence_work = models.CharField(
        _("väkivaltatyön osapuoli"),
        max_length=12,
        choices=[
            ("", _("ei väkivaltatyötä")),
            ("victim", _("väkivaltaa kokeneiden työ")),
            ("perpetrator", _("väkivaltaa käyttäneiden työ")),
        ],
        blank=True,
        default="",
        help_text=_(
            "Väkivaltaa käyttäneiden työ ei koskaan näe saman perheen väkivaltaa kokeneiden "
            "asiakkuuksia, jaksoja tai olinpaikkaa."
        ),
    )
    adult_service_task = models.CharField(
        _("palvelutehtävä (aikuiset)"),
        max_length=20,
        choices=ServiceTask.choices,
        blank=True,
        help_text=_(
            "Lain 703/2023 palvelutehtävä, jonka aikuisen asiakkuus saa oletuksena; "
            "asiakirjojen säilytysaika määräytyy siitä. Tyhjä: lapsiperheiden palvelut."
        ),
    )
    child_service_task = models.CharField(
        _("palvelutehtävä (lapset)"),
        max_length=20,
        choices=ServiceTask.choices,
        blank=True,
        help_text=_("Lapsen asiakkuuden oletuspalvelutehtävä. Tyhjä: sama kuin aikuisilla."),
    )
    pregnancy_stays = models.BooleanField(
        _("raskausajan asuminen"),
        default=False,
        help_text=_(
            "Ensikoti: asumisjakso voi alkaa raskausaikana ja vauvan syntymän voi kirjata jaksolle."
        ),
    )
    quality_criteria = models.CharField(_("laatukriteerit"), max_length=300, blank=True)
    project_start = models.DateField(_("hanke alkaa"), null=True, blank=True)
    project_end = models.DateField(_("hanke päättyy"), null=True, blank=True)
    active = models.BooleanField(_("toiminnassa"), default=True)
    order = models.PositiveSmallIntegerField(_("järjestys"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("työmuoto")
        verbose_name_plural = _("työmuodot")
        ordering = ["area__order", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "slug"], name="serviceform_unique_slug"
            ),
            models.UniqueConstraint(
                fields=["organisation", "name"], name="serviceform_unique_name"
            ),
            models.CheckConstraint(
                condition=Q(project_end__isnull=True)
                | Q(project_start__isnull=True)
                | Q(project_end__gte=models.F("project_start")),
                name="serviceform_project_period_order",
            ),
            models.CheckConstraint(
                condition=Q(operator="own") | Q(operating_partner__isnull=False),
                name="serviceform_partner_run_has_partner",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_project(self) -> bool:
        return self.project_start is not None

    @property
    def keeps_clients(self) -> bool:
        """Does the form keep a client register (episodes, client list, intake)?"""
        return self.register != self.Register.NONE


class ServiceFormFunding(models.Model):
    """Who funds a service form and how (seed-spec §6.2)."""

    class Type(models.TextChoices):
        PURCHASE_AGREEMENT = "purchase", _("ostopalvelusopimus")
        TARGETED_GRANT = "targeted_grant", _("kohdennettu toiminta-avustus")
        PROJECT_GRANT = "project_grant", _("hankerahoitus")
        STATE_FUNDING = "state", _("valtion rahoitus")
        CITY_GRANT = "city_grant", _("kaupungin avustus")
        OTHER = "other", _("muu")

    service_form = models.ForeignKey(
        ServiceForm, on_delete=models.CASCADE, related_name="fundings", verbose_name=_("työmuoto")
    )
    funder = models.ForeignKey(
        Funder, on_delete=models.PROTECT, related_name="fundings", verbose_name=_("rahoittaja")
    )
    type = models.CharField(_("rahoitusmuoto"), max_length=20, choices=Type.choices)
    note = models.CharField(_("lisätieto"), max_length=300, blank=True)

    objects = ScopedManager(organisation="service_form__organisation")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("työmuodon rahoitus")
        verbose_name_plural = _("työmuotojen rahoitus")
        constraints = [
            models.UniqueConstraint(
                fields=["service_form", "funder", "type"], name="funding_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_form}: {self.funder} ({self.get_type_display()})"


class WorkingGroup(OrganisationScopedModel):
    """A working group (*työryhmä*) such as KAVA or Vastuutiimi. ORG-05."""

    name = models.CharField(_("nimi"), max_length=200)
    short_name = models.CharField(_("lyhenne"), max_length=30, blank=True)
    purpose = models.TextField(_("tehtävä"), blank=True)
    meeting_frequency = models.CharField(_("kokoontuu"), max_length=100, blank=True)
    minutes_public_to_staff = models.BooleanField(
        _("muistiot kaikkien työntekijöiden luettavissa"), default=False
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("työryhmä")
        verbose_name_plural = _("työryhmät")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="workinggroup_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class WorkingGroupMember(models.Model):
    """A member of a working group: a staff user, or a seat held for a service form."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("puheenjohtaja")
        MEMBER = "member", _("jäsen")
        SECRETARY = "secretary", _("sihteeri")
        SAFETY_MANAGER = "safety_manager", _("työsuojelupäällikkö")
        DEPUTY_SAFETY_MANAGER = "deputy_safety_manager", _("varatyösuojelupäällikkö")
        SAFETY_REPRESENTATIVE = "safety_rep", _("työsuojeluvaltuutettu")
        DEPUTY_SAFETY_REPRESENTATIVE = "deputy_safety_rep", _("varavaltuutettu")
        VOLUNTEER_CONTACT = "volunteer_contact", _("vapaaehtoistoiminnan vastuuhenkilö")

    group = models.ForeignKey(
        WorkingGroup, on_delete=models.CASCADE, related_name="members", verbose_name=_("työryhmä")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="working_groups",
        verbose_name=_("työntekijä"),
    )
    service_form = models.ForeignKey(
        ServiceForm, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("työmuoto")
    )
    role = models.CharField(_("rooli"), max_length=30, choices=Role.choices, default=Role.MEMBER)

    objects = ScopedManager(organisation="group__organisation")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("työryhmän jäsen")
        verbose_name_plural = _("työryhmän jäsenet")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(service_form__isnull=False),
                name="wgmember_user_or_service_form",
            ),
        ]

    def __str__(self) -> str:
        who = self.user or self.service_form
        return f"{self.group}: {who} ({self.get_role_display()})"


class Value(OrganisationScopedModel):
    """One of the association's values (*arvot*), seed-spec §1.4."""

    order = models.PositiveSmallIntegerField(_("järjestys"))
    name = models.CharField(_("nimi"), max_length=100)
    description = models.TextField(_("kuvaus"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("arvo")
        verbose_name_plural = _("arvot")
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "order"], name="value_unique_order"),
        ]

    def __str__(self) -> str:
        return self.name


class StrategicTheme(OrganisationScopedModel):
    """A strategic theme (*painopiste*) T1–T5 of the strategy, seed-spec §1.5."""

    code = models.CharField(_("koodi"), max_length=5)
    name = models.CharField(_("nimi"), max_length=200)
    description = models.TextField(_("kuvaus"), blank=True)
    strategy_name = models.CharField(_("strategia"), max_length=200, blank=True)
    start_year = models.PositiveSmallIntegerField(_("strategiakausi alkaa"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("strategiakausi päättyy"), null=True, blank=True)
    heading_variants = models.JSONField(_("otsikon muunnelmat"), default=list, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("strateginen painopiste")
        verbose_name_plural = _("strategiset painopisteet")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="theme_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


# --------------------------------------------------------------------------- data protection
# The register descriptions (GDPR Art 30, tietosuojaseloste) are generated from the
# configuration by ``tupa.organisations.register``; only the contacts and the prose parts are
# stored here, with their change history. See docs/data-protection.md.


class DataProtectionProfile(OrganisationScopedModel):
    """The organisation's public contacts for data protection and accessibility (one per org)."""

    address = models.CharField(
        _("postiosoite"),
        max_length=300,
        blank=True,
        help_text=_(
            "Yhdistyksen julkinen posti- tai toimisto-osoite. Näkyy julkisissa selosteissa. "
            "Älä koskaan kirjaa tähän turvakodin osoitetta."
        ),
    )
    email = models.EmailField(_("sähköposti"), blank=True)
    phone = models.CharField(_("puhelin"), max_length=40, blank=True)
    dpo_name = models.CharField(_("tietosuojavastaava"), max_length=200, blank=True)
    dpo_email = models.EmailField(_("tietosuojavastaavan sähköposti"), blank=True)
    dpo_phone = models.CharField(_("tietosuojavastaavan puhelin"), max_length=40, blank=True)
    accessibility_email = models.EmailField(
        _("saavutettavuuspalautteen sähköposti"),
        blank=True,
        help_text=_("Tyhjä: käytetään yhdistyksen sähköpostia."),
    )
    accessibility_phone = models.CharField(
        _("saavutettavuuspalautteen puhelin"), max_length=40, blank=True
    )
    accessibility_reviewed_on = models.DateField(
        _("saavutettavuusseloste tarkistettu"), null=True, blank=True
    )
    accessibility_note = models.TextField(
        _("saavutettavuusselosteen lisätiedot"),
        blank=True,
        help_text=_("Tämän käyttöönoton omat tiedossa olevat puutteet tai lisätiedot."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tietosuojan yhteystiedot")
        verbose_name_plural = _("tietosuojan yhteystiedot")
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="dataprotectionprofile_unique"),
        ]

    def __str__(self) -> str:
        return str(_("Tietosuojan yhteystiedot"))


class RegisterDescription(OrganisationScopedModel):
    """The administrator's prose for one service form's register description.

    Everything else in the description (categories, recipients, retention, safeguards) is
    generated from the configuration; these texts add to it and never replace it.
    """

    service_form = models.OneToOneField(
        ServiceForm,
        on_delete=models.CASCADE,
        related_name="register_description",
        verbose_name=_("työmuoto"),
    )
    purpose = models.TextField(
        _("käsittelyn tarkoitus, tarkennus"),
        blank=True,
        help_text=_("Julkinen teksti. Älä kirjoita henkilötietoja tai turvakodin osoitetta."),
    )
    controller_note = models.TextField(_("rekisterinpitäjä, tarkennus"), blank=True)
    legal_basis_note = models.TextField(_("oikeusperuste, tarkennus"), blank=True)
    recipients_note = models.TextField(_("luovutukset, tarkennus"), blank=True)
    retention_note = models.TextField(_("säilytysaika, tarkennus"), blank=True)
    notes = models.TextField(_("muut tiedot"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rekisteriselosteen tekstit")
        verbose_name_plural = _("rekisteriselosteiden tekstit")
        ordering = ["service_form__name"]

    def __str__(self) -> str:
        return str(self.service_form)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.service_form_id is None or self.organisation_id is None:
            return
        if self.service_form.organisation_id != self.organisation_id:
            raise ValidationError({"service_form": _("Työmuoto kuuluu toiseen organisaatioon.")})
