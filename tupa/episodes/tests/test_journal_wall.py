"""The perpetrator/victim wall on the journal and its attachments: a Jussi-työ worker — also one
who works in a neutral form too, with a consent to Jussi-työ and an unexpired break-the-glass
written directly (as an older version could have) — reaches no entry, version, correction or
attachment of a shelter episode (404), and nothing is logged for her."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from tupa.accounts.models import Role, User
from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import MembershipFactory, ServiceFormFactory, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.episodes import journal
from tupa.episodes.journal import attachments
from tupa.episodes.models import BreakGlass
from tupa.episodes.tests.journal_support import (
    Family,
    entry_kwargs,
    make_family,
    png_bytes,
    upload,
)
from tupa.people.models import Consent, Person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def _jussi_users(family: Family) -> list[User]:
    jussi = ServiceFormFactory(
        organisation=family.shelter.organisation,
        area=family.shelter.area,
        team=family.shelter.team,
        slug="jussi",
        name="Jussi-työ",
        violence_work="perpetrator",
    )
    plain = worker_in(jussi)
    mixed = worker_in(jussi)
    MembershipFactory(
        user=mixed,
        organisation=mixed.organisation,
        service_form=family.other_form,
        role=Role.WORKER,
    )
    now = timezone.now()
    with scopes_disabled():
        Consent.objects.create(
            person=family.mother,
            purpose="sharing",
            recipient_service_form=jussi,
            episode=family.episode,
            given_on=dt.date(2026, 1, 5),
            recorded_by=family.worker,
        )
        for user in (plain, mixed):
            BreakGlass.objects.create(
                user=user,
                episode=family.episode,
                reason="Kiireellinen tilanne",
                started_at=now,
                expires_at=now + dt.timedelta(hours=2),
            )
    return [plain, mixed]


def test_no_jussi_worker_reaches_her_journal_or_attachments(
    client: Client, django_capture_on_commit_callbacks: object
) -> None:
    family = make_family()
    with scope(organisation=family.episode.organisation_id):
        kwargs = entry_kwargs()
        kwargs["participants"] = [family.mother_p]
        entry = journal.entry_create(actor=family.worker, episode=family.episode, **kwargs)  # type: ignore[arg-type]
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
            attachment = attachments.attachment_add(
                actor=family.worker,
                entry=entry,
                uploaded=upload("piirustus.png", png_bytes()),
                kind="child_drawing",
            )
    urls = [
        reverse("episodes:journal_list", args=[family.episode.pk]),
        reverse("episodes:journal_create", args=[family.episode.pk]),
        reverse("episodes:journal_versions", args=[entry.pk]),
        reverse("episodes:journal_correct", args=[entry.pk]),
        reverse("episodes:journal_attachment_add", args=[entry.pk]),
        reverse("episodes:journal_attachment", args=[attachment.pk]),
    ]
    # The shelter's own worker reaches them (so the 404s below are the wall's).
    login_verified(client, family.worker)
    assert client.get(urls[-1]).status_code == 200
    for user in _jussi_users(family):
        client.logout()
        login_verified(client, user)
        for url in urls:
            assert client.get(url).status_code == 404, url
        assert client.post(urls[3], {"text": "x", "correction_reason": "y"}).status_code == 404
        with scope(organisation=family.episode.organisation_id):
            assert not AccessEvent.objects.filter(
                user=user,
                subject_type=ContentType.objects.get_for_model(Person),
                subject_id=family.mother.pk,
            ).exists()
