"""The outcome measure's change (tupa.surveys.results.outcome), computed by hand."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.core.tests.factories import ServiceFormFactory, client_in, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import Funder, ServiceFormFunding
from tupa.surveys.models import Channel, ItemKind, MeasurementPoint
from tupa.surveys.recording import clean_answers, response_record
from tupa.surveys.results import outcome
from tupa.surveys.tests.support import published_questionnaire

pytestmark = pytest.mark.django_db

ITEMS = {
    "a": (ItemKind.SCALE5, False),
    "b": (ItemKind.SCALE5, False),
    "note": (ItemKind.TEXT, False),
}
YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


@pytest.fixture
def world() -> dict[str, Any]:
    form = ServiceFormFactory.create(name="Baby blues", slug="baby-blues")
    worker = worker_in(form)
    version = published_questionnaire(
        None,
        actor=worker,
        organisation_id=form.organisation_id,
        name="Vaikuttavuus esiin",
        items=ITEMS,
        is_outcome_measure=True,
    )
    return {"form": form, "worker": worker, "version": version}


def measure(
    world: dict[str, Any], who: tuple[Any, Any], point: str, day: dt.date, **raw: str
) -> None:
    person, episode = who
    cleaned, errors = clean_answers(world["version"], raw, enforce_required=False)
    assert errors == {}
    response_record(
        version=world["version"],
        service_form=world["form"],
        channel=Channel.IN_PERSON,
        answers=cleaned,
        submission_key=uuid.uuid4().hex,
        anonymous=False,
        episode=episode,
        person=person,
        measurement_point=point,
        submitted_on=day,
        recorded_by=world["worker"],
    )


def three_clients(world: dict[str, Any]) -> None:
    """+4 (a 1→3, b 2→4), 0 (a 3→3), −2 (a 4→3, b 4→3, at the follow-up); one with a start only."""
    form = world["form"]
    one, two, three, four = (client_in(form) for _n in range(4))
    measure(world, one, MeasurementPoint.START, dt.date(2026, 1, 10), a="1", b="2")
    measure(world, one, MeasurementPoint.END, dt.date(2026, 5, 10), a="3", b="4")
    measure(world, two, MeasurementPoint.START, dt.date(2026, 2, 1), a="3")
    measure(world, two, MeasurementPoint.END, dt.date(2026, 6, 1), a="3", note="Hyvä")
    measure(world, three, MeasurementPoint.START, dt.date(2025, 9, 1), a="4", b="4")
    measure(world, three, MeasurementPoint.END, dt.date(2025, 12, 1), a="5", b="5")
    measure(world, three, MeasurementPoint.FOLLOW_UP, dt.date(2026, 6, 1), a="3", b="3")
    measure(world, four, MeasurementPoint.START, dt.date(2026, 3, 1), a="2")


def test_each_clients_change_from_the_first_to_the_last_measurement(world: dict[str, Any]) -> None:
    three_clients(world)
    with scopes_disabled():
        changes = outcome.client_changes(world["version"].questionnaire, start=YEAR[0], end=YEAR[1])
    assert sorted(c.change for c in changes) == [-2, 0, 4]
    assert {(c.first_point, c.last_point) for c in changes} == {
        ("start", "end"),
        ("start", "follow_up"),
    }


def test_only_questions_answered_both_times_count(world: dict[str, Any]) -> None:
    who = client_in(world["form"])
    measure(world, who, MeasurementPoint.START, dt.date(2026, 1, 1), a="2", b="5")
    measure(world, who, MeasurementPoint.END, dt.date(2026, 4, 1), a="3")
    with scopes_disabled():
        changes = outcome.client_changes(world["version"].questionnaire, start=YEAR[0], end=YEAR[1])
    assert [c.change for c in changes] == [1]


def test_a_client_counts_in_the_period_of_the_last_measurement(world: dict[str, Any]) -> None:
    three_clients(world)
    with scopes_disabled():
        changes = outcome.client_changes(
            world["version"].questionnaire, start=dt.date(2026, 1, 1), end=dt.date(2026, 5, 31)
        )
    assert [c.change for c in changes] == [4]


def test_distribution_per_form_and_funder(world: dict[str, Any]) -> None:
    three_clients(world)
    form = world["form"]
    with scopes_disabled():
        stea = Funder.objects.create(organisation=form.organisation, name="STEA", category="stea")
        ServiceFormFunding.objects.create(service_form=form, funder=stea, type="targeted_grant")
        results = outcome.outcome_results(
            world["version"].questionnaire,
            forms=[form],
            start=YEAR[0],
            end=YEAR[1],
            suppressed=False,
        )
    summary = results.by_form[0]
    assert [(p.key, p.count) for p in summary.directions] == [
        ("improved", 1),
        ("unchanged", 1),
        ("worsened", 1),
    ]
    assert {p.key: p.count for p in summary.histogram if p.count} == {
        "-4..-1": 1,
        "0": 1,
        "1..4": 1,
    }
    assert summary.mean == "0,7"  # (4 + 0 − 2) / 3
    assert [(g.label, g.clients) for g in results.by_funder] == [("STEA", 3)]
    assert results.total.clients == 3


def test_under_five_clients_are_suppressed(world: dict[str, Any]) -> None:
    three_clients(world)
    with scopes_disabled():
        results = outcome.outcome_results(
            world["version"].questionnaire,
            forms=[world["form"]],
            start=YEAR[0],
            end=YEAR[1],
            suppressed=True,
        )
    total = results.total
    assert total.withheld and total.clients_display == "< 5" and total.mean == ""
    assert [p.display for p in total.directions] == ["< 5", "< 5", "< 5"]


def test_results_page_of_the_outcome_measure_shows_the_change(
    client: Client, world: dict[str, Any]
) -> None:
    three_clients(world)
    login_verified(client, world["worker"])
    url = reverse("surveys:results", kwargs={"pk": world["version"].questionnaire_id})
    response = client.get(url, {"vuosi": "2026"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Muutos ensimmäisestä viimeiseen mittaukseen" in body
    assert "Pistemuutoksen jakauma" in body


def _changes(*values: int) -> list[outcome.ClientChange]:
    return [
        outcome.ClientChange(
            episode_id=n,
            person_id=n,
            service_form_id=1,
            first_point=MeasurementPoint.START,
            last_point=MeasurementPoint.END,
            last_on=dt.date(2026, 5, 1),
            change=value,
        )
        for n, value in enumerate(values, start=1)
    ]


def test_a_suppressed_group_with_a_hidden_part_shows_no_mean() -> None:
    """Six clients, five improved by 1 and one worsened by 1: the worsened one is "< 5" (and a
    part beside it "x"). The mean 0,7 ((5 − 1) / 6) is one more equation over the hidden counts,
    so the suppressed copy shows none; unsuppressed, or with nothing hidden, it is shown."""
    six = _changes(1, 1, 1, 1, 1, -1)
    hidden = outcome.summarise("Baby blues", six, suppressed=True)
    assert any(p.hidden for p in hidden.directions) and not hidden.withheld
    assert hidden.mean == ""
    assert outcome.summarise("Baby blues", six, suppressed=False).mean == "0,7"
    five = outcome.summarise("Baby blues", _changes(2, 2, 2, 2, 2), suppressed=True)
    assert not any(p.hidden for p in [*five.directions, *five.histogram])
    assert five.mean == "2,0"
