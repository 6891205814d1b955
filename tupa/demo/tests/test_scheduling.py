"""The demo builder: appointments with outcomes in the past, plans ahead; idempotent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django_scopes import scope, scopes_disabled

from tupa.core.tests.factories import ServiceFormFactory, client_in, worker_in
from tupa.demo import scheduling as demo
from tupa.episodes.models import Entry
from tupa.organisations.models import ServiceForm
from tupa.scheduling.models import Appointment, Outcome, Room
from tupa.scheduling.tests.support import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def test_demo_builds_history_and_plans_once() -> None:
    form = ServiceFormFactory.create(slug="alvari", kind=ServiceForm.Kind.OUTPATIENT)
    worker_in(form)
    _person, episode = client_in(form)
    with scopes_disabled():
        episode.start_date = dt.date(2026, 6, 1)
        episode.save()
    summary = demo.build(organisation=form.organisation)
    assert summary is not None and summary.startswith("Tapaamiset: ")
    with scope(organisation=form.organisation_id):
        rows = list(Appointment.objects.all())
        now = NOW
        past = [a for a in rows if a.ends_at <= now]
        future = [a for a in rows if a.starts_at > now]
        assert past and future
        assert all(a.outcome != Outcome.PLANNED for a in past)
        assert all(a.outcome == Outcome.PLANNED for a in future)
        assert any(a.series_id for a in rows)
        # One journal entry per recorded outcome of an episode's appointment.
        assert Entry.objects.filter(episode=episode).count() == sum(1 for a in past if a.episode_id)
        assert sorted(Room.objects.values_list("name", flat=True)) == [
            "Neuvotteluhuone",
            "Perhetupa sali",
            "Ryhmähuone",
        ]
        count = len(rows)
    assert demo.build(organisation=form.organisation) is None
    with scope(organisation=form.organisation_id):
        assert Appointment.objects.count() == count
