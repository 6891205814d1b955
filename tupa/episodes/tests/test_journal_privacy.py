"""The journal keeps each episode's entries and attachments to itself.

An entry of episode Y must never come to carry, show or serve an attachment of episode X —
not through a correction (the service or the form), and not to a user who reaches Y only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import client_in
from tupa.core.tests.helpers import login_verified
from tupa.episodes import journal
from tupa.episodes.journal import attachments
from tupa.episodes.models import Attachment, Entry, Participant
from tupa.episodes.tests.journal_support import (
    Family,
    entry_kwargs,
    make_family,
    png_bytes,
    upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root", "committed_at_once")]


@pytest.fixture
def two(db: Any) -> Iterator[dict[str, Any]]:
    """Episode X (the family's, with an attachment) and episode Y of another client of the same
    shelter, each with one entry by the same worker."""
    family: Family = make_family()
    _other, episode_y = client_in(family.shelter, first_names="Toinen", last_name="Asiakas")
    with scope(organisation=family.episode.organisation_id):
        entry_x = journal.entry_create(
            actor=family.worker,
            episode=family.episode,
            participants=[family.mother_p],
            **entry_kwargs(text="X:n kirjaus"),  # type: ignore[arg-type]
        )
        secret = attachments.attachment_add(
            actor=family.worker,
            entry=entry_x,
            uploaded=upload("x-piirustus.png", png_bytes()),
            kind="child_drawing",
        )
        with scopes_disabled():
            y_part = Participant.objects.get(episode=episode_y)
        entry_y = journal.entry_create(
            actor=family.worker,
            episode=episode_y,
            participants=[y_part],
            **entry_kwargs(text="Y:n kirjaus"),  # type: ignore[arg-type]
        )
        yield {
            "family": family,
            "episode_y": episode_y,
            "entry_x": entry_x,
            "entry_y": entry_y,
            "secret": secret,
        }


def _copies_of(attachment: Attachment) -> int:
    with scopes_disabled():
        return Attachment.objects.filter(sha256=attachment.sha256).exclude(pk=attachment.pk).count()


def test_a_correction_cannot_carry_another_episodes_attachment(two: dict[str, Any]) -> None:
    family, entry_y, secret = two["family"], two["entry_y"], two["secret"]
    with (
        scope(organisation=family.episode.organisation_id),
        pytest.raises(ValidationError) as error,
    ):
        journal.entry_correct(
            actor=family.worker,
            entry=entry_y,
            text="Y korjattu",
            reason="Tarkennus",
            attachments=[secret],
        )
    assert "Liitteen on oltava korjattavan kirjauksen liite." in error.value.messages
    assert _copies_of(secret) == 0
    with scopes_disabled():
        assert not Entry.objects.filter(supersedes=entry_y).exists()


def test_the_correct_form_refuses_another_episodes_attachment_id(
    client: Client, two: dict[str, Any]
) -> None:
    family, entry_y, secret = two["family"], two["entry_y"], two["secret"]
    with scope(organisation=family.episode.organisation_id):
        own = attachments.attachment_add(  # the form offers Y's own attachments
            actor=family.worker,
            entry=entry_y,
            uploaded=upload("y-piirustus.png", png_bytes(colour=(0, 0, 200))),
            kind="child_drawing",
        )
    assert own.sha256 != secret.sha256
    login_verified(client, family.worker)
    response = client.post(
        reverse("episodes:journal_correct", args=[entry_y.pk]),
        {
            "type": entry_y.type,
            "occurred_at": entry_y.occurred_at.strftime("%Y-%m-%dT%H:%M"),
            "place": entry_y.place,
            "text": "Y korjattu",
            "correction_reason": "Tarkennus",
            "attachments": [str(secret.pk)],
        },
    )
    assert response.status_code == 200  # the form again, nothing saved
    assert _copies_of(secret) == 0
    with scopes_disabled():
        assert not Entry.objects.filter(supersedes=entry_y).exists()


def test_a_worker_assigned_to_one_episode_reaches_no_other_episodes_journal(
    client: Client, two: dict[str, Any]
) -> None:
    """``assigned`` is assigned to X only: Y's entry and journal are 404, as is X's attachment
    for a worker who only works in another form; nothing is logged for a refusal."""
    family, entry_y, secret = two["family"], two["entry_y"], two["secret"]
    login_verified(client, family.assigned)
    for url in (
        reverse("episodes:journal_list", args=[two["episode_y"].pk]),
        reverse("episodes:journal_versions", args=[entry_y.pk]),
        reverse("episodes:journal_correct", args=[entry_y.pk]),
        reverse("episodes:journal_attachment_add", args=[entry_y.pk]),
    ):
        assert client.get(url).status_code == 404, url
    # X's attachment is served to X's assigned worker …
    ok = client.get(reverse("episodes:journal_attachment", args=[secret.pk]))
    assert ok.status_code == 200
    assert "no-store" in ok["Cache-Control"] and ok["X-Content-Type-Options"] == "nosniff"
    assert ok["Content-Type"] == "image/png"
    # … but not to a worker of another form of the organisation.
    client.logout()
    login_verified(client, family.other_form_worker)
    assert client.get(reverse("episodes:journal_attachment", args=[secret.pk])).status_code == 404
    with scopes_disabled():
        assert not AccessEvent.objects.filter(user=family.other_form_worker).exists()
