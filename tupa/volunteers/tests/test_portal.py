"""The volunteer portal (issue 12 item 9): granting and revoking a volunteer's own login, its
activation and second factor, the portal's reach (404 everywhere else, and for staff on the
portal), the volunteer's own data only (id swapping answers 404), own hours with their rules and
Finnish messages, the access log and the home page's query count."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMessage
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_scopes import scopes_disabled

from tupa.accounts.models import Role, User, UserKind
from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import org_role_user, worker_in
from tupa.core.tests.helpers import login_verified, refetched, rolled_back_world
from tupa.volunteers.hours import services as hours_services
from tupa.volunteers.models import (
    ActivityKind,
    CourseKind,
    FamilyLink,
    GroupMeeting,
    GroupMembership,
    HoursEntry,
    PortalAccess,
    Status,
    Volunteer,
    VolunteerGroup,
)
from tupa.volunteers.portal import services as portal_services
from tupa.volunteers.register import services as register_services
from tupa.volunteers.training import services as training_services

from .support import (
    absolute,
    active_volunteer,
    coordinator_of,
    grant,
    new_volunteer,
    outing,
    volunteer_form,
)

pytestmark = pytest.mark.django_db

PASSWORD = "Kuusi-Kuusta-Kukkulalla-42"
NOTE = "Tapaatte ensimmäisen kerran kirjastolla torstaina."
FAMILY_SECRET = "PERHEEN-SALAISUUS-9c1"


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 6, 15, 12), tick=False):
        yield


def _link_path() -> str:
    body = mail.outbox[-1].body
    match = re.search(r"https://tupa\.example(\S+)", body)
    assert match, body
    return match.group(1)


def _build_world() -> dict[str, Any]:
    form = volunteer_form(name="Mieskaveritoiminta")
    coordinator = coordinator_of(form)
    volunteer = active_volunteer(
        coordinator, form, first="Ville", last="Vapaa", email="ville@example.invalid"
    )
    other = new_volunteer(coordinator, form, first="Olli", last="Muu", email="olli@example.invalid")
    coordinator_entry = outing(
        coordinator, volunteer, form, dt.date(2026, 6, 1), dt.time(17), dt.time(19)
    )
    others_entry = outing(coordinator, other, form, dt.date(2026, 6, 2), dt.time(10), dt.time(11))
    with scopes_disabled():
        course = training_services.course_create(
            actor=coordinator,
            service_form=form,
            kind=CourseKind.OTHER,
            name="Kesän jatkokoulutus",
            starts_on=dt.date(2026, 6, 1),
            ends_on=dt.date(2026, 6, 30),
            place="Heinola",
        )
        training_services.participant_add(actor=coordinator, course=course, volunteer=volunteer)
        training_services.session_add(
            actor=coordinator,
            course=course,
            date=dt.date(2026, 6, 20),
            hours=3,
            topic="Kertaus",
        )
        group = VolunteerGroup.objects.create(
            organisation=form.organisation,
            service_form=form,
            kind="peer",
            name="Kaveriryhmä",
            started_on=dt.date(2026, 1, 1),
        )
        GroupMembership.objects.create(
            organisation=form.organisation,
            group=group,
            volunteer=volunteer,
            joined_on=dt.date(2026, 2, 1),
        )
        GroupMeeting.objects.create(
            organisation=form.organisation,
            group=group,
            date=dt.date(2026, 6, 18),
            starts_at=dt.time(18),
            place="Järjestötalo",
            topic="Kevään kuulumiset",
            leader=coordinator,
        )
    user = grant(coordinator, volunteer)
    other_user = grant(coordinator, other)
    return {
        "form": form,
        "coordinator": coordinator,
        "volunteer": volunteer,
        "other": other,
        "user": user,
        "other_user": other_user,
        "coordinator_entry": coordinator_entry,
        "others_entry": others_entry,
    }


@pytest.fixture(scope="module")
def built_world(
    django_db_setup: Any, django_db_blocker: Any
) -> Iterator[tuple[dict[str, Any], list[EmailMessage]]]:
    """The world is built once for the module, at the tests' clock, with the mails it sent; each
    test runs in a savepoint inside this transaction, so its writes are rolled back."""
    with rolled_back_world(django_db_blocker):
        with time_machine.travel(dt.datetime(2026, 6, 15, 12), tick=False):
            sent_before = len(mail.outbox)
            built = _build_world()
            sent = list(mail.outbox[sent_before:])
        yield built, sent


@pytest.fixture
def world(built_world: tuple[dict[str, Any], list[EmailMessage]]) -> dict[str, Any]:
    """Fresh instances for each test (tests change the login in memory), and the outbox as the
    build left it (pytest-django empties it before each test)."""
    built, sent = built_world
    mail.outbox.extend(sent)
    return {name: refetched(obj) for name, obj in built.items()}


def portal_client(user: User) -> Client:
    client = Client()
    login_verified(client, user)
    return client


# --- granting, activation, login ----------------------------------------------------------------


def test_granting_creates_a_volunteer_login_and_mails_the_link(world: dict[str, Any]) -> None:
    user = world["user"]
    assert user.kind == UserKind.VOLUNTEER
    assert not user.is_staff and not user.is_superuser
    assert user.username == "ville@example.invalid"
    assert not user.has_usable_password()
    assert user.organisation_id == world["volunteer"].organisation_id
    with scopes_disabled():
        assert not user.memberships.exists()
    sent = [m for m in mail.outbox if "ville@example.invalid" in m.to]
    assert len(sent) == 1
    assert "/vapaaehtoinen/aktivointi/" in sent[0].body


def test_the_coordinator_grants_from_the_volunteers_page(world: dict[str, Any]) -> None:
    coordinator = world["coordinator"]
    with scopes_disabled():
        fresh = new_volunteer(
            coordinator, world["form"], first="Uusi", email="uusi@example.invalid"
        )
    client = portal_client(coordinator)
    detail = client.get(reverse("volunteers:detail", args=[fresh.pk]))
    manage_url = reverse("volunteers:portal_manage", args=[fresh.pk])
    assert manage_url in detail.content.decode()
    assert client.get(manage_url).status_code == 200
    response = client.post(manage_url, {"action": "grant"})
    assert response.status_code == 302
    with scopes_disabled():
        access = PortalAccess.objects.get(volunteer=fresh)
    assert access.granted_by == coordinator and access.in_force
    # the coordinator never sees the link itself
    page = client.get(manage_url).content.decode()
    assert "/aktivointi/" not in page


def test_without_an_email_address_nothing_is_granted(world: dict[str, Any]) -> None:
    coordinator = world["coordinator"]
    with scopes_disabled():
        fresh = new_volunteer(coordinator, world["form"], first="Eemeli")
    client = portal_client(coordinator)
    response = client.post(
        reverse("volunteers:portal_manage", args=[fresh.pk]), {"action": "grant"}
    )
    assert response.status_code == 400
    assert "sähköpostiosoite" in response.content.decode()
    with scopes_disabled():
        assert not PortalAccess.objects.filter(volunteer=fresh).exists()


@pytest.mark.parametrize("who", ["other_form_coordinator", "worker", "executive_director"])
def test_only_the_volunteers_coordinator_manages_the_login(world: dict[str, Any], who: str) -> None:
    form = world["form"]
    if who == "other_form_coordinator":
        user = coordinator_of(volunteer_form(form.organisation))
    elif who == "worker":
        user = worker_in(form)
    else:
        user = org_role_user(form.organisation, Role.EXECUTIVE_DIRECTOR)
    client = portal_client(user)
    url = reverse("volunteers:portal_manage", args=[world["volunteer"].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "revoke", "reason": "Ei enää tarvetta"}).status_code == 404
    with scopes_disabled():
        assert PortalAccess.objects.get(volunteer=world["volunteer"]).in_force


def test_activation_sets_the_password_once_then_login_requires_totp(
    world: dict[str, Any],
) -> None:
    mail.outbox.clear()
    with scopes_disabled():
        portal_services.portal_send_link(
            actor=world["coordinator"], volunteer=world["volunteer"], absolute=absolute
        )
    link = _link_path()
    client = Client()
    page = client.get(link)
    assert page.status_code == 200
    assert "ville@example.invalid" in page.content.decode()
    mismatch = client.post(link, {"new_password1": PASSWORD, "new_password2": "toinen"})
    assert mismatch.status_code == 400
    assert "Salasanat eivät ole samat." in mismatch.content.decode()
    done = client.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("accounts:login")
    # the link works once
    assert client.get(link).status_code == 404
    # the password logs in, and the second factor is required before the portal opens
    with override_settings(TUPA_REQUIRE_2FA=True):
        login = client.post(
            reverse("accounts:login"), {"username": "ville@example.invalid", "password": PASSWORD}
        )
        assert login.status_code == 302
        assert login["Location"].startswith(reverse("accounts:setup"))
        home = client.get(reverse("volunteer_portal:home"))
        assert home.status_code == 302
        assert home["Location"].startswith(reverse("accounts:setup"))


def test_after_the_second_factor_a_volunteer_lands_in_the_portal(world: dict[str, Any]) -> None:
    client = portal_client(world["user"])
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("volunteer_portal:home")


def test_a_forged_or_foreign_activation_link_is_refused(world: dict[str, Any]) -> None:
    client = Client()
    link = reverse("volunteer_portal:activate", kwargs={"uidb64": "MQ", "token": "abc-def"})
    assert client.get(link).status_code == 404


# --- the reach ----------------------------------------------------------------------------------


STAFF_URLS = [
    "/henkilot/",
    "/asiakkuudet/",
    "/vapaaehtoiset/",
    "/tilastot/",
    "/lokit/",
    "/hallinta/",
    "/hallinta/accounts/user/",
    "/kirjautuminen/tili/",
    "/kirjautuminen/henkilosto/",
    "/organisaatio/",
    "/ei-olemassa/",
]


@pytest.mark.parametrize("url", STAFF_URLS)
def test_a_volunteer_login_gets_404_outside_the_portal(world: dict[str, Any], url: str) -> None:
    client = portal_client(world["user"])
    assert client.get(url).status_code == 404


def test_the_front_page_leads_a_volunteer_login_to_the_portal(world: dict[str, Any]) -> None:
    client = portal_client(world["user"])
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("volunteer_portal:home")
    assert client.get("/", follow=True).status_code == 200
    # Only a GET or HEAD of the front page: a POST to it is refused as any staff page is.
    assert client.head("/").status_code == 302
    assert client.post("/").status_code == 404
    # Staff keep their own front page.
    staff = portal_client(world["coordinator"])
    assert staff.get("/").status_code == 200


def test_a_volunteer_login_may_use_its_own_account_pages(world: dict[str, Any]) -> None:
    client = portal_client(world["user"])
    for name in ("volunteer_portal:account", "accounts:password_change", "accounts:setup"):
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("accessibility:statement")).status_code == 200


def test_the_404_page_of_a_volunteer_shows_only_the_portal_navigation(
    world: dict[str, Any],
) -> None:
    client = portal_client(world["user"])
    text = client.get("/henkilot/").content.decode()
    assert reverse("volunteer_portal:home") in text
    assert reverse("accounts:account") not in text
    assert 'href="/organisaatio/"' not in text


@pytest.mark.parametrize("name", ["home", "contact", "hours", "hours_add", "account"])
def test_staff_get_404_on_the_portal(world: dict[str, Any], name: str) -> None:
    for user in (
        world["coordinator"],
        org_role_user(world["form"].organisation, Role.ADMINISTRATOR, is_staff=True),
    ):
        client = portal_client(user)
        assert client.get(reverse(f"volunteer_portal:{name}")).status_code == 404


def test_a_refused_portal_request_is_recorded_for_the_dpo(world: dict[str, Any]) -> None:
    from tupa.accounts.models import SecurityEvent

    client = portal_client(world["user"])
    assert client.get(reverse("volunteers:index")).status_code == 404
    with scopes_disabled():
        assert SecurityEvent.objects.filter(
            user=world["user"], kind=SecurityEvent.Kind.REFUSED, status_code=404
        ).exists()


# --- own data only ------------------------------------------------------------------------------


def test_the_home_page_shows_own_data_and_the_coordinators_note_only(
    world: dict[str, Any],
) -> None:
    volunteer = world["volunteer"]
    with scopes_disabled():
        from tupa.core.tests.factories import EpisodeFactory

        episode = EpisodeFactory.create(
            organisation=world["form"].organisation, service_form=world["form"]
        )
        episode.__class__.objects.filter(pk=episode.pk)
        FamilyLink.objects.create(
            organisation=volunteer.organisation,
            volunteer=volunteer,
            episode=episode,
            role="mieskaveri",
            started_on=dt.date(2026, 6, 1),
            note_for_volunteer=NOTE,
            created_by=world["coordinator"],
        )
    client = portal_client(world["user"])
    text = client.get(reverse("volunteer_portal:home")).content.decode()
    assert "Ville" in text
    assert NOTE in text
    assert "Kaveriryhmä: Kevään kuulumiset" in text  # an upcoming group meeting
    assert "Kertaus" in text  # an upcoming training session
    assert "Mieskaverien peruskoulutus" in text
    assert "voimassa" in text  # the record check: validity only
    assert str(world["coordinator"]) not in text  # never who saw the extract
    assert "ei estettä" not in text  # nor its result
    assert "10.2.2026" not in text and "antopäivä" not in text  # nor the extract's issue date
    assert "Olli" not in text
    assert f"/asiakkuudet/{episode.pk}" not in text


def test_id_swapping_reaches_no_other_volunteers_hours(world: dict[str, Any]) -> None:
    client = portal_client(world["user"])
    others = world["others_entry"]
    url = reverse("volunteer_portal:hours_edit", args=[others.pk])
    assert client.get(url).status_code == 404
    posted = client.post(
        url,
        {
            "service_form": world["form"].pk,
            "kind": "outing",
            "date": "2.6.2026",
            "starts": "09.00",
            "ends": "10.00",
        },
    )
    assert posted.status_code == 404
    others.refresh_from_db()
    assert others.starts == dt.time(10)
    # the coordinator's entry of the volunteer's own is theirs to read, not to correct
    own_by_coordinator = reverse(
        "volunteer_portal:hours_edit", args=[world["coordinator_entry"].pk]
    )
    assert client.get(own_by_coordinator).status_code == 404
    listing = client.get(reverse("volunteer_portal:hours")).content.decode()
    assert "1.6.2026" in listing and "2.6.2026" not in listing


def test_the_staff_pages_of_the_volunteer_are_404_for_the_volunteer(
    world: dict[str, Any],
) -> None:
    client = portal_client(world["user"])
    for url in (
        reverse("volunteers:detail", args=[world["volunteer"].pk]),
        reverse("volunteers:detail", args=[world["other"].pk]),
        reverse("volunteers:hours_edit", args=[world["coordinator_entry"].pk]),
    ):
        assert client.get(url).status_code == 404


def test_own_reads_are_in_the_access_log_with_the_basis_self(world: dict[str, Any]) -> None:
    client = portal_client(world["user"])
    client.get(reverse("volunteer_portal:home"))
    with scopes_disabled():
        event = AccessEvent.objects.filter(user=world["user"]).get()
    assert event.basis == "self"
    assert event.subject_id == str(world["volunteer"].pk)
    assert event.view_name == "volunteer_portal:home"


def test_the_volunteer_updates_own_contact_data(world: dict[str, Any]) -> None:
    client = portal_client(world["user"])
    url = reverse("volunteer_portal:contact")
    bad = client.post(url, {"phone": "040 1", "email": "ei-osoite", "first_names": "Hakkeri"})
    assert bad.status_code == 400
    assert "Tarkista sähköpostiosoite" in bad.content.decode()
    assert "040 1" in bad.content.decode()  # what was typed stays
    ok = client.post(
        url,
        {
            "phone": "040 123 4567",
            "email": "ville@example.invalid",
            "post_office": "Heinola",
            "first_names": "Hakkeri",
        },
    )
    assert ok.status_code == 302
    with scopes_disabled():
        volunteer = Volunteer.objects.get(pk=world["volunteer"].pk)
        assert volunteer.phone == "040 123 4567"
        assert volunteer.first_names == "Ville"  # names stay with the coordinator
        assert volunteer.history.first().history_user == world["user"]


# --- own hours ----------------------------------------------------------------------------------


def _hours(world: dict[str, Any], **over: str) -> dict[str, Any]:
    data = {
        "service_form": world["form"].pk,
        "kind": "session",
        "date": "10.6.2026",
        "starts": "18.00",
        "ends": "20.00",
    }
    data.update(over)
    return data


def test_the_volunteer_records_and_corrects_own_hours(world: dict[str, Any]) -> None:
    client = portal_client(world["user"])
    response = client.post(reverse("volunteer_portal:hours_add"), _hours(world))
    assert response.status_code == 302
    with scopes_disabled():
        entry = HoursEntry.objects.get(volunteer=world["volunteer"], date=dt.date(2026, 6, 10))
    assert entry.recorded_by == world["user"]
    assert hours_services.entered_by_volunteer(entry)
    fixed = client.post(
        reverse("volunteer_portal:hours_edit", args=[entry.pk]), _hours(world, ends="21.00")
    )
    assert fixed.status_code == 302
    with scopes_disabled():
        entry.refresh_from_db()
        assert entry.ends == dt.time(21)
        assert entry.history.count() == 2
    # the coordinator's page shows it with the volunteer as the one who entered it
    listing = client.get(reverse("volunteer_portal:hours")).content.decode()
    assert "sinä" in listing


@pytest.mark.parametrize(
    "over, message",
    [
        ({"date": "16.6.2026"}, "Toteutunutta toimintaa ei voi kirjata tulevalle päivälle."),
        ({"starts": "20.00", "ends": "18.00"}, "Päättymisajan on oltava alkamisajan jälkeen."),
        (
            {"date": "1.6.2026", "starts": "18.00", "ends": "20.00"},
            "Aika menee päällekkäin saman päivän toisen kirjauksen kanssa (17.00–19.00).",
        ),
        (
            {"date": "5.1.2026"},
            "Sinulla ei ollut tehtävää tässä työmuodossa tuona päivänä.",
        ),
    ],
)
def test_own_hours_are_validated_with_finnish_messages_and_nothing_typed_is_lost(
    world: dict[str, Any], over: dict[str, str], message: str
) -> None:
    client = portal_client(world["user"])
    response = client.post(reverse("volunteer_portal:hours_add"), _hours(world, **over))
    assert response.status_code == 400
    text = response.content.decode()
    assert message in text
    assert over.get("date", "10.6.2026") in text  # the typed values are rendered back
    with scopes_disabled():
        assert not HoursEntry.objects.filter(recorded_by=world["user"]).exists()


def test_a_form_the_volunteer_does_not_work_in_is_not_offered(world: dict[str, Any]) -> None:
    elsewhere = volunteer_form(world["form"].organisation)
    client = portal_client(world["user"])
    response = client.post(
        reverse("volunteer_portal:hours_add"), _hours(world, service_form=str(elsewhere.pk))
    )
    assert response.status_code == 400
    with scopes_disabled():
        assert not HoursEntry.objects.filter(service_form=elsewhere).exists()


def test_the_hours_service_refuses_anyone_but_the_volunteers_own_login(
    world: dict[str, Any],
) -> None:
    from django.core.exceptions import PermissionDenied

    with scopes_disabled(), pytest.raises(PermissionDenied):
        hours_services.hours_add_own(
            actor=world["other_user"],
            volunteer=world["volunteer"],
            service_form=world["form"],
            kind="session",
            date=dt.date(2026, 6, 10),
            starts=dt.time(18),
            ends=dt.time(19),
        )
    with scopes_disabled(), pytest.raises(PermissionDenied):
        hours_services.hours_add_own(
            actor=world["coordinator"],
            volunteer=world["volunteer"],
            service_form=world["form"],
            kind="session",
            date=dt.date(2026, 6, 10),
            starts=dt.time(18),
            ends=dt.time(19),
        )


# --- revoking and ending ------------------------------------------------------------------------


def test_revoking_ends_the_session_on_the_next_request_and_the_login(
    world: dict[str, Any],
) -> None:
    client = portal_client(world["user"])
    assert client.get(reverse("volunteer_portal:home")).status_code == 200
    coordinator = portal_client(world["coordinator"])
    url = reverse("volunteers:portal_manage", args=[world["volunteer"].pk])
    short = coordinator.post(url, {"action": "revoke", "reason": ""})
    assert short.status_code == 400
    done = coordinator.post(url, {"action": "revoke", "reason": "Tauko syksyyn asti"})
    assert done.status_code == 302
    after = client.get(reverse("volunteer_portal:home"))
    assert after.status_code == 302
    assert after["Location"].startswith(reverse("accounts:login"))
    with scopes_disabled():
        access = PortalAccess.objects.get(volunteer=world["volunteer"])
    assert access.revoked_by == world["coordinator"]
    assert access.revoke_reason == "Tauko syksyyn asti"
    user = User.objects.get(pk=world["user"].pk)
    assert not user.is_active


def test_a_long_revoking_reason_outlives_a_new_grant_in_the_history(
    world: dict[str, Any],
) -> None:
    """The form takes 300 characters; the history row cut the reason to 100 for the change-reason
    column of old (now text). A new grant clears ``revoke_reason``, so the history row is then
    the only place the reason is kept."""
    reason = "Vapaaehtoinen pyysi tauon perhesyistä; palaa ehkä syksyllä uuteen ryhmään. " * 3
    assert len(reason.strip()) > 200
    with scopes_disabled():
        portal_services.portal_revoke(
            actor=world["coordinator"], volunteer=world["volunteer"], reason=reason
        )
    grant(world["coordinator"], world["volunteer"])
    with scopes_disabled():
        portal = PortalAccess.objects.get(volunteer=world["volunteer"])
        assert portal.revoke_reason == ""
        reasons = list(portal.history.values_list("history_change_reason", flat=True))
    assert reason.strip() in reasons


def test_granting_again_gives_a_fresh_password_and_app(world: dict[str, Any]) -> None:
    user = world["user"]
    user.set_password(PASSWORD)
    user.save()
    TOTPDevice.objects.create(user=user, name="vanha", confirmed=True)
    with scopes_disabled():
        portal_services.portal_revoke(
            actor=world["coordinator"], volunteer=world["volunteer"], reason="Puhelin kadonnut"
        )
    again = grant(world["coordinator"], world["volunteer"])
    assert again.pk == user.pk and again.is_active
    assert not again.has_usable_password()
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_an_ended_volunteer_cannot_log_in(world: dict[str, Any]) -> None:
    user = world["user"]
    user.set_password(PASSWORD)
    user.save()
    client = portal_client(user)
    with scopes_disabled():
        register_services.volunteer_set_status(
            actor=world["coordinator"],
            volunteer=world["volunteer"],
            status=Status.ENDED,
            changed_on=dt.date(2026, 6, 14),
            reason="Muutti toiselle paikkakunnalle",
        )
        assert not PortalAccess.objects.get(volunteer=world["volunteer"]).in_force
    assert client.get(reverse("volunteer_portal:home")).status_code == 302
    fresh = Client()
    login = fresh.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert login.status_code == 200  # the same "cannot log in" message as a wrong password
    assert "_auth_user_id" not in fresh.session
    # and the coordinator cannot grant an ended volunteer a login
    coordinator = portal_client(world["coordinator"])
    refused = coordinator.post(
        reverse("volunteers:portal_manage", args=[world["volunteer"].pk]), {"action": "grant"}
    )
    assert refused.status_code == 404


def test_the_portal_answers_404_when_the_access_row_is_revoked_but_the_login_active(
    world: dict[str, Any],
) -> None:
    """Defence in depth: the portal checks the access itself, not only the login's state."""
    with scopes_disabled():
        PortalAccess.objects.filter(user=world["user"]).update(
            revoked_at=dt.datetime(2026, 6, 15, 9, tzinfo=dt.UTC)
        )
    client = portal_client(world["user"])
    assert client.get(reverse("volunteer_portal:home")).status_code == 404


