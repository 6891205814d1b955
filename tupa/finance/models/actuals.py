"""Actuals (*toteuma*) imported monthly from the accounting system (FIN-07).

- :class:`AccountRange` maps the accounts of the chart of accounts to income or cost and to a
  funding source or cost type; an organisation without ranges uses :data:`DEFAULT_RANGES`
  (3000–3999 income, 4000–8999 costs).
- :class:`ActualsImport` is one imported file: who, when, which file (its SHA-256: the same file
  twice is refused), which months it carried and what it replaced.
- :class:`ActualEntry` is one row of the file: month, cost centre (a service form, or none for
  the common costs), account, amount — with the income/cost side and funding source or cost type
  resolved when it was imported.

Re-importing a month replaces every actual of that month; the replaced rows are listed in the
new import's ``replaced`` (``docs/finance-budget.md``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tupa.core.models import OrganisationScopedModel
from tupa.finance.models.budget import BudgetKind, CostType

#: (first account, last account, kind, cost type) used when the organisation has no ranges.
DEFAULT_RANGES: tuple[tuple[int, int, str, str], ...] = (
    (3000, 3999, BudgetKind.INCOME, ""),
    (4000, 4999, BudgetKind.COST, CostType.MATERIALS),
    (5000, 6799, BudgetKind.COST, CostType.PERSONNEL),
    (6800, 6999, BudgetKind.COST, CostType.DEPRECIATION),
    (7000, 8999, BudgetKind.COST, CostType.OTHER),
)


class AccountRange(OrganisationScopedModel):
    """Accounts ``first_account``–``last_account`` are income (from ``funder``, if known) or a
    cost of ``cost_type``. Ranges of one organisation do not overlap (the service checks)."""

    first_account = models.PositiveIntegerField(_("tilistä"))
    last_account = models.PositiveIntegerField(_("tiliin"))
    kind = models.CharField(_("tuotto vai kulu"), max_length=10, choices=BudgetKind.choices)
    funder = models.ForeignKey(
        "organisations.Funder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rahoituslähde"),
    )
    cost_type = models.CharField(_("kululaji"), max_length=20, choices=CostType.choices, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tiliväli")
        verbose_name_plural = _("tilivälit")
        ordering = ["first_account"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_account__gte=models.F("first_account")),
                name="accountrange_order",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="income", cost_type="")
                    | (models.Q(kind="cost", funder__isnull=True) & ~models.Q(cost_type=""))
                ),
                name="accountrange_income_or_cost",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_account}–{self.last_account} {self.get_kind_display()}"


class ActualsImport(OrganisationScopedModel):
    """One accounting file imported (the audit trail: who, when, which file, what it replaced)."""

    file_name = models.CharField(_("tiedosto"), max_length=200)
    file_sha256 = models.CharField(_("tiedoston tarkiste"), max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tuoja"),
    )
    imported_at = models.DateTimeField(_("tuotu"), default=timezone.now)
    income_negative = models.BooleanField(
        _("tuotot miinusmerkkisinä"),
        default=False,
        help_text=_("Tiedoston tuotot olivat kirjanpidon tapaan negatiivisia ja käännettiin."),
    )
    #: The months of the file as "YYYY-MM", sorted.
    months = models.JSONField(_("kuukaudet"), default=list)
    row_count = models.PositiveIntegerField(_("rivejä"), default=0)
    income_total = models.DecimalField(_("tuotot (€)"), max_digits=14, decimal_places=2, default=0)
    cost_total = models.DecimalField(_("kulut (€)"), max_digits=14, decimal_places=2, default=0)
    #: What this import replaced: [{"month", "import", "file", "rows", "income", "cost"}, …].
    replaced = models.JSONField(_("korvatut"), default=list, blank=True)

    class Meta:
        verbose_name = _("toteuman tuonti")
        verbose_name_plural = _("toteuman tuonnit")
        ordering = ["-imported_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "file_sha256"], name="actualsimport_unique_file"
            ),
        ]

    def __str__(self) -> str:
        return self.file_name


class ActualEntry(OrganisationScopedModel):
    """One row of an imported accounting file: an account's amount of a month and cost centre."""

    source_import = models.ForeignKey(
        ActualsImport,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("tuonti"),
    )
    month = models.DateField(_("kuukausi"), help_text=_("Kuukauden ensimmäinen päivä."))
    cost_centre = models.CharField(_("kustannuspaikka"), max_length=60)
    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("työmuoto"),
    )
    account = models.PositiveIntegerField(_("tili"))
    account_name = models.CharField(_("tilin nimi"), max_length=200, blank=True)
    kind = models.CharField(_("tuotto vai kulu"), max_length=10, choices=BudgetKind.choices)
    funder = models.ForeignKey(
        "organisations.Funder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rahoituslähde"),
    )
    cost_type = models.CharField(_("kululaji"), max_length=20, choices=CostType.choices, blank=True)
    amount = models.DecimalField(_("summa (€)"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("toteumarivi")
        verbose_name_plural = _("toteumarivit")
        ordering = ["month", "cost_centre", "account"]
        indexes = [models.Index(fields=["organisation", "month"], name="actualentry_org_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.cost_centre} {self.account}: {self.amount} €"
