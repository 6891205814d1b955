"""The activity log (VOL-01, VOL-10): realised activity, one occasion with its times."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tupa.core.dates import fi_date
from tupa.core.models import OrganisationScopedModel
from tupa.volunteers import clock
from tupa.volunteers.models.register import Volunteer


class ActivityKind(models.TextChoices):
    SESSION = "session", _("ryhmä- tai tapaamiskerta")
    OUTING = "outing", _("retki tai yhteinen tekeminen")
    CAMP = "camp", _("leiri")
    EVENT = "event", _("tapahtuma")
    PHONE = "phone", _("puhelin tai viestit")
    OTHER = "other", _("muu")


class HoursEntry(OrganisationScopedModel):
    """One occasion of realised volunteer activity, with its wall-clock times (Helsinki).

    Entries of one volunteer never overlap (``hours.services.hours_add`` and ``hours_update``
    refuse).
    A camp of several days is entered day by day. The duration is computed from aware Helsinki
    datetimes (:mod:`tupa.volunteers.clock`), so the nights the clocks change count right.
    """

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="hours", verbose_name=_("vapaaehtoinen")
    )
    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("työmuoto"),
    )
    kind = models.CharField(_("toiminta"), max_length=20, choices=ActivityKind.choices)
    date = models.DateField(_("päivä"))
    starts = models.TimeField(_("alkaa"))
    ends = models.TimeField(_("päättyy"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kirjaaja"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("toteutunut toiminta")
        verbose_name_plural = _("toteutunut toiminta")
        ordering = ["-date", "-starts", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=models.F("starts")), name="volunteer_hours_end_after_start"
            ),
        ]
        indexes = [models.Index(fields=["volunteer", "date"], name="volunteer_hours_day")]

    def __str__(self) -> str:
        return f"{fi_date(self.date)} {self.starts:%H:%M}–{self.ends:%H:%M}"

    @property
    def minutes(self) -> int:
        """Elapsed minutes, counted in UTC so a daylight-saving night comes out right."""
        return clock.minutes_between(self.date, self.starts, self.ends)
