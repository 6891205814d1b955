"""A family whose processing is restricted (GDPR art. 18, ``tupa/people/processing.py``): the
volunteer portal stops showing the coordinator's note about it, and the matching and family-link
services record nothing new about it (ending a match or a link stays possible: it reduces
processing)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.core.tests.factories import ParticipantFactory, client_in
from tupa.core.tests.helpers import login_verified
from tupa.people.models import Person
from tupa.volunteers.matching import services as matching_services
from tupa.volunteers.models import FamilyLink, Match, MatchingCase, RoleKind

from .support import (
    active_volunteer,
    family_coordinator,
    grant,
    new_volunteer,
    volunteer_form,
    waiting_case,
)

pytestmark = pytest.mark.django_db

MATCH_NOTE = "Tapaatte lauantaisin uimahallilla."
LINK_NOTE = "Soita äidille maanantaina."


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 6, 15, 12), tick=False):
        yield


@pytest.fixture
def world() -> dict[str, Any]:
    with scopes_disabled():
        form = volunteer_form(name="Mieskaveritoiminta")
        coordinator = family_coordinator(form)
        mother, episode = client_in(form)
        boy = ParticipantFactory.create(
            episode=episode, role="child", person__birth_date=dt.date(2019, 5, 1)
        )
        friend = active_volunteer(coordinator, form, first="Matti", email="matti@example.invalid")
        case = waiting_case(coordinator, episode, boy)
        match = matching_services.volunteer_match(
            actor=coordinator,
            case=case,
            volunteer=friend,
            started_on=dt.date(2026, 5, 1),
            note_for_volunteer=MATCH_NOTE,
        )
        doula = new_volunteer(
            coordinator, form, role=RoleKind.OTHER, first="Dora", email="dora@example.invalid"
        )
        link = matching_services.family_link_add(
            actor=coordinator,
            volunteer=doula,
            episode=episode,
            role=RoleKind.OTHER,
            started_on=dt.date(2026, 6, 1),
            note_for_volunteer=LINK_NOTE,
        )
    return {
        "form": form,
        "coordinator": coordinator,
        "mother": mother,
        "episode": episode,
        "boy": boy,
        "case": case,
        "match": match,
        "link": link,
        "friend": friend,
        "doula": doula,
    }


def _restrict(person: Person) -> None:
    with scopes_disabled():
        Person.objects.filter(pk=person.pk).update(processing_restricted=True)


def _portal_home(user: Any) -> str:
    client = Client()
    login_verified(client, user)
    response = client.get(reverse("volunteer_portal:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_portal_stops_showing_the_note_of_a_restricted_family(world: dict[str, Any]) -> None:
    friend_login = grant(world["coordinator"], world["friend"])
    doula_login = grant(world["coordinator"], world["doula"])
    assert MATCH_NOTE in _portal_home(friend_login)
    assert LINK_NOTE in _portal_home(doula_login)
    _restrict(world["mother"])
    assert MATCH_NOTE not in _portal_home(friend_login)
    assert LINK_NOTE not in _portal_home(doula_login)


def _refused(call: Any, **kwargs: Any) -> None:
    with scopes_disabled(), pytest.raises(ValidationError) as error:
        call(**kwargs)
    assert error.value.code == "processing_restricted"


def test_nothing_new_is_recorded_about_a_restricted_family(world: dict[str, Any]) -> None:
    c = world["coordinator"]
    _restrict(world["boy"].person)
    match, link = world["match"], world["link"]
    _refused(matching_services.match_note_set, actor=c, match=match, note_for_volunteer="Uusi")
    _refused(
        matching_services.activity_add,
        actor=c,
        match=match,
        date=dt.date(2026, 6, 6),
        note="Elokuvat",
    )
    _refused(
        matching_services.follow_up_add,
        actor=c,
        case=world["case"],
        date=dt.date(2026, 6, 10),
        note="Hyvin menee",
    )
    _refused(
        matching_services.family_link_update,
        actor=c,
        link=link,
        note_for_volunteer="Uusi viesti",
    )
    _refused(
        matching_services.family_link_add,
        actor=c,
        volunteer=world["doula"],
        episode=world["episode"],
        role=RoleKind.OTHER,
        started_on=dt.date(2026, 6, 10),
    )
    with scopes_disabled():
        assert Match.objects.get(pk=match.pk).note_for_volunteer == MATCH_NOTE
        assert FamilyLink.objects.get(pk=link.pk).note_for_volunteer == LINK_NOTE
        # ending reduces processing: still possible
        matching_services.family_link_update(
            actor=c, link=link, note_for_volunteer=LINK_NOTE, ended_on=dt.date(2026, 6, 12)
        )
        matching_services.case_end(
            actor=c,
            case=world["case"],
            ended_on=dt.date(2026, 6, 12),
            reason="Perhe muutti",
            successful=False,
        )


def test_no_case_is_opened_or_taken_further_for_a_restricted_family(
    world: dict[str, Any],
) -> None:
    c = world["coordinator"]
    with scopes_disabled():
        mother, episode = client_in(world["form"])
        ParticipantFactory.create(episode=episode, role="child")
        other_mother, other_episode = client_in(world["form"])
        other_boy = ParticipantFactory.create(episode=other_episode, role="child")
        opened = matching_services.case_open(
            actor=c, episode=other_episode, applied_on=dt.date(2026, 6, 1)
        )
    _restrict(mother)
    _restrict(other_mother)
    _refused(matching_services.case_open, actor=c, episode=episode, applied_on=dt.date(2026, 6, 1))
    _refused(
        matching_services.case_intake,
        actor=c,
        case=opened,
        intake_on=dt.date(2026, 6, 2),
        child=other_boy,
        contact_with_men=False,
        confirm=True,
    )
    with scopes_disabled():
        assert not MatchingCase.objects.filter(episode=episode).exists()
        assert MatchingCase.objects.get(pk=opened.pk).intake_on is None
