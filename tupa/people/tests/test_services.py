"""Person services: validation, identity codes, duplicates, optimistic locking, relationships,
households and aliases (tupa.people.services)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope, scopes_disabled

from tupa.core.conflicts import VersionConflict
from tupa.core.tests.factories import (
    EpisodeFactory,
    OrganisationFactory,
    ParticipantFactory,
    PersonFactory,
    ServiceFormFactory,
    worker_in,
)
from tupa.people import services
from tupa.people.folding import fold
from tupa.people.models import ContactHold, Household, HouseholdMember, Person, Relationship
from tupa.people.selectors import find_duplicates

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelter():  # type: ignore[no-untyped-def]
    return ServiceFormFactory(slug="turvakoti", violence_work="victim")


@pytest.fixture
def worker(shelter):  # type: ignore[no-untyped-def]
    return worker_in(shelter)


def _create(worker, **fields):  # type: ignore[no-untyped-def]
    fields.setdefault("first_names", "Maija Liisa")
    fields.setdefault("last_name", "Meikäläinen")
    return services.person_create(actor=worker, **fields)


# --------------------------------------------------------------------------- create


def test_create_normalises_the_code_and_derives_birth_date_and_gender(worker) -> None:  # type: ignore[no-untyped-def]
    person = _create(worker, hetu=" 040378w475e ")
    assert person.hetu == "040378W475E"
    assert person.birth_date == dt.date(1978, 3, 4)
    assert person.gender == "male"  # 475 is odd
    assert person.temporary_id.startswith("T-")
    assert person.organisation_id == worker.organisation_id
    with scopes_disabled():
        record = person.history.get()
    assert record.history_user == worker
    assert record.history_type == "+"


def test_a_typed_gender_is_not_overwritten_by_the_code(worker) -> None:  # type: ignore[no-untyped-def]
    person = _create(worker, hetu="040378W475E", gender="other")
    assert person.gender == "other"


def test_a_birth_date_that_disagrees_with_the_code_is_refused(worker) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as info:
        _create(worker, hetu="131052-308T", birth_date=dt.date(1952, 10, 14))
    assert "syntymäaika on 13.10.1952" in info.value.message_dict["birth_date"][0]
    with scopes_disabled():
        assert not Person.objects.exists()


def test_a_matching_birth_date_is_accepted(worker) -> None:  # type: ignore[no-untyped-def]
    person = _create(worker, hetu="131052-308T", birth_date=dt.date(1952, 10, 13))
    assert person.birth_date == dt.date(1952, 10, 13)


def test_an_invalid_code_is_refused_with_a_finnish_message(worker) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as info:
        _create(worker, hetu="131052-308U")
    assert "tarkistusmerkki" in info.value.message_dict["hetu"][0]


def test_names_are_required_and_trimmed(worker) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as info:
        services.person_create(actor=worker, first_names="  ", last_name="")
    assert info.value.message_dict["first_names"] == ["Kirjoita etunimet."]
    assert info.value.message_dict["last_name"] == ["Kirjoita sukunimi."]
    person = _create(worker, first_names="  Maija   Liisa ", last_name=" Meikäläinen ")
    assert (person.first_names, person.last_name) == ("Maija Liisa", "Meikäläinen")


def test_no_code_means_no_birth_date_guess(worker) -> None:  # type: ignore[no-untyped-def]
    person = _create(worker, hetu="")
    assert person.hetu is None
    assert person.birth_date is None
    assert person.gender == "unknown"


def test_the_same_code_twice_is_refused_without_saying_who_holds_it(worker) -> None:  # type: ignore[no-untyped-def]
    _create(worker, hetu="131052-308T")
    with pytest.raises(ValidationError) as info:
        _create(worker, first_names="Toinen", last_name="Ihminen", hetu="131052-308T")
    message = info.value.message_dict["hetu"][0]
    assert "Meikäläinen" not in message and "Maija" not in message
    assert "Tarkista" in message


def test_the_same_code_in_another_organisation_is_a_different_person(worker) -> None:  # type: ignore[no-untyped-def]
    _create(worker, hetu="131052-308T")
    other_org = OrganisationFactory()
    other = services.person_create(
        actor=None,
        organisation=other_org,
        first_names="Maija",
        last_name="Meikäläinen",
        hetu="131052-308T",
    )
    assert other.organisation_id == other_org.pk


def test_unknown_fields_are_a_programming_error(worker) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError):
        _create(worker, citizenship="FI")


# --------------------------------------------------------------------------- find or create


def test_find_or_create_reuses_the_same_code_and_name_and_fills_blanks(  # type: ignore[no-untyped-def]
    worker, shelter
) -> None:
    """A returning client of the worker's own form: her blank fields are filled."""
    first = _create(worker, hetu="131052-308T")
    ParticipantFactory(episode=EpisodeFactory(service_form=shelter), person=first)
    again, created = services.person_find_or_create(
        actor=worker,
        for_service_form=shelter,
        first_names="maija",
        last_name="MEIKÄLÄINEN",
        hetu="131052-308t",
        phone="040 000 0000",
    )
    assert not created
    assert again.pk == first.pk
    assert again.phone == "040 000 0000"
    assert again.first_names == "Maija Liisa"  # stored data is never overwritten
    with scopes_disabled():
        assert not ContactHold.objects.exists()


