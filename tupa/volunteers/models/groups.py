"""Volunteer groups and their meetings (VOL-08, VOL-12).

A :class:`VolunteerGroup` belongs to one service form: the doulas' meetings, the Mieskaveri
supervision (*työnohjaus*) and peer groups, Särö's monthly meetings, and the experience-expert
networks of Ensikoti and Lapsityö (kind ``expert_network``). Its members are volunteers
(:class:`GroupMembership`, dated); a :class:`GroupMeeting` has a date, time, place, topic and a
staff leader, and :class:`MeetingAttendance` says which members were there.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tupa.core.dates import fi_date
from tupa.core.models import OrganisationScopedModel
from tupa.volunteers.models.register import Volunteer


class GroupKind(models.TextChoices):
    DOULA_MEETINGS = "doula_meetings", _("doulatapaamiset")
    SUPERVISION = "supervision", _("työnohjausryhmä")
    PEER = "peer", _("vertaisryhmä")
    MONTHLY = "monthly", _("kuukausitapaamiset")
    EXPERT_NETWORK = "expert_network", _("kokemusasiantuntijaverkosto")
    RECREATION = "recreation", _("virkistys")
    OTHER = "other", _("muu ryhmä")


class VolunteerGroup(OrganisationScopedModel):
    """A standing group of a form's volunteers; ``closed_on`` set once it no longer meets."""

    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("työmuoto"),
    )
    kind = models.CharField(_("ryhmän laji"), max_length=30, choices=GroupKind.choices)
    name = models.CharField(_("nimi"), max_length=200)
    description = models.TextField(_("kuvaus"), blank=True)
    started_on = models.DateField(_("aloitettu"))
    closed_on = models.DateField(_("lopetettu"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vapaaehtoisryhmä")
        verbose_name_plural = _("vapaaehtoisryhmät")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("started_on")),
                name="volunteer_group_period_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class GroupMembership(OrganisationScopedModel):
    """A volunteer in a group from ``joined_on`` to ``left_on`` (open: a current member)."""

    group = models.ForeignKey(
        VolunteerGroup,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("ryhmä"),
    )
    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="group_memberships",
        verbose_name=_("vapaaehtoinen"),
    )
    joined_on = models.DateField(_("liittyi"))
    left_on = models.DateField(_("erosi"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ryhmän jäsen")
        verbose_name_plural = _("ryhmän jäsenet")
        ordering = ["volunteer__last_name", "volunteer__first_names", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="volunteer_group_member_period_order",
            ),
            models.UniqueConstraint(
                fields=["group", "volunteer"],
                condition=Q(left_on__isnull=True),
                name="volunteer_group_member_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group_id}: {self.volunteer_id}"


class GroupMeeting(OrganisationScopedModel):
    """One meeting of a group, led by a staff member."""

    group = models.ForeignKey(
        VolunteerGroup,
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("ryhmä"),
    )
    date = models.DateField(_("päivä"))
    starts_at = models.TimeField(_("alkaa klo"))
    ends_at = models.TimeField(_("päättyy klo"), null=True, blank=True)
    place = models.CharField(_("paikka"), max_length=200, blank=True)
    topic = models.CharField(_("aihe"), max_length=200, blank=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ohjaaja"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ryhmän tapaaminen")
        verbose_name_plural = _("ryhmän tapaamiset")
        ordering = ["-date", "-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="volunteer_group_meeting_time_order",
            ),
        ]
        indexes = [models.Index(fields=["group", "date"], name="volunteer_meeting_group_date")]

    def __str__(self) -> str:
        return f"{self.group}: {fi_date(self.date)}"


class MeetingAttendance(OrganisationScopedModel):
    """A member was present at a group meeting."""

    meeting = models.ForeignKey(
        GroupMeeting,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("tapaaminen"),
    )
    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="meeting_attendances",
        verbose_name=_("vapaaehtoinen"),
    )

    class Meta:
        verbose_name = _("läsnäolo tapaamisessa")
        verbose_name_plural = _("läsnäolot tapaamisissa")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "volunteer"], name="volunteer_meeting_attendance_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.volunteer_id}"
