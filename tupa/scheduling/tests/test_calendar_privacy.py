"""What the appointment screens reveal: GDPR art. 18 (a restricted client is "Varattu" on every
calendar and left out of the planning form's choices), and "Varattu" meaning only that — no
type, no outcome — for a co-worker from another unit. "Today" is Friday 20.11.2026."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django_scopes import scope

from tupa.access.policy import Basis
from tupa.accounts.models import Role
from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import (
    EpisodeFactory,
    ParticipantFactory,
    ServiceFormFactory,
    org_role_user,
    worker_in,
)
from tupa.core.tests.helpers import login_verified
from tupa.episodes.models import Assignment
from tupa.people import rights
from tupa.people.models import Person
from tupa.scheduling import services
from tupa.scheduling.models import Appointment, Outcome

from .support import World, foreign_no_show, plan, t, world_with_visit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

NAME = "Kanariina Lintunen"


def _restrict(person: Any) -> None:
    dpo = org_role_user(person.organisation, Role.DATA_PROTECTION_OFFICER)
    with scope(organisation=person.organisation_id):
        rights.processing_restriction_set(
            actor=dpo, person=person, restricted=True, reason="Asiakas kiistää tiedot"
        )
    person.refresh_from_db()


@pytest.fixture
def w() -> World:
    return world_with_visit()


def _logged_for(person: Any) -> int:
    with scope(organisation=person.organisation_id):
        return AccessEvent.objects.filter(
            subject_type=ContentType.objects.get_for_model(Person), subject_id=person.pk
        ).count()


# --------------------------------------------------------------------------- GDPR art. 18


def test_a_restricted_client_is_varattu_on_the_calendars_and_not_logged(
    client: Client, w: World
) -> None:
    _restrict(w.person)
    login_verified(client, w.worker)
    before = _logged_for(w.person)
    for url in (
        reverse("scheduling:my_calendar") + "?paiva=2026-11-17",
        reverse("scheduling:team_week", args=[w.form.slug]) + "?paiva=2026-11-17",
    ):
        html = client.get(url).content.decode()
        assert NAME not in html, url
        assert "Varattu" in html, url
    assert _logged_for(w.person) == before


def test_a_restricted_clients_episode_is_not_offered_when_planning(
    client: Client, w: World
) -> None:
    _restrict(w.person)
    login_verified(client, w.worker)
    html = client.get(reverse("scheduling:create", args=[w.form.slug])).content.decode()
    assert NAME not in html
    episode_select = re.search(r'<select name="episode".*?</select>', html, re.S)
    assert episode_select is not None
    assert f'value="{w.episode.pk}"' not in episode_select.group(0)


# --------------------------------------------------------------------------- "Varattu" only


@pytest.fixture
def foreign(w: World) -> Appointment:
    """A no-show home visit of another unit, with our worker as its co-worker."""
    return foreign_no_show(w).appointment


def test_varattu_detail_shows_no_type_or_outcome(
    client: Client, w: World, foreign: Appointment
) -> None:
    login_verified(client, w.worker)
    response = client.get(reverse("scheduling:detail", args=[foreign.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title is not None and "Kotikäynti" not in title.group(1)
    assert "kotikäynti" not in html.lower()
    assert "ei saapunut" not in html.lower()
    assert 'data-outcome="no_show"' not in html


def test_varattu_on_the_calendar_shows_no_outcome(
    client: Client, w: World, foreign: Appointment
) -> None:
    login_verified(client, w.worker)
    for url in (
        reverse("scheduling:my_calendar") + "?paiva=2026-11-19",
        reverse("scheduling:team_week", args=[w.form.slug]) + "?paiva=2026-11-19",
    ):
        html = client.get(url).content.decode()
        assert "Varattu" in html, url
        assert "ei saapunut" not in html.lower(), url


def test_varattu_on_the_calendar_does_not_tell_that_it_repeats(
    client: Client, w: World, foreign: Appointment
) -> None:
    """A weekly series of another unit with our worker invited: "Varattu" on her calendars,
    without the "recurring" mark that the web calendar showed (the feed tells no series either)."""
    other_worker = foreign.organiser
    plan(
        other_worker,
        foreign.service_form,
        t(2026, 11, 18, 14),
        episode=foreign.episode,
        co_workers=[w.worker],
        repeat=services.Recurrence(frequency="weekly", count=3),
    )
    login_verified(client, w.worker)
    for url in (
        reverse("scheduling:my_calendar") + "?paiva=2026-11-18",
        reverse("scheduling:team_week", args=[w.form.slug]) + "?paiva=2026-11-18",
    ):
        html = client.get(url).content.decode()
        assert "Varattu" in html, url
        assert "toistuva" not in html and "↻" not in html, url


def test_a_varattu_co_worker_cannot_record_the_outcome(
    client: Client, w: World, foreign: Appointment
) -> None:
    login_verified(client, w.worker)
    response = client.post(
        reverse("scheduling:detail", args=[foreign.pk]),
        {"outcome": Outcome.HAPPENED, "outcome_note": "Kaikki hyvin"},
    )
    assert response.status_code == 403
    foreign.refresh_from_db()
    assert foreign.outcome == Outcome.NO_SHOW and foreign.outcome_note == ""


# --------------------------------------------------------------------------- one event each


def test_a_client_shown_through_two_episodes_is_logged_once_on_the_strongest_basis(
    client: Client, w: World
) -> None:
    """The worker sees her client's visit in her own unit (membership) and, as an assigned
    co-worker, the same client's appointment in another unit (assignment): one access event,
    on membership — not one per basis."""
    other = ServiceFormFactory.create(organisation=w.form.organisation, area=w.form.area)
    colleague = worker_in(other)
    with scope(organisation=other.organisation_id):
        episode = EpisodeFactory.create(service_form=other, organisation=other.organisation)
        ParticipantFactory.create(episode=episode, person=w.person)
        Assignment.objects.create(
            episode=episode,
            user=w.worker,
            valid_from=t(2026, 11, 1, 0).date(),
            assigned_by=colleague,
        )
    plan(colleague, other, t(2026, 11, 18, 10), episode=episode, co_workers=[w.worker])
    login_verified(client, w.worker)
    before = _events_for(w.person)
    html = client.get(reverse("scheduling:my_calendar") + "?paiva=2026-11-17").content.decode()
    assert html.count(NAME) >= 2  # both appointments name her
    assert [e.basis for e in _events_for(w.person)[len(before) :]] == [Basis.MEMBERSHIP]


def _events_for(person: Any) -> list[AccessEvent]:
    with scope(organisation=person.organisation_id):
        return list(
            AccessEvent.objects.filter(
                subject_type=ContentType.objects.get_for_model(Person), subject_id=person.pk
            ).order_by("pk")
        )