def test_find_or_create_writes_nothing_into_a_record_the_worker_cannot_see(  # type: ignore[no-untyped-def]
    worker, shelter
) -> None:
    """The same code and name of a person the worker does not see: her record is reused, but
    what was typed goes on a hold of the form, not into her record (docs/security.md)."""
    first = _create(worker, hetu="131052-308T")
    again, created = services.person_find_or_create(
        actor=worker,
        for_service_form=shelter,
        first_names="maija",
        last_name="MEIKÄLÄINEN",
        hetu="131052-308t",
        phone="040 000 0000",
    )
    assert not created and again.pk == first.pk
    with scopes_disabled():
        assert Person.objects.get(pk=first.pk).phone == ""
        hold = ContactHold.objects.get()
    assert (hold.person_id, hold.service_form_id, hold.created_by_id) == (
        first.pk,
        shelter.pk,
        worker.pk,
    )
    assert hold.given == {"phone": "040 000 0000"}
    assert hold.confirmed_at is None


def test_find_or_create_refuses_the_same_code_with_another_name(worker) -> None:  # type: ignore[no-untyped-def]
    _create(worker, hetu="131052-308T")
    with pytest.raises(ValidationError) as info:
        services.person_find_or_create(
            actor=worker, first_names="Pekka", last_name="Virtanen", hetu="131052-308T"
        )
    assert "Meikäläinen" not in info.value.message_dict["hetu"][0]


def test_find_or_create_without_code_always_creates(worker) -> None:  # type: ignore[no-untyped-def]
    a, created_a = services.person_find_or_create(
        actor=worker, first_names="Maija", last_name="Meikäläinen"
    )
    b, created_b = services.person_find_or_create(
        actor=worker, first_names="Maija", last_name="Meikäläinen"
    )
    assert created_a and created_b and a.pk != b.pk


# --------------------------------------------------------------------------- update


def test_update_bumps_the_version_and_records_the_actor(worker) -> None:  # type: ignore[no-untyped-def]
    person = _create(worker)
    assert person.version == 1
    services.person_update(actor=worker, person=person, version=1, phone="040 111 1111")
    assert person.version == 2
    with scopes_disabled():
        fresh = Person.objects.get(pk=person.pk)
        latest = fresh.history.first()
    assert fresh.phone == "040 111 1111"
    assert latest.history_user == worker


def test_a_stale_version_raises_a_conflict_and_saves_nothing(worker) -> None:  # type: ignore[no-untyped-def]
    person = _create(worker)
    services.person_update(actor=worker, person=person, version=1, phone="040 111 1111")
    with pytest.raises(VersionConflict) as info:
        services.person_update(actor=worker, person=person, version=1, phone="040 222 2222")
    assert info.value.current.phone == "040 111 1111"
    assert info.value.current.version == 2
    with scopes_disabled():
        assert Person.objects.get(pk=person.pk).phone == "040 111 1111"


