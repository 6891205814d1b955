"""Budget by funding source (seed-spec §6.1, FIN-07)."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords

from tupa.core.models import OrganisationScopedModel
from tupa.finance.money import cents


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


class BudgetKind(models.TextChoices):
    """Whether a budget row or an actual is income (*tuotot*) or a cost (*kulut*)."""

    INCOME = "income", _("tuotot")
    COST = "cost", _("kulut")


class CostType(models.TextChoices):
    """The cost types of the budget by service form (the accounts' main groups)."""

    PERSONNEL = "personnel", _("henkilöstökulut")
    MATERIALS = "materials", _("aineet, tarvikkeet ja palvelut")
    PREMISES = "premises", _("toimitilakulut")
    DEPRECIATION = "depreciation", _("poistot")
    OTHER = "other", _("muut kulut")


class BudgetItem(models.Model):
    """One row of the budget by service form (FIN-07): the yearly income from one funding source
    or the yearly cost of one type, of a service form (the cost centre) or of the common costs
    (*yhteiset*, no service form), optionally phased by month.

    ``phasing`` is empty (the year's amount is spread evenly: each month ``cents(amount / 12)``,
    December takes the rounding difference) or twelve amounts, January first, that sum to
    ``amount`` (see :meth:`monthly_amounts`, ``docs/finance-budget.md``).
    """

    budget = models.ForeignKey(
        Budget, on_delete=models.CASCADE, related_name="items", verbose_name=_("talousarvio")
    )
    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("työmuoto (kustannuspaikka)"),
        help_text=_("Tyhjä: yhteiset tuotot ja kulut."),
    )
    kind = models.CharField(_("tuotto vai kulu"), max_length=10, choices=BudgetKind.choices)
    funder = models.ForeignKey(
        "organisations.Funder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_items",
        verbose_name=_("rahoituslähde"),
    )
    cost_type = models.CharField(_("kululaji"), max_length=20, choices=CostType.choices, blank=True)
    amount = models.DecimalField(
        _("vuoden summa (€)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    phasing = models.JSONField(
        _("kuukausijaksotus"),
        default=list,
        blank=True,
        help_text=_("Tyhjä: tasan kahdelletoista kuukaudelle."),
    )
    description = models.CharField(_("selite"), max_length=300, blank=True)

    objects = ScopedManager(organisation="budget__organisation")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("talousarvion erä")
        verbose_name_plural = _("talousarvion erät")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="budgetitem_amount_nonnegative"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="income", funder__isnull=False, cost_type="")
                    | (models.Q(kind="cost", funder__isnull=True) & ~models.Q(cost_type=""))
                ),
                name="budgetitem_income_has_funder_cost_has_type",
            ),
        ]

    def __str__(self) -> str:
        unit = self.service_form.name if self.service_form is not None else str(_("yhteiset"))
        what = self.funder.name if self.funder is not None else self.get_cost_type_display()
        return f"{self.budget}: {unit}, {what} {self.amount} €"

    def monthly_amounts(self) -> list[Decimal]:
        """The twelve monthly amounts, January first; they always sum to ``amount``."""
        if self.phasing:
            return [Decimal(str(value)) for value in self.phasing]
        month = cents(self.amount / 12)
        return [month] * 11 + [self.amount - month * 11]
