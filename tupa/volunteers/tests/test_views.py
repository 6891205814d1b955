"""The volunteer screens: who sees what (404 for everyone else), the access log, query counts,
bad input kept, and the record-check form that cannot store an extract."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import UserFactory, org_role_user, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.volunteers.hours import services as hours_services
from tupa.volunteers.models import (
    ActivityKind,
    CheckResult,
    CourseParticipant,
    HoursEntry,
    RecordCheck,
    RoleKind,
    Status,
    TrainingCourse,
    Volunteer,
)
from tupa.volunteers.register import services as register_services
from tupa.volunteers.screening import services as screening_services
from tupa.volunteers.training import services as training_services

from .support import (
    active_volunteer,
    coordinator_of,
    new_volunteer,
    outing,
    volunteer_form,
)

pytestmark = pytest.mark.django_db

CANARY_PHONE = "040 555 VAPAA"
CANARY_STREET = "Kanariakuja 7"


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 6, 15, 12), tick=False):
        yield


@pytest.fixture
def world() -> dict[str, Any]:
    form = volunteer_form(name="Mieskaveritoiminta")
    coordinator = coordinator_of(form)
    volunteer = active_volunteer(
        coordinator, form, phone=CANARY_PHONE, street_address=CANARY_STREET, first="Ville"
    )
    with scopes_disabled():
        course = TrainingCourse.objects.get()
        session = training_services.session_add(
            actor=coordinator, course=course, date=dt.date(2026, 3, 1), hours=3
        )
        participant = CourseParticipant.objects.get()
        assignment = volunteer.assignments.get()
    entry = outing(coordinator, volunteer, form, dt.date(2026, 6, 1), dt.time(17), dt.time(19))
    return {
        "entry": entry,
        "form": form,
        "coordinator": coordinator,
        "volunteer": volunteer,
        "course": course,
        "session": session,
        "participant": participant,
        "assignment": assignment,
    }


def _urls(w: dict[str, Any]) -> dict[str, list[str]]:
    v, slug = w["volunteer"].pk, w["form"].slug
    return {
        # pages that read the register (the ED too)
        "read": [
            reverse("volunteers:index"),
            reverse("volunteers:rechecks"),
            reverse("volunteers:course_list"),
            reverse("volunteers:detail", args=[v]),
            reverse("volunteers:course_detail", args=[w["course"].pk]),
        ],
        # pages that change it (volunteer coordinators only)
        "write": [
            reverse("volunteers:create"),
            reverse("volunteers:course_create"),
            reverse("volunteers:edit", args=[v]),
            reverse("volunteers:assignment_add", args=[v]),
            reverse("volunteers:status_change", args=[v]),
            reverse("volunteers:screening", args=[v]),
            reverse("volunteers:record_check", args=[v]),
            reverse("volunteers:hours_add", args=[v]),
            reverse("volunteers:hours_edit", args=[w["entry"].pk]),
            reverse("volunteers:hours_delete", args=[w["entry"].pk]),
            reverse("volunteers:assignment_end", args=[w["assignment"].pk]),
            reverse("volunteers:session_add", args=[w["course"].pk]),
            reverse("volunteers:participant_add", args=[w["course"].pk]),
            reverse("volunteers:attendance", args=[w["session"].pk]),
            reverse("volunteers:completion", args=[w["participant"].pk]),
        ],
        "roster": [reverse("volunteers:roster", args=[slug])],
        "responsible": [reverse("volunteers:responsible", args=[slug])],
    }


def test_access_matrix(client: Client, world: dict[str, Any]) -> None:
    form = world["form"]
    other_form = volunteer_form(form.organisation)
    users = {
        "coordinator of the form": world["coordinator"],
        "coordinator organisation-wide": org_role_user(
            form.organisation, Role.VOLUNTEER_COORDINATOR
        ),
        "executive director": org_role_user(form.organisation, Role.EXECUTIVE_DIRECTOR),
        "client worker of the form": worker_in(form),
        "lead of the form": worker_in(form, role=Role.LEAD),
        "coordinator of another form": coordinator_of(other_form),
        "worker of another form": worker_in(other_form),
        "finance": org_role_user(form.organisation, Role.FINANCE),
        "admin": org_role_user(form.organisation, Role.ADMINISTRATOR),
        "dpo": org_role_user(form.organisation, Role.DATA_PROTECTION_OFFICER),
        "coordinator in another organisation": coordinator_of(volunteer_form()),
        "no memberships": UserFactory.create(organisation=form.organisation),
    }
    # label → (read pages, write pages, roster, responsible)
    expected = {
        "coordinator of the form": (200, 200, 200, 404),
        "coordinator organisation-wide": (200, 200, 200, 404),
        "executive director": (200, 404, 200, 200),
        "client worker of the form": (404, 404, 200, 404),
        "lead of the form": (404, 404, 200, 200),
        "coordinator of another form": (404, 404, 404, 404),
        "worker of another form": (404, 404, 404, 404),
        "finance": (404, 404, 404, 404),
        "admin": (404, 404, 404, 404),
        "dpo": (404, 404, 404, 404),
        "coordinator in another organisation": (404, 404, 404, 404),
        "no memberships": (404, 404, 404, 404),
    }
    urls = _urls(world)
    list_pages = set(urls["read"][:3])
    for label, user in users.items():
        client.logout()
        login_verified(client, user)
        statuses = dict(
            zip(("read", "write", "roster", "responsible"), expected[label], strict=True)
        )
        for group, status in statuses.items():
            for url in urls[group]:
                got = client.get(url).status_code
                elsewhere = label in {
                    "coordinator of another form",
                    "coordinator in another organisation",
                }
                if elsewhere and url in list_pages:
                    # Their own register: open, but this form's volunteer is not in it.
                    assert got == 200, (label, url)
                    continue
                if elsewhere and url in {
                    reverse("volunteers:create"),
                    reverse("volunteers:course_create"),
                }:
                    assert got == 200, (label, url)
                    continue
                assert got == status, (label, url)
                if status == 404 and group in {"write", "responsible"}:
                    assert client.post(url, {}).status_code == 404, (label, url)


def test_coordinators_elsewhere_never_see_this_forms_volunteer(
    client: Client, world: dict[str, Any]
) -> None:
    for other in (
        coordinator_of(volunteer_form(world["form"].organisation)),
        coordinator_of(volunteer_form()),
    ):
        client.logout()
        login_verified(client, other)
        for url in _urls(world)["read"][:3]:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert "Ville" not in html and "Mieskaverien" not in html, url


def test_client_workers_see_name_and_role_never_contact_data_or_screening(
    client: Client, world: dict[str, Any]
) -> None:
    worker = worker_in(world["form"])
    login_verified(client, worker)
    html = client.get(reverse("volunteers:roster", args=[world["form"].slug])).content.decode()
    assert "Ville Vapaa" in html and "Mieskaveri" in html
    for secret in (CANARY_PHONE, CANARY_STREET, "ei estettä", "rikostausta", "Heinola"):
        assert secret not in html
    assert reverse("volunteers:detail", args=[world["volunteer"].pk]) not in html
    with scopes_disabled():
        events = list(AccessEvent.objects.filter(user=worker))
    assert [(e.subject_id, e.action, e.basis) for e in events] == [
        (str(world["volunteer"].pk), "list", "membership")
    ]


def test_every_read_is_logged_with_the_basis_of_the_decision(
    client: Client, world: dict[str, Any]
) -> None:
    coordinator, volunteer = world["coordinator"], world["volunteer"]
    director = org_role_user(world["form"].organisation, Role.EXECUTIVE_DIRECTOR)
    for user, basis in ((coordinator, "membership"), (director, "organisation_role")):
        login_verified(client, user)
        html = client.get(reverse("volunteers:detail", args=[volunteer.pk])).content.decode()
        assert CANARY_PHONE in html and "ei estettä" in html
        client.get(reverse("volunteers:index"))
        with scopes_disabled():
            events = list(AccessEvent.objects.filter(user=user).order_by("pk"))
        assert [(e.subject_id, e.action, e.basis) for e in events] == [
            (str(volunteer.pk), "view", basis),
            (str(volunteer.pk), "list", basis),
        ]
        client.logout()


def test_lists_take_a_constant_number_of_queries(
    client: Client, world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    coordinator, form = world["coordinator"], world["form"]
    login_verified(client, coordinator)
    urls = [
        reverse("volunteers:index"),
        reverse("volunteers:rechecks"),
        reverse("volunteers:course_list"),
        reverse("volunteers:roster", args=[form.slug]),
        reverse("volunteers:course_detail", args=[world["course"].pk]),
    ]

    def add(name: str) -> None:
        v = new_volunteer(coordinator, form, first=name)
        with scopes_disabled():
            for status, day in ((Status.INTERVIEWED, 1), (Status.IN_TRAINING, 2)):
                register_services.volunteer_set_status(
                    actor=coordinator, volunteer=v, status=status, changed_on=dt.date(2026, 2, day)
                )
            training_services.participant_add(
                actor=coordinator, course=world["course"], volunteer=v
            )

    add("Ensimmäinen")  # every list has someone to log before counting
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(40) as captured:
            assert client.get(url).status_code == 200
        counts[url] = len(captured)
    for i in range(4):
        add(f"Lisä{i}")
    for url in urls:
        with django_assert_max_num_queries(counts[url], info=url):
            assert client.get(url).status_code == 200, url


# --------------------------------------------------------------------------- forms


def test_the_record_check_form_has_only_date_viewer_and_result(
    client: Client, world: dict[str, Any]
) -> None:
    coordinator, volunteer = world["coordinator"], world["volunteer"]
    login_verified(client, coordinator)
    url = reverse("volunteers:record_check", args=[volunteer.pk])
    response = client.get(url)
    assert list(response.context["form"].fields) == ["seen_on", "issued_on", "seen_by", "result"]
    html = response.content.decode()
    assert 'type="file"' not in html and "<textarea" not in html
    assert 'enctype="multipart/form-data"' not in html
    # Anything extra posted is ignored, never stored.
    response = client.post(
        url,
        {
            "seen_on": "2026-06-01",
            "issued_on": "2026-05-20",
            "seen_by": coordinator.pk,
            "result": "fit",
            "content": "Otteen sisältö",
            "extract": "liite",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert RecordCheck.objects.filter(volunteer=volunteer).count() == 2
        latest = RecordCheck.objects.filter(volunteer=volunteer).first()
    assert latest is not None
    assert (latest.seen_on, latest.issued_on) == (dt.date(2026, 6, 1), dt.date(2026, 5, 20))


def _post_check(client: Client, world: dict[str, Any], **data: Any) -> Any:
    """The coordinator posts the record-check form of the world's volunteer."""
    coordinator, volunteer = world["coordinator"], world["volunteer"]
    login_verified(client, coordinator)
    return client.post(
        reverse("volunteers:record_check", args=[volunteer.pk]),
        {"seen_by": coordinator.pk, **data},
    )