def test_update_validates_the_code_and_derives_the_birth_date(worker) -> None:  # type: ignore[no-untyped-def]
    person = _create(worker)
    services.person_update(actor=worker, person=person, version=1, hetu="010594y308v")
    assert person.hetu == "010594Y308V"
    assert person.birth_date == dt.date(1994, 5, 1)
    with pytest.raises(ValidationError):
        services.person_update(actor=worker, person=person, version=2, hetu="010594Y308W")


BEFORE_1900 = "Syntymäaika ei voi olla ennen vuotta 1900."
IN_THE_FUTURE = "Syntymäaika ei voi olla tulevaisuudessa."


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"birth_date": dt.date(1, 1, 1)}, "birth_date", BEFORE_1900),
        ({"birth_date": dt.date(1800, 6, 1)}, "birth_date", BEFORE_1900),
        ({"birth_date": dt.date(2999, 1, 1)}, "birth_date", IN_THE_FUTURE),
        # A valid code of the 1800s ("+"): nobody alive was born then.
        ({"hetu": "131052+308T"}, "hetu", BEFORE_1900),
    ],
)
def test_an_impossible_birth_date_is_refused(worker, fields, field, message) -> None:  # type: ignore[no-untyped-def]
    """Birth year 1 or 1800 was accepted silently (issue 10; tupa/core/dates.py)."""
    with pytest.raises(ValidationError) as info:
        _create(worker, **fields)
    assert info.value.message_dict[field] == [message]
    person = _create(worker, birth_date=dt.date(1900, 1, 1))
    with pytest.raises(ValidationError) as info:
        services.person_update(actor=worker, person=person, version=1, **fields)
    assert info.value.message_dict[field] == [message]
    with scopes_disabled():
        assert list(Person.objects.values_list("birth_date", flat=True)) == [dt.date(1900, 1, 1)]


# --------------------------------------------------------------------------- duplicates


def test_fold_removes_case_and_diacritics() -> None:
    assert fold("  HÄMÄLÄINEN  Åsa-Öhman ") == "hamalainen asa-ohman"
    assert fold("José Müller Łukasz Øre") == "jose muller lukasz ore"


def test_duplicates_by_code_and_by_name_and_birth_date(worker, shelter) -> None:  # type: ignore[no-untyped-def]
    org = shelter.organisation
    original = _create(worker, hetu="131052-308T")
    same_name = PersonFactory(
        organisation=org,
        first_names="MAIJA",
        last_name="meikalainen",
        birth_date=dt.date(1952, 10, 13),
    )
    PersonFactory(  # another birth date: not a duplicate
        organisation=org,
        first_names="Maija",
        last_name="Meikäläinen",
        birth_date=dt.date(1952, 10, 14),
    )
    PersonFactory(  # another first name: not a duplicate
        organisation=org,
        first_names="Maijastiina",
        last_name="Meikäläinen",
        birth_date=dt.date(1952, 10, 13),
    )
    PersonFactory(  # another organisation: never
        first_names="Maija", last_name="Meikäläinen", birth_date=dt.date(1952, 10, 13)
    )
    with scope(organisation=org.pk):
        assert list(find_duplicates(original)) == [same_name]
        assert list(find_duplicates(same_name)) == [original]
        unsaved = Person(organisation=org, first_names="X", last_name="Y", hetu="131052-308T")
        assert list(find_duplicates(unsaved)) == [original]
    assert services.duplicates_of(original) == [same_name]


def test_merged_persons_are_not_duplicates(worker, shelter) -> None:  # type: ignore[no-untyped-def]
    org = shelter.organisation
    keep = PersonFactory(organisation=org, first_names="Aino", birth_date=dt.date(1990, 1, 1))
    old = PersonFactory(
        organisation=org, first_names="Aino", birth_date=dt.date(1990, 1, 1), merged_into=keep
    )
    with scope(organisation=org.pk):
        assert old not in list(find_duplicates(keep))


