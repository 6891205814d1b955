"""The person screens' shared world and form data (the ``world`` fixture of
``conftest.py``; the person, merge, intake, search and restriction tests use it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import (
    EpisodeFactory,
    ParticipantFactory,
    PersonFactory,
    ServiceFormFactory,
    TeamFactory,
    org_role_user,
    worker_in,
)
from tupa.people.models import Alias, Household, HouseholdMember, Person, Relationship


def family_world() -> dict[str, Any]:
    """A family across the wall, anonymous and duplicate records, and every kind of user.

    - Maija (mother) is a Turvakoti client with her child Eetu; Eetu is also in Lapsityö.
    - Matti (Maija's partner, who has used violence) is a Jussi-työ client.
    - Maija and Matti are partners; all three are one household.
    - "Sininen" is an anonymous Turvakoti client; "Maija M." a duplicate record of Maija.
    """
    shelter = ServiceFormFactory(slug="turvakoti", name="Turvakoti", violence_work="victim")
    org = shelter.organisation
    team = TeamFactory(organisation=org, area=shelter.area)
    lapsityo = ServiceFormFactory(
        organisation=org,
        area=shelter.area,
        team=team,
        slug="lapsityo",
        name="Lapsityö",
        violence_work="victim",
    )
    jussi = ServiceFormFactory(
        organisation=org,
        area=shelter.area,
        team=team,
        slug="jussi-tyo",
        name="Jussi-työ",
        violence_work="perpetrator",
    )
    alvari = ServiceFormFactory(organisation=org, area=shelter.area, slug="alvari", name="Alvari")
    foreign_form = ServiceFormFactory(slug="turvakoti", name="Turvakoti")  # another organisation

    mother = PersonFactory(
        organisation=org,
        first_names="Maija",
        last_name="Meikäläinen",
        hetu="131052-308T",
        birth_date=dt.date(1952, 10, 13),
        gender="female",
        street_address="Keksitty katu 1",
        phone="040 000 0001",
    )
    child = PersonFactory(
        organisation=org,
        first_names="Eetu",
        last_name="Meikäläinen",
        birth_date=dt.date(2019, 4, 2),
    )
    man = PersonFactory(
        organisation=org,
        first_names="Matti",
        last_name="Virtanen",
        birth_date=dt.date(1950, 1, 1),
    )
    duplicate = PersonFactory(
        organisation=org,
        first_names="maija",
        last_name="MEIKALAINEN",
        birth_date=dt.date(1952, 10, 13),
    )
    stay = EpisodeFactory(service_form=shelter, organisation=org)
    ParticipantFactory(episode=stay, person=mother, role="client", violence_role="experienced")
    ParticipantFactory(episode=stay, person=child, role="child", violence_role="witnessed")
    child_work = EpisodeFactory(service_form=lapsityo, organisation=org)
    ParticipantFactory(episode=child_work, person=child, role="client")
    jussi_episode = EpisodeFactory(service_form=jussi, organisation=org)
    ParticipantFactory(episode=jussi_episode, person=man, role="client", violence_role="used")
    dup_episode = EpisodeFactory(service_form=shelter, organisation=org, status="enquiry")
    ParticipantFactory(episode=dup_episode, person=duplicate, role="client")

    users = {
        "shelter_worker": worker_in(shelter),
        "shelter_lead": worker_in(shelter, role=Role.LEAD),
        "lapsityo_worker": worker_in(lapsityo),
        "jussi_worker": worker_in(jussi),
        "alvari_worker": worker_in(alvari),
        "foreign_worker": worker_in(foreign_form),
        "admin": org_role_user(org, Role.ADMINISTRATOR),
        "dpo": org_role_user(org, Role.DATA_PROTECTION_OFFICER),
        "director": org_role_user(org, Role.EXECUTIVE_DIRECTOR),
        "finance": org_role_user(org, Role.FINANCE),
    }
    with scopes_disabled():
        Relationship.objects.create(person=man, relative=mother, kind="partner")
        Relationship.objects.create(person=mother, relative=child, kind="parent")
        Relationship.objects.create(person=man, relative=child, kind="parent")
        household = Household.objects.create(
            organisation=org, name="Meikäläinen–Virtanen", family_types=["stepfamily"]
        )
        for p in (mother, child, man):
            HouseholdMember.objects.create(household=household, person=p)
        alias = Alias.objects.create(
            organisation=org,
            service_form=shelter,
            label="Sininen",
            created_by=users["shelter_worker"],
        )
        anonymous = EpisodeFactory(service_form=shelter, organisation=org)
        ParticipantFactory(episode=anonymous, person=None, alias=alias, role="client")
    return {
        "org": org,
        "forms": {"shelter": shelter, "lapsityo": lapsityo, "jussi": jussi, "alvari": alvari},
        "persons": {"mother": mother, "child": child, "man": man, "duplicate": duplicate},
        "episodes": {"stay": stay, "child_work": child_work, "jussi": jussi_episode},
        "household": household,
        "alias": alias,
        "users": users,
    }


def create_data(w: dict[str, Any], **extra: str) -> dict[str, str]:
    data = {
        "service_form": str(w["forms"]["shelter"].pk),
        "first_names": "Liisa",
        "last_name": "Keksitty",
        "hetu": "",
        "birth_date": "",
        "gender": "unknown",
        "native_language": "",
        "languages": "",
        "interpreter_language": "",
        "municipality": "",
        "street_address": "",
        "postal_code": "",
        "post_office": "",
        "phone": "",
        "email": "",
        "expected_due_date": "",
        "service_task": "",
    }
    data.update(extra)
    return data


def mothers_code_typed(w: dict[str, Any], form: str) -> dict[str, str]:
    """The intake form of ``form`` (a key of ``w["forms"]``) with the shelter mother's identity
    code and name typed in: how a worker of another unit reaches her record, or is refused."""
    return create_data(
        w,
        service_form=str(w["forms"][form].pk),
        first_names="Maija",
        last_name="Meikäläinen",
        hetu="131052-308T",
    )


def edit_data(person: Person, version: int, **extra: str) -> dict[str, str]:
    data = {
        "first_names": person.first_names,
        "last_name": person.last_name,
        "hetu": person.hetu or "",
        "birth_date": person.birth_date.isoformat() if person.birth_date else "",
        "gender": person.gender,
        "native_language": "",
        "languages": "",
        "interpreter_language": "",
        "municipality": "",
        "street_address": person.street_address,
        "postal_code": "",
        "post_office": "",
        "phone": person.phone,
        "email": "",
        "expected_due_date": "",
        "version": str(version),
    }
    data.update(extra)
    return data
