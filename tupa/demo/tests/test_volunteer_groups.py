"""The demo volunteer groups, experience experts, students and contact consents: built through
the services (every rule holds) as part of the whole demo (``manage.py build_demo``, once for
the package: conftest.py), on the volunteers of the volunteer demo; idempotent, fictional."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from tupa.demo import volunteer_groups as demo
from tupa.demo.tests.conftest import NOW, WholeDemo
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

# Reads the whole demo, which runs on SQLite (make test runs it there only, ADR 0012), built once
# on one pytest-xdist worker (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.demo_build, pytest.mark.xdist_group("demo")]


@pytest.fixture
def built(demo_at_now: WholeDemo) -> tuple[Organisation, str]:
    """The organisation and what the groups' builder added to it (its line of the output)."""
    return demo_at_now.organisation, demo_at_now.summary("vapaaehtoisryhmiä ")


def test_the_demo_is_built_once(built: tuple[Organisation, str]) -> None:
    organisation, summary = built
    assert "vapaaehtoisryhmiä 6" in summary
    assert demo.build(organisation=organisation) is None  # again, on top of the whole demo


def test_the_groups_meetings_and_attendance(built: tuple[Organisation, str]) -> None:
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


def test_experts_students_and_consents(built: tuple[Organisation, str]) -> None:
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
