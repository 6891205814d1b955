"""Reads of the annual plan: a year's goals, grouped by owner and theme, and their statuses.

Nothing here is client data: the plan is read by every staff member
(:func:`tupa.access.planning.may_view_plan`). The statistics read the same functions for the
board's plan against actual and the annual report (ADR 0030).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tupa.organisations.models import (
    THEME_ORDERING,
    ServiceForm,
    StrategicTheme,
    WorkingGroup,
    theme_order,
)

from .models import AnnualGoal, GoalStatus

#: The key and heading of the goals under no theme (PLN-02's explicit "other").
OTHER = "other"
OTHER_LABEL = _("Muut tavoitteet (ei painopistettä)")


def goals_of_year(
    organisation_id: int, year: int, *, service_form_ids: Iterable[int] | None = None
) -> QuerySet[AnnualGoal]:
    """The year's goals of the organisation (of ``service_form_ids`` only, when given), with
    their owner and theme, in the plan's order."""
    goals = AnnualGoal.objects.filter(organisation_id=organisation_id, year=year)
    if service_form_ids is not None:
        goals = goals.filter(service_form_id__in=list(service_form_ids))
    return goals.select_related("service_form", "working_group", "theme", "assessed_by").order_by(
        "order", "pk"
    )


def themes_for_year(organisation_id: int, year: int) -> QuerySet[StrategicTheme]:
    """The strategy's themes that a goal of ``year`` may be filed under (the query's form of
    :meth:`StrategicTheme.covers`)."""
    return StrategicTheme.objects.filter(
        Q(start_year__isnull=True) | Q(start_year__lte=year),
        Q(end_year__isnull=True) | Q(end_year__gte=year),
        organisation_id=organisation_id,
    ).order_by(*THEME_ORDERING)


@dataclass
class ThemeGoals:
    key: str
    label: Any
    goals: list[AnnualGoal] = field(default_factory=list)


@dataclass
class OwnerPlan:
    """One owner's goals of the year (a service form, a working group or the association)."""

    key: str
    label: Any
    service_form: ServiceForm | None
    working_group: WorkingGroup | None
    themes: list[ThemeGoals] = field(default_factory=list)

    @property
    def goals(self) -> list[AnnualGoal]:
        return [g for t in self.themes for g in t.goals]

    @property
    def statuses(self) -> Counter[str]:
        return Counter(g.status for g in self.goals)


def owner_key(goal: AnnualGoal) -> str:
    if goal.service_form_id is not None:
        return f"form-{goal.service_form_id}"
    if goal.working_group_id is not None:
        return f"group-{goal.working_group_id}"
    return "association"


def _theme_of(goal: AnnualGoal) -> tuple[str, Any]:
    if goal.theme is None:
        return OTHER, OTHER_LABEL
    return goal.theme.code, str(goal.theme)


def grouped(goals: Iterable[AnnualGoal]) -> list[OwnerPlan]:
    """``goals`` by owner — the association first, then service forms and working groups by
    name — and within each by theme (T1–T5 by code, the goals under no theme last)."""
    owners: dict[str, OwnerPlan] = {}
    themes: dict[tuple[str, str], ThemeGoals] = {}
    for goal in goals:
        key = owner_key(goal)
        if key not in owners:
            if goal.service_form is not None:
                label: Any = goal.service_form.name
            elif goal.working_group is not None:
                label = goal.working_group.name
            else:
                label = _("Koko yhdistys")
            owners[key] = OwnerPlan(key, label, goal.service_form, goal.working_group)
        theme_key, theme_label = _theme_of(goal)
        if (key, theme_key) not in themes:
            themes[(key, theme_key)] = ThemeGoals(theme_key, theme_label)
            owners[key].themes.append(themes[(key, theme_key)])
        themes[(key, theme_key)].goals.append(goal)
    for plan in owners.values():
        plan.themes.sort(key=lambda t: (t.key == OTHER, theme_order(t.key)))

    def rank(plan: OwnerPlan) -> tuple[int, str]:
        kind = 0 if plan.key == "association" else 1 if plan.service_form is not None else 2
        return kind, str(plan.label).lower()

    return sorted(owners.values(), key=rank)


@dataclass
class ThemeSummary:
    key: str
    label: Any
    statuses: Counter[str]

    @property
    def total(self) -> int:
        return sum(self.statuses.values())

    def count(self, status: str) -> int:
        return self.statuses.get(status, 0)


def theme_summary(goals: Iterable[AnnualGoal]) -> list[ThemeSummary]:
    """How many of ``goals`` are in each status, per theme (T1–T5, then the others)."""
    rows: dict[str, ThemeSummary] = {}
    for goal in goals:
        key, label = _theme_of(goal)
        rows.setdefault(key, ThemeSummary(key, label, Counter())).statuses[goal.status] += 1
    return sorted(rows.values(), key=lambda r: (r.key == OTHER, theme_order(r.key)))


#: The statuses in the order the summaries show them.
STATUS_ORDER = tuple(GoalStatus)
