"""Rooms and room bookings (scheduling app; appointments are added on top of these).

A **room** is a space of the association's premises that appointments, group sessions and
outside bookings can reserve. A **booking** reserves a room for a self-organised group, a
birthday-party rental or an internal event; its price becomes an invoice line later.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tupa.core.models import OrganisationScopedModel


class Room(OrganisationScopedModel):
    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rooms",
        verbose_name=_("työmuoto"),
        help_text=_("Tyhjä: koko organisaation yhteinen tila."),
    )
    name = models.CharField(_("nimi"), max_length=100)
    description = models.CharField(_("kuvaus"), max_length=300, blank=True)
    capacity = models.PositiveSmallIntegerField(_("henkilöitä enintään"), default=10)
    rentable = models.BooleanField(
        _("vuokrattavissa ulkopuolisille"),
        default=False,
        help_text=_("Esimerkiksi syntymäpäiväjuhlat tai omaehtoiset ryhmät."),
    )
    hourly_price = models.DecimalField(
        _("vuokra tunnilta (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    active = models.BooleanField(_("käytössä"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tila")
        verbose_name_plural = _("tilat")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="room_unique_name"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="room_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Booking(OrganisationScopedModel):
    class Kind(models.TextChoices):
        SELF_ORGANISED_GROUP = "self_organised_group", _("omaehtoinen ryhmä")
        BIRTHDAY_PARTY = "birthday_party", _("syntymäpäiväjuhlat")
        INTERNAL = "internal", _("oma tilaisuus")
        OTHER = "other", _("muu varaus")

    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("tila")
    )
    kind = models.CharField(_("varauksen laji"), max_length=30, choices=Kind.choices)
    starts_at = models.DateTimeField(_("alkaa"))
    ends_at = models.DateTimeField(_("päättyy"))
    title = models.CharField(_("otsikko"), max_length=200)
    organiser_name = models.CharField(_("varaaja"), max_length=200, blank=True)
    organiser_contact = models.CharField(_("varaajan yhteystieto"), max_length=200, blank=True)
    price = models.DecimalField(
        _("hinta (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    note = models.CharField(_("lisätieto"), max_length=300, blank=True)
    cancelled_at = models.DateTimeField(_("peruttu"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tilavaraus")
        verbose_name_plural = _("tilavaraukset")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["room", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="booking_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gte=0), name="booking_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room} {self.starts_at:%Y-%m-%d %H:%M}"


# --------------------------------------------------------------------------- appointments
# Issue 5 item 1 (appointments). Everything below is owned by the appointments feature; Room
# and Booking above are the shared rooms model.


class AppointmentType(models.TextChoices):
    HOME_VISIT = "home_visit", _("kotikäynti")
    OFFICE_MEETING = "office_meeting", _("toimistotapaaminen")
    REMOTE = "remote", _("puhelin- tai videotapaaminen")
    NETWORK_MEETING = "network_meeting", _("verkostotapaaminen")
    GROUP = "group", _("ryhmään liittyvä tapaaminen")
    OTHER = "other", _("muu tapaaminen")


class PlaceKind(models.TextChoices):
    OWN_PREMISES = "own", _("omat tilat")
    CLIENT_HOME = "client_home", _("asiakkaan koti")
    PARTNER = "partner", _("yhteistyötahon tilat")
    OTHER = "other", _("muu paikka tai etäyhteys")


class Outcome(models.TextChoices):
    PLANNED = "planned", _("suunniteltu")
    HAPPENED = "happened", _("toteutui")
    CANCELLED_BY_CLIENT = "cancelled_client", _("asiakas perui")
    CANCELLED_BY_US = "cancelled_us", _("työntekijä perui")
    NO_SHOW = "no_show", _("asiakas ei saapunut")


#: Outcomes after which the time is no longer reserved (conflict checks ignore them).
CANCELLED_OUTCOMES = frozenset({Outcome.CANCELLED_BY_CLIENT, Outcome.CANCELLED_BY_US})


class AppointmentSeries(OrganisationScopedModel):
    """A recurrence rule; its occurrences are stored as :class:`Appointment` rows.

    The rule is kept for information (what was planned); each occurrence can afterwards be moved
    or cancelled on its own. Expansion happens in Europe/Helsinki wall time (``recurrence.py``).
    """

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("viikoittain")
        BIWEEKLY = "biweekly", _("joka toinen viikko")
        MONTHLY = "monthly", _("kuukausittain samana viikonpäivänä")

    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        related_name="appointment_series",
        verbose_name=_("työmuoto"),
    )
    frequency = models.CharField(_("toistuvuus"), max_length=10, choices=Frequency.choices)
    first_starts_at = models.DateTimeField(_("ensimmäinen alkaa"))
    duration_minutes = models.PositiveIntegerField(_("kesto (min)"))
    until = models.DateField(_("toistuu asti"), null=True, blank=True)
    count = models.PositiveSmallIntegerField(_("kertoja"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tapaamissarja")
        verbose_name_plural = _("tapaamissarjat")
        constraints = [
            models.CheckConstraint(
                condition=(Q(until__isnull=False) & Q(count__isnull=True))
                | (Q(until__isnull=True) & Q(count__isnull=False)),
                name="appointmentseries_until_xor_count",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} {self.first_starts_at:%Y-%m-%d}"


class Appointment(OrganisationScopedModel):
    """A planned meeting of a worker (and co-workers), usually with the clients of an episode."""

    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("työmuoto"),
    )
    episode = models.ForeignKey(
        "episodes.Episode",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("asiakkuus"),
    )
    series = models.ForeignKey(
        AppointmentSeries,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="occurrences",
        verbose_name=_("tapaamissarja"),
    )
    type = models.CharField(_("tapaamisen laji"), max_length=20, choices=AppointmentType.choices)
    place_kind = models.CharField(_("paikka"), max_length=20, choices=PlaceKind.choices)
    partner = models.ForeignKey(
        "organisations.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("yhteistyötaho"),
    )
    place_note = models.CharField(_("paikan tarkenne"), max_length=200, blank=True)
    room = models.ForeignKey(
        Room,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("tila"),
    )
    starts_at = models.DateTimeField(_("alkaa"))
    ends_at = models.DateTimeField(_("päättyy"))
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="organised_appointments",
        verbose_name=_("vastuutyöntekijä"),
    )
    co_workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="co_appointments",
        verbose_name=_("työparit"),
    )
    note = models.CharField(_("lisätieto"), max_length=300, blank=True)
    outcome = models.CharField(
        _("lopputulos"), max_length=20, choices=Outcome.choices, default=Outcome.PLANNED
    )
    outcome_note = models.TextField(_("lopputuloksen kuvaus"), blank=True)
    outcome_recorded_at = models.DateTimeField(_("lopputulos kirjattu"), null=True, blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    journal_entry = models.ForeignKey(
        "episodes.Entry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("asiakaskirjaus"),
        help_text=_("Lopputuloksesta kirjattu asiakaskirjaus (uusin versio)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(m2m_fields=[co_workers])

    class Meta:
        verbose_name = _("tapaaminen")
        verbose_name_plural = _("tapaamiset")
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["organisation", "starts_at"]),
            models.Index(fields=["organiser", "starts_at"]),
            models.Index(fields=["room", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="appointment_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(place_kind="partner") | Q(partner__isnull=False),
                name="appointment_partner_place_has_partner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def code(self) -> str:
        """A short code without names or initials (the iCal feed shows only this)."""
        return f"A-{self.episode_id}" if self.episode_id else f"T-{self.pk}"

    @property
    def is_cancelled(self) -> bool:
        return self.outcome in CANCELLED_OUTCOMES

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class CalendarFeedToken(OrganisationScopedModel):
    """A worker's personal iCal feed token. Only its SHA-256 hash is stored.

    One active token per user; regenerating revokes the previous one. A revoked token answers 404.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed_tokens",
        verbose_name=_("käyttäjä"),
    )
    token_hash = models.CharField(max_length=64, unique=True)
    revoked_at = models.DateTimeField(_("peruttu"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("viimeksi käytetty"), null=True, blank=True)

    class Meta:
        verbose_name = _("kalenterisyötteen tunniste")
        verbose_name_plural = _("kalenterisyötteen tunnisteet")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="calendarfeedtoken_one_active_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"
