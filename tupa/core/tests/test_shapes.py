"""Queries compiled once (tupa/core/shapes.py): the rows are the ORM's, for the call's values."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db.models import F, Q, QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django_scopes import scopes_disabled

from tupa.core import shapes
from tupa.core.shapes import Shape, Slots
from tupa.core.tests.factories import OrganisationFactory, ServiceFormFactory, UserFactory
from tupa.organisations.models import ServiceForm
from tupa.residential.models import Place, TurnAway

pytestmark = pytest.mark.django_db

HELSINKI_NOON = dt.timezone(dt.timedelta(hours=2))


def _turn_aways(s: Slots) -> QuerySet[TurnAway, tuple[Any, ...]]:
    return (
        TurnAway.objects.filter(
            Q(occurred_at__gte=s.lower) & Q(occurred_at__lt=s.upper),
            organisation_id=s.organisation,
            service_form_id__in=s.forms,
            reason=s.reason,
        )
        .order_by("occurred_at")
        .values_list("pk", "occurred_at", "adults", "directed_to")
    )


TURN_AWAYS = Shape(_turn_aways)


def _orm_turn_aways(**v: Any) -> list[tuple[Any, ...]]:
    with scopes_disabled():
        return list(
            TurnAway.objects.filter(
                occurred_at__gte=v["lower"],
                occurred_at__lt=v["upper"],
                organisation_id=v["organisation"],
                service_form_id__in=v["forms"],
                reason=v["reason"],
            )
            .order_by("occurred_at")
            .values_list("pk", "occurred_at", "adults", "directed_to")
        )


@pytest.fixture
def world() -> dict[str, Any]:
    org, other = OrganisationFactory(), OrganisationFactory()
    shelter = ServiceFormFactory(organisation=org, kind=ServiceForm.Kind.RESIDENTIAL)
    second = ServiceFormFactory(organisation=org, kind=ServiceForm.Kind.RESIDENTIAL)
    elsewhere = ServiceFormFactory(organisation=other, kind=ServiceForm.Kind.RESIDENTIAL)
    rows = [
        (org, shelter, dt.datetime(2025, 1, 1, 0, 0, tzinfo=HELSINKI_NOON), 1),  # first moment
        (org, shelter, dt.datetime(2025, 3, 5, 12, 0, tzinfo=HELSINKI_NOON), 2),
        (org, second, dt.datetime(2025, 6, 1, 8, 0, tzinfo=HELSINKI_NOON), 3),
        (org, shelter, dt.datetime(2026, 1, 1, 0, 0, tzinfo=HELSINKI_NOON), 4),  # next year
        (other, elsewhere, dt.datetime(2025, 3, 5, 12, 0, tzinfo=HELSINKI_NOON), 5),
    ]
    with scopes_disabled():
        for organisation, form, moment, adults in rows:
            TurnAway.objects.create(
                recorded_by=UserFactory(organisation=organisation),
                organisation=organisation,
                service_form=form,
                occurred_at=moment,
                adults=adults,
                reason=TurnAway.Reason.NO_PLACE,
                directed_to=TurnAway.DirectedTo.OTHER_SHELTER,
            )
    return {
        "org": org,
        "other": other,
        "shelter": shelter,
        "second": second,
        "elsewhere": elsewhere,
    }


def _year(world: dict[str, Any], year: int, *forms: str, org: str = "org") -> dict[str, Any]:
    return {
        "organisation": world[org].pk,
        "forms": tuple(world[f].pk for f in forms),
        "lower": dt.datetime(year, 1, 1, tzinfo=HELSINKI_NOON),
        "upper": dt.datetime(year + 1, 1, 1, tzinfo=HELSINKI_NOON),
        "reason": TurnAway.Reason.NO_PLACE.value,
    }


def test_each_call_gets_its_own_values_rows_as_the_orm_gives_them(world: dict[str, Any]) -> None:
    calls = [
        _year(world, 2025, "shelter"),
        _year(world, 2026, "shelter"),  # same shape, other values: not the first call's rows
        _year(world, 2025, "shelter", "second"),  # two forms: compiled apart
        _year(world, 2025, "elsewhere", org="other"),
        _year(world, 2025, "elsewhere"),  # another organisation's form: nothing
    ]
    adults = []
    for values in calls:
        rows = TURN_AWAYS.rows(**values)
        assert rows == _orm_turn_aways(**values)
        adults.append([row[2] for row in rows])
    assert adults == [[1, 2], [4], [1, 2, 3], [5], []]
    moment = TURN_AWAYS.rows(**calls[1])[0][1]
    assert moment == dt.datetime(2026, 1, 1, 0, 0, tzinfo=HELSINKI_NOON)
    assert moment.tzinfo is not None


def _builds_of(shape: Shape, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that grows by one each time ``shape`` builds its query (to compile it)."""
    built: list[int] = []
    original = shape.build

    def build(s: Slots) -> QuerySet[Any, Any]:
        built.append(1)
        return original(s)

    monkeypatch.setattr(shape, "build", build)
    return built


