"""Shared set-up of the journal and attachment tests: a shelter family and its workers."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_scopes import scopes_disabled
from PIL import Image

from tupa.accounts.models import Role, User
from tupa.core.tests.factories import (
    ParticipantFactory,
    PersonFactory,
    ServiceFormFactory,
    client_in,
    org_role_user,
    worker_in,
)
from tupa.episodes.models import Assignment, Episode, Participant
from tupa.organisations.models import ServiceForm
from tupa.people.models import Consent, Person


@dataclass
class Family:
    shelter: ServiceForm
    avokriisi: ServiceForm
    other_form: ServiceForm
    episode: Episode
    mother: Person
    child: Person
    mother_p: Participant
    child_p: Participant
    worker: User  # member of the shelter (author of the tests' entries)
    colleague: User  # another shelter worker (not the author, not a lead)
    lead: User  # the shelter's lead
    assigned: User  # an Avokriisityö worker assigned to the episode (CLI-16)
    consent_reader: User  # an Avokriisityö worker reading by the mother's consent
    other_form_worker: User  # works in another service form of the organisation
    foreign_worker: User  # works in another organisation's shelter
    dpo: User
    admin: User
    director: User


def make_family() -> Family:
    shelter = ServiceFormFactory(slug="turvakoti", name="Turvakoti", violence_work="victim")
    org = shelter.organisation
    avokriisi = ServiceFormFactory(
        organisation=org,
        area=shelter.area,
        team=shelter.team,
        slug="avokriisi",
        name="Avokriisityö",
        violence_work="victim",
    )
    other_form = ServiceFormFactory(
        organisation=org, area=shelter.area, team=shelter.team, slug="perhetupa", name="Perhetupa"
    )
    mother, episode = client_in(shelter, first_names="Maija", last_name="Keksitty")
    child = PersonFactory(organisation=org, first_names="Pikku", last_name="Keksitty")
    child_p = ParticipantFactory(episode=episode, person=child, role="child")
    with scopes_disabled():
        mother_p = Participant.objects.get(episode=episode, person=mother)
    worker = worker_in(shelter, first_name="Tiina", last_name="Työntekijä")
    colleague = worker_in(shelter)
    lead = worker_in(shelter, role=Role.LEAD)
    assigned = worker_in(avokriisi)
    consent_reader = worker_in(avokriisi)
    with scopes_disabled():
        Assignment.objects.create(
            episode=episode, user=assigned, valid_from=dt.date(2026, 1, 1), assigned_by=lead
        )
        Consent.objects.create(
            person=mother,
            purpose="sharing",
            recipient_service_form=avokriisi,
            episode=episode,
            given_on=dt.date(2026, 1, 6),
            recorded_by=worker,
        )
    return Family(
        shelter=shelter,
        avokriisi=avokriisi,
        other_form=other_form,
        episode=episode,
        mother=mother,
        child=child,
        mother_p=mother_p,
        child_p=child_p,
        worker=worker,
        colleague=colleague,
        lead=lead,
        assigned=assigned,
        consent_reader=consent_reader,
        other_form_worker=worker_in(other_form),
        foreign_worker=worker_in(ServiceFormFactory(slug="turvakoti", violence_work="victim")),
        dpo=org_role_user(org, Role.DATA_PROTECTION_OFFICER),
        admin=org_role_user(org, Role.ADMINISTRATOR),
        director=org_role_user(org, Role.EXECUTIVE_DIRECTOR),
    )


def an_hour_ago() -> dt.datetime:
    return (timezone.now() - dt.timedelta(hours=1)).replace(microsecond=0)


def entry_kwargs(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "type": "individual_meeting",
        "occurred_at": an_hour_ago(),
        "duration_minutes": 45,
        "place": "own",
        "place_detail": "",
        "text": "Keskusteltiin turvasuunnitelmasta.",
    }
    values.update(overrides)
    return values


def png_bytes(
    size: tuple[int, int] = (8, 6), colour: tuple[int, int, int] = (10, 120, 30)
) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)
