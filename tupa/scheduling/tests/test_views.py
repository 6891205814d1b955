"""Appointment screens: access matrix, names and the access log, canary, planning with conflict
warnings, outcomes and query counts. "Today" is Friday 20.11.2026 (week 47: 16.–22.11.)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from tupa.accounts.models import Role
from tupa.audit.models import AccessEvent
from tupa.core.conflicts import MESSAGE as CONFLICT_MESSAGE
from tupa.core.tests.factories import (
    ParticipantFactory,
    PersonFactory,
    ServiceFormFactory,
    client_in,
    org_role_user,
    worker_in,
)
from tupa.core.tests.helpers import login_verified
from tupa.episodes.models import Entry
from tupa.people.models import Person
from tupa.scheduling.models import Appointment, Outcome, PlaceKind

from .support import World, plan, planning_data, t, world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

CANARY_FORM = "KANARIA-toinen-tyomuoto-7Q"
CANARY_ORG = "KANARIA-toinen-organisaatio-3X"
CANARY_PLACE = "KANARIA-osoite-9P"


@pytest.fixture
def w() -> World:
    data = world()
    data.extra["visit"] = plan(
        data.worker, data.form, t(2026, 11, 17, 10), episode=data.episode, place_note=CANARY_PLACE
    )
    data.extra["meeting"] = plan(
        data.colleague, data.form, t(2026, 11, 18, 14), type="other", place_kind=PlaceKind.OTHER
    )
    # Another service form of the same organisation: its worker invites ours as a co-worker.
    other = ServiceFormFactory.create(organisation=data.form.organisation)
    other_worker = worker_in(other)
    _person, other_episode = client_in(other, first_names=CANARY_FORM, last_name="Piilo")
    data.extra["other_form"] = other
    data.extra["other_worker"] = other_worker
    data.extra["foreign"] = plan(
        other_worker,
        other,
        t(2026, 11, 19, 9),
        episode=other_episode,
        co_workers=[data.worker],
        note=CANARY_FORM,
    )
    # Another organisation altogether.
    far = ServiceFormFactory.create(slug=data.form.slug + "-x")
    far_worker = worker_in(far)
    _p, far_episode = client_in(far, first_names=CANARY_ORG, last_name="Kaukana")
    data.extra["far_worker"] = far_worker
    data.extra["far"] = plan(far_worker, far, t(2026, 11, 17, 10), episode=far_episode)
    return data


def _form_urls(w: World) -> list[str]:
    visit = w.extra["visit"]
    return [
        reverse("scheduling:team_week", args=[w.form.slug]),
        reverse("scheduling:create", args=[w.form.slug]),
        reverse("scheduling:detail", args=[visit.pk]),
        reverse("scheduling:edit", args=[visit.pk]),
        reverse("scheduling:episode", args=[w.episode.pk]),
    ]


def _personal_urls() -> list[str]:
    return [reverse("scheduling:my_calendar"), reverse("scheduling:feed_settings")]


# --------------------------------------------------------------------------- access


@pytest.mark.parametrize("who", ["worker", "lead"])
def test_members_reach_every_page(client: Client, w: World, who: str) -> None:
    login_verified(client, getattr(w, who))
    for url in _form_urls(w) + _personal_urls():
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "who", ["other form", "other organisation", "executive director", "admin", "dpo"]
)
def test_outsiders_get_404(client: Client, w: World, who: str) -> None:
    user = {
        "other form": lambda: w.extra["other_worker"],
        "other organisation": lambda: w.extra["far_worker"],
        "executive director": lambda: org_role_user(w.form.organisation, Role.EXECUTIVE_DIRECTOR),
        "admin": lambda: org_role_user(w.form.organisation, Role.ADMINISTRATOR),
        "dpo": lambda: org_role_user(w.form.organisation, Role.DATA_PROTECTION_OFFICER),
    }[who]()
    login_verified(client, user)
    for url in _form_urls(w):
        assert client.get(url).status_code == 404, (who, url)
        assert client.post(url, {}).status_code in (404, 405), (who, url)
    for url in _personal_urls():
        expected = 200 if who in ("other form", "other organisation") else 404
        assert client.get(url).status_code == expected, (who, url)


def test_anonymous_is_sent_to_login(client: Client, w: World) -> None:
    for url in _form_urls(w) + _personal_urls():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url


def test_bad_ids_are_404(client: Client, w: World) -> None:
    login_verified(client, w.worker)
    assert client.get(reverse("scheduling:detail", args=[999999])).status_code == 404
    assert client.get(reverse("scheduling:episode", args=[999999])).status_code == 404
    assert client.get(reverse("scheduling:team_week", args=["ei-ole"])).status_code == 404
    create = reverse("scheduling:create", args=[w.form.slug])
    assert client.get(create, {"asiakkuus": "abc"}).status_code == 404
    foreign_episode = w.extra["foreign"].episode_id
    assert client.get(create, {"asiakkuus": foreign_episode}).status_code == 404
    # The other form's appointment where our worker is co-worker: reachable, but no names.
    html = client.get(reverse("scheduling:detail", args=[w.extra["foreign"].pk])).content.decode()
    assert "Varattu" in html and CANARY_FORM not in html


# --------------------------------------------------------------------------- calendars


def test_my_week_names_visible_clients_and_logs_them(client: Client, w: World) -> None:
    login_verified(client, w.worker)
    html = client.get(reverse("scheduling:my_calendar")).content.decode()
    assert "Viikko 47: 16.11.–22.11.2026" in html
    assert "Maanantai 16.11." in html and "Sunnuntai 22.11." in html
    assert "Kanariina Lintunen" in html  # own client
    assert "Varattu" in html  # the other form's appointment
    assert CANARY_FORM not in html and CANARY_ORG not in html
    assert "Ei tapaamisia" in html
    with scopes_disabled():
        events = list(AccessEvent.objects.filter(user=w.worker))
    person_ct = ContentType.objects.get_for_model(Person)
    assert [(e.subject_type_id, e.subject_id, e.basis, e.action) for e in events] == [
        (person_ct.pk, str(w.person.pk), "membership", "list")
    ]


def test_day_view_and_navigation(client: Client, w: World) -> None:
    login_verified(client, w.worker)
    url = reverse("scheduling:my_calendar")
    html = client.get(url, {"paiva": "2026-11-17", "nakyma": "paiva"}).content.decode()
    assert "Tiistai 17.11.2026" in html and "Kanariina Lintunen" in html
    assert "?paiva=2026-11-16&amp;nakyma=paiva" in html
    assert "?paiva=2026-11-18&amp;nakyma=paiva" in html
    html = client.get(url, {"paiva": "2026-11-24"}).content.decode()
    assert "Viikko 48: 23.11.–29.11.2026" in html and "Kanariina" not in html
    # A bad date falls back to this week.
    assert "Viikko 47" in client.get(url, {"paiva": "huomenna"}).content.decode()


@pytest.mark.parametrize("paiva", ["9999-12-31", "0001-01-01", "2101-01-03", "1999-12-31"])
@pytest.mark.parametrize("nakyma", ["viikko", "paiva"])
def test_a_date_out_of_bounds_shows_this_week_with_a_message(
    client: Client, w: World, paiva: str, nakyma: str
) -> None:
    """Year 9999 broke "next week" with a server error (issue 10); 2000–2100 is the range."""
    login_verified(client, w.lead)
    for url in (
        reverse("scheduling:my_calendar"),
        reverse("scheduling:team_week", args=[w.form.slug]),
    ):
        response = client.get(url, {"paiva": paiva, "nakyma": nakyma})
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "Anna päivämäärä väliltä 1.1.2000–31.12.2100." in html, url
        assert "20.11.2026" in html or "Viikko 47" in html, url


def test_the_edges_of_the_range_still_show(client: Client, w: World) -> None:
    login_verified(client, w.lead)
    url = reverse("scheduling:team_week", args=[w.form.slug])
    html = client.get(url, {"paiva": "2100-12-31"}).content.decode()
    assert "27.12.–2.1.2101" in html and "väliltä" not in html
    html = client.get(url, {"paiva": "2000-01-01"}).content.decode()
    assert "27.12.–2.1.2000" in html and "väliltä" not in html


def test_team_week_shows_members_side_by_side(client: Client, w: World) -> None:
    login_verified(client, w.lead)
    html = client.get(reverse("scheduling:team_week", args=[w.form.slug])).content.decode()
    for name in ("Wilma Työntekijä", "Leena Esihenkilö", "Kalle Kollega"):
        assert f'<th scope="col">{name}</th>' in html
    assert "Kanariina Lintunen" in html
    assert CANARY_FORM not in html and CANARY_ORG not in html
    # The other form's appointment is in our worker's column, but only as "Varattu".
    assert "Varattu" in html


def test_calendar_query_counts_do_not_grow_with_rows(
    client: Client, w: World, django_assert_max_num_queries: Any
) -> None:
    login_verified(client, w.lead)
    urls = [
        reverse("scheduling:my_calendar"),
        reverse("scheduling:team_week", args=[w.form.slug]),
        reverse("scheduling:episode", args=[w.episode.pk]),
    ]
    for url in urls:  # warm up (session, content types)
        client.get(url)
    for day in range(16, 21):
        for hour in (8, 12, 15):
            plan(
                w.lead,
                w.form,
                t(2026, 11, day, hour),
                episode=w.episode,
                co_workers=[w.colleague],
            )
            person = PersonFactory.create(organisation=w.form.organisation)
            ParticipantFactory.create(episode=w.episode, person=person, role="child")
    with django_assert_max_num_queries(25):
        assert client.get(urls[0]).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(urls[1]).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(urls[2]).status_code == 200


def test_canary_never_appears(client: Client, w: World) -> None:
    for user in (w.worker, w.lead, w.colleague):
        client.logout()
        login_verified(client, user)
        for url in _form_urls(w) + _personal_urls():
            html = client.get(url).content.decode()
            assert CANARY_FORM not in html and CANARY_ORG not in html, url
    # The place note (it may hold an address) is shown only to those who see the episode.
    client.logout()
    login_verified(client, w.extra["other_worker"])
    html = client.get(reverse("scheduling:detail", args=[w.extra["foreign"].pk])).content.decode()
    assert CANARY_FORM in html  # their own client: visible to them
    assert CANARY_PLACE not in html


# --------------------------------------------------------------------------- planning


def test_the_form_refuses_year_1066_and_keeps_the_input(client: Client, w: World) -> None:
    login_verified(client, w.worker)
    url = reverse("scheduling:create", args=[w.form.slug])
    response = client.post(
        url, planning_data(w, date="1066-10-14", repeat="weekly", repeat_until="9999-12-31")
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["date"] == ["Anna päivämäärä väliltä 1.1.2000–31.12.2100."]
    assert errors["repeat_until"] == ["Anna päivämäärä väliltä 1.1.2000–31.12.2100."]
    html = response.content.decode()
    assert 'value="1066-10-14"' in html and 'value="9999-12-31"' in html
    with scopes_disabled():
        assert not Appointment.objects.filter(starts_at__year=1066).exists()


def test_form_errors_are_finnish_and_keep_the_input(client: Client, w: World) -> None:
    login_verified(client, w.worker)
    url = reverse("scheduling:create", args=[w.form.slug])
    response = client.post(
        url, planning_data(w, date="huomenna", start="12:00", end="11:00", place_note="Ovikoodi")
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Anna päivä muodossa pp.kk.vvvv." in html
    assert "Päättymisajan on oltava alkamisajan jälkeen." in html
    assert 'value="huomenna"' in html and 'value="Ovikoodi"' in html
    assert 'aria-invalid="true"' in html
    response = client.post(url, planning_data(w, place_kind="partner", repeat="weekly"))
    html = response.content.decode()
    assert "Valitse yhteistyötaho, jonka tiloissa tapaaminen on." in html
    assert "Anna joko toiston päättymispäivä tai kertojen määrä." in html
    with scope(organisation=w.form.organisation_id):
        assert Appointment.objects.count() == 3


def test_plan_with_conflict_warning_then_save_anyway(client: Client, w: World) -> None:
    login_verified(client, w.worker)
    url = reverse("scheduling:create", args=[w.form.slug])
    data = planning_data(w, date="2026-11-19", start="09:30", end="10:30")
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Päällekkäisiä varauksia" in html
    assert "Työntekijällä Wilma Työntekijä on jo tapaaminen to 19.11.2026 09:00–10:00." in html
    assert "Tallenna silti" in html and 'value="09:30"' in html
    response = client.post(url, {**data, "confirm": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("scheduling:my_calendar") + "?paiva=2026-11-19"


def test_plan_a_weekly_series_for_the_episode(client: Client, w: World) -> None:
    login_verified(client, w.worker)
    url = reverse("scheduling:create", args=[w.form.slug]) + f"?asiakkuus={w.episode.pk}"
    assert "Kanariina Lintunen" in client.get(url).content.decode()
    response = client.post(
        url, planning_data(w, date="2026-11-23", repeat="weekly", repeat_count="4")
    )
    assert response.status_code == 302
    with scope(organisation=w.form.organisation_id):
        rows = list(Appointment.objects.filter(series__isnull=False).order_by("starts_at"))
    assert [timezone_local(r.starts_at) for r in rows] == [
        "23.11. 10:00",
        "30.11. 10:00",
        "07.12. 10:00",
        "14.12. 10:00",
    ]
    html = client.get(reverse("scheduling:episode", args=[w.episode.pk])).content.decode()
    assert html.count("toistuva") >= 4


def timezone_local(value: dt.datetime) -> str:
    from django.utils import timezone

    return timezone.localtime(value).strftime("%d.%m. %H:%M")


def test_record_outcome_creates_the_journal_entry(client: Client, w: World) -> None:
    login_verified(client, w.worker)
    visit = w.extra["visit"]
    url = reverse("scheduling:detail", args=[visit.pk])
    response = client.post(url, {"outcome": "happened", "outcome_note": "Hyvä käynti."})
    assert response.status_code == 302
    with scope(organisation=w.form.organisation_id):
        visit.refresh_from_db()
        entry = Entry.objects.get()
    assert visit.outcome == Outcome.HAPPENED and visit.journal_entry == entry
    html = client.get(reverse("episodes:journal_list", args=[w.episode.pk])).content.decode()
    assert "Kotikäynti 17.11.2026 10:00–11:00 toteutui." in html
    html = client.get(url).content.decode()
    assert "Korjaa lopputulosta" in html and 'data-outcome="happened"' in html
    # Missing choice → Finnish error.
    response = client.post(url, {"outcome": ""})
    assert response.status_code == 400
    assert "Valitse tapaamisen lopputulos." in response.content.decode()


def test_edit_moves_one_occurrence(client: Client, w: World) -> None:
    login_verified(client, w.worker)
    visit = w.extra["visit"]
    url = reverse("scheduling:edit", args=[visit.pk])
    data = planning_data(w, date="2026-11-25", start="13:00", end="14:00", version=visit.version)
    data.pop("episode")
    response = client.post(url, data)
    assert response.status_code == 302
    with scope(organisation=w.form.organisation_id):
        visit.refresh_from_db()
    assert visit.starts_at == t(2026, 11, 25, 13)
    # The same (now stale) version again is a conflict: what was typed stays, the form takes
    # the saved version, and saving again from it goes through.
    response = client.post(url, {**data, "start": "15:00", "end": "16:00"})
    html = response.content.decode()
    assert response.status_code == 409
    assert str(CONFLICT_MESSAGE) in html and 'value="15:00"' in html
    assert f'name="version" value="{visit.version}"' in html
    response = client.post(
        url, {**data, "start": "15:00", "end": "16:00", "version": visit.version}
    )
    assert response.status_code == 302
    with scope(organisation=w.form.organisation_id):
        visit.refresh_from_db()
    assert visit.starts_at == t(2026, 11, 25, 15)