# --- performance --------------------------------------------------------------------------------


def test_the_home_page_runs_in_a_constant_number_of_queries(
    world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client = portal_client(world["user"])
    url = reverse("volunteer_portal:home")
    client.get(url)
    with django_assert_max_num_queries(40) as captured:
        client.get(url)
    baseline = len(captured.captured_queries)
    with scopes_disabled():
        for day in range(1, 10):
            hours_services.hours_add(
                actor=world["coordinator"],
                volunteer=world["volunteer"],
                service_form=world["form"],
                kind=ActivityKind.SESSION,
                date=dt.date(2026, 5, day),
                starts=dt.time(10),
                ends=dt.time(11),
            )
    with django_assert_max_num_queries(baseline):
        client.get(url)


def test_a_volunteers_login_is_never_offered_where_staff_are_picked(world: dict[str, Any]) -> None:
    """Interviewer, leader, supervisor, programme leader: the choices are staff logins only."""
    from tupa.accounts.selectors import active_staff, staff_of
    from tupa.volunteers.screening.forms import ScreeningForm

    login = world["user"]
    organisation = world["coordinator"].organisation
    with scopes_disabled():
        staff = set(active_staff(organisation_id=organisation.pk))
        listed = set(staff_of(organisation=organisation))
        form = ScreeningForm(organisation_id=organisation.pk)
        offered = set(form.fields["interviewed_by"].queryset)
    assert world["coordinator"] in staff and world["coordinator"] in offered
    assert login not in staff | listed | offered
