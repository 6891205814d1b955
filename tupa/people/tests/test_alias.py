"""Anonymous clients: an alias linked to a person keeps every episode, count and history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Count
from django_scopes import scope, scopes_disabled

from tupa.access import clients
from tupa.core.tests.factories import (
    EpisodeFactory,
    ParticipantFactory,
    PersonFactory,
    ServiceFormFactory,
    worker_in,
)
from tupa.episodes.models import Episode, Participant
from tupa.people import services
from tupa.people.models import Alias

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelter():  # type: ignore[no-untyped-def]
    return ServiceFormFactory(slug="turvakoti", violence_work="victim")


@pytest.fixture
def night_worker(shelter):  # type: ignore[no-untyped-def]
    return worker_in(shelter)


@pytest.fixture
def anonymous_stay(shelter, night_worker):  # type: ignore[no-untyped-def]
    """A mother and two children, all anonymous, in one shelter episode opened at 02:00."""
    org = shelter.organisation
    mother = services.alias_create(actor=night_worker, service_form=shelter, label="Äiti A")
    kids = [
        services.alias_create(actor=night_worker, service_form=shelter, label=f"Lapsi A{i}")
        for i in (1, 2)
    ]
    episode = EpisodeFactory(
        service_form=shelter,
        organisation=org,
        opened_at=dt.datetime(2026, 1, 6, 0, 0, tzinfo=dt.UTC),  # 02:00 in Helsinki
    )
    ParticipantFactory(
        episode=episode, person=None, alias=mother, role="client", violence_role="experienced"
    )
    for kid in kids:
        ParticipantFactory(episode=episode, person=None, alias=kid, role="child")
    return {"episode": episode, "mother": mother, "kids": kids}


def _counts() -> dict[str, object]:
    """What statistics count: episodes, participants by role, per service form."""
    with scopes_disabled():
        return {
            "episodes": Episode.objects.count(),
            "participants": Participant.objects.count(),
            "by_role": dict(
                Participant.objects.values_list("role").annotate(n=Count("pk")).order_by()
            ),
            "by_form": dict(
                Participant.objects.values_list("episode__service_form")
                .annotate(n=Count("pk"))
                .order_by()
            ),
        }


def _visible_person_ids(user) -> set[int]:  # type: ignore[no-untyped-def]
    with scope(organisation=user.organisation_id):
        return set(clients.persons_visible_to(user=user).values_list("pk", flat=True))


def test_linking_keeps_episodes_counts_and_history(shelter, night_worker, anonymous_stay) -> None:  # type: ignore[no-untyped-def]
    alias = anonymous_stay["mother"]
    episode = anonymous_stay["episode"]
    with scopes_disabled():
        before_rows = list(
            Participant.objects.filter(alias=alias).values_list("pk", "episode_id", "role")
        )
    counts_before = _counts()
    person = services.person_create(
        actor=night_worker, first_names="Maija", last_name="Meikäläinen", hetu="131052-308T"
    )
    assert person.pk not in _visible_person_ids(night_worker)  # a bare person gives no access

    services.alias_link(
        actor=night_worker, alias=alias, person=person, reason="Kertoi nimensä aamulla"
    )

    assert _counts() == counts_before
    with scopes_disabled():
        after_rows = list(
            Participant.objects.filter(person=person).values_list("pk", "episode_id", "role")
        )
        # The very same participant rows, in the same episode and role.
        assert after_rows == before_rows
        assert not Participant.objects.filter(alias=alias).exists()
        linked = Alias.objects.get(pk=alias.pk)
        assert linked.person_id == person.pk
        assert linked.linked_by == night_worker
        assert linked.link_reason == "Kertoi nimensä aamulla"
        assert linked.linked_at is not None
        # The anonymous phase stays in the participant's history.
        part = Participant.objects.get(person=person)
        history = list(part.history.order_by("history_date").values_list("alias_id", "person_id"))
        assert history[0] == (alias.pk, None)
        assert history[-1] == (None, person.pk)
        assert part.history.first().history_change_reason == "Kertoi nimensä aamulla"
        # The children are still anonymous in the same episode.
        assert Participant.objects.filter(episode=episode, alias__isnull=False).count() == 2
    # The person now shows the episode to its workers.
    assert person.pk in _visible_person_ids(night_worker)
    with scope(organisation=shelter.organisation_id):
        assert set(
            clients.episodes_visible_to(user=night_worker)
            .filter(participants__person=person)
            .values_list("pk", flat=True)
        ) == {episode.pk}


def test_linking_to_an_existing_client_adds_the_episode_to_theirs(
    shelter, night_worker, anonymous_stay
) -> None:  # type: ignore[no-untyped-def]
    org = shelter.organisation
    person = PersonFactory(organisation=org)
    earlier = EpisodeFactory(service_form=shelter, organisation=org)
    ParticipantFactory(episode=earlier, person=person)
    services.alias_link(
        actor=night_worker, alias=anonymous_stay["mother"], person=person, reason="Tunnistettu"
    )
    with scopes_disabled():
        assert set(
            Participant.objects.filter(person=person).values_list("episode_id", flat=True)
        ) == {earlier.pk, anonymous_stay["episode"].pk}


def test_a_long_reason_is_kept_whole_in_the_participants_history(  # type: ignore[no-untyped-def]
    night_worker, anonymous_stay
) -> None:
    """The identifying form takes 1 000 characters; the participant's history row cut the reason
    to 100 for the change-reason column of old (now text)."""
    reason = "Kertoi nimensä aamulla ja näytti henkilökortin; " * 5
    assert len(reason) > 200
    person = services.person_create(
        actor=night_worker, first_names="Maija", last_name="Meikäläinen", hetu="131052-308T"
    )
    services.alias_link(
        actor=night_worker, alias=anonymous_stay["mother"], person=person, reason=reason
    )
    with scopes_disabled():
        part = Participant.objects.get(person=person)
        assert part.history.first().history_change_reason == reason.strip()


def test_a_reason_is_required(shelter, night_worker, anonymous_stay) -> None:  # type: ignore[no-untyped-def]
    person = PersonFactory(organisation=shelter.organisation)
    with pytest.raises(ValidationError) as info:
        services.alias_link(
            actor=night_worker, alias=anonymous_stay["mother"], person=person, reason="  "
        )
    assert info.value.message_dict["reason"] == ["Kirjoita tunnistamisen peruste."]
    with scopes_disabled():
        assert Participant.objects.filter(alias=anonymous_stay["mother"]).count() == 1


def test_an_alias_is_linked_only_once(shelter, night_worker, anonymous_stay) -> None:  # type: ignore[no-untyped-def]
    org = shelter.organisation
    first, second = PersonFactory(organisation=org), PersonFactory(organisation=org)
    alias = anonymous_stay["mother"]
    services.alias_link(actor=night_worker, alias=alias, person=first, reason="Tunnistettu")
    with pytest.raises(ValidationError, match="jo tunnistettu"):
        services.alias_link(actor=night_worker, alias=alias, person=second, reason="Uudelleen")


def test_a_person_already_in_the_episode_cannot_take_the_alias_too(
    shelter, night_worker, anonymous_stay
) -> None:  # type: ignore[no-untyped-def]
    person = PersonFactory(organisation=shelter.organisation)
    ParticipantFactory(episode=anonymous_stay["episode"], person=person, role="close_person")
    with pytest.raises(ValidationError) as info:
        services.alias_link(
            actor=night_worker, alias=anonymous_stay["mother"], person=person, reason="x"
        )
    assert "samassa asiakkuudessa" in info.value.message_dict["person"][0]


def test_cross_organisation_link_is_refused(night_worker, anonymous_stay) -> None:  # type: ignore[no-untyped-def]
    stranger = PersonFactory()
    with pytest.raises(ValidationError):
        services.alias_link(
            actor=night_worker, alias=anonymous_stay["mother"], person=stranger, reason="x"
        )
