"""The demo volunteer groups, experience experts, students and contact consents: built once on
the demo organisation through the services (every rule holds), idempotent, fictional."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings
from django_scopes import scopes_disabled

from tupa.core.wallclock import HELSINKI
from tupa.demo import volunteer_groups as demo
from tupa.demo.organisations import build_demo
from tupa.organisations.models import Organisation
from tupa.volunteers.models import (
    ContactConsent,
    ExpertConsent,
    GroupKind,
    GroupMeeting,
    MeetingAttendance,
    StudentPlacement,
    Volunteer,
    VolunteerGroup,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 15, 10, 0, tzinfo=HELSINKI)


@pytest.fixture(scope="module")
def built(django_db_setup: Any, django_db_blocker: Any) -> Iterator[tuple[Organisation, Any]]:
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(TUPA_REQUIRE_2FA=False), time_machine.travel(NOW, tick=False):
            org = build_demo(password="demo-salasana-testiin-pitka", municipalities_csv=None)
            summary = demo.build(organisation=org.organisation)
            again = demo.build(organisation=org.organisation)
            yield org.organisation, (summary, again)
        transaction.set_rollback(True)


def test_the_demo_is_built_once(built: tuple[Organisation, Any]) -> None:
    _organisation, (summary, again) = built
    assert summary is not None and "vapaaehtoisryhmiä 6" in summary
    assert again is None


def test_the_groups_meetings_and_attendance(built: tuple[Organisation, Any]) -> None:
    organisation, _ = built
    with scopes_disabled():
        groups = VolunteerGroup.objects.filter(organisation=organisation)
        kinds = sorted(groups.values_list("kind", flat=True))
        assert kinds == sorted(
            [
                GroupKind.DOULA_MEETINGS,
                GroupKind.SUPERVISION,
                GroupKind.PEER,
                GroupKind.MONTHLY,
                GroupKind.EXPERT_NETWORK,
                GroupKind.EXPERT_NETWORK,
            ]
        )
        expert_meetings = GroupMeeting.objects.filter(group__kind=GroupKind.EXPERT_NETWORK)
        assert expert_meetings.count() == 2
        assert GroupMeeting.objects.filter(group__name="Särön kuukausitapaamiset").count() == 5
        assert GroupMeeting.objects.filter(date__gt=NOW.date()).exists()  # one ahead
        assert MeetingAttendance.objects.exists()
        assert not MeetingAttendance.objects.filter(meeting__date__gt=NOW.date()).exists()


def test_experts_students_and_consents(built: tuple[Organisation, Any]) -> None:
    organisation, _ = built
    with scopes_disabled():
        experts = ExpertConsent.objects.filter(organisation=organisation)
        assert experts.count() == 4
        assert experts.filter(former_client=True, service_form__slug="alvari").count() == 1
        placements = StudentPlacement.objects.filter(organisation=organisation)
        assert placements.count() == 3
        assert all(p.ends_on >= p.starts_on for p in placements)
        consents = ContactConsent.objects.filter(organisation=organisation)
        assert consents.filter(withdrawn_on__isnull=True).count() >= 5
        assert consents.filter(withdrawn_on__isnull=False).count() == 1
        emails = Volunteer.objects.filter(organisation=organisation).values_list("email", flat=True)
        assert all(e == "" or e.endswith(".invalid") for e in emails)
