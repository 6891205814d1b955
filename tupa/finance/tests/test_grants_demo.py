"""The grants demo: the plan's grants, consistent with the 2018 budget, and the continuing STEA
grants of the demo's years (2024–2026 on 5.12.2026); built once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import cast

import pytest
import time_machine
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import OrganisationFactory, ServiceFormFactory, org_role_user
from tupa.core.wallclock import HELSINKI
from tupa.demo import finance_grants as demo
from tupa.finance.grants import selectors
from tupa.finance.models import Grant, GrantDeadline
from tupa.finance.models.grants import STEA_KINDS
from tupa.organisations.models import Funder, Organisation

pytestmark = pytest.mark.django_db

#: The demo's "today": its history (tupa.demo.calendar.history_start) covers 2024–2026.
NOW = dt.datetime(2026, 12, 5, 10, 0, tzinfo=HELSINKI)
TODAY = NOW.date()
DEMO_YEARS = (2024, 2025, 2026)
FUNDERS = {
    "STEA": Funder.Category.STEA,
    "Valtio (THL)": Funder.Category.STATE,
    "Lahden kaupunki": Funder.Category.MUNICIPALITIES,
}
#: The continuing STEA targets (their forms), each granted every demo year.
CONTINUING = (
    "baby-blues",
    "peukaloinen",
    "avokriisityo",
    "jussi-tyo",
    "tpph",
    "ero-lapsiperheessa",
    "mieskaveri",
    "perhetupa",
)
#: The ended projects and the forms no STEA grant funds in the demo years.
NOT_CONTINUING = ("lapsityo", "vanhempi-vankilan-portilla", "turvakoti", "alvari")
GRANTED = (Grant.Status.GRANTED, Grant.Status.PARTLY_GRANTED)


@pytest.fixture(autouse=True)
def clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _organisation(slugs: tuple[str, ...]) -> Organisation:
    org = cast(Organisation, OrganisationFactory())
    with scopes_disabled():
        for name, category in FUNDERS.items():
            Funder.objects.create(organisation=org, name=name, category=category)
    for slug in slugs:
        ServiceFormFactory(area__organisation=org, slug=slug)
    org_role_user(org, Role.FINANCE, username="talous")
    return org


def _granted_sum(year: int, funder: str) -> Decimal:
    by_funder = {f.funder_name: f.total for f in selectors.register(year=year).by_funder}
    return by_funder[funder].granted


def test_demo_grants_match_the_budget_and_build_once() -> None:
    org = _organisation(
        ("baby-blues", "turvakoti", "perhetupa", "ero-lapsiperheessa", "mieskaveri")
    )
    summary = demo.build(organisation=org)
    # 16 of the plan; 4 continuing targets have their form here, × 3 years = 12.
    # Deadlines: 9 STEA grants of 2018 × 2 + 2 relative; 12 yearly grants × 2.
    assert summary == (
        "Avustukset: 28 hakemusta (16 vuodelta 2018, 12 vuosilta 2024–2026), "
        "44 raportointimääräaikaa."
    )
    assert demo.build(organisation=org) is None
    with scope(organisation=org.pk):
        # The 2018 budget: STEA 799 300 €, the state (THL) 655 000 €.
        assert _granted_sum(2018, "STEA") == Decimal("799300.00")
        assert _granted_sum(2018, "Valtio (THL)") == Decimal("655000.00")
        statuses = sorted(Grant.objects.values_list("status", flat=True))
        assert statuses.count(Grant.Status.APPLIED) == 5
        assert statuses.count(Grant.Status.PARTLY_GRANTED) == 1 + 3  # Mieskaveri: 2018, 2024–26
        assert statuses.count(Grant.Status.REJECTED) == 1
        upcoming = selectors.upcoming_deadlines(today=timezone.localdate())
        # The open results reports of 2025 (due 31.3.2026) of the four targets, then the THL
        # use-of-funds report 12 days overdue; the reply due in 21 days.
        assert [row.overdue for row in upcoming] == [True] * 5 + [False]
        assert selectors.default_year(today=timezone.localdate()) == 2026


def test_demo_years_have_one_stea_grant_per_continuing_target() -> None:
    org = _organisation(CONTINUING + NOT_CONTINUING)
    summary = demo.build(organisation=org)
    # 16 + 8 × 3 grants; 9 × 2 + 2 deadlines of the plan and 24 × 2 of the continuing grants.
    assert summary == (
        "Avustukset: 40 hakemusta (16 vuodelta 2018, 24 vuosilta 2024–2026), "
        "68 raportointimääräaikaa."
    )
    with scope(organisation=org.pk):
        grants = list(Grant.objects.prefetch_related("service_forms"))
        for year in DEMO_YEARS:
            for slug in CONTINUING + NOT_CONTINUING:
                funding = [
                    g
                    for g in grants
                    if g.kind in STEA_KINDS
                    and g.status in GRANTED
                    and g.year_from <= year <= g.year_to
                    and slug in {f.slug for f in g.service_forms.all()}
                ]
                assert len(funding) == (1 if slug in CONTINUING else 0), (year, slug)
        yearly = [g for g in grants if g.year_from in DEMO_YEARS]
        assert len(yearly) == 24
        assert all(g.kind == Grant.Kind.STEA_TARGETED and g.year_to == g.year_from for g in yearly)
        # The amounts: the 2018 amount × 1.02 a year, rounded to hundreds (by hand).
        baby = {g.year_from: g for g in yearly if g.target_name == "Baby blues -toiminta"}
        assert {y: g.amount_granted for y, g in baby.items()} == {
            2024: Decimal("123900.00"),
            2025: Decimal("126400.00"),
            2026: Decimal("128900.00"),
        }
        assert {g.target_code for g in baby.values()} == {"Ak 1002"}
        men = next(
            g for g in yearly if g.target_name == "Mieskaveritoiminta" and g.year_from == 2026
        )
        assert men.status == Grant.Status.PARTLY_GRANTED
        assert (men.amount_applied, men.amount_granted) == (
            Decimal("64400.00"),
            Decimal("46900.00"),
        )
        # 128 900 + 111 300 + 175 700 + 140 600 + 82 000 + 105 400 + 46 900 + 99 600
        assert _granted_sum(2026, "STEA") == Decimal("890400.00")
        # The plan's year is untouched.
        assert _granted_sum(2018, "STEA") == Decimal("799300.00")
        assert _granted_sum(2018, "Valtio (THL)") == Decimal("655000.00")
        # No decision after today; this year's grants decided on 15.2., applied the May before.
        assert all(g.decided_on is None or g.decided_on <= TODAY for g in grants)
        assert {(g.applied_on, g.decided_on) for g in yearly if g.year_from == 2026} == {
            (dt.date(2025, 5, 31), dt.date(2026, 2, 15))
        }
        # The results reports of last year and this year stay open (the statistics app's STEA
        # returns mark them done); every other deadline due more than 60 days ago is done, the
        # results reports of 2024 included (sent through STEA's service: the statistics
        # catalogue shows those returns sent elsewhere).
        results = GrantDeadline.Kind.RESULTS_REPORT
        deadlines = list(GrantDeadline.objects.select_related("grant"))
        open_results = [
            d for d in deadlines if d.kind == results and d.grant.year_from in (2025, 2026)
        ]
        assert len(open_results) == 16
        assert all(d.done_on is None for d in open_results)
        assert {d.due_on for d in open_results} == {dt.date(2026, 3, 31), dt.date(2027, 3, 31)}
        old = [
            d
            for d in deadlines
            if d.due_on < TODAY - dt.timedelta(days=60) and d not in open_results
        ]
        # 18 of the 2018 grants; the results report of 2024 (31.3.2025) and the annual reports
        # of 2024 and 2025 (31.5.2025, 31.5.2026) of the eight targets.
        assert len(old) == 18 + 8 + 16
        assert all(d.done_on is not None and d.done_on < d.due_on for d in old)
        annual_2026 = [
            d
            for d in deadlines
            if d.kind == GrantDeadline.Kind.ANNUAL_REPORT and d.grant.year_from == 2026
        ]
        assert len(annual_2026) == 8
        assert all(d.due_on == dt.date(2027, 5, 31) and d.done_on is None for d in annual_2026)


def test_early_in_the_year_this_years_grants_were_decided_in_december() -> None:
    org = _organisation(("baby-blues",))
    with time_machine.travel(dt.datetime(2026, 1, 10, 10, 0, tzinfo=HELSINKI), tick=False):
        demo.build(organisation=org)
    with scope(organisation=org.pk):
        decided = dict(
            Grant.objects.filter(
                target_name="Baby blues -toiminta", year_from__gte=2024
            ).values_list("year_from", "decided_on")
        )
    assert decided == {
        2024: dt.date(2024, 2, 15),
        2025: dt.date(2025, 2, 15),
        2026: dt.date(2025, 12, 15),
    }