def test_a_future_check_date_gets_a_finnish_error_and_keeps_what_was_typed(
    client: Client, world: dict[str, Any]
) -> None:
    response = _post_check(
        client, world, seen_on="2026-07-01", issued_on="2026-06-20", result="unfit"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Otteen näkemispäivä ei voi olla tulevaisuudessa." in html
    assert 'value="2026-07-01"' in html
    assert 'value="unfit" ' in html and "checked" in html


def test_a_check_without_an_issue_date_is_refused_and_keeps_what_was_typed(
    client: Client, world: dict[str, Any]
) -> None:
    response = _post_check(client, world, seen_on="2026-06-01", issued_on="", result="unfit")
    assert response.status_code == 400
    assert response.context["form"].errors["issued_on"] == ["Anna otteen antopäivä."]
    html = response.content.decode()
    assert "Anna otteen antopäivä." in html
    assert 'value="2026-06-01"' in html
    assert 'value="unfit" required id="id_result_1" checked>' in html
    with scopes_disabled():
        assert RecordCheck.objects.filter(volunteer=world["volunteer"]).count() == 1


@pytest.mark.parametrize(
    ("issued_on", "message"),
    [
        # Issued 30.11.2025: good to 30.5.2026; seen 31.5.2026 is a day too late.
        (
            "2025-11-30",
            "Ote on annettu yli 6 kuukautta ennen kuin se nähtiin: 30.11.2025 annettu ote kelpaa "
            "30.5.2026 asti. Pyydä vapaaehtoiselta uusi ote.",
        ),
        # Issued after it was seen.
        ("2026-06-01", "Otteen antopäivä ei voi olla otteen näkemispäivän jälkeen."),
    ],
)
def test_an_unusable_extract_is_refused_on_the_issue_date_field(
    client: Client, world: dict[str, Any], issued_on: str, message: str
) -> None:
    response = _post_check(client, world, seen_on="2026-05-31", issued_on=issued_on, result="fit")
    assert response.status_code == 400
    assert response.context["form"].errors["issued_on"] == [message]
    html = response.content.decode()
    assert 'value="2026-05-31"' in html and f'value="{issued_on}"' in html
    with scopes_disabled():
        assert RecordCheck.objects.filter(volunteer=world["volunteer"]).count() == 1


def test_coordinators_see_the_issue_date_and_an_old_check_says_it_has_none(
    client: Client, world: dict[str, Any]
) -> None:
    coordinator, volunteer = world["coordinator"], world["volunteer"]
    with scopes_disabled():
        old = RecordCheck.objects.get(volunteer=volunteer)  # seen 20.2.2026, issued 10.2.2026
        screening_services.record_check_add(
            actor=coordinator,
            volunteer=volunteer,
            seen_on=dt.date(2026, 6, 10),
            issued_on=dt.date(2026, 6, 1),
            seen_by=coordinator,
            result=CheckResult.UNFIT,
        )
    login_verified(client, coordinator)
    html = client.get(reverse("volunteers:detail", args=[volunteer.pk])).content.decode()
    assert "10.6.2026 (ote annettu 1.6.2026): este" in html  # the latest
    assert "20.2.2026 (ote annettu 10.2.2026): ei estettä" in html  # the earlier ones
    # The re-check list: the latest check is "este", so he is due.
    html = client.get(reverse("volunteers:rechecks")).content.decode()
    assert "10.6.2026 (ote annettu 1.6.2026): este" in html
    # A check recorded before the issue date was kept.
    with scopes_disabled():
        RecordCheck.objects.filter(pk=old.pk).update(issued_on=None)
    html = client.get(reverse("volunteers:detail", args=[volunteer.pk])).content.decode()
    assert "20.2.2026 (otteen antopäivää ei kirjattu): ei estettä" in html


def test_overlapping_hours_get_a_clear_error_and_keep_the_form(
    client: Client, world: dict[str, Any]
) -> None:
    coordinator, volunteer, form = world["coordinator"], world["volunteer"], world["form"]
    login_verified(client, coordinator)
    url = reverse("volunteers:hours_add", args=[volunteer.pk])
    data = {
        "service_form": form.pk,
        "kind": ActivityKind.OUTING,
        "date": "2026-06-10",
        "starts": "10:00",
        "ends": "12:00",
    }
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "starts": "11:30", "ends": "13:15"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Aika menee päällekkäin saman päivän toisen kirjauksen kanssa (10.00–12.00)" in html
    assert 'value="11:30"' in html and 'value="13:15"' in html
    with scopes_disabled():
        assert (
            HoursEntry.objects.filter(volunteer=volunteer, date=dt.date(2026, 6, 10)).count() == 1
        )


def test_a_completion_before_the_course_gets_a_clear_error(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["coordinator"])
    response = client.post(
        reverse("volunteers:completion", args=[world["participant"].pk]),
        {"completed_on": "2026-02-01"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Koulutusta ei voi suorittaa ennen kuin se alkaa (1.3.2026)." in html
    assert 'value="2026-02-01"' in html


def test_the_coordinator_registers_a_volunteer_and_sees_why_he_cannot_be_active(
    client: Client, world: dict[str, Any]
) -> None:
    coordinator, form = world["coordinator"], world["form"]
    login_verified(client, coordinator)
    response = client.post(
        reverse("volunteers:create"),
        {
            "first_names": "Matti",
            "last_name": "Mies",
            "service_form": form.pk,
            "role": RoleKind.MIESKAVERI,
            "started_on": "2026-06-01",
            "languages": "suomi",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        matti = Volunteer.objects.get(first_names="Matti")
    # His page, before any screening, training or hours, lists what is missing.
    html = client.get(reverse("volunteers:detail", args=[matti.pk])).content.decode()
    assert "ei tarkistettu" in html and "Mieskaverien peruskoulutus" in html
    status_url = reverse("volunteers:status_change", args=[matti.pk])
    assert (
        client.post(status_url, {"status": "interviewed", "changed_on": "2026-06-02"}).status_code
        == 302
    )
    response = client.post(status_url, {"status": "active", "changed_on": "2026-06-03"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "edellyttää voimassa olevaa rikostaustan tarkistusta" in html
    with scopes_disabled():
        matti.refresh_from_db()
    assert matti.status == Status.INTERVIEWED


def test_the_navigation_shows_the_register_to_coordinators_only(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["coordinator"])
    assert reverse("volunteers:index") in client.get(reverse("core:dashboard")).content.decode()
    client.logout()
    login_verified(client, worker_in(world["form"]))
    assert reverse("volunteers:index") not in client.get(reverse("core:dashboard")).content.decode()


def test_the_coordinator_corrects_and_deletes_hours_with_history(
    client: Client, world: dict[str, Any]
) -> None:
    coordinator, volunteer, form = world["coordinator"], world["volunteer"], world["form"]
    entry = world["entry"]
    login_verified(client, coordinator)
    with scopes_disabled():
        other = hours_services.hours_add(
            actor=coordinator,
            volunteer=volunteer,
            service_form=form,
            kind=ActivityKind.PHONE,
            date=dt.date(2026, 6, 1),
            starts=dt.time(12),
            ends=dt.time(13),
        )
    edit = reverse("volunteers:hours_edit", args=[entry.pk])
    data = {
        "service_form": form.pk,
        "kind": ActivityKind.OUTING,
        "date": "2026-06-01",
        "starts": "12:30",
        "ends": "19:00",
        "reason": "",
    }
    # The overlap rule holds on edit: the other entry is 12.00–13.00; the form keeps the input.
    response = client.post(edit, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "(12.00–13.00)" in html and 'value="12:30"' in html
    # Moving within its own old time is fine (the entry does not clash with itself).
    response = client.post(edit, {**data, "starts": "16:00", "reason": "aloitti aiemmin"})
    assert response.status_code == 302
    with scopes_disabled():
        entry.refresh_from_db()
        assert entry.starts == dt.time(16)
        latest = entry.history.latest()
        assert latest.history_user == coordinator
        assert latest.history_change_reason == "aloitti aiemmin"
        assert entry.history.earliest().starts == dt.time(17)
    delete = reverse("volunteers:hours_delete", args=[other.pk])
    response = client.post(delete, {"reason": ""})
    assert response.status_code == 400
    assert (
        "Tämä kenttä vaaditaan" in response.content.decode()
        or "reason" in response.content.decode()
    )
    assert client.post(delete, {"reason": "kirjattu väärälle henkilölle"}).status_code == 302
    with scopes_disabled():
        assert not HoursEntry.objects.filter(pk=other.pk).exists()
        gone = HoursEntry.history.filter(id=other.pk).latest()
        assert gone.history_type == "-"
        assert gone.history_user == coordinator
        assert gone.history_change_reason == "kirjattu väärälle henkilölle"
