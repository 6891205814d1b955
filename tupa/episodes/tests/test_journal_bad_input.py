"""Bad input on the journal's forms (new entry, correction, attachment): a Finnish message, the
typed values kept, never a 500; hostile file names come out harmless in ``Content-Disposition``."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from tupa.core.tests.helpers import login_verified
from tupa.episodes import journal
from tupa.episodes.models import Attachment, Entry
from tupa.episodes.tests.journal_support import (
    Family,
    an_hour_ago,
    entry_kwargs,
    png_bytes,
    upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


HUGE = "9" * 30


@pytest.fixture
def entry(family: Family) -> Entry:
    kwargs = entry_kwargs()
    kwargs["participants"] = [family.mother_p]
    with scope(organisation=family.episode.organisation_id):
        return journal.entry_create(actor=family.worker, episode=family.episode, **kwargs)  # type: ignore[arg-type]


def _form_data(family: Family, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "type": "family_meeting",
        "occurred_at": timezone.localtime(an_hour_ago()).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "60",
        "place": "partner",
        "place_detail": "Neuvola",
        "participants": [family.mother_p.pk],
        "co_workers": [],
        "external_co_worker": "",
        "text": "Tapaaminen, jossa kirjoitettiin väärin.",
    }
    data.update(overrides)
    return data


GARBAGE = [
    {"participants": [HUGE]},
    {"participants": ["x"]},
    {"co_workers": [HUGE]},
    {"occurred_at": "2026-02-30T25:61"},
    {"occurred_at": "99999-01-01T10:00"},
    {"duration_minutes": HUGE},
    {"duration_minutes": "1e3"},
    {"type": "<script>", "place": "🙂"},
    {"text": "a\x00b"},
    {"external_co_worker": "x" * 5000},
]


@pytest.mark.parametrize("overrides", GARBAGE)
def test_garbage_in_a_new_entry_is_explained_not_a_crash(
    client: Client, family: Family, overrides: dict[str, Any]
) -> None:
    login_verified(client, family.worker)
    url = reverse("episodes:journal_create", args=[family.episode.pk])
    response = client.post(url, _form_data(family, **overrides))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "Neuvola" in response.content.decode()
    with scopes_disabled():
        assert not Entry.objects.filter(episode=family.episode).exists()


@pytest.mark.parametrize("overrides", GARBAGE)
def test_garbage_in_a_correction_is_explained_not_a_crash(
    client: Client, family: Family, entry: Entry, overrides: dict[str, Any]
) -> None:
    login_verified(client, family.worker)
    url = reverse("episodes:journal_correct", args=[entry.pk])
    response = client.post(url, _form_data(family, correction_reason="Kirjoitusvirhe", **overrides))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "Kirjoitusvirhe" in response.content.decode()
    with scopes_disabled():
        assert not Entry.objects.filter(supersedes=entry).exists()


def test_garbage_in_the_attachment_form_is_explained(
    client: Client, family: Family, entry: Entry
) -> None:
    login_verified(client, family.worker)
    url = reverse("episodes:journal_attachment_add", args=[entry.pk])
    for data in (
        {"kind": "<script>", "file": upload("a.png", png_bytes())},
        {"kind": "child_drawing"},
        {"kind": "child_drawing", "file": upload("a.png", b"")},
    ):
        response = client.post(url, data)
        assert response.status_code == 200
        assert response.context["form"].errors
    with scopes_disabled():
        assert not Attachment.objects.filter(entry=entry).exists()


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("..\\..\\piirros.png", "piirros.png"),
        ("kuva\u202egnp.exe.png", "kuvagnp.exe.png"),  # right-to-left override dropped
        ("rivi\r\nContent-Type: text/html.png", None),
        ('a";b.png', None),
        ("\x00\x1b[31m.png", None),
    ],
)
def test_hostile_file_names_come_out_harmless(
    client: Client,
    family: Family,
    entry: Entry,
    name: str,
    stored: str | None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    login_verified(client, family.worker)
    url = reverse("episodes:journal_attachment_add", args=[entry.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"kind": "child_drawing", "file": upload(name, png_bytes())})
    assert response.status_code == 302
    with scopes_disabled():
        attachment = Attachment.objects.get(entry=entry)
    if stored is not None:
        assert attachment.original_name == stored
    assert not set(attachment.original_name) & set('"/\\\r\n\x00\x1b\u202e;')
    response = client.get(reverse("episodes:journal_attachment", args=[attachment.pk]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition and "\u202e" not in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
