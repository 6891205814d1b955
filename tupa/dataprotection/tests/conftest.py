"""Fixtures shared by the data-protection tests (a module with its own ``world`` or ``clock``
uses that instead)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from tupa.accounts.models import Role
from tupa.core.tests.factories import (
    EpisodeFactory,
    ParticipantFactory,
    PersonFactory,
    ServiceFormFactory,
    org_role_user,
    worker_in,
)
from tupa.organisations.models import ServiceForm

from .support import NOW


@pytest.fixture
def clock() -> Any:
    """The clock stopped at ``support.NOW``; a module takes it with ``usefixtures("clock")``."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world() -> dict[str, Any]:
    """The erasure tests' organisation: a shelter and an own-activity family house; "kept" has an
    ended shelter episode (kept under its retention), "free" only own activity (may be erased);
    the DPO and the users who must not reach the erasure pages."""
    shelter = ServiceFormFactory.create(name="Turvakoti", slug="turvakoti")
    org = shelter.organisation
    family_house = ServiceFormFactory.create(
        organisation=org,
        area=shelter.area,
        name="Perhetalo",
        slug="perhetalo",
        register=ServiceForm.Register.OWN_ACTIVITY,
    )
    kept = PersonFactory.create(organisation=org, hetu="010190-123A", last_name="Säilytettävä")
    ended = EpisodeFactory.create(
        service_form=shelter,
        status="ended",
        start_date=dt.date(2020, 5, 1),
        end_date=dt.date(2020, 6, 30),
        end_reason="planned_end",
        service_task="working_age",
    )
    ParticipantFactory.create(episode=ended, person=kept)
    free = PersonFactory.create(organisation=org, hetu="020290-123B", last_name="Poistettava")
    own = EpisodeFactory.create(service_form=family_house, service_task="own_activity")
    ParticipantFactory.create(episode=own, person=free)
    return {
        "org": org,
        "shelter": shelter,
        "kept": kept,
        "free": free,
        "dpo": org_role_user(org, Role.DATA_PROTECTION_OFFICER),
        "worker": worker_in(shelter),
        "lead": worker_in(shelter, role=Role.LEAD),
        "admin": org_role_user(org, Role.ADMINISTRATOR),
        "exec": org_role_user(org, Role.EXECUTIVE_DIRECTOR),
    }
