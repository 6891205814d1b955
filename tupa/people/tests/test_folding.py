"""The folded names the search matches (``Person.search_name``, :mod:`tupa.people.folding`):
written by the database on every write path, the same as :func:`fold` of the names."""

from __future__ import annotations

from typing import Any

import pytest
from django_scopes import scopes_disabled

from tupa.core.tests.factories import OrganisationFactory, PersonFactory
from tupa.people.folding import fold
from tupa.people.models import Person

pytestmark = pytest.mark.django_db


def _stored(pk: int) -> str:
    with scopes_disabled():
        return Person.objects.values_list("search_name", flat=True).get(pk=pk)


def test_the_folded_names_are_written_on_create_bulk_create_and_update() -> None:
    organisation = OrganisationFactory()
    created = PersonFactory(
        organisation=organisation, first_names="Äili Øydis", last_name="Hämäläinen"
    )
    assert _stored(created.pk) == "aili oydis hamalainen"
    # bulk_create: the demo's and the federation generator's path, no save() and no signal.
    template: dict[str, Any] = {
        "organisation": organisation,
        "temporary_id": "T-B00001",
    }
    with scopes_disabled():
        (bulk,) = Person.objects.bulk_create(
            [Person(first_names="ÉMILIE", last_name="Łukasz-Ñúñez", **template)]
        )
        assert _stored(bulk.pk) == "emilie lukasz-nunez"
        # update(): a correction written without loading the rows.
        Person.objects.filter(pk=created.pk).update(last_name="Kärkkäinen")
    assert _stored(created.pk) == "aili oydis karkkainen"
    # The same folding as the search words get.
    assert _stored(created.pk) == fold("Äili Øydis Kärkkäinen")


def test_a_renamed_person_is_found_by_the_new_name_only() -> None:
    from django_scopes import scope

    from tupa.core.tests.factories import EpisodeFactory, ParticipantFactory, worker_in
    from tupa.people import selectors, services

    episode = EpisodeFactory()
    worker = worker_in(episode.service_form)
    person = PersonFactory(organisation=episode.organisation, first_names="Aino", last_name="Ek")
    ParticipantFactory(episode=episode, person=person)
    with scope(organisation=episode.organisation_id):
        services.person_update(
            actor=worker, person=person, version=person.version, last_name="Öhman"
        )
        found = selectors.search_persons(user=worker, query="ohman")
        gone = selectors.search_persons(user=worker, query="aino ek")
    assert [p.pk for p in found.persons] == [person.pk]
    assert gone.persons == []
    # Django does not read a generated column back after save(): the database has the new one.
    assert _stored(person.pk) == "aino ohman"
