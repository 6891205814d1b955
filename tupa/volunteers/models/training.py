"""Training (VOL-04): courses, their sessions, participants, attendance and completion."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tupa.core.dates import fi_date
from tupa.core.models import OrganisationScopedModel
from tupa.volunteers.models.register import Volunteer


class CourseKind(models.TextChoices):
    MIESKAVERI_BASIC = "mieskaveri_basic", _("Mieskaverien peruskoulutus")
    DOULA = "doula", _("doulakurssi")
    SUPLI = "supli", _("SUPLI-uusperhekoulutus")
    OTHER = "other", _("muu koulutus")


class TrainingCourse(OrganisationScopedModel):
    """A course for volunteers (VOL-04): e.g. Mieskaveri basic training of 12–15 hours."""

    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("työmuoto"),
    )
    kind = models.CharField(_("koulutuksen laji"), max_length=30, choices=CourseKind.choices)
    name = models.CharField(_("nimi"), max_length=200)
    place = models.CharField(_("paikka"), max_length=200, blank=True)
    starts_on = models.DateField(_("alkaa"))
    ends_on = models.DateField(_("päättyy"))
    planned_hours = models.DecimalField(
        _("laajuus (tuntia)"), max_digits=5, decimal_places=1, null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("koulutus")
        verbose_name_plural = _("koulutukset")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="volunteer_course_period_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TrainingSession(OrganisationScopedModel):
    """One meeting of a course."""

    course = models.ForeignKey(
        TrainingCourse,
        on_delete=models.CASCADE,
        related_name="sessions",
        verbose_name=_("koulutus"),
    )
    date = models.DateField(_("päivä"))
    hours = models.DecimalField(_("kesto (tuntia)"), max_digits=4, decimal_places=1)
    topic = models.CharField(_("aihe"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("koulutuskerta")
        verbose_name_plural = _("koulutuskerrat")
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="volunteer_session_hours"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course}: {fi_date(self.date)}"


class CourseParticipant(OrganisationScopedModel):
    """A volunteer on a course; ``completed_on`` once the course is completed."""

    course = models.ForeignKey(
        TrainingCourse,
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("koulutus"),
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="courses", verbose_name=_("vapaaehtoinen")
    )
    completed_on = models.DateField(_("suoritettu"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("koulutuksen osallistuja")
        verbose_name_plural = _("koulutuksen osallistujat")
        ordering = ["volunteer__last_name", "volunteer__first_names", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "volunteer"], name="volunteer_course_participant_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course}: {self.volunteer_id}"


class SessionAttendance(OrganisationScopedModel):
    """A volunteer was present at a course session."""

    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("koulutuskerta"),
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="+", verbose_name=_("vapaaehtoinen")
    )

    class Meta:
        verbose_name = _("läsnäolo")
        verbose_name_plural = _("läsnäolot")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "volunteer"], name="volunteer_session_attendance_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.volunteer_id}"
