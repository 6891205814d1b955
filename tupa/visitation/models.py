"""Supervised meetings at the Tapaamispaikka (seed-spec §2.12, MEE-01..07).

- :class:`MeetingOrder` — the order (*tapaamisten määräys*) behind the meetings of one episode:
  basis (district court decision, the child welfare supervisor's confirmed agreement or a
  social-services decision), ordering authority, type, frequency and duration, validity, the
  payer (the child's home municipality) and the safety arrangements.
- :class:`OrderParty` — the episode's participants who are parties of the order, in a party role.
- :class:`Meeting` — one scheduled meeting or exchange and its outcome; the meeting record written
  with the client is a journal :class:`~tupa.episodes.models.Entry` of the episode.
- :class:`Contact` — the coordinator's contact log with the families and authorities (MEE-05).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords

from tupa.core.models import OrganisationScopedModel


class OrderBasis(models.TextChoices):
    COURT_DECISION = "court_decision", _("käräjäoikeuden päätös")
    SUPERVISOR_AGREEMENT = "supervisor_agreement", _("lastenvalvojan vahvistama sopimus")
    SOCIAL_SERVICES_DECISION = "social_services_decision", _("sosiaalitoimen päätös")


class MeetingType(models.TextChoices):
    SUPERVISED = "supervised", _("valvottu tapaaminen")
    SUPPORTED = "supported", _("tuettu tapaaminen")
    EXCHANGE = "exchange", _("valvottu vaihto")


class PartyRole(models.TextChoices):
    CHILD = "child", _("lapsi")
    VISITING_PARENT = "visiting_parent", _("tapaajavanhempi")
    RESIDENT_PARENT = "resident_parent", _("lähivanhempi")
    FOSTER_FAMILY = "foster_family", _("sijaisperhe")
    OTHER = "other", _("muu läheinen")


#: Party roles on the child's (bringing) side: they arrive first and take the child home.
RESIDENT_SIDE = frozenset({PartyRole.RESIDENT_PARENT, PartyRole.FOSTER_FAMILY})


class Outcome(models.TextChoices):
    TOOK_PLACE = "took_place", _("toteutui")
    CANCELLED_VISITING = "cancelled_visiting", _("tapaajavanhempi perui")
    CANCELLED_RESIDENT = "cancelled_resident", _("lähivanhempi perui")
    CANCELLED_CHILD = "cancelled_child", _("lapsi perui")
    CANCELLED_US = "cancelled_us", _("tapaamispaikka perui")
    NO_SHOW = "no_show", _("osapuoli ei saapunut")
    INTERRUPTED = "interrupted", _("keskeytettiin")


#: Cancellations by a family party (a late one may be billable, see :mod:`.billing`).
FAMILY_CANCELLATIONS = frozenset(
    {Outcome.CANCELLED_VISITING, Outcome.CANCELLED_RESIDENT, Outcome.CANCELLED_CHILD}
)


class InterruptionReason(models.TextChoices):
    INTOXICATION = "intoxication", _("päihtymys")
    THREAT = "threat", _("uhkaava käytös tai väkivallan uhka")
    OTHER = "other", _("muu syy")


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("puhelin")
    MESSAGE = "message", _("tekstiviesti tai suojattu viesti")
    EMAIL = "email", _("sähköposti")
    MEETING = "meeting", _("tapaaminen")
    NETWORK_MEETING = "network_meeting", _("verkostopalaveri")
    LETTER = "letter", _("kirje")


class MeetingOrder(OrganisationScopedModel):
    """The order behind the supervised meetings of one episode (MEE-01, MEE-02, MEE-04)."""

    episode = models.ForeignKey(
        "episodes.Episode",
        on_delete=models.PROTECT,
        related_name="meeting_orders",
        verbose_name=_("asiakkuus"),
    )
    basis = models.CharField(_("peruste"), max_length=30, choices=OrderBasis.choices)
    basis_date = models.DateField(_("päätöksen tai sopimuksen päivä"))
    basis_reference = models.CharField(_("diaari- tai asianumero"), max_length=100, blank=True)
    authority = models.ForeignKey(
        "organisations.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("määrääjä (yhteistyötaho)"),
    )
    authority_name = models.CharField(_("määrääjä (muu)"), max_length=200, blank=True)
    meeting_type = models.CharField(
        _("tapaamisen laji"), max_length=20, choices=MeetingType.choices
    )
    interval_weeks = models.PositiveSmallIntegerField(_("tiheys (viikon välein)"), default=2)
    duration_minutes = models.PositiveSmallIntegerField(_("kesto (min)"), default=120)
    valid_from = models.DateField(_("voimassa alkaen"))
    valid_until = models.DateField(_("voimassa asti"), null=True, blank=True)
    payer_municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("maksava kunta (lapsen kotikunta)"),
    )
    payer_partner = models.ForeignKey(
        "organisations.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("laskutettava yhteistyötaho"),
    )
    arrival_offset_minutes = models.PositiveSmallIntegerField(
        _("lapsen tuojan porrastus saapuessa (min)"), default=15
    )
    departure_offset_minutes = models.PositiveSmallIntegerField(
        _("tapaajavanhemman porrastus lähtiessä (min)"), default=15
    )
    separate_entrances = models.BooleanField(_("eri sisäänkäynnit"), default=False)
    separate_waiting_rooms = models.BooleanField(_("eri odotustilat"), default=False)
    security_guard = models.BooleanField(_("vartija paikalla"), default=False)
    safety_notes = models.TextField(_("turvallisuusjärjestelyt, lisätiedot"), blank=True)
    notes = models.TextField(_("muistiinpanot"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tapaamismääräys")
        verbose_name_plural = _("tapaamismääräykset")
        ordering = ["-valid_from", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="meetingorder_validity_order",
            ),
            models.CheckConstraint(
                condition=Q(interval_weeks__gte=1) & Q(interval_weeks__lte=12),
                name="meetingorder_interval_range",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5) & Q(duration_minutes__lte=480),
                name="meetingorder_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_meeting_type_display()} #{self.pk}"

    @property
    def authority_label(self) -> str:
        return self.authority.name if self.authority_id else self.authority_name  # type: ignore[union-attr]

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or self.valid_until >= day)


class OrderParty(models.Model):
    """A participant of the order's episode who is a party of the meetings (MEE-02)."""

    order = models.ForeignKey(MeetingOrder, on_delete=models.CASCADE, related_name="parties")
    participant = models.ForeignKey(
        "episodes.Participant",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("osallistuja"),
    )
    role = models.CharField(_("osapuolen rooli"), max_length=20, choices=PartyRole.choices)

    objects = ScopedManager(organisation="order__organisation")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tapaamisen osapuoli")
        verbose_name_plural = _("tapaamisen osapuolet")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "participant"], name="orderparty_unique_participant"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} ({self.order_id})"


