"""Episode screens: the access matrix of every view, access-log events, query counts, forms."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from tupa.audit.models import AccessEvent
from tupa.core.conflicts import MESSAGE as CONFLICT_MESSAGE
from tupa.core.tests.factories import EpisodeFactory, ParticipantFactory, PersonFactory
from tupa.core.tests.helpers import login_verified
from tupa.episodes.models import BreakGlass, Episode, Goal, NetworkMeeting, Participant, Referral
from tupa.people.models import Consent, Person

from .test_services import World, build_world

pytestmark = pytest.mark.django_db

USER_KINDS = (
    "member",
    "lead",
    "coworker",
    "other_form",
    "jussi",
    "other_org",
    "admin",
    "dpo",
    "director",
)


def _fixtures(world: World) -> dict[str, int]:
    """Objects the URLs of the matrix point at (created fresh for each view's test)."""
    with scopes_disabled():
        goal = Goal.objects.create(episode=world.episode, text="Turva", created_by=world.member)
        _p, avokriisi_episode = _episode_with(world, world.avokriisi, "Aada", "Lähettäjä")
        referral = Referral.objects.create(
            organisation=world.org,
            from_episode=avokriisi_episode,
            to_service_form=world.shelter,
            person=Person.objects.get(first_names="Aada"),
            reason="Tarvitsee turvallisen asumisen",
            consent_given=True,
            created_by=world.other_form,
        )
        item = BreakGlass.objects.create(
            user=world.other_form,
            episode=world.episode,
            reason="Lapsen turvallisuus vaatii tiedot heti",
            # Expired but not yet reviewed: in the lead's queue, grants no access any more.
            started_at=timezone.now() - dt.timedelta(hours=5),
            expires_at=timezone.now() - dt.timedelta(hours=1),
        )
        child = Participant.objects.get(episode=world.episode, person=world.child)
        assignment = world.episode.assignments.get()
        consent = Consent.objects.create(
            person=world.mother,
            purpose="follow_up",
            episode=world.episode,
            given_on=dt.date(2026, 1, 6),
            recorded_by=world.member,
        )
    return {
        "consent": consent.pk,
        "episode": world.episode.pk,
        "goal": goal.pk,
        "referral": referral.pk,
        "break_glass": item.pk,
        "child": child.pk,
        "assignment": assignment.pk,
    }


def _episode_with(world: World, form, first: str, last: str):  # type: ignore[no-untyped-def]
    episode = EpisodeFactory(service_form=form, organisation=world.org)
    person = PersonFactory(organisation=world.org, first_names=first, last_name=last)
    ParticipantFactory(episode=episode, person=person)
    return person, episode


Url = Callable[[World, dict[str, int]], str]


def _ep(name: str, *extra: str) -> Url:
    return lambda w, ids: reverse(
        f"episodes:{name}", args=[ids["episode"], *(ids[e] for e in extra)]
    )


# The access matrix (ARCHITECTURE.md §6, security test 2). Columns follow USER_KINDS:
#   member = shelter worker, lead = shelter lead, coworker = Alvari worker assigned to the
#   shelter episode, other_form = Avokriisityö worker (victim side, no relation), jussi =
#   Jussi-työ worker (perpetrator side), other_org = another organisation's shelter worker,
#   admin / dpo / director = organisation-wide roles without client work.
# 404 = exists but not yours; 403 = you may read the episode but not do this; 302 = done
# (redirect). Anonymous users are sent to the login page on every row.
EDIT = (200, 200, 200, 404, 404, 404, 404, 404, 404)
MATRIX: list[tuple[str, str, Url, tuple[int, ...]]] = [
    ("caseload", "get", lambda w, i: reverse("episodes:caseload"), (200,) * 9),
    (
        "client_list",
        "get",
        lambda w, i: reverse("episodes:client_list", args=[w.shelter.slug]),
        (200, 200, 404, 404, 404, 404, 404, 404, 404),
    ),
    (
        "open",
        "get",
        lambda w, i: reverse("episodes:open", args=[w.shelter.slug]),
        (200, 200, 404, 404, 404, 404, 404, 404, 404),
    ),
    ("detail", "get", _ep("detail"), EDIT),
    ("edit", "get", _ep("edit"), EDIT),
    ("edit_status", "get", _ep("edit_status"), EDIT),
    ("contact_permission", "get", _ep("contact_permission"), EDIT),
    ("basic_form", "get", _ep("basic_form"), EDIT),
    ("add_participant", "get", _ep("add_participant"), EDIT),
    (
        "participant_remove",
        "post",
        _ep("participant_remove", "child"),
        (302, 302, 302, 404, 404, 404, 404, 404, 404),
    ),
    ("assignment_add", "get", _ep("assignment_add"), (200, 200, 403, 404, 404, 404, 404, 404, 404)),
    # The member (first column) ends the co-worker's own assignment: from that request on the
    # co-worker gets 404 — revocation takes effect at once. (403 for a co-worker: see below.)
    (
        "assignment_end",
        "post",
        _ep("assignment_end", "assignment"),
        (302, 302, 404, 404, 404, 404, 404, 404, 404),
    ),
    ("goal_add", "get", _ep("goal_add"), EDIT),
    ("goal_review", "get", _ep("goal_review", "goal"), EDIT),
    ("network_meeting_add", "get", _ep("network_meeting_add"), EDIT),
    ("external_referral_add", "get", _ep("external_referral_add"), EDIT),
    ("consent_add", "get", _ep("consent_add"), EDIT),
    (
        "consent_withdraw",
        "post",
        _ep("consent_withdraw", "consent"),
        (302, 302, 302, 404, 404, 404, 404, 404, 404),
    ),
    ("referral_create", "get", _ep("referral_create"), EDIT),
    ("referral_inbox", "get", lambda w, i: reverse("episodes:referral_inbox"), (200,) * 9),
    (
        "referral_decide",
        "get",
        lambda w, i: reverse("episodes:referral_decide", args=[i["referral"]]),
        (200, 200, 404, 404, 404, 404, 404, 404, 404),
    ),
    # 200 for every client-work user who cannot see the episode — behind the wall and in
    # another organisation too: the page must not tell which numbers exist (issue 10).
    ("break_glass", "get", _ep("break_glass"), (302, 302, 302, 200, 200, 200, 404, 404, 404)),
    (
        "break_glass_queue",
        "get",
        lambda w, i: reverse("episodes:break_glass_queue"),
        (404, 200, 404, 404, 404, 404, 404, 404, 404),
    ),
    (
        "break_glass_review",
        "get",
        lambda w, i: reverse("episodes:break_glass_review", args=[i["break_glass"]]),
        (404, 200, 404, 404, 404, 404, 404, 404, 404),
    ),
]


def test_the_matrix_covers_every_episode_view() -> None:
    from tests.test_url_inventory import ENTRIES

    names = {
        e.name.split(":", 1)[1]
        for e in ENTRIES
        if e.name and e.name.startswith("episodes:") and e.route.startswith("asiakkuudet/")
    }
    journal = {name for name in names if name.startswith(("journal", "entry", "attachment"))}
    assert names - journal == {row[0] for row in MATRIX}


@pytest.mark.parametrize(("name", "method", "url", "expected"), MATRIX, ids=[r[0] for r in MATRIX])
def test_access_matrix(client: Client, name: str, method: str, url: Url, expected: tuple) -> None:  # type: ignore[type-arg]
    world = build_world()
    ids = _fixtures(world)
    target = url(world, ids)
    actual: dict[str, int] = {}
    for kind, user in world.users().items():
        login_verified(client, user)
        response = getattr(client, method)(target)
        actual[kind] = response.status_code
        client.logout()
    assert actual == dict(zip(USER_KINDS, expected, strict=True)), target
    response = getattr(client, method)(target)
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == resolve_url(settings.LOGIN_URL)


def test_a_coworker_may_not_end_assignments(client: Client) -> None:
    world = build_world()
    from tupa.episodes import services

    with scopes_disabled():
        other = services.assignment_add(
            actor=world.lead, episode=world.episode, user=world.jussi_worker
        )
    login_verified(client, world.coworker)
    url = reverse("episodes:assignment_end", args=[world.episode.pk, other.pk])
    assert client.post(url).status_code == 403
    with scopes_disabled():
        other.refresh_from_db()
    assert other.valid_until is None


@pytest.mark.parametrize(
    "url_name",
    ["detail", "edit_status", "goal_add", "referral_create", "referral_decide"],
)
def test_unknown_ids_are_404_like_hidden_ones(client: Client, url_name: str) -> None:
    world = build_world()
    login_verified(client, world.member)
    assert client.get(reverse(f"episodes:{url_name}", args=[987654])).status_code == 404


def test_another_organisations_form_with_the_same_slug_shows_only_its_own(client: Client) -> None:
    world = build_world()
    from tupa.core.tests.factories import ServiceFormFactory, worker_in

    twin = ServiceFormFactory(slug="turvakoti", violence_work="victim")
    login_verified(client, worker_in(twin))
    response = client.get(reverse("episodes:client_list", args=["turvakoti"]))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert "Maija" not in response.content.decode()
    assert world.episode.pk  # the shelter episode exists in the other organisation


def test_consent_reader_sees_the_episode_but_may_not_change_it(client: Client) -> None:
    world = build_world()
    with scopes_disabled():
        Consent.objects.create(
            person=world.mother,
            purpose="sharing",
            recipient_service_form=world.avokriisi,
            episode=world.episode,
            given_on=dt.date(2026, 1, 6),
            recorded_by=world.member,
        )
    login_verified(client, world.other_form)
    detail = client.get(reverse("episodes:detail", args=[world.episode.pk]))
    assert detail.status_code == 200
    assert "asiakkaan antaman suostumuksen perusteella" in detail.content.decode()
    assert client.get(reverse("episodes:goal_add", args=[world.episode.pk])).status_code == 403
    response = client.post(reverse("episodes:goal_add", args=[world.episode.pk]), {"text": "X"})
    assert response.status_code == 403
    with scopes_disabled():
        assert not Goal.objects.exists()


# --------------------------------------------------------------------------- access log


def _events(user) -> list[tuple[str, str, str, int | None]]:  # type: ignore[no-untyped-def]
    with scopes_disabled():
        return sorted(
            (e.subject_id, e.action, e.basis, e.episode_id)
            for e in AccessEvent.objects.filter(user=user)
        )


def test_the_episode_page_logs_each_person_shown_with_the_basis(client: Client) -> None:
    world = build_world()
    login_verified(client, world.member)
    response = client.get(reverse("episodes:detail", args=[world.episode.pk]))
    assert response.status_code == 200
    assert _events(world.member) == sorted(
        [
            (str(world.mother.pk), "view", "membership", world.episode.pk),
            (str(world.child.pk), "view", "membership", world.episode.pk),
        ]
    )
    login_verified(client, world.coworker)
    client.get(reverse("episodes:detail", args=[world.episode.pk]))
    assert {basis for _s, _a, basis, _e in _events(world.coworker)} == {"assignment"}


def test_a_refused_page_logs_nothing(client: Client) -> None:
    world = build_world()
    login_verified(client, world.jussi_worker)
    client.get(reverse("episodes:detail", args=[world.episode.pk]))
    client.get(reverse("episodes:break_glass", args=[world.episode.pk]))
    assert _events(world.jussi_worker) == []


def test_lists_log_one_event_per_person_shown(client: Client) -> None:
    world = build_world()
    login_verified(client, world.member)
    client.get(reverse("episodes:caseload"))
    assert _events(world.member) == sorted(
        [
            (str(world.mother.pk), "list", "membership", None),
            (str(world.child.pk), "list", "membership", None),
        ]
    )
    login_verified(client, world.coworker)
    response = client.get(reverse("episodes:caseload"))
    assert response.context["count"] == 1
    assert {(a, b) for _s, a, b, _e in _events(world.coworker)} == {("list", "assignment")}


def test_the_client_list_logs_only_the_page_shown(client: Client) -> None:
    world = build_world()
    for number in range(30):
        _episode_with(world, world.shelter, f"Asiakas{number:02d}", "Sivutettu")
    login_verified(client, world.member)
    response = client.get(reverse("episodes:client_list", args=[world.shelter.slug]))
    assert response.context["page"].paginator.count == 31
    assert len(_events(world.member)) == 25  # one page of 25 single-person episodes


# --------------------------------------------------------------------------- query counts


def _query_count(client: Client, url: str) -> int:
    client.get(url)  # warm the caches (content types, session)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("view", ["caseload", "client_list"])
def test_list_query_counts_do_not_grow_with_episodes(client: Client, view: str) -> None:
    world = build_world()
    url = (
        reverse("episodes:caseload")
        if view == "caseload"
        else reverse("episodes:client_list", args=[world.shelter.slug])
    )
    login_verified(client, world.member)
    for number in range(2):
        _person, episode = _episode_with(world, world.shelter, f"Pieni{number}", "Lista")
        ParticipantFactory(episode=episode, role="child")
    small = _query_count(client, url)
    for number in range(27):
        _person, episode = _episode_with(world, world.shelter, f"Iso{number}", "Lista")
        ParticipantFactory(episode=episode, role="child")
    large = _query_count(client, url)
    assert small == large, (small, large)


def test_episode_page_query_count_does_not_grow_with_its_rows(client: Client) -> None:
    world = build_world()
    url = reverse("episodes:detail", args=[world.episode.pk])
    login_verified(client, world.member)
    with scopes_disabled():
        Goal.objects.create(episode=world.episode, text="T", created_by=world.member)
    small = _query_count(client, url)
    with scopes_disabled():
        for number in range(10):
            Goal.objects.create(episode=world.episode, text=f"T{number}", created_by=world.member)
            ParticipantFactory(episode=world.episode, role="child")
    assert _query_count(client, url) == small


def test_the_episode_page_reads_only_the_lists_the_episode_has(client: Client) -> None:
    """A list the episode has no rows of (goals, network meetings, referrals, consents …) costs
    no query: one query, compiled once per connection, says which lists have rows."""
    world = build_world()
    url = reverse("episodes:detail", args=[world.episode.pk])
    login_verified(client, world.member)
    with scopes_disabled():
        assert not Goal.objects.filter(episode=world.episode).exists()
        assert not NetworkMeeting.objects.filter(episode=world.episode).exists()
    without = _query_count(client, url)
    with scopes_disabled():
        Goal.objects.create(episode=world.episode, text="Arki sujuu", created_by=world.member)
        NetworkMeeting.objects.create(
            episode=world.episode,
            held_on=dt.date(2026, 3, 2),
            notes="Neuvottelu koulun kanssa",
            created_by=world.member,
        )
    # By hand: the goals (1), the network meetings (1) and their partners (1).
    assert _query_count(client, url) == without + 3
    page = client.get(url).content.decode()
    assert "Arki sujuu" in page and "Neuvottelu koulun kanssa" in page


# --------------------------------------------------------------------------- intake


def _intake(**data: str) -> dict[str, str]:
    base = {
        "mode": "person",
        "first_names": "",
        "last_name": "",
        "hetu": "",
        "birth_date": "",
        "gender": "unknown",
        "alias_label": "",
        "alias_gender": "unknown",
        "alias_birth_year": "",
        "role": "client",
        "violence_role": "",
        "status": "active",
        "start_date": "",
        "referral_source": "self",
        "referral_contact": "",
        "service_task": "",
        "child_violence_role": "",
        "lapset-TOTAL_FORMS": "3",
        "lapset-INITIAL_FORMS": "0",
        "lapset-MIN_NUM_FORMS": "0",
        "lapset-MAX_NUM_FORMS": "12",
    }
    for row in range(3):
        base.update(
            {
                f"lapset-{row}-first_names": "",
                f"lapset-{row}-last_name": "",
                f"lapset-{row}-birth_date": "",
                f"lapset-{row}-birth_year": "",
                f"lapset-{row}-gender": "unknown",
            }
        )
    base.update(data)
    return base


def test_the_night_intake_of_an_anonymous_mother_and_two_children(client: Client) -> None:
    world = build_world()
    login_verified(client, world.member)
    url = reverse("episodes:open", args=[world.shelter.slug])
    page = client.get(url)
    assert "Anonyymi asiakas" in page.content.decode()
    with time_machine.travel(dt.datetime(2026, 3, 10, 0, 5, tzinfo=dt.UTC), tick=False):
        response = client.post(
            url,
            _intake(
                mode="alias",
                alias_label="Äiti yö 10.3.",
                alias_birth_year="1991",
                violence_role="experienced",
                child_violence_role="witnessed",
                **{
                    "lapset-0-first_names": "Lapsi 1",
                    "lapset-0-birth_year": "2018",
                    "lapset-1-first_names": "Lapsi 2",
                    "lapset-1-birth_year": "2021",
                },
            ),
        )
    assert response.status_code == 302
    with scopes_disabled():
        episode = Episode.objects.exclude(pk=world.episode.pk).get()
        rows = sorted(
            Participant.objects.filter(episode=episode).values_list(
                "alias__label", "alias__birth_year", "role"
            )
        )
    assert response["Location"] == reverse("episodes:detail", args=[episode.pk])
    assert (episode.status, episode.start_date) == ("active", dt.date(2026, 3, 10))
    assert rows == [
        ("Lapsi 1", 2018, "child"),
        ("Lapsi 2", 2021, "child"),
        ("Äiti yö 10.3.", 1991, "client"),
    ]
    detail = client.get(response["Location"]).content.decode()
    assert "Äiti yö 10.3." in detail and "Lapsi 2" in detail


def test_an_identified_intake_with_a_child(client: Client) -> None:
    world = build_world()
    login_verified(client, world.member)
    response = client.post(
        reverse("episodes:open", args=[world.shelter.slug]),
        _intake(
            first_names="Saara",
            last_name="Keksitty",
            hetu="131052-308T",
            **{"lapset-0-first_names": "Eetu", "lapset-0-birth_date": "2020-05-01"},
        ),
    )
    assert response.status_code == 302
    with scopes_disabled():
        saara = Person.objects.get(first_names="Saara")
        eetu = Person.objects.get(first_names="Eetu")
    assert saara.birth_date == dt.date(1952, 10, 13)
    assert (eetu.last_name, eetu.birth_date) == ("Keksitty", dt.date(2020, 5, 1))


def test_the_intake_form_keeps_what_was_typed_and_explains_errors(client: Client) -> None:
    world = build_world()
    login_verified(client, world.member)
    response = client.post(
        reverse("episodes:open", args=[world.shelter.slug]),
        _intake(
            first_names="Kirjoitettu Etunimi",
            hetu="131052-308X",
            referral_contact="Sosiaalityöntekijä Testinen",
            **{"lapset-1-first_names": "Lapsi Rivillä Kaksi", "lapset-1-birth_year": "1800"},
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Kirjoitettu Etunimi"' in html
    assert 'value="Sosiaalityöntekijä Testinen"' in html
    assert 'value="Lapsi Rivillä Kaksi"' in html
    assert "Kirjoita sukunimi." in html
    assert "Tarkista syntymävuosi." in html
    assert re.search(r'id="id_last_name"[^>]*aria-invalid="true"', html) or re.search(
        r'aria-invalid="true"[^>]*id="id_last_name"', html
    )
    assert response.context["form"].errors["hetu"]
    with scopes_disabled():
        assert Episode.objects.count() == 1


def test_the_intake_refuses_impossible_dates_and_keeps_the_input(client: Client) -> None:
    """Birth year 1800 and an episode starting in 1066 (issue 10; tupa/core/dates.py)."""
    world = build_world()
    login_verified(client, world.member)
    url = reverse("episodes:open", args=[world.shelter.slug])
    response = client.post(
        url,
        _intake(
            first_names="Vanha",
            last_name="Keksitty",
            birth_date="1800-06-01",
            start_date="1066-10-14",
            **{"lapset-0-first_names": "Eetu", "lapset-0-birth_date": "0001-01-01"},
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["birth_date"] == ["Syntymäaika ei voi olla ennen vuotta 1900."]
    assert errors["start_date"] == ["Anna päivämäärä väliltä 1.1.2000–31.12.2100."]
    html = response.content.decode()
    assert "Syntymäaika ei voi olla ennen vuotta 1900." in html
    for typed in ('value="Vanha"', 'value="1800-06-01"', 'value="1066-10-14"', 'value="Eetu"'):
        assert typed in html
    # A valid code of the 1800s: the birth date it gives is refused on the code.
    response = client.post(
        url, _intake(first_names="Vanha", last_name="Keksitty", hetu="131052+308T")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["hetu"] == ["Syntymäaika ei voi olla ennen vuotta 1900."]
    with scopes_disabled():
        assert Episode.objects.count() == 1


def test_the_status_and_edit_forms_refuse_year_1066(client: Client) -> None:
    world = build_world()
    login_verified(client, world.member)
    url = reverse("episodes:edit_status", args=[world.episode.pk])
    response = client.post(
        url, {"version": "1", "status": "ended", "end_date": "1066-10-14", "end_reason": "other"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["end_date"] == [
        "Anna päivämäärä väliltä 1.1.2000–31.12.2100."
    ]
    assert response.context["form"]["end_date"].value() == "1066-10-14"
    with scopes_disabled():
        assert Episode.objects.get(pk=world.episode.pk).status == "active"


def test_the_client_list_filter_refuses_year_9999() -> None:
    from tupa.episodes.forms.lists import ClientListFilterForm

    form = ClientListFilterForm({"opened_from": "0001-01-01", "opened_to": "9999-12-31"})
    assert form.errors == {
        "opened_from": ["Anna päivämäärä väliltä 1.1.2000–31.12.2100."],
        "opened_to": ["Anna päivämäärä väliltä 1.1.2000–31.12.2100."],
    }


def test_the_status_form_keeps_the_typed_end_and_shows_a_conflict(client: Client) -> None:
    world = build_world()
    login_verified(client, world.member)
    url = reverse("episodes:edit_status", args=[world.episode.pk])
    response = client.post(url, {"version": "1", "status": "ended", "end_date": "2026-02-01"})
    assert response.status_code == 200
    assert "Valitse päättymisen syy." in response.content.decode()
    assert response.context["form"]["end_date"].value() == "2026-02-01"
    with scopes_disabled():
        Episode.objects.filter(pk=world.episode.pk).update(version=2)
    response = client.post(
        url,
        {"version": "1", "status": "ended", "end_date": "2026-02-01", "end_reason": "other"},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert str(CONFLICT_MESSAGE) in html
    assert 'name="version" value="2"' in html
    assert response.context["form"]["end_reason"].value() == "other"
    response = client.post(
        url,
        {"version": "2", "status": "ended", "end_date": "2026-02-01", "end_reason": "other"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert Episode.objects.get(pk=world.episode.pk).status == "ended"


def test_the_edit_pages_save_through_the_services(client: Client) -> None:
    world = build_world()
    login_verified(client, world.member)
    pk = world.episode.pk
    posts = [
        ("goal_add", {"text": "Turvallinen arki", "review_date": "2026-04-01"}),
        ("network_meeting_add", {"held_on": "2026-02-01", "child_participated": "on"}),
        ("external_referral_add", {"service_name": "Vertaisryhmä", "referred_on": "2026-02-02"}),
        ("contact_permission", {"version": "1", "permission": "yes", "date": "2026-02-03"}),
        (
            "add_participant",
            {
                "mode": "person",
                "first_names": "Isoäiti",
                "last_name": "Keksitty",
                "gender": "female",
                "alias_gender": "unknown",
                "role": "close_person",
            },
        ),
        ("assignment_add", {"user": str(world.jussi_worker.pk), "valid_from": "2026-02-01"}),
        (
            "edit",
            {
                "version": "2",  # the contact permission above saved version 2
                "referral_source": "police",
                "referral_contact": "Komisario Keksitty",
                "service_task": "child_family",
                "start_date": "2026-01-05",
                "summary": "Tilanne rauhoittunut",
            },
        ),
    ]
    for name, data in posts:
        response = client.post(reverse(f"episodes:{name}", args=[pk]), data)
        assert response.status_code == 302, (
            name,
            response.context and response.context["form"].errors,
        )
    with scopes_disabled():
        episode = Episode.objects.get(pk=pk)
        assert episode.goals.get().text == "Turvallinen arki"
        assert episode.network_meetings.get().child_participated is True
        assert episode.external_referrals.get().service_name == "Vertaisryhmä"
        assert (episode.contact_permission, episode.contact_permission_date) == (
            True,
            dt.date(2026, 2, 3),
        )
        assert (
            episode.participants.filter(role="close_person").get().person.first_names == "Isoäiti"
        )
        assert episode.assignments.filter(user=world.jussi_worker).exists()
        assert (episode.referral_source, episode.service_task, episode.version) == (
            "police",
            "child_family",
            3,
        )
    detail = client.get(reverse("episodes:detail", args=[pk])).content.decode()
    for text in (
        "Turvallinen arki",
        "Vertaisryhmä",
        "Isoäiti",
        "Jussi Jussityö",
        "Tilanne rauhoittunut",
        "Komisario Keksitty",
    ):
        assert text in detail


def test_client_list_filters(client: Client) -> None:
    world = build_world()
    _episode_with(world, world.shelter, "Hilda", "Haettava")
    with scopes_disabled():
        ended = EpisodeFactory(
            service_form=world.shelter,
            organisation=world.org,
            status="ended",
            end_date=dt.date(2026, 2, 1),
            end_reason="other",
        )
        ParticipantFactory(episode=ended, person__first_names="Päättynyt")
    login_verified(client, world.member)
    url = reverse("episodes:client_list", args=[world.shelter.slug])
    found = client.post(url, {"q": "hilda haett"}).context["page"].object_list  # never GET
    assert [p.person.first_names for e in found for p in e.current_participants] == ["Hilda"]
    ended_only = client.get(url, {"status": "ended"}).context["page"].object_list
    assert [e.pk for e in ended_only] == [ended.pk]
    bad = client.get(url, {"opened_from": "2026-03-01", "opened_to": "2026-02-01"})
    assert bad.context["page"] is None
    assert "Loppupäivä ei voi olla ennen alkupäivää." in bad.content.decode()


def test_the_dashboard_panel_renders_with_and_without_counts() -> None:
    from django.template.loader import render_to_string

    world = build_world()
    from tupa.episodes import selectors

    plain = render_to_string("episodes/_dashboard_panel.html", {})
    assert "Omat asiakkuudet" in plain and "Poikkeukselliset pääsyt" not in plain
    with scopes_disabled():
        panel = selectors.dashboard_panel(user=world.lead)
    rich = render_to_string("episodes/_dashboard_panel.html", {"episodes_panel": panel})
    assert "Poikkeukselliset pääsyt" in rich
