"""GDPR art. 18: a restriction of processing refuses every write and hides the person from lists
(:mod:`tupa.people.processing`); lifting it makes the same writes work again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django_scopes import scope, scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import ParticipantFactory, PersonFactory, org_role_user, worker_in
from tupa.episodes import journal
from tupa.episodes import selectors as episode_selectors
from tupa.episodes import services as episode_services
from tupa.episodes.tests.journal_support import entry_kwargs
from tupa.people import rights
from tupa.people import selectors as people_selectors
from tupa.people import services as people_services
from tupa.people.processing import ensure_processing_allowed
from tupa.programmes.tests import support as group_support
from tupa.residential.models import PayerCategory
from tupa.residential.stays import services as stay_services
from tupa.residential.tests import support as stay_support
from tupa.scheduling import services as scheduling_services
from tupa.scheduling.models import PlaceKind
from tupa.scheduling.tests.support import NOW, t, world

pytestmark = pytest.mark.django_db

MESSAGE = "Henkilön tietojen käsittelyä on rajoitettu"


@pytest.fixture(autouse=True)
def clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def restrict(person: Any, restricted: bool = True) -> None:
    dpo = org_role_user(person.organisation, Role.DATA_PROTECTION_OFFICER)
    with scope(organisation=person.organisation_id):
        rights.processing_restriction_set(
            actor=dpo, person=person, restricted=restricted, reason="Asiakas kiistää tiedot"
        )
    person.refresh_from_db()


def refused_then_allowed(person: Any, write: Callable[[], Any]) -> Any:
    """``write`` is refused while ``person`` is restricted and succeeds after lifting."""
    restrict(person)
    with scope(organisation=person.organisation_id), pytest.raises(ValidationError) as exc:
        write()
    assert MESSAGE in " ".join(exc.value.messages)
    restrict(person, restricted=False)
    with scope(organisation=person.organisation_id):
        return write()


def test_journal_entry() -> None:
    w = world()
    with scopes_disabled():
        participant = w.episode.participants.get()
    entry = refused_then_allowed(
        w.person,
        lambda: journal.entry_create(
            actor=w.worker, episode=w.episode, participants=[participant], **entry_kwargs()
        ),
    )
    assert entry.pk


def test_participant_add_and_episode_changes() -> None:
    w = world()
    other = PersonFactory.create(organisation=w.form.organisation)
    refused_then_allowed(
        w.person,
        lambda: episode_services.participant_add(
            actor=w.worker, episode=w.episode, person=other, role="close_person"
        ),
    )
    refused_then_allowed(
        w.person,
        lambda: episode_services.episode_update(
            actor=w.worker, episode=w.episode, version=None, summary="Uusi kuvaus"
        ),
    )


def test_restricted_person_cannot_be_added_to_another_episode() -> None:
    w = world()
    _person, episode = w.person, w.episode
    other_person = PersonFactory.create(organisation=w.form.organisation)
    ParticipantFactory.create(episode=episode, person=other_person, role="close_person")
    # A second episode without the restricted person: its own writes work, adding her does not.
    with scope(organisation=w.form.organisation_id):
        second = episode_services.episode_open(
            actor=w.worker, service_form=w.form, person=other_person, referral_source="self"
        )
    refused_then_allowed(
        w.person,
        lambda: episode_services.participant_add(
            actor=w.worker, episode=second, person=w.person, role="close_person"
        ),
    )


def test_appointment() -> None:
    w = world()
    created = refused_then_allowed(
        w.person,
        lambda: scheduling_services.appointment_create(
            actor=w.worker,
            service_form=w.form,
            episode=w.episode,
            starts_at=t(2026, 11, 23, 10),
            ends_at=t(2026, 11, 23, 11),
            type="office_meeting",
            place_kind=PlaceKind.OWN_PREMISES,
            room=w.room,
        ),
    )
    assert len(created) == 1


def test_person_update_and_relationship() -> None:
    w = world()
    other = PersonFactory.create(organisation=w.form.organisation)

    def update() -> Any:
        w.person.refresh_from_db()
        return people_services.person_update(
            actor=w.worker, person=w.person, version=None, phone="040 123 4567"
        )

    refused_then_allowed(w.person, update)
    refused_then_allowed(
        w.person,
        lambda: people_services.relationship_add(
            actor=w.worker, person=w.person, relative=other, kind="sibling"
        ),
    )


def test_stay_admit() -> None:
    form = stay_support.residential_form()
    worker = worker_in(form)
    episode, members = stay_support.family(form)
    mother = members[0].person
    stay = refused_then_allowed(
        mother,
        lambda: stay_services.stay_admit(
            actor=worker,
            episode=episode,
            place=stay_support.place(form, "p1"),
            arrived_at=NOW - dt.timedelta(hours=2),
            members=members,
            payer_category=PayerCategory.values[0],
        ),
    )
    assert stay.pk


def test_group_membership() -> None:
    form = group_support.group_form()
    worker = worker_in(form)
    prog = group_support.programme(form, worker)
    parent, kid = group_support.pair(form)
    member = refused_then_allowed(
        parent.person, lambda: group_support.add_member(prog, worker, parent, kid)
    )
    assert member.pk


def test_alias_and_participant_resolve_to_the_person() -> None:
    w = world()
    with scopes_disabled():
        participant = w.episode.participants.get()
    other = PersonFactory.create(organisation=w.form.organisation)
    restrict(w.person)
    with scope(organisation=w.form.organisation_id):
        with pytest.raises(ValidationError):
            ensure_processing_allowed(participant)
        with pytest.raises(ValidationError):
            ensure_processing_allowed(w.person.pk)
        ensure_processing_allowed(None, other)


def test_hidden_from_caseload_client_list_and_search() -> None:
    w = world()
    lead = worker_in(w.form, role=Role.LEAD)
    with scope(organisation=w.form.organisation_id):
        assert w.episode in episode_selectors.caseload(user=w.worker)
        assert w.episode in episode_selectors.client_list(user=lead, service_form=w.form)
        assert w.person in people_selectors.search_persons(user=w.worker, query="Lintunen").persons
    restrict(w.person)
    with scope(organisation=w.form.organisation_id):
        assert w.episode not in episode_selectors.caseload(user=w.worker)
        assert w.episode not in episode_selectors.client_list(user=lead, service_form=w.form)
        assert not people_selectors.search_persons(user=w.worker, query="Lintunen").persons
    restrict(w.person, restricted=False)
    with scope(organisation=w.form.organisation_id):
        assert w.episode in episode_selectors.caseload(user=w.worker)


def test_a_linked_alias_hides_its_episode_from_lists_and_a_former_participant_does_not() -> None:
    """The list filter (the restricted episodes, read first: the restricted persons'
    participations and their linked aliases' participations) on episodes where the person
    takes part only as an alias, or has left."""
    from django.utils import timezone

    from tupa.core.tests.factories import EpisodeFactory
    from tupa.people.models import Alias

    w = world()
    lead = worker_in(w.form, role=Role.LEAD)
    org = w.form.organisation
    with scopes_disabled():
        alias = Alias.objects.create(
            organisation=org,
            service_form=w.form,
            label="Peippo",
            person=w.person,
            linked_at=timezone.now(),
            link_reason="Tunnistettu tapaamisessa",
            created_by=lead,
        )
        as_alias = EpisodeFactory(service_form=w.form, organisation=org)
        ParticipantFactory(episode=as_alias, person=None, alias=alias)
        left = EpisodeFactory(service_form=w.form, organisation=org)
        ParticipantFactory(episode=left, person=w.person, left_on=dt.date(2020, 1, 1))
    restrict(w.person)
    with scope(organisation=w.form.organisation_id):
        listed = set(episode_selectors.client_list(user=lead, service_form=w.form))
    assert w.episode not in listed and as_alias not in listed
    assert left in listed  # she is no longer a participant there


def test_lifting_is_not_refused() -> None:
    w = world()
    restrict(w.person)
    restrict(w.person, restricted=False)
    assert not w.person.processing_restricted


def test_the_restricted_episodes_are_read_per_organisation_and_by_id() -> None:
    """``restricted_episodes`` names the organisation's own episodes only; the same rule by id
    (``restricted_episode_ids``) reads any given ids; an empty set excludes nothing."""
    from tupa.episodes.models import Episode
    from tupa.people.processing import (
        exclude_restricted_episodes,
        restricted_episode_ids,
        restricted_episodes,
    )

    here, there = world(), world()
    assert here.form.organisation_id != there.form.organisation_id
    assert restricted_episodes(here.form.organisation_id) == frozenset()
    restrict(there.person)
    assert restricted_episodes(here.form.organisation_id) == frozenset()
    assert restricted_episodes(there.form.organisation_id) == {there.episode.pk}
    assert restricted_episode_ids([here.episode.pk, there.episode.pk]) == {there.episode.pk}
    assert restricted_episode_ids([]) == set()
    with scopes_disabled():
        both = Episode.objects.filter(pk__in=[here.episode.pk, there.episode.pk])
        kept = exclude_restricted_episodes(both, organisation_id=here.form.organisation_id)
        assert set(kept) == {here.episode, there.episode}  # not this organisation's to hide
        kept = exclude_restricted_episodes(both, organisation_id=there.form.organisation_id)
        assert set(kept) == {here.episode}
