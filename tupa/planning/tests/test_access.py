"""Who reads and who keeps the annual plan's goals (:mod:`tupa.access.planning`): everyone of
the organisation reads; a form's lead keeps its own form's goals, the executive director every
goal, also a working group's and the association's; nobody keeps another organisation's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import time_machine
from django_scopes import scopes_disabled

from tupa.access.planning import may_keep, may_keep_any, may_keep_goals_of, may_view_plan
from tupa.accounts.models import Role, User
from tupa.core.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    ServiceFormFactory,
    UserFactory,
    org_role_user,
    worker_in,
)
from tupa.core.wallclock import HELSINKI
from tupa.organisations.models import Organisation, ServiceForm, StrategicTheme, WorkingGroup
from tupa.planning.models import AnnualGoal

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 4, 20, 10, 0, tzinfo=HELSINKI)
YEAR = 2026


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@dataclass
class World:
    """One association with two service forms and a working group, its staff in every role,
    its themes, and another association with its own director, form and theme."""

    org: Organisation
    form_a: ServiceForm
    form_b: ServiceForm
    group: WorkingGroup
    themes: dict[str, StrategicTheme]
    users: dict[str, User]
    other_org: Organisation
    other_form: ServiceForm
    other_group: WorkingGroup
    other_theme: StrategicTheme

    def __getitem__(self, key: str) -> User:
        return self.users[key]


def form_in(org: Organisation, name: str, slug: str) -> ServiceForm:
    return ServiceFormFactory.create(organisation=org, area__organisation=org, name=name, slug=slug)


def theme_in(
    org: Organisation, code: str, start: int | None = 2024, end: int | None = 2027
) -> StrategicTheme:
    with scopes_disabled():
        return StrategicTheme.objects.create(
            organisation=org,
            code=code,
            name=f"Painopiste {code}",
            strategy_name="Testistrategia",
            start_year=start,
            end_year=end,
        )


def group_in(org: Organisation, name: str) -> WorkingGroup:
    with scopes_disabled():
        return WorkingGroup.objects.create(organisation=org, name=name)


def build_world() -> World:
    org = OrganisationFactory.create(name="Testin ensi- ja turvakoti ry", slug="testi-planning")
    form_a = form_in(org, "Perhetupa", "perhetupa")
    form_b = form_in(org, "Avokriisityö", "avokriisityo")
    users = {
        "director": org_role_user(org, Role.EXECUTIVE_DIRECTOR),
        "lead_a": worker_in(form_a, role=Role.LEAD),
        "worker_a": worker_in(form_a),
        "coordinator_a": worker_in(form_a, role=Role.COORDINATOR),
        "lead_b": worker_in(form_b, role=Role.LEAD),
        "finance": org_role_user(org, Role.FINANCE),
        "dpo": org_role_user(org, Role.DATA_PROTECTION_OFFICER),
        "admin": org_role_user(org, Role.ADMINISTRATOR),
        "volunteers": org_role_user(org, Role.VOLUNTEER_COORDINATOR),
    }
    # A lead whose lead membership of form A has ended (a worker there still).
    former = worker_in(form_a)
    MembershipFactory.create(
        user=former,
        organisation=org,
        service_form=form_a,
        role=Role.LEAD,
        valid_from=dt.date(2020, 1, 1),
        valid_until=dt.date(2025, 12, 31),
    )
    users["former_lead_a"] = former
    users["nobody"] = UserFactory.create(organisation=org)  # no membership at all
    other_org = OrganisationFactory.create(name="Toinen yhdistys ry", slug="toinen-planning")
    other_form = form_in(other_org, "Ensikoti", "ensikoti")
    users["other_director"] = org_role_user(other_org, Role.EXECUTIVE_DIRECTOR)
    users["other_lead"] = worker_in(other_form, role=Role.LEAD)
    return World(
        org=org,
        form_a=form_a,
        form_b=form_b,
        group=group_in(org, "Kansalais- ja vapaaehtoistoiminnan työryhmä"),
        themes={code: theme_in(org, code) for code in ("T1", "T2", "T3", "T4", "T5")},
        users=users,
        other_org=other_org,
        other_form=other_form,
        other_group=group_in(other_org, "Lapsityöryhmä"),
        other_theme=theme_in(other_org, "T1"),
    )


@pytest.fixture
def world() -> World:
    return build_world()


def goal_in(
    org: Organisation,
    *,
    service_form: ServiceForm | None = None,
    working_group: WorkingGroup | None = None,
    created_by: User,
) -> AnnualGoal:
    with scopes_disabled():
        return AnnualGoal.objects.create(
            organisation=org,
            year=YEAR,
            service_form=service_form,
            working_group=working_group,
            text="Suunnitellaan toimintaa yhdessä asiakkaiden kanssa.",
            created_by=created_by,
        )


EVERYONE = (
    "director",
    "lead_a",
    "worker_a",
    "coordinator_a",
    "lead_b",
    "finance",
    "dpo",
    "admin",
    "volunteers",
    "former_lead_a",
)


@pytest.mark.parametrize("who", EVERYONE)
def test_every_staff_member_reads_the_plan(world: World, who: str) -> None:
    assert may_view_plan(world[who])


def test_an_account_without_membership_or_inactive_does_not_read_the_plan(world: World) -> None:
    assert not may_view_plan(world["nobody"])
    worker = world["worker_a"]
    worker.is_active = False
    assert not may_view_plan(worker)


# Who keeps whose goals: form A's, form B's, and those without a form (a working group's, the
# association's). Another organisation's director keeps goals without a form only in their own.
KEEPS = {
    "director": (True, True, True),
    "lead_a": (True, False, False),
    "lead_b": (False, True, False),
    "worker_a": (False, False, False),
    "coordinator_a": (False, False, False),
    "finance": (False, False, False),
    "dpo": (False, False, False),
    "admin": (False, False, False),
    "volunteers": (False, False, False),
    "former_lead_a": (False, False, False),
    "nobody": (False, False, False),
    "other_lead": (False, False, False),
}


@pytest.mark.parametrize(("who", "expected"), KEEPS.items())
def test_who_keeps_the_goals_of_a_form_or_of_none(
    world: World, who: str, expected: tuple[bool, bool, bool]
) -> None:
    user = world[who]
    assert (
        may_keep_goals_of(user, world.form_a),
        may_keep_goals_of(user, world.form_b),
        may_keep_goals_of(user, None),
    ) == expected


@pytest.mark.parametrize(("who", "expected"), KEEPS.items())
def test_who_keeps_a_goal_of_a_form_a_group_and_the_association(
    world: World, who: str, expected: tuple[bool, bool, bool]
) -> None:
    director = world["director"]
    of_a = goal_in(world.org, service_form=world.form_a, created_by=director)
    of_b = goal_in(world.org, service_form=world.form_b, created_by=director)
    of_group = goal_in(world.org, working_group=world.group, created_by=director)
    of_association = goal_in(world.org, created_by=director)
    user = world[who]
    keeps_a, keeps_b, keeps_none = expected
    assert (
        may_keep(user, of_a),
        may_keep(user, of_b),
        may_keep(user, of_group),
        may_keep(user, of_association),
    ) == (keeps_a, keeps_b, keeps_none, keeps_none)


def test_another_organisations_director_keeps_none_of_our_goals(world: World) -> None:
    director = world["director"]
    stranger = world["other_director"]
    assert not may_keep_goals_of(stranger, world.form_a)
    for goal in (
        goal_in(world.org, service_form=world.form_a, created_by=director),
        goal_in(world.org, working_group=world.group, created_by=director),
        goal_in(world.org, created_by=director),
    ):
        assert not may_keep(stranger, goal)
    # ... and keeps their own association's.
    assert may_keep(stranger, goal_in(world.other_org, created_by=stranger))
    assert may_keep(
        stranger, goal_in(world.other_org, service_form=world.other_form, created_by=stranger)
    )


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("director", True),
        ("lead_a", True),
        ("lead_b", True),
        ("worker_a", False),
        ("coordinator_a", False),
        ("finance", False),
        ("dpo", False),
        ("admin", False),
        ("former_lead_a", False),
        ("nobody", False),
    ],
)
def test_the_plan_offers_adding_to_those_who_keep_some_goals(
    world: World, who: str, expected: bool
) -> None:
    assert may_keep_any(world[who]) is expected
