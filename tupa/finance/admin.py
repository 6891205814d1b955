"""Configuration admin for budgets (administrators; history with who and when)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin
from django.db.models import QuerySet, Sum
from django.http import HttpRequest
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from tupa.organisations.admin import ConfigurationAdmin, ConfigurationInline

from .models import Budget, BudgetLine


class BudgetLineInline(ConfigurationInline):
    model = BudgetLine
    fields = ("funder", "amount", "description")
    autocomplete_fields = ("funder",)


@admin.register(Budget)
class BudgetAdmin(ConfigurationAdmin):
    list_display = ("year", "approved_on", "total")
    search_fields = ("year", "note")
    inlines = (BudgetLineInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Budget]:
        return super().get_queryset(request).annotate(_total=Sum("lines__amount"))

    @admin.display(description=_("tulot yhteensä (€)"), ordering="_total")
    def total(self, obj: Budget) -> str:
        amount = getattr(obj, "_total", None) or Decimal("0")
        return number_format(amount, decimal_pos=2, force_grouping=True)
