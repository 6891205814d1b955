"""Budget by funding source (seed-spec §6.1, FIN-07)."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords

from tupa.core.models import OrganisationScopedModel


class Budget(OrganisationScopedModel):
    """An annual budget (*talousarvio*) decided by the board."""

    year = models.PositiveSmallIntegerField(_("vuosi"))
    approved_on = models.DateField(_("hyväksytty"), null=True, blank=True)
    note = models.TextField(_("lisätieto"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("talousarvio")
        verbose_name_plural = _("talousarviot")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="budget_unique_year"),
        ]

    def __str__(self) -> str:
        return str(_("Talousarvio %(year)s") % {"year": self.year})


class BudgetLine(models.Model):
    """Budgeted income from one funding source."""

    budget = models.ForeignKey(
        Budget, on_delete=models.CASCADE, related_name="lines", verbose_name=_("talousarvio")
    )
    funder = models.ForeignKey(
        "organisations.Funder",
        on_delete=models.PROTECT,
        related_name="budget_lines",
        verbose_name=_("rahoittaja"),
    )
    amount = models.DecimalField(
        _("summa (€)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    description = models.CharField(_("selite"), max_length=300, blank=True)

    objects = ScopedManager(organisation="budget__organisation")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("talousarvion rivi")
        verbose_name_plural = _("talousarvion rivit")
        constraints = [
            models.UniqueConstraint(fields=["budget", "funder"], name="budgetline_unique_funder"),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="budgetline_amount_nonnegative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.budget}: {self.funder} {self.amount} €"
