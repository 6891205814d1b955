"""Group programmes, their leaders, participants, sessions and attendance (GRP-01..04).

A **programme** (*ryhmä*) belongs to one service form: a closed programme such as the
Peukaloinen day group, an open group, a peer group, a self-organised group, family coaching or
a camp. Its rule configuration (``rules``, e.g. the Peukaloinen rules) is data: the checks in
:mod:`tupa.programmes.rules` turn it into warnings on the programme page, never into blocks.

**Participants** are identified persons taking part through their episode of the programme's
service form (a :class:`~tupa.episodes.models.Participant`); a baby–parent pair is one member
with the parent and the child (both participants of the same episode). Anonymous participants
are only counted, per session (``anonymous_adults``, ``anonymous_children``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords

from tupa.core.models import OrganisationScopedModel

#: Keys of :attr:`GroupProgramme.rules` (an absent or null key switches that rule off).
RULE_KEYS = (
    "min_motivation_meetings",
    "min_hours_per_week",
    "min_duration_months",
    "pairs_target",
    "pairs_max",
    "aftercare_months",
    "sessions_per_month",
    "invitation_years",
)

#: The Peukaloinen day-group rules of seed-spec §2.3 / GRP-02.
PEUKALOINEN_RULES: dict[str, int] = {
    "min_motivation_meetings": 3,
    "min_hours_per_week": 15,
    "min_duration_months": 6,
    "pairs_target": 4,
    "pairs_max": 5,
    "aftercare_months": 6,
}
#: The open Thursday group (twice a month) and the aftercare group (invite the last 2 years).
OPEN_GROUP_RULES: dict[str, int] = {"sessions_per_month": 2}
AFTERCARE_GROUP_RULES: dict[str, int] = {"invitation_years": 2}


class GroupProgramme(OrganisationScopedModel):
    class Type(models.TextChoices):
        CLOSED = "closed", _("suljettu ryhmä")
        OPEN = "open", _("avoin ryhmä")
        PEER = "peer", _("vertaisryhmä")
        SELF_ORGANISED = "self_organised", _("omaehtoinen ryhmä")
        FAMILY_COACHING = "family_coaching", _("perhevalmennus")
        CAMP = "camp", _("leiri")

    class TargetGroup(models.TextChoices):
        ADULTS = "adults", _("aikuiset")
        CHILDREN = "children", _("lapset")
        BABY_PARENT = "baby_parent", _("vauva–vanhempi-parit")
        FAMILIES = "families", _("perheet")

    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name=_("työmuoto"),
    )
    name = models.CharField(_("nimi"), max_length=200)
    type = models.CharField(_("ryhmän laji"), max_length=20, choices=Type.choices)
    target_group = models.CharField(_("kohderyhmä"), max_length=20, choices=TargetGroup.choices)
    starts_on = models.DateField(_("alkaa"))
    ends_on = models.DateField(_("päättyy"), null=True, blank=True)
    aftercare_until = models.DateField(_("jälkituki päättyy"), null=True, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("paikkoja"),
        null=True,
        blank=True,
        help_text=_("Vauva–vanhempi-ryhmissä paikka on pari."),
    )
    planned_hours_per_week = models.DecimalField(
        _("suunniteltu tuntimäärä viikossa"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
    )
    room = models.ForeignKey(
        "scheduling.Room",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tila"),
    )
    description = models.TextField(_("kuvaus"), blank=True)
    rules: models.JSONField[dict[str, Any], dict[str, Any]] = models.JSONField(
        _("säännöt"), default=dict, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ryhmä")
        verbose_name_plural = _("ryhmät")
        ordering = ["-starts_on", "name", "pk"]
        indexes = [models.Index(fields=["organisation", "service_form", "starts_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="programme_period_order",
            ),
            models.CheckConstraint(
                condition=Q(aftercare_until__isnull=True)
                | Q(aftercare_until__gte=models.F("starts_on")),
                name="programme_aftercare_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Leader(models.Model):
    """A leader of a programme: a staff member, a co-worker partner or a volunteer.

    A volunteer leader or childminder is a record of the volunteer register (``volunteer``,
    issue 12 item 7). ``name`` is kept for a co-worker outside the association and for a
    volunteer named in free text before the register existed whom migration 0002 could not
    match to exactly one volunteer of the organisation; no new free-text volunteer is accepted.
    The link is a string reference to ``volunteers.Volunteer``: the apps do not import each
    other (ADR 0008), and the rules for choosing the volunteer are asked through the registry.
    """

    class Kind(models.TextChoices):
        STAFF = "staff", _("työntekijä")
        CO_WORKER = "co_worker", _("työpari")
        VOLUNTEER = "volunteer", _("vapaaehtoinen")

    class Task(models.TextChoices):
        LEADER = "leader", _("ohjaaja")
        CO_LEADER = "co_leader", _("apuohjaaja")
        CHILDMINDER = "childminder", _("lastenhoitaja")

    programme = models.ForeignKey(GroupProgramme, on_delete=models.CASCADE, related_name="leaders")
    kind = models.CharField(_("ohjaajan laji"), max_length=20, choices=Kind.choices)
    task = models.CharField(_("tehtävä"), max_length=20, choices=Task.choices, default=Task.LEADER)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("työntekijä"),
    )
    name = models.CharField(
        _("nimi"),
        max_length=200,
        blank=True,
        help_text=_("Ulkopuolisen työparin nimi."),
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vapaaehtoinen"),
    )

    objects = ScopedManager(organisation="programme__organisation")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ohjaaja")
        verbose_name_plural = _("ohjaajat")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(name="") | Q(volunteer__isnull=False),
                name="leader_user_name_or_volunteer",
            ),
            models.CheckConstraint(
                condition=~Q(kind="staff") | Q(user__isnull=False),
                name="leader_staff_has_user",
            ),
            models.CheckConstraint(
                condition=Q(volunteer__isnull=True)
                | (Q(kind="volunteer") & Q(user__isnull=True) & Q(name="")),
                name="leader_volunteer_record_only",
            ),
            models.UniqueConstraint(
                fields=["programme", "volunteer"],
                condition=Q(volunteer__isnull=False),
                name="leader_volunteer_once",
            ),
        ]

    def __str__(self) -> str:
        if self.user_id is not None:
            return self.user.get_full_name() or self.user.get_username()  # type: ignore[union-attr]
        if self.volunteer_id is not None:
            return str(self.volunteer)
        return self.name


class Member(models.Model):
    """An identified participant of a programme (a pair: the parent and the child)."""

    programme = models.ForeignKey(GroupProgramme, on_delete=models.CASCADE, related_name="members")
    participant = models.ForeignKey(
        "episodes.Participant",
        on_delete=models.PROTECT,
        related_name="programme_memberships",
        verbose_name=_("osallistuja"),
    )
    child = models.ForeignKey(
        "episodes.Participant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programme_child_memberships",
        verbose_name=_("lapsi (pari)"),
    )
    joined_on = models.DateField(_("aloitti"))
    left_on = models.DateField(_("lopetti"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager(organisation="programme__organisation")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ryhmän osallistuja")
        verbose_name_plural = _("ryhmän osallistujat")
        ordering = ["joined_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "participant"], name="member_unique_participant"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="member_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} / {self.participant_id}"


class Session(models.Model):
    """One meeting of a programme, with head counts of anonymous participants."""

    programme = models.ForeignKey(GroupProgramme, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("alkaa"))
    ends_at = models.DateTimeField(_("päättyy"))
    room = models.ForeignKey(
        "scheduling.Room",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tila"),
    )
    topic = models.CharField(_("aihe"), max_length=200, blank=True)
    cancelled = models.BooleanField(_("peruttu"), default=False)
    anonymous_adults = models.PositiveSmallIntegerField(_("nimettömiä aikuisia"), default=0)
    anonymous_children = models.PositiveSmallIntegerField(_("nimettömiä lapsia"), default=0)
    leaders = models.ManyToManyField(  # type: ignore[var-annotated]
        Leader, blank=True, related_name="sessions", verbose_name=_("paikalla olleet ohjaajat")
    )
    attendance_recorded_at = models.DateTimeField(_("läsnäolot kirjattu"), null=True, blank=True)

    objects = ScopedManager(organisation="programme__organisation")
    history = HistoricalRecords(m2m_fields=[leaders])

    class Meta:
        verbose_name = _("kokoontuminen")
        verbose_name_plural = _("kokoontumiset")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["programme", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("paikalla")
        ABSENT = "absent", _("poissa")
        EXCUSED = "excused", _("poissa ilmoittaen")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField(_("läsnäolo"), max_length=10, choices=Status.choices)

    objects = ScopedManager(organisation="session__programme__organisation")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("läsnäolo")
        verbose_name_plural = _("läsnäolot")
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="attendance_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.session} {self.member_id}: {self.status}"
