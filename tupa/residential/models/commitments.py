"""Payment commitments of the municipalities (Ensikoti)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tupa.core.dates import fi_date
from tupa.core.models import OrganisationScopedModel


class PaymentCommitment(OrganisationScopedModel):
    """A payer's commitment (*maksusitoumus*) to pay an episode's care days (issue 4, item 9).

    Ensikoti's care days are paid by the client's wellbeing services county or municipality on
    the strength of a commitment with a validity period; a care day is billable to the payer
    whose commitment covers that date. Days no commitment covers are shown, not dropped.
    """

    episode = models.ForeignKey(
        "episodes.Episode",
        on_delete=models.PROTECT,
        related_name="payment_commitments",
        verbose_name=_("asiakkuus"),
    )
    payer = models.ForeignKey(
        "organisations.Partner",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("maksaja"),
    )
    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kotikunta"),
    )
    reference = models.CharField(_("päätöksen numero tai viite"), max_length=100, blank=True)
    valid_from = models.DateField(_("voimassa alkaen"))
    valid_until = models.DateField(_("voimassa asti"), null=True, blank=True)
    daily_price = models.DecimalField(
        _("vuorokausihinta (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    note = models.CharField(_("lisätieto"), max_length=300, blank=True)
    cancelled_on = models.DateField(_("peruttu"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("maksusitoumus")
        verbose_name_plural = _("maksusitoumukset")
        ordering = ["episode", "valid_from", "pk"]
        indexes = [models.Index(fields=["organisation", "valid_from"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="commitment_valid_order",
            ),
            models.CheckConstraint(
                condition=Q(daily_price__isnull=True) | Q(daily_price__gte=0),
                name="commitment_price_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payer} {fi_date(self.valid_from)}"

    def covers(self, day: date) -> bool:
        if self.cancelled_on is not None:
            return False
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)
