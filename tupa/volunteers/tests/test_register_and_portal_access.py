"""The volunteer app's walls: record checks (Act 148/2014), unit walls between
volunteer coordinators, and the volunteer portal's own-data-only rule.

Each test pins a property no earlier test pinned (named in its docstring)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.accounts.services import user_logout_everywhere
from tupa.core.tests.factories import MembershipFactory, ParticipantFactory, client_in
from tupa.core.tests.helpers import login_verified
from tupa.volunteers.hours import services as hours_services
from tupa.volunteers.matching import services as matching_services
from tupa.volunteers.models import (
    ActivityKind,
    Assignment,
    CheckResult,
    FamilyLink,
    HoursEntry,
    Match,
    PortalAccess,
    RecordCheck,
    RoleKind,
    Volunteer,
)
from tupa.volunteers.portal.tokens import activation_tokens
from tupa.volunteers.register import services as register_services
from tupa.volunteers.register.staffing import session_choices
from tupa.volunteers.screening import services as screening_services

from .support import (
    active_volunteer,
    coordinator_of,
    family_coordinator,
    grant,
    new_volunteer,
    outing,
    volunteer_form,
    waiting_case,
)

pytestmark = pytest.mark.django_db

#: The fit check of ``screened_and_trained`` is seen on 20.2.2026: valid (24 months) until
#: 19.2.2028. On this day it has expired.
AFTER_EXPIRY = dt.datetime(2028, 3, 1, 12)


@pytest.fixture(autouse=True)
def _clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(dt.datetime(2026, 6, 15, 12), tick=False) as traveller:
        yield traveller


@pytest.fixture
def mieskaveri() -> dict[str, Any]:
    form = volunteer_form(name="Mieskaveritoiminta")
    coordinator = family_coordinator(form)  # may match
    _mother, episode = client_in(form)
    boy = ParticipantFactory.create(
        episode=episode, role="child", person__birth_date=dt.date(2019, 5, 1)
    )
    friend = active_volunteer(coordinator, form, first="Matti")
    case = waiting_case(
        coordinator, episode, boy, wishes="Kaveri", family_situation="Äiti ja poika"
    )
    return {
        "form": form,
        "coordinator": coordinator,
        "episode": episode,
        "case": case,
        "friend": friend,
    }


# --- record checks (Act 148/2014, finnish-requirements §7) --------------------------------------


def test_a_backdated_match_does_not_revive_an_expired_check(
    mieskaveri: dict[str, Any], _clock: time_machine.Traveller
) -> None:
    """a match entered today with a start day in the past was checked only on that past
    day, so a volunteer whose check has since expired is matched — alone with a child, today,
    without a valid check. The check must also be valid today (the match is current)."""
    _clock.move_to(AFTER_EXPIRY)
    with scopes_disabled(), pytest.raises(ValidationError) as error:
        matching_services.volunteer_match(
            actor=mieskaveri["coordinator"],
            case=mieskaveri["case"],
            volunteer=mieskaveri["friend"],
            started_on=dt.date(2026, 5, 1),
        )
    assert "rikostaustan tarkistusta" in str(error.value)
    with scopes_disabled():
        assert not Match.objects.filter(volunteer=mieskaveri["friend"]).exists()


def test_a_backdated_family_link_does_not_revive_an_expired_check(
    mieskaveri: dict[str, Any], _clock: time_machine.Traveller
) -> None:
    """As above: a family link that needs the check (a Mieskaveri task) entered
    today with a start day in the past is refused when the check has expired since."""
    _clock.move_to(AFTER_EXPIRY)
    with scopes_disabled(), pytest.raises(ValidationError) as error:
        matching_services.family_link_add(
            actor=mieskaveri["coordinator"],
            volunteer=mieskaveri["friend"],
            episode=mieskaveri["episode"],
            role=RoleKind.MIESKAVERI,
            started_on=dt.date(2026, 5, 1),
        )
    assert "rikostaustan tarkistusta" in str(error.value)
    with scopes_disabled():
        assert not FamilyLink.objects.filter(volunteer=mieskaveri["friend"]).exists()


def test_a_match_today_with_a_valid_check_still_works(mieskaveri: dict[str, Any]) -> None:
    """The counterpart of the two above (the fix must not refuse a normal match)."""
    with scopes_disabled():
        match = matching_services.volunteer_match(
            actor=mieskaveri["coordinator"],
            case=mieskaveri["case"],
            volunteer=mieskaveri["friend"],
            started_on=dt.date(2026, 5, 1),
        )
    assert match.pk is not None


def test_staffing_says_the_same_for_no_expired_and_unfit_check(
    mieskaveri: dict[str, Any], _clock: time_machine.Traveller
) -> None:
    """PIN: a session's volunteer choice gives one message whether the check is missing,
    expired or unfit (the result of an extract never shows through the wording)."""
    coordinator, form = mieskaveri["coordinator"], mieskaveri["form"]
    expired = mieskaveri["friend"]
    unfit = active_volunteer(coordinator, form, first="Urho")
    missing = active_volunteer(coordinator, form, first="Niilo")
    _clock.move_to(dt.datetime(2028, 1, 15, 12))
    with scopes_disabled():
        screening_services.record_check_add(
            actor=coordinator,
            volunteer=unfit,
            seen_on=dt.date(2028, 1, 10),
            issued_on=dt.date(2027, 12, 28),
            seen_by=coordinator,
            result=CheckResult.UNFIT,
        )
        RecordCheck.objects.filter(volunteer=missing).delete()
        choices = {
            c.pk: c
            for c in session_choices(service_form=form, on=AFTER_EXPIRY.date(), with_children=True)
        }
    texts = set()
    for volunteer in (expired, unfit, missing):
        choice = choices[volunteer.pk]
        assert choice.problem, volunteer
        texts.add(choice.problem.replace(choice.name, "NIMI"))
    assert len(texts) == 1, texts
    assert "este" not in texts.pop().replace("estettä", "")


# --- walls between the units of volunteer coordinators ------------------------------------------


@pytest.fixture
def two_forms() -> dict[str, Any]:
    form_a = volunteer_form(name="Mieskaveritoiminta")
    form_b = volunteer_form(form_a.organisation, name="Doulatoiminta")
    coordinator_a = coordinator_of(form_a)
    both = coordinator_of(form_a)
    MembershipFactory.create(
        user=both,
        organisation=form_a.organisation,
        service_form=form_b,
        role=Role.VOLUNTEER_COORDINATOR,
    )
    volunteer = new_volunteer(both, form_a, first="Jaettu")
    with scopes_disabled():
        task_b = register_services.assignment_add(
            actor=both,
            volunteer=volunteer,
            service_form=form_b,
            role=RoleKind.DOULA,
            started_on=dt.date(2026, 2, 1),
        )
    return {
        "a": form_a,
        "b": form_b,
        "coordinator_a": coordinator_a,
        "volunteer": volunteer,
        "task_b": task_b,
    }


def test_a_coordinator_of_another_form_cannot_end_a_task_in_the_service(
    two_forms: dict[str, Any],
) -> None:
    """ending a task checked only that the actor manages the volunteer (a task in any
    of the actor's forms), not the task's own form — the coordinator of form A ended the
    volunteer's task in form B. Adding a task in B already needs B's coordinator."""
    with scopes_disabled(), pytest.raises(PermissionDenied):
        register_services.assignment_end(
            actor=two_forms["coordinator_a"],
            assignment=two_forms["task_b"],
            ended_on=dt.date(2026, 6, 1),
        )
    with scopes_disabled():
        assert Assignment.objects.get(pk=two_forms["task_b"].pk).ended_on is None


def test_a_coordinator_of_another_form_gets_404_on_ending_its_task(
    two_forms: dict[str, Any],
) -> None:
    """The page of the above: 404 on GET and POST, the task stays open."""
    client = Client()
    login_verified(client, two_forms["coordinator_a"])
    url = reverse("volunteers:assignment_end", args=[two_forms["task_b"].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"ended_on": "2026-06-01"}).status_code == 404
    with scopes_disabled():
        assert Assignment.objects.get(pk=two_forms["task_b"].pk).ended_on is None


def test_the_volunteers_page_offers_to_end_only_the_tasks_of_the_coordinators_forms(
    two_forms: dict[str, Any],
) -> None:
    with scopes_disabled():  # the task the volunteer was registered with, in A
        task_a = Assignment.objects.get(
            volunteer=two_forms["volunteer"], service_form=two_forms["a"]
        )
    client = Client()
    login_verified(client, two_forms["coordinator_a"])
    page = client.get(reverse("volunteers:detail", args=[two_forms["volunteer"].pk])).content
    assert reverse("volunteers:assignment_end", args=[two_forms["task_b"].pk]) not in page.decode()
    assert reverse("volunteers:assignment_end", args=[task_a.pk]) in page.decode()


# --- the volunteer portal -----------------------------------------------------------------------


@pytest.fixture
def portal() -> dict[str, Any]:
    form = volunteer_form(name="Mieskaveritoiminta")
    coordinator = coordinator_of(form)
    volunteer = active_volunteer(coordinator, form, first="Ville", email="ville@example.invalid")
    by_coordinator = outing(
        coordinator, volunteer, form, dt.date(2026, 6, 1), dt.time(17), dt.time(19)
    )
    user = grant(coordinator, volunteer)
    own_entry = outing(
        user, volunteer, form, dt.date(2026, 6, 2), dt.time(10), dt.time(11), own=True
    )
    return {
        "form": form,
        "coordinator": coordinator,
        "volunteer": volunteer,
        "user": user,
        "by_coordinator": by_coordinator,
        "own_entry": own_entry,
    }


def _hours_post(form: Any) -> dict[str, Any]:
    return {
        "service_form": form.pk,
        "kind": "outing",
        "date": "3.6.2026",
        "starts": "08.00",
        "ends": "09.00",
    }


def test_a_volunteer_cannot_post_a_correction_of_the_coordinators_entry(
    portal: dict[str, Any],
) -> None:
    """PIN: the POST (not only the GET) of the coordinator's entry of the volunteer's own
    log answers 404 and changes nothing."""
    client = Client()
    login_verified(client, portal["user"])
    entry = portal["by_coordinator"]
    url = reverse("volunteer_portal:hours_edit", args=[entry.pk])
    assert client.post(url, _hours_post(portal["form"])).status_code == 404
    with scopes_disabled():
        fresh = HoursEntry.objects.get(pk=entry.pk)
    assert (fresh.date, fresh.starts) == (dt.date(2026, 6, 1), dt.time(17))
    # and the service refuses it too, whoever calls it
    with scopes_disabled(), pytest.raises(PermissionDenied):
        hours_services.hours_update_own(
            actor=portal["user"],
            entry=fresh,
            service_form=portal["form"],
            kind=ActivityKind.OUTING,
            date=dt.date(2026, 6, 3),
            starts=dt.time(8),
            ends=dt.time(9),
        )


def test_every_portal_page_is_404_once_the_access_row_is_revoked(portal: dict[str, Any]) -> None:
    """PIN: every portal page (not only the home page) starts with ``portal_access``: with the
    access revoked but the login still active, every GET and POST answers 404 and writes
    nothing."""
    with scopes_disabled():
        PortalAccess.objects.filter(user=portal["user"]).update(
            revoked_at=dt.datetime(2026, 6, 15, 9, tzinfo=dt.UTC)
        )
    client = Client()
    login_verified(client, portal["user"])
    own = portal["own_entry"]
    pages = {
        reverse("volunteer_portal:home"): None,
        reverse("volunteer_portal:hours"): None,
        reverse("volunteer_portal:account"): None,
        reverse("volunteer_portal:contact"): {
            "phone": "040 999 9999",
            "email": "x@example.invalid",
        },
        reverse("volunteer_portal:hours_add"): _hours_post(portal["form"]),
        reverse("volunteer_portal:hours_edit", args=[own.pk]): _hours_post(portal["form"]),
    }
    for url, data in pages.items():
        assert client.get(url).status_code == 404, url
        if data is not None:
            assert client.post(url, data).status_code == 404, url
    with scopes_disabled():
        assert HoursEntry.objects.filter(volunteer=portal["volunteer"]).count() == 2
        assert HoursEntry.objects.get(pk=own.pk).starts == dt.time(10)
        assert Volunteer.objects.get(pk=portal["volunteer"].pk).phone != "040 999 9999"


def test_an_activation_link_dies_with_log_out_everywhere_and_with_deactivation(
    portal: dict[str, Any],
) -> None:
    """PIN: the activation token is signed with ``session_generation`` and ``is_active`` (not
    only the password hash): ending the login's sessions, or switching it off and on again,
    kills a link already sent."""
    user = portal["user"]
    token = activation_tokens.make_token(user)
    assert activation_tokens.check_token(user, token)
    with scopes_disabled():
        user_logout_everywhere(actor=user, user=user)
    user.refresh_from_db()
    assert not user.has_usable_password()  # the password hash did not change
    assert not activation_tokens.check_token(user, token)

    token = activation_tokens.make_token(user)
    user.is_active = False
    assert not activation_tokens.check_token(user, token)
