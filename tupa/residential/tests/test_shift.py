"""Shift log: shift computation (midnight, DST), append-only correction, validation, access
matrix, access log, canary and query counts."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.shortcuts import resolve_url
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from tupa.accounts.models import Role
from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import (
    EpisodeFactory,
    ParticipantFactory,
    PersonFactory,
    ServiceFormFactory,
    org_role_user,
    worker_in,
)
from tupa.core.tests.helpers import login_verified, module_world
from tupa.episodes.models import Episode
from tupa.organisations.models import ServiceForm
from tupa.people.models import Person
from tupa.residential.models import ShiftNote
from tupa.residential.shiftlog import selectors as shift_selectors
from tupa.residential.shiftlog import services as shift_services

pytestmark = pytest.mark.django_db

UTC = dt.UTC
NOW = dt.datetime(2026, 3, 15, 17, 30, tzinfo=UTC)  # 19:30 in Helsinki: evening shift of 15.3.


@pytest.mark.parametrize(
    ("moment", "shift", "day"),
    [
        # Winter time, UTC+2.
        (dt.datetime(2026, 3, 15, 4, 59, tzinfo=UTC), "night", dt.date(2026, 3, 14)),  # 06:59
        (dt.datetime(2026, 3, 15, 5, 0, tzinfo=UTC), "morning", dt.date(2026, 3, 15)),  # 07:00
        (dt.datetime(2026, 3, 15, 12, 59, tzinfo=UTC), "morning", dt.date(2026, 3, 15)),  # 14:59
        (dt.datetime(2026, 3, 15, 13, 0, tzinfo=UTC), "evening", dt.date(2026, 3, 15)),  # 15:00
        (dt.datetime(2026, 3, 15, 19, 59, tzinfo=UTC), "evening", dt.date(2026, 3, 15)),  # 21:59
        (dt.datetime(2026, 3, 15, 20, 0, tzinfo=UTC), "night", dt.date(2026, 3, 15)),  # 22:00
        (dt.datetime(2026, 3, 15, 21, 59, tzinfo=UTC), "night", dt.date(2026, 3, 15)),  # 23:59
        (dt.datetime(2026, 3, 15, 22, 0, tzinfo=UTC), "night", dt.date(2026, 3, 15)),  # 00:00 16.3.
        # New Year's night belongs to 31 December.
        (dt.datetime(2025, 12, 31, 23, 30, tzinfo=UTC), "night", dt.date(2025, 12, 31)),
        # Spring forward 29.3.2026: 03:00 EET → 04:00 EEST at 01:00 UTC.
        (dt.datetime(2026, 3, 29, 0, 30, tzinfo=UTC), "night", dt.date(2026, 3, 28)),  # 02:30
        (dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "night", dt.date(2026, 3, 28)),  # 04:00
        (dt.datetime(2026, 3, 29, 3, 59, tzinfo=UTC), "night", dt.date(2026, 3, 28)),  # 06:59
        (dt.datetime(2026, 3, 29, 4, 0, tzinfo=UTC), "morning", dt.date(2026, 3, 29)),  # 07:00
        # Fall back 25.10.2026: 04:00 EEST → 03:00 EET at 01:00 UTC; 03:30 happens twice.
        (dt.datetime(2026, 10, 24, 19, 0, tzinfo=UTC), "night", dt.date(2026, 10, 24)),  # 22:00
        (dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "night", dt.date(2026, 10, 24)),  # 03:30
        (dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "night", dt.date(2026, 10, 24)),  # 03:30
        (dt.datetime(2026, 10, 25, 4, 0, tzinfo=UTC), "night", dt.date(2026, 10, 24)),  # 06:00
        (dt.datetime(2026, 10, 25, 5, 0, tzinfo=UTC), "morning", dt.date(2026, 10, 25)),  # 07:00
    ],
)
def test_shift_at(moment: dt.datetime, shift: str, day: dt.date) -> None:
    assert shift_services.shift_at(moment) == (shift, day)


# --------------------------------------------------------------------------- helpers


def unit(**kwargs: Any) -> ServiceForm:
    return ServiceFormFactory.create(kind=ServiceForm.Kind.RESIDENTIAL, **kwargs)


def family_in(
    form: ServiceForm, first_names: str = "Aino", **kwargs: Any
) -> tuple[Episode, Person]:
    episode = EpisodeFactory.create(service_form=form, organisation=form.organisation, **kwargs)
    person = PersonFactory.create(
        organisation=form.organisation, first_names=first_names, last_name="Keksitty"
    )
    ParticipantFactory.create(episode=episode, person=person, role="client")
    ParticipantFactory.create(
        episode=episode,
        person=PersonFactory.create(organisation=form.organisation, first_names="Lapsi"),
        role="child",
    )
    return episode, person


def write(form: ServiceForm, actor, **kwargs: Any) -> ShiftNote:  # type: ignore[no-untyped-def]
    kwargs.setdefault("text", "Rauhallinen vuoro.")
    with scope(organisation=form.organisation):
        return shift_services.shift_note_write(actor=actor, service_form=form, **kwargs)


def correct(note: ShiftNote, actor, **kwargs: Any) -> ShiftNote:  # type: ignore[no-untyped-def]
    values = {
        "text": note.text,
        "shift": note.shift,
        "shift_date": note.shift_date,
        "important": note.important,
        "episodes": [],
        **kwargs,
    }
    with scope(organisation=note.organisation):
        return shift_services.shift_note_correct(actor=actor, note=note, **values)


# --------------------------------------------------------------------------- services


@time_machine.travel(NOW, tick=False)
def test_write_defaults_to_the_current_shift() -> None:
    form = unit()
    note = write(form, worker_in(form))
    assert (note.shift, note.shift_date) == ("evening", dt.date(2026, 3, 15))
    assert not note.important
    with time_machine.travel(dt.datetime(2026, 3, 15, 23, 30, tzinfo=UTC), tick=False):
        later = write(form, worker_in(form))  # 01:30 on 16.3.: the night of 15.3.
    assert (later.shift, later.shift_date) == ("night", dt.date(2026, 3, 15))


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"text": "   "}, "text", "Kirjoita raportti."),
        ({"text": "x" * 4001}, "text", "Raportti voi olla enintään 4000 merkkiä."),
        ({"shift": "day", "shift_date": dt.date(2026, 3, 15)}, "shift", "Valitse vuoro."),
        (
            {"shift": "morning", "shift_date": dt.date(2026, 3, 16)},
            "shift_date",
            "Vuoron päivä ei voi olla tulevaisuudessa.",
        ),
    ],
)
def test_write_validation_in_finnish(kwargs: dict, field: str, message: str) -> None:
    form = unit()
    with pytest.raises(ValidationError) as info:
        write(form, worker_in(form), **kwargs)
    assert info.value.message_dict[field] == [message]
    with scopes_disabled():
        assert not ShiftNote.objects.exists()


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("which", ["other_unit", "ended", "other_org"])
def test_only_active_episodes_of_the_unit_can_be_linked(which: str) -> None:
    form = unit()
    if which == "other_unit":
        episode, _p = family_in(unit(organisation=form.organisation, area=form.area))
    elif which == "ended":
        episode, _p = family_in(
            form, status="ended", end_date=dt.date(2026, 3, 1), end_reason="goals_met"
        )
    else:
        episode, _p = family_in(unit())
    with pytest.raises(ValidationError) as info:
        write(form, worker_in(form), episodes=[episode])
    assert info.value.message_dict["episodes"] == [
        "Valitse asiakkuudet tämän yksikön voimassa olevista asiakkuuksista."
    ]


@pytest.mark.parametrize("who", ["other_unit", "other_org", "director", "dpo", "admin"])
def test_only_members_of_the_unit_write(who: str) -> None:
    form = unit()
    actor = {
        "other_unit": lambda: worker_in(unit(organisation=form.organisation, area=form.area)),
        "other_org": lambda: worker_in(unit()),
        "director": lambda: org_role_user(form.organisation, Role.EXECUTIVE_DIRECTOR),
        "dpo": lambda: org_role_user(form.organisation, Role.DATA_PROTECTION_OFFICER),
        "admin": lambda: org_role_user(form.organisation, Role.ADMINISTRATOR),
    }[who]()
    with pytest.raises(PermissionDenied):
        write(form, actor)


@time_machine.travel(NOW, tick=False)
def test_correction_is_append_only() -> None:
    form = unit()
    author, colleague = worker_in(form), worker_in(form, role=Role.LEAD)
    episode, _person = family_in(form)
    original = write(form, author, text="Ovikello soi klo 18.", episodes=[episode])
    with pytest.raises(PermissionDenied):
        correct(original, colleague, text="Toinen teksti")  # only the author
    fixed = correct(original, author, text="Ovikello soi klo 19.", important=True)
    assert fixed.pk != original.pk
    assert fixed.supersedes_id == original.pk
    assert (fixed.text, fixed.important) == ("Ovikello soi klo 19.", True)
    with scopes_disabled():
        original.refresh_from_db()
        assert original.text == "Ovikello soi klo 18."  # unchanged
        assert list(original.episodes.all()) == [episode]
        assert list(fixed.episodes.all()) == []
        assert ShiftNote.objects.count() == 2
    with pytest.raises(PermissionDenied):
        correct(original, author, text="Kolmas")  # only the latest version can be corrected
    third = correct(fixed, author, text="Ovikello soi klo 19.05.")
    assert third.supersedes_id == fixed.pk


@time_machine.travel(NOW, tick=False)
def test_a_correction_may_keep_a_link_to_an_episode_that_has_ended_since() -> None:
    form = unit()
    author = worker_in(form)
    episode, _person = family_in(form)
    note = write(form, author, episodes=[episode])
    with scopes_disabled():
        Episode.objects.filter(pk=episode.pk).update(
            status="ended", end_date=dt.date(2026, 3, 15), end_reason="goals_met"
        )
    fixed = correct(note, author, text="Korjattu.", episodes=[episode])
    with scopes_disabled():
        assert list(fixed.episodes.all()) == [episode]


# --------------------------------------------------------------------------- views


def _build_world() -> tuple[ServiceForm, dict[str, Any]]:
    form = unit(slug="turvakoti")
    org = form.organisation
    users = {
        "member": worker_in(form),
        "lead": worker_in(form, role=Role.LEAD),
        "coordinator": worker_in(form, role=Role.COORDINATOR),
        "other_unit": worker_in(unit(organisation=org, area=form.area)),
        "other_org": worker_in(unit()),
        "director": org_role_user(org, Role.EXECUTIVE_DIRECTOR),
        "dpo": org_role_user(org, Role.DATA_PROTECTION_OFFICER),
        "admin": org_role_user(org, Role.ADMINISTRATOR),
        "finance": org_role_user(org, Role.FINANCE),
    }
    return form, users


#: The units and their users, built once for the module and rolled back after it; each test
#: gets them read afresh (logging in changes a user in memory).
built_world, world = module_world(_build_world)


MEMBERS = {"member", "lead", "coordinator"}
EVERYONE = [
    "member",
    "lead",
    "coordinator",
    "other_unit",
    "other_org",
    "director",
    "dpo",
    "admin",
    "finance",
]


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("name", ["residential:shift_log", "residential:shift_note_write"])
@pytest.mark.parametrize("who", EVERYONE)
def test_access_matrix(world, client: Client, name: str, who: str) -> None:  # type: ignore[no-untyped-def]
    form, users = world
    login_verified(client, users[who])
    response = client.get(reverse(name, args=[form.slug]))
    assert response.status_code == (200 if who in MEMBERS else 404)


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("who", EVERYONE)
def test_correction_access(world, client: Client, who: str) -> None:  # type: ignore[no-untyped-def]
    form, users = world
    note = write(form, users["member"])
    login_verified(client, users[who])
    url = reverse("residential:shift_note_correct", args=[note.pk])
    assert client.get(url).status_code == (200 if who == "member" else 404)
    assert client.post(
        url, {"text": "x", "shift": "evening", "shift_date": "2026-03-15"}
    ).status_code in ({302} if who == "member" else {404})
    assert (
        client.get(reverse("residential:shift_note_correct", args=[note.pk + 999])).status_code
        == 404
    )


@pytest.mark.parametrize("name", ["residential:shift_log", "residential:shift_note_write"])
def test_anonymous_user_goes_to_login(world, client: Client, name: str) -> None:  # type: ignore[no-untyped-def]
    form, _users = world
    response = client.get(reverse(name, args=[form.slug]))
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == resolve_url("accounts:login")


@time_machine.travel(NOW, tick=False)
def test_write_page_defaults_and_access_log_of_the_choices(world, client: Client) -> None:  # type: ignore[no-untyped-def]
    form, users = world
    member = users["member"]
    _episode, mother = family_in(form, first_names="Valinta")
    family_in(
        form,
        first_names="Päättynyt",
        status="ended",
        end_date=dt.date(2026, 3, 1),
        end_reason="goals_met",
    )
    login_verified(client, member)
    html = client.get(reverse("residential:shift_note_write", args=[form.slug])).content.decode()
    assert 'value="evening" required id="id_shift_1" checked' in html
    assert 'name="shift_date" value="2026-03-15"' in html
    assert "Valinta Keksitty" in html
    assert "Päättynyt" not in html
    assert "Lapsi" not in html  # the children's names do not label the episode
    with scopes_disabled():
        events = list(AccessEvent.objects.all())
    assert [(e.subject_id, e.user_id, e.basis, e.action) for e in events] == [
        (str(mother.pk), member.pk, "membership", "list")
    ]


@time_machine.travel(NOW, tick=False)
def test_write_errors_in_finnish_keep_input(world, client: Client) -> None:  # type: ignore[no-untyped-def]
    form, users = world
    episode, _mother = family_in(form)
    login_verified(client, users["member"])
    url = reverse("residential:shift_note_write", args=[form.slug])
    response = client.post(
        url,
        {
            "shift": "night",
            "shift_date": "2026-03-17",
            "text": "Lapsi nukkui huonosti.",
            "important": "on",
            "episodes": [str(episode.pk)],
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vuoron päivä ei voi olla tulevaisuudessa." in html
    assert 'aria-invalid="true"' in html
    assert "Lapsi nukkui huonosti.</textarea>" in html
    assert 'value="night" required id="id_shift_2" checked' in html
    assert 'name="important" id="id_important" checked' in html
    assert f'value="{episode.pk}" id="id_episodes_0" checked' in html
    response = client.post(url, {"shift": "night", "shift_date": "2026-03-15", "text": " "})
    assert "Kirjoita raportti." in response.content.decode()
    response = client.post(
        url, {"shift": "night", "shift_date": "2026-03-15", "text": "x", "episodes": ["99999"]}
    )
    assert "Valitse asiakkuudet tämän yksikön voimassa olevista asiakkuuksista." in (
        response.content.decode()
    )
    with scopes_disabled():
        assert not ShiftNote.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_write_and_correct_through_the_pages(world, client: Client) -> None:  # type: ignore[no-untyped-def]
    form, users = world
    member = users["member"]
    episode, _mother = family_in(form)
    login_verified(client, member)
    response = client.post(
        reverse("residential:shift_note_write", args=[form.slug]),
        {
            "shift": "evening",
            "shift_date": "2026-03-15",
            "text": "Ensimmäinen.",
            "episodes": [str(episode.pk)],
        },
    )
    assert response["Location"] == reverse("residential:shift_log", args=[form.slug])
    with scopes_disabled():
        note = ShiftNote.objects.get()
    url = reverse("residential:shift_note_correct", args=[note.pk])
    html = client.get(url).content.decode()
    assert "Ensimmäinen.</textarea>" in html
    assert f'value="{episode.pk}" id="id_episodes_0" checked' in html
    response = client.post(
        url,
        {"shift": "evening", "shift_date": "2026-03-15", "text": "Korjattu.", "important": "on"},
    )
    assert response.status_code == 302
    assert client.get(url).status_code == 404  # superseded: correct the latest version instead
    html = client.get(reverse("residential:shift_log", args=[form.slug])).content.decode()
    assert "Korjattu." in html
    assert "Ensimmäinen." in html  # still readable, folded under the correction
    assert html.index("Korjattu.") < html.index("<details>") < html.index("Ensimmäinen.")


def _note_at(
    form: ServiceForm, author, day: dt.date, shift: str, text: str, **kwargs: Any
) -> ShiftNote:  # type: ignore[no-untyped-def]
    with scopes_disabled():
        note = ShiftNote.objects.create(
            organisation=form.organisation,
            service_form=form,
            shift=shift,
            shift_date=day,
            text=text,
            author=author,
            **kwargs,
        )
    return note


@time_machine.travel(NOW, tick=False)
def test_log_window_order_filter_paging_and_highlight(world, client: Client) -> None:  # type: ignore[no-untyped-def]
    form, users = world
    member = users["member"]
    d = dt.date
    _note_at(form, member, d(2026, 3, 15), "morning", "N-aamu-15")
    _note_at(form, member, d(2026, 3, 14), "night", "N-yo-14", important=True)
    _note_at(form, member, d(2026, 3, 15), "evening", "N-ilta-15")
    _note_at(form, member, d(2026, 3, 9), "morning", "N-aamu-9")  # first day of the window
    _note_at(form, member, d(2026, 3, 8), "night", "N-yo-8")  # previous week
    _note_at(form, member, d(2026, 3, 2), "evening", "N-ilta-2.3.")  # previous week
    _note_at(form, member, d(2026, 2, 28), "evening", "N-ilta-28.2.")  # two weeks back
    login_verified(client, member)
    url = reverse("residential:shift_log", args=[form.slug])
    html = client.get(url).content.decode()
    order = ["N-ilta-15", "N-aamu-15", "N-yo-14", "N-aamu-9"]
    positions = [html.index(text) for text in order]
    assert positions == sorted(positions)
    assert "N-yo-8" not in html
    assert "Raportit 9.3.–15.3.2026" in html
    important = html[html.rindex("<article", 0, html.index("N-yo-14")) : html.index("N-yo-14")]
    assert 'class="notice shift-note"' in important
    assert "tärkeä" in important
    assert "?viikko=1" in html
    older = client.get(url, {"viikko": "1"}).content.decode()
    assert "N-yo-8" in older and "N-ilta-2.3." in older
    assert "N-aamu-9" not in older and "N-ilta-28.2." not in older
    assert "?viikko=0" in older
    nights = client.get(url, {"vuoro": "night"}).content.decode()
    assert "N-yo-14" in nights
    assert "N-ilta-15" not in nights and "N-aamu-15" not in nights
    bad = client.get(url, {"vuoro": "lounas"}).content.decode()
    assert "Valitse vuoro listasta." in bad
    assert "N-ilta-15" in bad


@time_machine.travel(NOW, tick=False)
def test_log_access_events_only_for_linked_episodes_the_viewer_may_see(
    world, client: Client
) -> None:  # type: ignore[no-untyped-def]
    form, users = world
    member, lead = users["member"], users["lead"]
    visible, mother = family_in(form, first_names="Näkyvä")
    hidden_form = unit(organisation=form.organisation, area=form.area)
    hidden, stranger = family_in(hidden_form, first_names="Piilotettu")
    plain = _note_at(form, member, dt.date(2026, 3, 15), "evening", "Ei linkkiä.")
    linked = _note_at(form, member, dt.date(2026, 3, 15), "evening", "Linkitetty.")
    with scopes_disabled():
        linked.episodes.set([visible, hidden])  # the hidden one could only come from bad data
    login_verified(client, lead)
    html = client.get(reverse("residential:shift_log", args=[form.slug])).content.decode()
    assert "Näkyvä Keksitty" in html
    assert reverse("episodes:detail", args=[visible.pk]) in html
    assert "Piilotettu" not in html
    assert reverse("episodes:detail", args=[hidden.pk]) not in html
    assert plain.text in html
    with scopes_disabled():
        events = list(AccessEvent.objects.values_list("subject_id", "user_id", "basis", "action"))
    assert events == [(str(mother.pk), lead.pk, "membership", "list")]
    assert str(stranger.pk) not in {e[0] for e in events}


@time_machine.travel(NOW, tick=False)
def test_canary_other_unit_and_other_organisation(world, client: Client) -> None:  # type: ignore[no-untyped-def]
    form, users = world
    canary = "KANARIA-vuororaportti-5Z"
    other_unit = unit(organisation=form.organisation, area=form.area)
    other_org = unit()
    for other in (other_unit, other_org):
        author = worker_in(other)
        episode, _p = family_in(other, first_names=canary)
        note = write(other, author, text=canary, episodes=[episode], important=True)
        assert note.pk
    login_verified(client, users["member"])
    for name in ("residential:shift_log", "residential:shift_note_write"):
        html = client.get(reverse(name, args=[form.slug])).content.decode()
        assert canary not in html
    with scopes_disabled():
        assert not AccessEvent.objects.filter(user=users["member"]).exists()


@time_machine.travel(NOW, tick=False)
def test_log_query_count_is_flat(world, client: Client) -> None:  # type: ignore[no-untyped-def]
    form, users = world
    member = users["member"]
    url = reverse("residential:shift_log", args=[form.slug])
    episode, _p = family_in(form)
    first = _note_at(form, member, dt.date(2026, 3, 15), "morning", "Yksi.")
    with scopes_disabled():
        first.episodes.set([episode])
    login_verified(client, member)
    client.get(url)  # warm caches
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(12):
        other_episode, _p = family_in(form, first_names=f"Perhe{i}")
        note = _note_at(form, member, dt.date(2026, 3, 9 + i % 7), "evening", f"Raportti {i}.")
        with scopes_disabled():
            note.episodes.set([other_episode, episode])
        correct(note, member, text=f"Korjattu {i}.")
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert "Perhe11 Keksitty" in html
    assert "Korjattu 11." in html
    assert len(many.captured_queries) == len(few.captured_queries)


def test_selector_window() -> None:
    assert shift_selectors.window(0, today=dt.date(2026, 3, 15)) == (
        dt.date(2026, 3, 9),
        dt.date(2026, 3, 15),
    )
    assert shift_selectors.window(2, today=dt.date(2026, 3, 15)) == (
        dt.date(2026, 2, 23),
        dt.date(2026, 3, 1),
    )
