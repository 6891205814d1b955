"""Service forms (*työmuodot*): the unit of client work, its tasks and its funding."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords

from tupa.core.models import OrganisationScopedModel

from .partners import Funder, Partner
from .structure import Area, Team


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
