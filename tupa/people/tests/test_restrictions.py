"""Which persons' restricted fields are hidden, the template tag, the banner and the workers'
restriction pages (turvakielto, finnish-requirements §6)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import (
    EpisodeFactory,
    ParticipantFactory,
    PersonFactory,
    ServiceFormFactory,
    UserFactory,
    client_in,
    org_role_user,
    worker_in,
)
from tupa.core.tests.helpers import login_verified
from tupa.episodes.models import Assignment, Episode
from tupa.people.models import (
    Alias,
    Household,
    HouseholdMember,
    Person,
    Relationship,
    Restriction,
)
from tupa.people.restrictions import (
    episodes_with_restricted,
    has_restriction,
    protected_episode_ids,
    restricted_ids_in_organisation,
    restricted_person_ids,
    restriction_for,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 15)


def _restrict(person: Person, **kwargs: Any) -> Restriction:
    kwargs.setdefault("kind", Restriction.Kind.TURVAKIELTO)
    kwargs.setdefault("source", "Väestötietojärjestelmä")
    kwargs.setdefault("valid_from", TODAY - dt.timedelta(days=30))
    creator = UserFactory.create(organisation=person.organisation)
    with scopes_disabled():
        return Restriction.objects.create(person=person, created_by=creator, **kwargs)


def _household(*members: Person) -> Household:
    with scopes_disabled():
        household = Household.objects.create(organisation=members[0].organisation, name="Perhe")
        for member in members:
            HouseholdMember.objects.create(household=household, person=member)
    return household


def _ids(persons: list[Person], on: dt.date = TODAY) -> set[int]:
    with scope(organisation=persons[0].organisation_id):
        return restricted_person_ids(persons, on=on)


# --- restricted_person_ids ---------------------------------------------------------------------


def test_in_force_future_lifted_and_expired_restrictions() -> None:
    in_force, future, lifted, expired, lifted_later, plain = PersonFactory.create_batch(6)
    org = in_force.organisation
    for p in (future, lifted, expired, lifted_later, plain):
        p.organisation = org
        with scopes_disabled():
            p.save()
    _restrict(in_force)
    _restrict(future, valid_from=TODAY + dt.timedelta(days=1))
    _restrict(lifted, lifted_on=TODAY - dt.timedelta(days=1))
    _restrict(lifted_later, lifted_on=TODAY + dt.timedelta(days=10))
    # valid_until has passed but nobody has reviewed it: it stays in force (safe default)
    _restrict(expired, valid_until=TODAY - dt.timedelta(days=5))
    persons = [in_force, future, lifted, expired, lifted_later, plain]
    assert _ids(persons) == {in_force.pk, expired.pk, lifted_later.pk}
    # the future one starts tomorrow
    assert future.pk in _ids(persons, on=TODAY + dt.timedelta(days=1))


def test_empty_input_needs_no_query(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        assert restricted_person_ids([]) == set()


def test_household_children_covered_only_on_request() -> None:
    mother = PersonFactory.create()
    org = mother.organisation
    child = PersonFactory.create(organisation=org, birth_date=TODAY.replace(year=2018))
    teen = PersonFactory.create(organisation=org, birth_date=dt.date(2008, 3, 16))  # 17 today
    adult_son = PersonFactory.create(organisation=org, birth_date=dt.date(2008, 3, 15))  # 18
    partner = PersonFactory.create(organisation=org, birth_date=dt.date(1985, 1, 1))
    outsider_child = PersonFactory.create(organisation=org, birth_date=dt.date(2019, 1, 1))
    _household(mother, child, teen, adult_son, partner)
    persons = [mother, child, teen, adult_son, partner, outsider_child]

    restriction = _restrict(mother, covers_household_children=False)
    assert _ids(persons) == {mother.pk}

    with scopes_disabled():
        Restriction.objects.filter(pk=restriction.pk).update(covers_household_children=True)
    # minors of the household are covered; the adult son and the partner are not
    assert _ids(persons) == {mother.pk, child.pk, teen.pk}

    # an adult recorded as the mother's child is covered as well
    with scopes_disabled():
        Relationship.objects.create(person=mother, relative=adult_son, kind="parent")
        # a relationship in the other direction (the partner is not her child) changes nothing
        Relationship.objects.create(person=partner, relative=mother, kind="partner")
    assert _ids(persons) == {mother.pk, child.pk, teen.pk, adult_son.pk}

    # the children alone, without the mother in the list
    assert _ids([child, partner, outsider_child]) == {child.pk}


def test_the_organisations_restricted_persons_are_those_of_each_person(
    django_assert_max_num_queries: Any,
) -> None:
    """``restricted_ids_in_organisation`` gives what ``restricted_person_ids`` gives for every
    person of the organisation, and nobody of another organisation."""
    mother = PersonFactory.create()
    org = mother.organisation
    child = PersonFactory.create(organisation=org, birth_date=dt.date(2018, 1, 1))
    adult_son = PersonFactory.create(organisation=org, birth_date=dt.date(2000, 1, 1))
    partner = PersonFactory.create(organisation=org, birth_date=dt.date(1985, 1, 1))
    own = PersonFactory.create(organisation=org)
    lifted = PersonFactory.create(organisation=org)
    plain = PersonFactory.create(organisation=org)
    elsewhere = PersonFactory.create()  # another organisation's protected person
    _household(mother, child, adult_son, partner)
    with scopes_disabled():
        Relationship.objects.create(person=mother, relative=adult_son, kind="parent")
    _restrict(mother, covers_household_children=True)
    _restrict(own, kind=Restriction.Kind.OWN_SAFETY)
    _restrict(lifted, lifted_on=TODAY - dt.timedelta(days=1))
    _restrict(elsewhere)
    everyone = [mother, child, adult_son, partner, own, lifted, plain]
    # in force, the covering ones' housemates, their households, an adult's relationship
    with scopes_disabled(), django_assert_max_num_queries(4):
        found = restricted_ids_in_organisation(org.pk, on=TODAY)
    assert found == _ids(everyone) == {mother.pk, child.pk, adult_son.pk, own.pk}
    with scopes_disabled():
        assert restricted_ids_in_organisation(elsewhere.organisation_id, on=TODAY) == {elsewhere.pk}


def test_lifted_parent_restriction_uncovers_the_children() -> None:
    mother = PersonFactory.create()
    child = PersonFactory.create(organisation=mother.organisation, birth_date=dt.date(2020, 1, 1))
    _household(mother, child)
    _restrict(mother, covers_household_children=True, lifted_on=TODAY - dt.timedelta(days=1))
    assert _ids([mother, child]) == set()


def test_query_count_is_flat(django_assert_max_num_queries: Any) -> None:
    mother = PersonFactory.create()
    org = mother.organisation
    persons = [mother] + [
        PersonFactory.create(organisation=org, birth_date=dt.date(1990, 1, 1)) for _ in range(15)
    ]
    _household(*persons[:8])
    _restrict(mother, covers_household_children=True)
    with scope(organisation=org.pk), django_assert_max_num_queries(3):
        restricted_person_ids(persons, on=TODAY)


def test_restriction_for_and_has_restriction() -> None:
    mother = PersonFactory.create()
    child = PersonFactory.create(organisation=mother.organisation, birth_date=dt.date(2020, 1, 1))
    other = PersonFactory.create(organisation=mother.organisation)
    _household(mother, child)
    restriction = _restrict(mother, covers_household_children=True, valid_from=dt.date(2020, 1, 1))
    with scope(organisation=mother.organisation_id):
        assert restriction_for(mother) == restriction
        assert restriction_for(child) == restriction  # covered through the mother
        assert restriction_for(other) is None
        assert has_restriction(mother) and has_restriction(child)
        assert not has_restriction(other)


# --- template tag and banner --------------------------------------------------------------------

TAG = Template("{% load restricted %}[{% restricted_field person field ids %}]")


def _render(person: Person, field: str, ids: Any) -> str:
    return TAG.render(Context({"person": person, "field": field, "ids": ids}))


def test_restricted_field_tag() -> None:
    person = PersonFactory.build(pk=7, street_address="Keksitie <1>", phone="")
    assert _render(person, "street_address", set()) == "[Keksitie &lt;1&gt;]"
    assert _render(person, "street_address", {7}) == "[Suojattu tieto]"
    # an empty field looks the same as a filled one: emptiness leaks nothing
    assert _render(person, "phone", {7}) == "[Suojattu tieto]"
    # forgetting the ids fails safe
    assert _render(person, "street_address", None) == "[Suojattu tieto]"
    # non-restricted fields are not affected
    assert _render(person, "last_name", {7}) == "[Keksitty]"


def test_banner_shows_kind_validity_and_processing_restriction() -> None:
    from django.template.loader import render_to_string

    person = PersonFactory.build(pk=3, processing_restricted=True)
    restriction = Restriction(
        person_id=3,
        kind=Restriction.Kind.TURVAKIELTO,
        valid_from=dt.date(2025, 2, 1),
        valid_until=dt.date(2027, 2, 1),
    )
    html = render_to_string(
        "people/restrictions/_banner.html", {"person": person, "restriction": restriction}
    )
    assert "Turvakielto – osoite- ja yhteystiedot on suojattu" in html
    assert 'role="note"' in html and 'role="alert"' not in html
    assert "1.2.2025" in html and "1.2.2027" in html
    assert "turvakielto (väestötietojärjestelmä)" in html.lower()
    assert "Käsittelyä rajoitettu" in html
    person.processing_restricted = False
    empty = render_to_string(
        "people/restrictions/_banner.html", {"person": person, "restriction": None}
    )
    assert "notice" not in empty


# --- restriction management views ------------------------------------------------------------


@pytest.fixture
def setting() -> dict[str, Any]:
    shelter = ServiceFormFactory.create(slug="turvakoti", violence_work="victim")
    other = ServiceFormFactory.create(
        organisation=shelter.organisation, area=shelter.area, slug="muu"
    )
    person, episode = client_in(shelter, street_address="Piilotie 1")
    return {
        "shelter": shelter,
        "other": other,
        "person": person,
        "episode": episode,
        "worker": worker_in(shelter),
        "lead": worker_in(shelter, role=Role.LEAD),
        "other_worker": worker_in(other),
        "dpo": org_role_user(shelter.organisation, Role.DATA_PROTECTION_OFFICER),
        "admin": org_role_user(shelter.organisation, Role.ADMINISTRATOR),
    }


def test_worker_adds_a_restriction_and_errors_keep_the_input(
    client: Client, setting: dict[str, Any]
) -> None:
    person = setting["person"]
    login_verified(client, setting["worker"])
    url = reverse("rights:restriction_add", kwargs={"pk": person.pk})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": "turvakielto",
            "source": "",
            "valid_from": "2026-03-01",
            "valid_until": "1.2.2026",
            "contact_address": "PL 99",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kerro turvakiellon lähde" in html
    assert "Päättymispäivän on oltava alkamispäivän jälkeen." in html
    assert 'value="2026-03-01"' in html and "PL 99" in html  # what was typed is kept
    with scopes_disabled():
        assert not Restriction.objects.exists()

    response = client.post(
        url,
        {
            "kind": "turvakielto",
            "source": "DVV:n ote",
            "valid_from": "1.3.2026",
            "covers_household_children": "on",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        restriction = Restriction.objects.get()
        assert restriction.created_by == setting["worker"]
        assert restriction.valid_from == dt.date(2026, 3, 1)
        assert restriction.covers_household_children is True
        history = restriction.history.get()
        assert history.history_user == setting["worker"]

    missing_kind = client.post(url, {"kind": "", "valid_from": "2026-03-01"})
    assert "Valitse suojauksen laji." in missing_kind.content.decode()


def test_worker_lifts_a_restriction_with_a_reason(client: Client, setting: dict[str, Any]) -> None:
    person = setting["person"]
    restriction = _restrict(person, valid_from=dt.date(2025, 1, 1))
    login_verified(client, setting["lead"])
    url = reverse(
        "rights:restriction_lift", kwargs={"pk": person.pk, "restriction_pk": restriction.pk}
    )
    response = client.post(url, {"lifted_on": "2024-12-31", "reason": ""})
    html = response.content.decode()
    assert "Päättymispäivä ei voi olla ennen suojauksen alkamispäivää." in html
    assert "Kerro, miksi suojaus päätetään." in html
    today = timezone.localdate()
    response = client.post(url, {"lifted_on": today.isoformat(), "reason": "Ei enää DVV:ssä"})
    assert response.status_code == 302
    with scopes_disabled():
        restriction.refresh_from_db()
        assert restriction.lifted_on == today
        newest = restriction.history.order_by("-history_id").first()
        assert newest.history_change_reason == "Ei enää DVV:ssä"
        assert newest.history_user == setting["lead"]
    # a second lift is refused
    again = client.post(url, {"lifted_on": today.isoformat(), "reason": "uudelleen"})
    assert "Suojaus on jo päätetty." in again.content.decode()


@pytest.mark.parametrize("who", ["other_worker", "dpo", "admin"])
def test_restriction_pages_are_404_without_membership_basis(
    client: Client, setting: dict[str, Any], who: str
) -> None:
    person = setting["person"]
    restriction = _restrict(person)
    login_verified(client, setting[who])
    urls = [
        reverse("rights:restrictions", kwargs={"pk": person.pk}),
        reverse("rights:restriction_add", kwargs={"pk": person.pk}),
        reverse(
            "rights:restriction_lift", kwargs={"pk": person.pk, "restriction_pk": restriction.pk}
        ),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(urls[1], {"kind": "own_safety", "valid_from": "2026-01-01"}).status_code == 404
    )
    with scopes_disabled():
        assert Restriction.objects.count() == 1


def test_assignment_basis_is_not_enough(client: Client, setting: dict[str, Any]) -> None:
    person, episode, other_worker = setting["person"], setting["episode"], setting["other_worker"]
    with scopes_disabled():
        Assignment.objects.create(
            episode=episode,
            user=other_worker,
            valid_from=dt.date(2020, 1, 1),
            assigned_by=setting["lead"],
        )
    login_verified(client, other_worker)
    assert client.get(reverse("rights:restrictions", kwargs={"pk": person.pk})).status_code == 404


def test_restriction_list_logs_and_hides_contact_address(
    client: Client, setting: dict[str, Any]
) -> None:
    from tupa.audit.models import AccessEvent

    person = setting["person"]
    _restrict(person, contact_address="PL 4242 Salainen")
    login_verified(client, setting["worker"])
    response = client.get(reverse("rights:restrictions", kwargs={"pk": person.pk}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Turvakielto – osoite- ja yhteystiedot on suojattu" in html
    assert "PL 4242" not in html and "Piilotie" not in html
    with scopes_disabled():
        event = AccessEvent.objects.get()
    assert (event.subject_id, event.action, event.basis) == (str(person.pk), "view", "membership")


# --------------------------------------------------------------------------- protected episodes


def _family(form: Any, *persons: Person) -> Episode:
    episode = EpisodeFactory.create(service_form=form, organisation=form.organisation)
    for person in persons:
        ParticipantFactory.create(episode=episode, person=person)
    return episode


def _protected(episodes: list[Episode], on: dt.date = TODAY) -> set[int]:
    """The protected episodes, decided both ways: from the episodes' participants, and (the
    statistics' way) from the organisation's restricted persons decided first."""
    organisation_id = episodes[0].organisation_id
    ids = [e.pk for e in episodes]
    with scope(organisation=organisation_id):
        found = protected_episode_ids(ids, on=on)
        restricted = restricted_ids_in_organisation(organisation_id, on=on)
        assert episodes_with_restricted(ids, restricted) == found
    return found


def test_an_episode_is_protected_by_any_participant_under_a_restriction_in_force() -> None:
    form = ServiceFormFactory.create()
    person = lambda **kw: PersonFactory.create(organisation=form.organisation, **kw)  # noqa: E731
    mother, partner, nobody = person(), person(), person()
    expired, lifted, future = person(), person(), person()
    _restrict(mother)
    _restrict(partner)
    _restrict(expired, valid_until=TODAY - dt.timedelta(days=1))  # not reviewed: still in force
    _restrict(lifted, lifted_on=TODAY)
    _restrict(future, valid_from=TODAY + dt.timedelta(days=1))
    with_mother = _family(form, mother, nobody)
    with_partner = _family(form, nobody, partner)
    unprotected = _family(form, nobody)
    with_expired = _family(form, expired)
    with_lifted = _family(form, lifted)
    with_future = _family(form, future)
    everyone = [with_mother, with_partner, unprotected, with_expired, with_lifted, with_future]
    assert _protected(everyone) == {with_mother.pk, with_partner.pk, with_expired.pk}
    # Decided on the day asked: the lifted one was in force the day before.
    yesterday = TODAY - dt.timedelta(days=1)
    assert with_lifted.pk in _protected(everyone, on=yesterday)
    assert _protected([with_mother], on=TODAY - dt.timedelta(days=31)) == set()


def test_household_children_count_only_under_a_covering_restriction() -> None:
    form = ServiceFormFactory.create()
    org = form.organisation
    father = PersonFactory.create(organisation=org, birth_date=dt.date(1985, 1, 1))
    son = PersonFactory.create(organisation=org, birth_date=dt.date(2016, 5, 1))
    aunt = PersonFactory.create(organisation=org, birth_date=dt.date(1980, 1, 1))
    _household(father, son, aunt)
    _restrict(father)
    sons = _family(form, son)
    aunts = _family(form, aunt)
    # The father (not in these episodes) hides nobody else until his restriction covers them.
    assert _protected([sons, aunts]) == set()
    with scopes_disabled():
        Restriction.objects.filter(person=father).update(covers_household_children=True)
    # The minor is covered; the adult housemate, not his child, is not.
    assert _protected([sons, aunts]) == {sons.pk}


def test_an_alias_linked_to_a_restricted_person_protects_its_episode() -> None:
    """Linking normally moves the participations to the person; a participant row still on a
    linked alias (older data) is her too. Before the shared function no caller saw it."""
    form = ServiceFormFactory.create()
    mother = PersonFactory.create(organisation=form.organisation)
    _restrict(mother)
    with scopes_disabled():
        alias = Alias.objects.create(
            organisation=form.organisation,
            service_form=form,
            label="Sininen",
            person=mother,
            linked_at=dt.datetime(2026, 2, 1, 12, 0, tzinfo=dt.UTC),
            link_reason="Tunnistettu puhelussa",
            created_by=UserFactory.create(organisation=form.organisation),
        )
    episode = EpisodeFactory.create(service_form=form, organisation=form.organisation)
    ParticipantFactory.create(episode=episode, person=None, alias=alias)
    assert _protected([episode]) == {episode.pk}


def test_one_query_when_nobody_is_protected_and_none_without_episodes(
    django_assert_num_queries: Any,
) -> None:
    form = ServiceFormFactory.create()
    episodes = [_family(form, PersonFactory.create(organisation=form.organisation))]
    with django_assert_num_queries(0):
        assert protected_episode_ids([]) == set()
    with scope(organisation=form.organisation_id), django_assert_num_queries(1):
        assert protected_episode_ids([episodes[0].pk], on=TODAY) == set()
    assert _protected(episodes) == set()
    # A subquery of episodes (the statistics' whole organisation) works the same.
    with scopes_disabled():
        _restrict(episodes[0].participants.get().person)  # type: ignore[arg-type]
        everyone = Episode.objects.filter(organisation=form.organisation).values("pk")
        assert protected_episode_ids(everyone, on=TODAY) == {episodes[0].pk}
