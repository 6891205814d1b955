"""The planner's extended statistics do what ADR 0029 says, on PostgreSQL.

With two organisations of three service forms each, a unit's episodes are a sixth of the
table. Filtered by organisation *and* service form — as every client page filters — the planner
without the statistics multiplies a half by a sixth and expects half of them; with the
functional dependency it expects them all.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django_scopes import scopes_disabled

from tupa.core import planner_statistics
from tupa.core.tests.factories import (
    EpisodeFactory,
    OrganisationFactory,
    ServiceFormFactory,
    UserFactory,
)
from tupa.episodes.models import Episode

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]

NAME = "episodes_episode_organisation_form_stx"
PER_FORM = 6


def _estimate(organisation_id: int, service_form_id: int) -> tuple[int, int]:
    """The planner's row estimate of a unit's episodes, and the actual count."""
    with scopes_disabled():
        query = Episode.objects.filter(
            organisation_id=organisation_id, service_form_id=service_form_id
        )
        actual = query.count()
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        (plan,) = cursor.fetchone()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"]), actual


@pytest.fixture
def units() -> list[Any]:
    forms = []
    for _ in range(2):
        organisation = OrganisationFactory.create()
        author = UserFactory.create(organisation=organisation)
        for _ in range(3):
            form = ServiceFormFactory.create(organisation=organisation)
            EpisodeFactory.create_batch(
                PER_FORM, service_form=form, organisation=organisation, created_by=author
            )
            forms.append(form)
    return forms


def _analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE episodes_episode")


def test_the_dependency_statistics_are_listed_for_the_episodes() -> None:
    assert planner_statistics.STATISTICS[NAME] == planner_statistics.Dependencies(
        "episodes_episode", ("organisation_id", "service_form_id")
    )


def test_a_units_episodes_are_estimated_as_all_of_them(units: list[Any]) -> None:
    _analyze()
    form = units[0]
    assert _estimate(form.organisation_id, form.pk) == (PER_FORM, PER_FORM)


def test_without_the_statistics_the_planner_expects_half(units: list[Any]) -> None:
    """The counter-check: the estimate above is the statistics' doing (rolled back after)."""
    with connection.schema_editor() as editor:
        planner_statistics.uninstall(editor, NAME)
    _analyze()
    form = units[0]
    assert _estimate(form.organisation_id, form.pk) == (PER_FORM // 2, PER_FORM)
    with connection.schema_editor() as editor:
        planner_statistics.install(editor, NAME)
    assert _estimate(form.organisation_id, form.pk) == (PER_FORM, PER_FORM)


def test_an_unknown_name_or_identifier_is_refused() -> None:
    with pytest.raises(KeyError):
        planner_statistics.operation(["no_such_statistics"])
    with pytest.raises(ValueError):
        planner_statistics._checked("episodes; DROP TABLE x")
