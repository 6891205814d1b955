"""Students (VOL-13, STF-06): practical training and volunteering for study credit.

A student is a :class:`~tupa.volunteers.models.register.Volunteer` (a person record of the
register); each period of study in a service form is a :class:`StudentPlacement` with the
school, degree programme, the staff supervisor, the period and the credits.
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


class PlacementKind(models.TextChoices):
    PRACTICAL_TRAINING = "practical_training", _("harjoittelu")
    STUDY_CREDIT = "study_credit", _("vapaaehtoistoiminta opintopisteitä vastaan")


class StudentPlacement(OrganisationScopedModel):
    """A student's practical-training or study-credit period in a service form."""

    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="student_placements",
        verbose_name=_("opiskelija"),
    )
    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("työmuoto"),
    )
    kind = models.CharField(_("laji"), max_length=30, choices=PlacementKind.choices)
    school = models.CharField(_("oppilaitos"), max_length=200)
    degree_programme = models.CharField(_("koulutusohjelma"), max_length=200)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ohjaaja"),
    )
    starts_on = models.DateField(_("alkaa"))
    ends_on = models.DateField(_("päättyy"))
    credits = models.DecimalField(
        _("opintopisteet"), max_digits=5, decimal_places=1, null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opiskelijan jakso")
        verbose_name_plural = _("opiskelijoiden jaksot")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="volunteer_placement_period_order",
            ),
            models.CheckConstraint(
                condition=Q(credits__isnull=True) | Q(credits__gt=0),
                name="volunteer_placement_credits_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school}: {fi_date(self.starts_on)}–{fi_date(self.ends_on)}"
