"""Merging duplicate persons never loses an episode, a link or either record's history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

from tupa.core.tests.factories import (
    EpisodeFactory,
    ParticipantFactory,
    PersonFactory,
    ServiceFormFactory,
    client_in,
    worker_in,
)
from tupa.episodes.models import Entry, Episode, Participant, Referral
from tupa.people import services
from tupa.people.models import (
    Alias,
    Consent,
    Household,
    HouseholdMember,
    Person,
    Relationship,
    Restriction,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelter():  # type: ignore[no-untyped-def]
    return ServiceFormFactory(slug="turvakoti", violence_work="victim")


@pytest.fixture
def lead(shelter):  # type: ignore[no-untyped-def]
    return worker_in(shelter, role="lead")


def _episode_ids(person: Person) -> set[int]:
    with scopes_disabled():
        return set(Participant.objects.filter(person=person).values_list("episode_id", flat=True))


def test_merge_keeps_every_episode_and_both_histories(shelter, lead) -> None:  # type: ignore[no-untyped-def]
    org = shelter.organisation
    avokriisi = ServiceFormFactory(organisation=org, area=shelter.area, slug="avokriisityo")
    keep, stay = client_in(shelter, first_names="Aino", birth_date=dt.date(1990, 2, 3))
    merge, _counselling = client_in(avokriisi, first_names="Aino", birth_date=dt.date(1990, 2, 3))
    old_episode = EpisodeFactory(
        service_form=shelter,
        organisation=org,
        status="ended",
        end_date=dt.date(2026, 1, 10),
        end_reason="planned_end",
    )
    ParticipantFactory(episode=old_episode, person=merge, role="client")
    with scopes_disabled():
        episodes_before = Episode.objects.count()
        participants_before = Participant.objects.count()
        keep_history_before = keep.history.count()
        merge_history_before = merge.history.count()
    expected = _episode_ids(keep) | _episode_ids(merge)
    assert len(expected) == 3

    result = services.person_merge(actor=lead, keep=keep, merge=merge)

    assert result.pk == keep.pk
    assert _episode_ids(keep) == expected
    assert _episode_ids(merge) == set()
    with scopes_disabled():
        assert Episode.objects.count() == episodes_before
        assert Participant.objects.count() == participants_before
        merged = Person.objects.get(pk=merge.pk)
        assert merged.merged_into_id == keep.pk  # the record stays, pointing to the kept one
        # Both history trails are intact and grew by the merge.
        assert merged.history.count() == merge_history_before + 1
        assert Person.objects.get(pk=keep.pk).history.count() == keep_history_before + 1
        assert merged.history.first().history_user == lead
        # Each moved participation has its own history entry with the old person.
        moved = Participant.objects.get(episode=old_episode)
        old_versions = list(
            moved.history.order_by("history_date").values_list("person_id", flat=True)
        )
        assert old_versions == [merge.pk, keep.pk]
        assert stay.pk in expected


def test_merge_moves_aliases_relationships_households_restrictions_consents_referrals(
    shelter, lead
) -> None:  # type: ignore[no-untyped-def]
    org = shelter.organisation
    keep, _e1 = client_in(shelter)
    merge, episode = client_in(shelter)
    child = PersonFactory(organisation=org)
    partner = PersonFactory(organisation=org)
    other_form = ServiceFormFactory(organisation=org, area=shelter.area)
    with scopes_disabled():
        alias = Alias.objects.create(
            organisation=org,
            service_form=shelter,
            label="Sininen",
            person=merge,
            linked_at=dt.datetime(2026, 1, 6, 8, 0, tzinfo=dt.UTC),
            link_reason="Kertoi nimensä",
            created_by=lead,
        )
        Relationship.objects.create(person=merge, relative=child, kind="parent")
        Relationship.objects.create(person=keep, relative=partner, kind="partner")
        Relationship.objects.create(person=partner, relative=merge, kind="partner")  # duplicate
        Relationship.objects.create(person=keep, relative=merge, kind="sibling")  # becomes self
        household = Household.objects.create(organisation=org, name="Perhe")
        HouseholdMember.objects.create(household=household, person=merge)
        HouseholdMember.objects.create(household=household, person=keep)
        other_household = Household.objects.create(organisation=org, name="Toinen")
        HouseholdMember.objects.create(household=other_household, person=merge)
        restriction = Restriction.objects.create(
            person=merge, kind="turvakielto", valid_from=dt.date(2025, 1, 1), created_by=lead
        )
        consent = Consent.objects.create(
            person=merge, purpose="follow_up", given_on=dt.date(2026, 1, 5), recorded_by=lead
        )
        referral = Referral.objects.create(
            organisation=org,
            from_episode=episode,
            to_service_form=other_form,
            person=merge,
            reason="Jatkotuki",
            created_by=lead,
        )

    services.person_merge(actor=lead, keep=keep, merge=merge)

    with scopes_disabled():
        alias.refresh_from_db()
        restriction.refresh_from_db()
        consent.refresh_from_db()
        referral.refresh_from_db()
        assert alias.person_id == keep.pk
        assert restriction.person_id == keep.pk
        assert consent.person_id == keep.pk
        assert referral.person_id == keep.pk
        rels = set(Relationship.objects.values_list("person_id", "relative_id", "kind"))
        assert rels == {(keep.pk, child.pk, "parent"), (keep.pk, partner.pk, "partner")}
        members = set(HouseholdMember.objects.values_list("household_id", "person_id"))
        assert members == {(household.pk, keep.pk), (other_household.pk, keep.pk)}
        assert not Person.objects.get(pk=merge.pk).relationships_from.exists()


def test_merge_into_a_shared_episode_keeps_one_participant_and_its_journal_links(
    shelter, lead
) -> None:  # type: ignore[no-untyped-def]
    org = shelter.organisation
    keep, episode = client_in(shelter)
    merge = PersonFactory(organisation=org)
    part = ParticipantFactory(
        episode=episode, person=merge, role="child", violence_role="witnessed"
    )
    with scopes_disabled():
        entry = Entry.objects.create(
            episode=episode,
            type="note",
            occurred_at=dt.datetime(2026, 1, 6, 10, 0, tzinfo=dt.UTC),
            author=lead,
            text="Kirjaus",
        )
        entry.participants.add(part)
    services.person_merge(actor=lead, keep=keep, merge=merge)
    with scopes_disabled():
        kept = Participant.objects.get(episode=episode, person=keep)
        assert list(entry.participants.all()) == [kept]
        assert kept.violence_role == "witnessed"
        assert Participant.objects.filter(episode=episode).count() == 1
        assert Episode.objects.filter(pk=episode.pk).exists()


def test_the_kept_record_gets_the_code_and_blank_fields_from_the_other(shelter, lead) -> None:  # type: ignore[no-untyped-def]
    keep, _e = client_in(shelter, first_names="Aino", phone="")
    merge, _f = client_in(
        shelter,
        first_names="Aino",
        hetu="131052-308T",
        birth_date=dt.date(1952, 10, 13),
        phone="040 123 4567",
        street_address="Keksitty katu 1",
    )
    services.person_merge(actor=lead, keep=keep, merge=merge)
    with scopes_disabled():
        kept = Person.objects.get(pk=keep.pk)
        old = Person.objects.get(pk=merge.pk)
    assert kept.hetu == "131052-308T"
    assert kept.birth_date == dt.date(1952, 10, 13)
    assert kept.phone == "040 123 4567"
    assert old.hetu == "131052-308T"  # the merged record keeps its own data, for the history
    assert kept.version == 2 and old.version == 2


def test_merge_refuses_different_codes_self_and_repeated_merges(shelter, lead) -> None:  # type: ignore[no-untyped-def]
    a, _e = client_in(shelter, hetu="131052-308T", birth_date=dt.date(1952, 10, 13))
    b, _f = client_in(shelter, hetu="010594Y308V", birth_date=dt.date(1994, 5, 1))
    with pytest.raises(ValidationError, match="eri henkilötunnukset"):
        services.person_merge(actor=lead, keep=a, merge=b)
    with pytest.raises(ValidationError):
        services.person_merge(actor=lead, keep=a, merge=a)
    c, _g = client_in(shelter)
    services.person_merge(actor=lead, keep=a, merge=c)
    with pytest.raises(ValidationError, match="jo yhdistetty"):
        services.person_merge(actor=lead, keep=a, merge=c)
    with scopes_disabled():
        assert Person.objects.get(pk=b.pk).merged_into_id is None


def test_earlier_merges_follow_to_the_new_record(shelter, lead) -> None:  # type: ignore[no-untyped-def]
    a, _e = client_in(shelter)
    b, _f = client_in(shelter)
    c, _g = client_in(shelter)
    services.person_merge(actor=lead, keep=b, merge=c)
    services.person_merge(actor=lead, keep=a, merge=b)
    with scopes_disabled():
        assert Person.objects.get(pk=c.pk).merged_into_id == a.pk
        assert Person.objects.get(pk=b.pk).merged_into_id == a.pk
    assert len(_episode_ids(a)) == 3
