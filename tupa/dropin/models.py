"""The open family house (Perhetupa, seed-spec §2.4; ANO-01..03, ANO-05).

Everything here is anonymous by design: **no names are asked** (CON-03). A day's visitors are
head counts per opening session, tapped in by the worker (:class:`DailyCount`, every tap kept
in :class:`CountTap` so the last one can be undone); temporary childcare sessions are counts by
age group (:class:`ChildcareSession`). Room rentals are ``scheduling.Booking`` rows; the
drop-in side adds what billing needs later (:class:`RentalCharge`). The optional step from an
anonymous visitor to an identified client is recorded with its consent
(:class:`IdentificationConsent`) and never touches the counts.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tupa.core.models import OrganisationScopedModel

#: The counters of a session, in the order the tally page shows them.
COUNT_FIELDS = ("adults", "children", "under_ones", "first_timers")


class Session(models.TextChoices):
    DAY = "day", _("koko päivä")
    MORNING = "morning", _("aamupäivä")
    AFTERNOON = "afternoon", _("iltapäivä")


class Programme(models.TextChoices):
    OPEN_DAY = "open_day", _("avoin päivä")
    BABY_DAY = "baby_day", _("vauvapäivä (alle 1-vuotiaat)")
    GROUP = "group", _("ryhmä tai tapahtuma")


class DailyCount(OrganisationScopedModel):
    """Anonymous head counts of one opening session of one day.

    ``children`` are children aged 1 or more, ``under_ones`` babies under 1 (disjoint, so a
    visit is ``adults + children + under_ones``). ``first_timers`` counts families visiting
    for the first time, a separate tally that is not added to the visits.
    """

    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("työmuoto"),
    )
    date = models.DateField(_("päivä"))
    session = models.CharField(
        _("aukioloaika"), max_length=20, choices=Session.choices, default=Session.DAY
    )
    programme = models.CharField(
        _("ohjelma"), max_length=20, choices=Programme.choices, default=Programme.OPEN_DAY
    )
    adults = models.PositiveIntegerField(_("aikuiset"), default=0)
    children = models.PositiveIntegerField(_("lapset (1 v ja yli)"), default=0)
    under_ones = models.PositiveIntegerField(_("alle 1-vuotiaat"), default=0)
    first_timers = models.PositiveIntegerField(_("ensikertalaiset perheet"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("päivän kävijämäärä")
        verbose_name_plural = _("päivien kävijämäärät")
        ordering = ["date", "session"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_form", "date", "session"], name="dropin_count_unique_session"
            ),
            models.CheckConstraint(
                condition=Q(adults__gte=0)
                & Q(children__gte=0)
                & Q(under_ones__gte=0)
                & Q(first_timers__gte=0),
                name="dropin_count_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_session_display()}"

    @property
    def visits(self) -> int:
        return self.adults + self.children + self.under_ones


class CountTap(models.Model):
    """One tap on the tally page (+1 or −1 on one counter); kept so the last tap can be undone."""

    count = models.ForeignKey(
        DailyCount, on_delete=models.CASCADE, related_name="taps", verbose_name=_("kävijämäärä")
    )
    field = models.CharField(_("laskuri"), max_length=20)
    delta = models.SmallIntegerField(_("muutos"))
    tapped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    tapped_at = models.DateTimeField(_("ajankohta"), auto_now_add=True)
    undone_at = models.DateTimeField(_("kumottu"), null=True, blank=True)

    class Meta:
        verbose_name = _("napautus")
        verbose_name_plural = _("napautukset")
        ordering = ["-tapped_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(delta__in=[1, -1]), name="dropin_tap_delta_one"),
        ]

    def __str__(self) -> str:
        return f"{self.field} {self.delta:+d}"


class ChildcareSession(OrganisationScopedModel):
    """A temporary childcare session (ages 0–6, one day a week): counts of the children, no names.

    The volunteer childminders are named from the volunteer register (``volunteers``, issue 12
    item 7). ``volunteer_carers`` stays a stored count, at least the number named: sessions
    recorded before the register have the count only, a helper outside the register is still
    counted, and the statistics read this field. The services derive it from the named
    volunteers when no count is given and refuse a count below them.
    """

    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("työmuoto"),
    )
    starts_at = models.DateTimeField(_("alkaa"))
    ends_at = models.DateTimeField(_("päättyy"))
    children_under_1 = models.PositiveSmallIntegerField(_("alle 1-vuotiaat"), default=0)
    children_1_2 = models.PositiveSmallIntegerField(_("1–2-vuotiaat"), default=0)
    children_3_6 = models.PositiveSmallIntegerField(_("3–6-vuotiaat"), default=0)
    staff_carers = models.PositiveSmallIntegerField(_("hoitajat (henkilöstö)"), default=0)
    volunteer_carers = models.PositiveSmallIntegerField(_("hoitajat (vapaaehtoiset)"), default=0)
    volunteers = models.ManyToManyField(  # type: ignore[var-annotated]
        "volunteers.Volunteer",
        blank=True,
        related_name="+",
        verbose_name=_("vapaaehtoiset lastenhoitajat"),
    )
    note = models.CharField(_("lisätieto"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(m2m_fields=[volunteers])

    class Meta:
        verbose_name = _("lastenhoitokerta")
        verbose_name_plural = _("lastenhoitokerrat")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="dropin_childcare_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def children(self) -> int:
        return self.children_under_1 + self.children_1_2 + self.children_3_6

    @property
    def carers(self) -> int:
        return self.staff_carers + self.volunteer_carers


class RentalCharge(OrganisationScopedModel):
    """The drop-in house's billing facts of a room booking (price = hourly price × hours).

    ``billable`` (*laskutettava*) marks the booking for a later invoice line; ``invoiced_at``
    is set by billing when the line is made.
    """

    booking = models.OneToOneField(
        "scheduling.Booking",
        on_delete=models.CASCADE,
        related_name="rental_charge",
        verbose_name=_("tilavaraus"),
    )
    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("työmuoto"),
    )
    hours = models.DecimalField(_("tunnit"), max_digits=6, decimal_places=2)
    hourly_price = models.DecimalField(
        _("tuntihinta (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    billable = models.BooleanField(_("laskutettava"), default=True)
    invoiced_at = models.DateTimeField(_("laskutettu"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tilavuokra")
        verbose_name_plural = _("tilavuokrat")

    def __str__(self) -> str:
        return str(self.booking_id)


class IdentificationConsent(OrganisationScopedModel):
    """ANO-05: a visitor's consent to become an identified client (who recorded it, when).

    The anonymous counts of the earlier visits are not linked to the person and stay as they
    were.
    """

    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("työmuoto, jossa suostumus annettiin"),
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("henkilö")
    )
    episode = models.ForeignKey(
        "episodes.Episode",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("asiakkuus"),
    )
    consent_given = models.BooleanField(_("suostumus annettu"))
    consent_text = models.CharField(_("suostumuksen sisältö"), max_length=500)
    recorded_at = models.DateTimeField(_("kirjattu"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("suostumus asiakkaaksi tunnistamiseen")
        verbose_name_plural = _("suostumukset asiakkaaksi tunnistamiseen")
        ordering = ["-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent_given=True), name="dropin_identification_needs_consent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recorded_at:%Y-%m-%d}"