@pytest.mark.parametrize("read", ["rows", "instances"])
def test_the_query_is_compiled_once_per_shape_and_list_length(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch, settings: Any, read: str
) -> None:
    settings.TUPA_VERIFY_SHAPES = False
    shape = Shape(_turn_aways if read == "rows" else _turn_away_instances)
    built = _builds_of(shape, monkeypatch)
    for year in (2024, 2025, 2026, 2025):
        getattr(shape, read)(**_year(world, year, "shelter"))
    assert len(built) == 1
    getattr(shape, read)(**_year(world, 2025, "shelter", "second"))
    assert len(built) == 2


def test_an_empty_list_matches_nothing_without_a_query(world: dict[str, Any]) -> None:
    values = _year(world, 2025)
    assert values["forms"] == ()
    with CaptureQueriesContext(shapes.connections["default"]) as queries:
        assert TURN_AWAYS.rows(**values) == []
        assert TURN_AWAYS.rows(**values) == []
    assert len(queries) == 0


def test_dates_and_booleans_in_slots_and_rows(world: dict[str, Any]) -> None:
    with scopes_disabled():
        for code, active, active_from in (
            ("a", True, dt.date(2025, 1, 1)),
            ("b", False, dt.date(2025, 1, 1)),
            ("c", True, dt.date(2025, 7, 1)),
        ):
            Place.objects.create(
                organisation=world["org"],
                service_form=world["shelter"],
                name=code,
                code=code,
                active=active,
                active_from=active_from,
            )
    shape = Shape(
        lambda s: (
            Place.objects.filter(service_form_id=s.form, active=s.active, active_from__lte=s.day)
            .order_by("code")
            .values_list("code", "active_from", "active")
        )
    )
    form = world["shelter"].pk
    assert shape.rows(form=form, active=True, day=dt.date(2025, 6, 30)) == [
        ("a", dt.date(2025, 1, 1), True)
    ]
    assert shape.rows(form=form, active=True, day=dt.date(2025, 7, 1)) == [
        ("a", dt.date(2025, 1, 1), True),
        ("c", dt.date(2025, 7, 1), True),
    ]
    assert shape.rows(form=form, active=False, day=dt.date(2025, 7, 1)) == [
        ("b", dt.date(2025, 1, 1), False)
    ]


def test_a_query_that_depends_on_more_than_its_shape_fails_when_verified(
    world: dict[str, Any], settings: Any
) -> None:
    settings.TUPA_VERIFY_SHAPES = True
    # Wrong: a value read from outside when the query is built, not given as a value.
    smallest = iter(range(1, 100))
    shape = Shape(
        lambda s: TurnAway.objects.filter(
            organisation_id=s.organisation, adults__gte=next(smallest)
        ).values_list("pk")
    )
    shape.rows(organisation=world["org"].pk)
    with pytest.raises(AssertionError, match="depend only on"):
        shape.rows(organisation=world["org"].pk)


def test_a_reuse_is_verified_once_in_the_same_circumstances(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    """The first reuse compiles afresh; later ones in the same language, time zone and settings
    do not, until the next test (``forget_verified``) or another language, time zone or
    setting."""
    settings.TUPA_VERIFY_SHAPES = True
    shape = Shape(_turn_aways)
    built = _builds_of(shape, monkeypatch)
    values = _year(world, 2025, "shelter")
    for _ in range(4):
        shape.rows(**values)
    assert len(built) == 2  # compiled, then verified at the first reuse only
    # another language and time zone than whatever an earlier test left active
    language = "sv" if translation.get_language() != "sv" else "en"
    zone = "UTC" if timezone.get_current_timezone_name() != "UTC" else "Europe/Stockholm"
    with translation.override(language):
        shape.rows(**values)
        shape.rows(**values)
    assert len(built) == 3
    with timezone.override(zone):
        shape.rows(**values)
    assert len(built) == 4
    settings.TUPA_DEMO = not settings.TUPA_DEMO  # any change of the settings
    shape.rows(**values)
    assert len(built) == 5
    shapes.forget_verified()  # the next test
    shape.rows(**values)
    shape.rows(**values)
    assert len(built) == 6


def test_a_moment_read_while_building_is_refused_even_with_the_clock_frozen(
    world: dict[str, Any],
) -> None:
    shape = Shape(
        lambda s: TurnAway.objects.filter(
            organisation_id=s.organisation, occurred_at__lte=timezone.now()
        ).values_list("pk")
    )
    frozen = time_machine.travel(dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC), tick=False)
    with frozen, pytest.raises(TypeError, match="date or moment"):
        shape.rows(organisation=world["org"].pk)