class Meeting(OrganisationScopedModel):
    """One scheduled meeting or exchange of an order, and its outcome (MEE-03, MEE-06)."""

    order = models.ForeignKey(MeetingOrder, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField(_("alkaa"))
    duration_minutes = models.PositiveSmallIntegerField(_("kesto (min)"))
    location = models.CharField(
        _("paikka, jos muu kuin tapaamispaikka"), max_length=200, blank=True
    )
    outcome = models.CharField(
        _("toteutuminen"), max_length=20, choices=Outcome.choices, blank=True
    )
    no_show_role = models.CharField(
        _("kuka ei saapunut"), max_length=20, choices=PartyRole.choices, blank=True
    )
    late_cancellation = models.BooleanField(_("myöhäinen peruutus"), default=False)
    interruption_reason = models.CharField(
        _("keskeyttämisen syy"), max_length=20, choices=InterruptionReason.choices, blank=True
    )
    outcome_note = models.CharField(_("lyhyt huomio"), max_length=500, blank=True)
    record_entry = models.OneToOneField(
        "episodes.Entry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visitation_meeting",
        verbose_name=_("tapaamisen kirjaus"),
    )
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome_at = models.DateTimeField(_("toteutuma kirjattu"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tapaaminen")
        verbose_name_plural = _("tapaamiset")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["organisation", "starts_at"])]
        constraints = [
            models.UniqueConstraint(fields=["order", "starts_at"], name="meeting_unique_start"),
            models.CheckConstraint(
                condition=Q(outcome="no_show") | Q(no_show_role=""),
                name="meeting_no_show_role_only_for_no_show",
            ),
            models.CheckConstraint(
                condition=(Q(outcome="interrupted") & ~Q(interruption_reason=""))
                | (~Q(outcome="interrupted") & Q(interruption_reason="")),
                name="meeting_interruption_reason",
            ),
            models.CheckConstraint(
                condition=Q(late_cancellation=False)
                | Q(outcome__in=["cancelled_visiting", "cancelled_resident", "cancelled_child"]),
                name="meeting_late_only_for_family_cancellation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)


class Contact(OrganisationScopedModel):
    """The coordinator's contact with a family member or an authority about an order (MEE-05)."""

    order = models.ForeignKey(MeetingOrder, on_delete=models.PROTECT, related_name="contacts")
    contacted_on = models.DateField(_("päivä"))
    party = models.ForeignKey(
        OrderParty,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("osapuoli"),
    )
    partner = models.ForeignKey(
        "organisations.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("viranomainen tai yhteistyötaho"),
    )
    other = models.CharField(_("muu, kuka"), max_length=200, blank=True)
    channel = models.CharField(_("yhteydenottotapa"), max_length=20, choices=ContactChannel.choices)
    summary = models.TextField(_("yhteenveto"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("yhteydenpito")
        verbose_name_plural = _("yhteydenpidot")
        ordering = ["-contacted_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.contacted_on} {self.get_channel_display()}"
