"""Prevention work's own activity register (TPPH, seed-spec §2.9, ASC-03, ASC-04).

A prevention form (``ServiceForm.Kind.PREVENTION``) has **no client caseload**: its work is
events, trainings and meetings for citizens, professionals and networks, and the materials it
hands out. So nothing here names a person. An :class:`Activity` is one event, training or
meeting the form held or took part in, with anonymous head counts of who it reached; a
:class:`Delivery` is a batch of one :class:`Material` (a brochure, a poster, a screening tool)
handed to a kind of place. STEA's results report for the form's grant is counted from these
rows (``tupa.statistics.indicators.prevention``); nothing is typed in as a total.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tupa.core.models import OrganisationScopedModel

#: The head-count fields of an activity, in the order the forms and figures show them.
AUDIENCE_FIELDS = ("professionals", "citizens", "children")


class ActivityKind(models.TextChoices):
    EVENT = "event", _("tapahtuma, teemapäivä tai kampanja")
    SEMINAR = "seminar", _("seminaari tai messut")
    TRAINING = "training", _("koulutus tai luento")
    WORKPLACE = "workplace", _("työyhteisön tilaisuus")
    VISIT = "visit", _("organisaatiokäynti tai yhteistyökahvit")
    NETWORK = "network", _("verkoston tai työryhmän kokous")
    OTHER = "other", _("muu toiminta")


class Role(models.TextChoices):
    ORGANISED = "organised", _("järjesti")
    CO_ORGANISED = "co_organised", _("järjesti yhdessä kumppanien kanssa")
    TOOK_PART = "took_part", _("osallistui (esittely, osasto, puheenvuoro)")


class Activity(OrganisationScopedModel):
    """One event, training or meeting of a prevention form, with who it reached (head counts).

    ``starts_on`` dates the activity in the statistics; ``ends_on`` is set for one that lasts
    several days (a fair). The counts are people reached, not names: ``children`` are children
    and young people, ``citizens`` other residents, ``professionals`` staff of partners.
    """

    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("työmuoto"),
    )
    title = models.CharField(_("nimi"), max_length=200)
    kind = models.CharField(_("laji"), max_length=20, choices=ActivityKind.choices)
    role = models.CharField(
        _("työmuodon osuus"), max_length=20, choices=Role.choices, default=Role.ORGANISED
    )
    starts_on = models.DateField(_("päivä"))
    ends_on = models.DateField(
        _("viimeinen päivä"),
        null=True,
        blank=True,
        help_text=_("Vain usean päivän tapahtumalle."),
    )
    professionals = models.PositiveIntegerField(_("ammattilaisia"), default=0)
    citizens = models.PositiveIntegerField(_("kuntalaisia (aikuisia)"), default=0)
    children = models.PositiveIntegerField(_("lapsia ja nuoria"), default=0)
    partners = models.CharField(
        _("yhteistyökumppanit"),
        max_length=300,
        blank=True,
        help_text=_("Organisaatioiden nimet, ei henkilöiden."),
    )
    notes = models.TextField(
        _("muistiinpanot"),
        blank=True,
        help_text=_("Sisältö ja havainnot. Älä kirjaa tähän henkilöiden nimiä tai asiakastietoja."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ehkäisevän työn tilaisuus")
        verbose_name_plural = _("ehkäisevän työn tilaisuudet")
        ordering = ["-starts_on", "-pk"]
        indexes = [
            models.Index(fields=["service_form", "starts_on"], name="prevention_activity_form_day")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="prevention_activity_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on} {self.title}"

    @property
    def reached(self) -> int:
        return self.professionals + self.citizens + self.children


class Material(OrganisationScopedModel):
    """A material a prevention form hands out (a brochure series, a poster, a screening tool)."""

    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("työmuoto"),
    )
    name = models.CharField(_("materiaali"), max_length=120)
    active = models.BooleanField(
        _("jaossa"), default=True, help_text=_("Poistuneita ei tarjota uusiin jakokirjauksiin.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("materiaali")
        verbose_name_plural = _("materiaalit")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_form", "name"], name="prevention_material_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RecipientKind(models.TextChoices):
    SCHOOL = "school", _("koulu tai oppilaitos")
    CLINIC = "clinic", _("neuvola, lähiklinikka tai terveysasema")
    ACUTE = "acute", _("päivystys")
    SOCIAL = "social", _("sosiaalitoimisto")
    ELDERLY = "elderly", _("ikäihmisten palvelupiste")
    EVENT = "event", _("tapahtuma tai tilaisuus")
    PARTNER = "partner", _("muu yhteistyökumppani")
    OTHER = "other", _("muu paikka")


class Delivery(OrganisationScopedModel):
    """A batch of one material handed to one place (ASC-03: a simple distribution log)."""

    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("työmuoto"),
    )
    material = models.ForeignKey(
        Material, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("materiaali")
    )
    date = models.DateField(_("päivä"))
    quantity = models.PositiveIntegerField(_("kappaletta"))
    recipient_kind = models.CharField(
        _("vastaanottaja"), max_length=20, choices=RecipientKind.choices
    )
    recipient = models.CharField(
        _("paikka"),
        max_length=200,
        blank=True,
        help_text=_("Esim. koulun tai toimipisteen nimi, ei henkilön."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("materiaalin jako")
        verbose_name_plural = _("materiaalien jaot")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["service_form", "date"], name="prevention_delivery_form_day")
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="prevention_delivery_some"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.material} × {self.quantity}"