def test_none_and_unknown_types_are_refused(world: dict[str, Any]) -> None:
    with pytest.raises(TypeError, match="None"):
        TURN_AWAYS.rows(**{**_year(world, 2025, "shelter"), "reason": None})
    with pytest.raises(TypeError, match="cannot hold"):
        TURN_AWAYS.rows(**{**_year(world, 2025, "shelter"), "reason": 1.5})


def test_a_connection_keeps_at_most_its_share(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shapes, "PER_CONNECTION", 2)
    connection = shapes.connections["default"]
    shapes.compiled_on(connection).clear()
    for forms in (("shelter",), ("shelter", "second"), ("shelter", "second", "shelter")):
        TURN_AWAYS.rows(**_year(world, 2025, *forms))
    assert len(shapes.compiled_on(connection)) == 2


# --------------------------------------------------------------------------- model instances


def _turn_away_instances(s: Slots) -> QuerySet[TurnAway]:
    return (
        TurnAway.objects.filter(
            Q(occurred_at__gte=s.lower) & Q(occurred_at__lt=s.upper),
            organisation_id=s.organisation,
            service_form_id__in=s.forms,
        )
        .select_related("service_form", "recorded_by__organisation")
        .annotate(twice=F("adults") * 2)
        .order_by("-occurred_at", "pk")
    )


TURN_AWAY_INSTANCES = Shape(_turn_away_instances)


def test_instances_are_the_orms_with_their_related_rows_and_annotations(
    world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    calls = [
        _year(world, 2025, "shelter"),
        _year(world, 2026, "shelter"),
        _year(world, 2025, "shelter", "second"),
        _year(world, 2025, "elsewhere", org="other"),
        _year(world, 2025, "elsewhere"),
    ]
    seen = []
    for values in calls:
        values.pop("reason")
        with django_assert_num_queries(1):
            found = TURN_AWAY_INSTANCES.instances(**values)
            # The related rows came with the query (select_related), none is read later.
            related = [(t.service_form.name, t.recorded_by.organisation.name) for t in found]
        with scopes_disabled():
            expected = list(
                TurnAway.objects.filter(
                    occurred_at__gte=values["lower"],
                    occurred_at__lt=values["upper"],
                    organisation_id=values["organisation"],
                    service_form_id__in=values["forms"],
                )
                .select_related("service_form", "recorded_by__organisation")
                .order_by("-occurred_at", "pk")
            )
        assert found == expected
        assert [t.occurred_at for t in found] == [t.occurred_at for t in expected]
        assert related == [(t.service_form.name, t.recorded_by.organisation.name) for t in expected]
        assert [t.twice for t in found] == [2 * t.adults for t in expected]
        assert all(not t._state.adding and t._state.db == "default" for t in found)
        seen.append([t.adults for t in found])
    assert seen == [[2, 1], [4], [3, 2, 1], [5], []]


def test_an_instance_read_is_one_query_and_is_read_as_what_it_is(
    world: dict[str, Any],
) -> None:
    values = _year(world, 2025, "shelter")
    values.pop("reason")
    with_prefetch = Shape(
        lambda s: TurnAway.objects.filter(pk=s.pk).prefetch_related("service_form")
    )
    with pytest.raises(TypeError, match="one query"):
        with_prefetch.instances(pk=1)
    with pytest.raises(TypeError, match=r"use \.instances"):
        TURN_AWAY_INSTANCES.rows(**values)
    with pytest.raises(TypeError, match=r"use \.rows"):
        TURN_AWAYS.instances(**_year(world, 2025, "shelter"))
    no_forms = _year(world, 2025)
    no_forms.pop("reason")
    with CaptureQueriesContext(shapes.connections["default"]) as queries:
        assert TURN_AWAY_INSTANCES.instances(**no_forms) == []
    assert len(queries) == 0