# --------------------------------------------------------------------------- relationships


def test_symmetric_relationships_are_stored_once(worker, shelter) -> None:  # type: ignore[no-untyped-def]
    org = shelter.organisation
    a, b = PersonFactory(organisation=org), PersonFactory(organisation=org)
    services.relationship_add(actor=worker, person=a, relative=b, kind="partner")
    with pytest.raises(ValidationError) as info:
        services.relationship_add(actor=worker, person=b, relative=a, kind="partner")
    assert info.value.message_dict["kind"] == ["Tämä suhde on jo kirjattu."]
    with scopes_disabled():
        assert Relationship.objects.count() == 1


def test_child_is_stored_as_parent_the_other_way(worker, shelter) -> None:  # type: ignore[no-untyped-def]
    org = shelter.organisation
    mother, child = PersonFactory(organisation=org), PersonFactory(organisation=org)
    rel = services.relationship_add(actor=worker, person=child, relative=mother, kind="child")
    assert (rel.person_id, rel.relative_id, rel.kind) == (mother.pk, child.pk, "parent")
    with pytest.raises(ValidationError):
        services.relationship_add(actor=worker, person=mother, relative=child, kind="parent")
    with pytest.raises(ValidationError) as info:  # the reverse "parent" would be nonsense
        services.relationship_add(actor=worker, person=child, relative=mother, kind="parent")
    assert "toisin päin" in info.value.message_dict["kind"][0]


def test_no_relationship_with_oneself_or_across_organisations(worker, shelter) -> None:  # type: ignore[no-untyped-def]
    a = PersonFactory(organisation=shelter.organisation)
    with pytest.raises(ValidationError) as info:
        services.relationship_add(actor=worker, person=a, relative=a, kind="sibling")
    assert "itsensä" in info.value.message_dict["relative"][0]
    stranger = PersonFactory()  # another organisation
    with pytest.raises(ValidationError):
        services.relationship_add(actor=worker, person=a, relative=stranger, kind="sibling")


# --------------------------------------------------------------------------- households


def test_household_with_family_types_and_members(worker, shelter) -> None:  # type: ignore[no-untyped-def]
    org = shelter.organisation
    mother, child = PersonFactory(organisation=org), PersonFactory(organisation=org)
    household = services.household_create(
        actor=worker,
        name="  Meikäläinen ",
        family_types=["single_parent", "immigrant", "single_parent"],
        members=[mother, child],  # type: ignore[list-item]
    )
    assert household.name == "Meikäläinen"
    assert household.family_types == ["single_parent", "immigrant"]
    assert [str(label) for label in household.family_type_labels()] == [
        "yksinhuoltajaperhe",
        "maahanmuuttaja- tai pakolaisperhe",
    ]
    with scopes_disabled():
        assert set(
            HouseholdMember.objects.filter(household=household).values_list("person", flat=True)
        ) == {mother.pk, child.pk}
    with pytest.raises(ValidationError):
        services.household_add_member(actor=worker, household=household, person=child)
    with pytest.raises(ValidationError) as info:
        services.household_create(actor=worker, name="X", family_types=["royal"])
    assert "royal" in info.value.message_dict["family_types"][0]
    services.household_set_family_types(
        actor=worker, household=household, family_types=["stepfamily"]
    )
    with scopes_disabled():
        assert Household.objects.get(pk=household.pk).family_types == ["stepfamily"]


# --------------------------------------------------------------------------- aliases


def test_alias_create(worker, shelter) -> None:  # type: ignore[no-untyped-def]
    alias = services.alias_create(
        actor=worker, service_form=shelter, label="  Sininen   takki ", birth_year=1990
    )
    assert alias.label == "Sininen takki"
    assert alias.created_by == worker
    assert alias.person is None
    with pytest.raises(ValidationError) as info:
        services.alias_create(actor=worker, service_form=shelter, label=" ")
    assert info.value.message_dict["label"] == ["Kirjoita peitenimi."]
    with pytest.raises(ValidationError):
        services.alias_create(actor=worker, service_form=shelter, label="X", birth_year=1700)
