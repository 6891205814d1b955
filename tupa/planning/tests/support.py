"""Test helpers of the annual plan: an association with two service forms, the strategy's themes
T1–T5, a working group and the people who read and keep the plan, and goals added through the
services.

Build the world inside a test (or a module-scoped fixture with ``rolled_back_world``)::

    world = plan_world()
    goal = add_goal(world.lead_a, 2026, "Suunnitellaan toimintaa yhdessä asiakkaiden kanssa.",
                    service_form=world.form_a, theme=world.themes["T1"])
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django_scopes import scopes_disabled

from tupa.accounts.models import Role, User
from tupa.core.tests.factories import (
    OrganisationFactory,
    ServiceFormFactory,
    org_role_user,
    worker_in,
)
from tupa.core.wallclock import HELSINKI
from tupa.organisations.models import (
    Organisation,
    ServiceForm,
    StrategicTheme,
    WorkingGroup,
)
from tupa.planning import services
from tupa.planning.models import AnnualGoal, GoalStatus

#: "Now" of these tests: a Friday in May 2026.
NOW = dt.datetime(2026, 5, 15, 12, 0, tzinfo=HELSINKI)
TODAY = NOW.date()
YEAR = TODAY.year

#: The strategy period of the themes T1–T5.
STRATEGY_START, STRATEGY_END = 2024, 2028

#: The themes of the (fictional) strategy, code → name.
THEMES = {
    "T1": "Asiakkaan osallisuus",
    "T2": "Varhainen tuki",
    "T3": "Yhteistyö ja verkostot",
    "T4": "Osaava henkilöstö",
    "T5": "Vakaa talous",
}


@dataclass
class PlanWorld:
    """One association's plan and its people."""

    organisation: Organisation
    form_a: ServiceForm
    form_b: ServiceForm
    group: WorkingGroup
    themes: dict[str, StrategicTheme]
    director: User  # the executive director (organisation-wide role)
    lead_a: User
    worker_a: User
    lead_b: User
    finance: User
    extra: dict[str, Any] = field(default_factory=dict)

    def users(self) -> dict[str, User]:
        return {
            "director": self.director,
            "lead_a": self.lead_a,
            "worker_a": self.worker_a,
            "lead_b": self.lead_b,
            "finance": self.finance,
        }


def theme(
    organisation: Organisation,
    code: str,
    name: str,
    *,
    start_year: int | None = STRATEGY_START,
    end_year: int | None = STRATEGY_END,
) -> StrategicTheme:
    with scopes_disabled():
        return StrategicTheme.objects.create(
            organisation=organisation,
            code=code,
            name=name,
            strategy_name="Strategia 2024–2028",
            start_year=start_year,
            end_year=end_year,
        )


def working_group(organisation: Organisation, name: str = "Kehittämistyöryhmä") -> WorkingGroup:
    with scopes_disabled():
        return WorkingGroup.objects.create(organisation=organisation, name=name, short_name="KETY")


def service_form(organisation: Organisation, name: str, slug: str) -> ServiceForm:
    return ServiceFormFactory.create(
        organisation=organisation, area__organisation=organisation, name=name, slug=slug
    )


def plan_world(*, organisation: Organisation | None = None) -> PlanWorld:
    """An association with two service forms (A: family work, B: a shelter), the themes T1–T5
    of the strategy 2024–2028, a working group, and the executive director, the leads of both
    forms, a worker of form A and a finance user."""
    org = organisation or OrganisationFactory.create(name="Suunnitelmayhdistys ry")
    form_a = service_form(org, "Perhetyö", f"perhetyo-{org.pk}")
    form_b = service_form(org, "Turvakoti", f"turvakoti-{org.pk}")
    return PlanWorld(
        organisation=org,
        form_a=form_a,
        form_b=form_b,
        group=working_group(org),
        themes={code: theme(org, code, name) for code, name in THEMES.items()},
        director=org_role_user(org, Role.EXECUTIVE_DIRECTOR),
        lead_a=worker_in(form_a, role=Role.LEAD),
        worker_a=worker_in(form_a),
        lead_b=worker_in(form_b, role=Role.LEAD),
        finance=org_role_user(org, Role.FINANCE),
    )


def add_goal(
    actor: User,
    year: int,
    text: str,
    *,
    service_form: ServiceForm | None = None,
    working_group: WorkingGroup | None = None,
    theme: StrategicTheme | None = None,
    status: str | None = None,
    assessment: str = "",
    evidence: str = "",
) -> AnnualGoal:
    """A goal added (and, with ``status``, assessed) through the services, as ``actor``."""
    goal = services.goal_add(
        actor=actor,
        year=year,
        text=text,
        service_form=service_form,
        working_group=working_group,
        theme=theme,
    )
    if status is not None:
        goal = services.goal_assess(
            actor=actor,
            goal=goal,
            version=goal.version,
            status=status,
            assessment=assessment or ("Edennyt suunnitellusti." if status != "planned" else ""),
            evidence=evidence,
        )
    return goal


def fetched(goal: AnnualGoal) -> AnnualGoal:
    """``goal`` as the database has it now."""
    with scopes_disabled():
        return AnnualGoal.objects.get(pk=goal.pk)


__all__ = [
    "NOW",
    "TODAY",
    "YEAR",
    "GoalStatus",
    "PlanWorld",
    "add_goal",
    "fetched",
    "plan_world",
    "service_form",
    "theme",
    "working_group",
]
