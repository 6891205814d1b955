"""An anonymous answer cannot be paired with its invitation (or its respondent)
by time. ADR 0014: "Anonymous means untraceable ... its date is the first day of its month".

Pinned here (not pinned before): the anonymous response's *timestamps* (``created_at`` /
``updated_at`` of the base model) hold no more than its month, whatever the channel, so the
exact moment of the answer — which the answered invitation's ``updated_at`` and a kiosk's
watcher both know — cannot single out the response.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from tupa.core.tests.factories import ServiceFormFactory, client_in, worker_in
from tupa.surveys.answering import services
from tupa.surveys.models import Invitation, Response
from tupa.surveys.tests.support import invitation_for, published_questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():  # type: ignore[no-untyped-def]
    form = ServiceFormFactory.create(name="Yksikkö")
    worker = worker_in(form)
    version = published_questionnaire(form, actor=worker, name="Palaute")
    return form, worker, version


def _month_start(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date().replace(day=1)


def _no_finer_than_month(moment: dt.datetime) -> bool:
    local = timezone.localtime(moment)
    return local.day == 1 and local.time() == dt.time(0, 0)


def test_anonymous_link_answer_keeps_no_moment_that_pairs_it_with_its_invitation(setting) -> None:  # type: ignore[no-untyped-def]
    form, worker, version = setting
    person, episode = client_in(form)
    invitation, token = invitation_for(
        version, form, actor=worker, anonymous=True, person=person, episode=episode
    )
    client = Client()
    url = reverse("answer:invitation", kwargs={"token": token})
    key = re.search(r'name="avain" value="([^"]+)"', client.get(url).content.decode())
    assert key is not None
    client.post(url, {"avain": key.group(1), "overall": "4", "free": "vapaa teksti"})
    with scopes_disabled():
        response = Response.objects.get()
        invitation.refresh_from_db()
    assert response.anonymous and invitation.status == Invitation.Status.ANSWERED
    # The invitation (person, episode) was answered at a moment; the response must not carry it.
    assert abs(response.created_at - invitation.updated_at) > dt.timedelta(minutes=1)
    assert _no_finer_than_month(response.created_at)
    assert _no_finer_than_month(response.updated_at)
    assert _month_start(response.created_at) == response.submitted_on


def test_anonymous_kiosk_answer_keeps_only_its_month(setting) -> None:  # type: ignore[no-untyped-def]
    form, worker, version = setting
    with scopes_disabled():
        kiosk, _token = services.kiosk_create(
            actor=worker, service_form=form, questionnaire=version.questionnaire, name="Tabletti"
        )
        outcome = services.kiosk_answer(
            kiosk=kiosk,
            version=version,
            raw={"overall": "2"},
            submission_key=services.new_submission_key(services.KIOSK_KEY_PREFIX),
        )
        assert outcome.done and outcome.response is not None
        response = Response.objects.get(pk=outcome.response.pk)
    assert _no_finer_than_month(response.created_at)
    assert _no_finer_than_month(response.updated_at)


def test_linked_answer_keeps_its_moment(setting) -> None:  # type: ignore[no-untyped-def]
    """The coarsening is for anonymous answers only (a linked one is client data, dated)."""
    form, worker, version = setting
    person, episode = client_in(form)
    invitation, _token = invitation_for(
        version, form, actor=worker, anonymous=False, person=person, episode=episode
    )
    before = timezone.now()
    outcome = services.invitation_answer(
        invitation=invitation,
        raw={"overall": "4"},
        submission_key=services.new_submission_key(services.LINK_KEY_PREFIX),
    )
    assert outcome.done and outcome.response is not None
    with scopes_disabled():
        response = Response.objects.get(pk=outcome.response.pk)
    assert response.created_at >= before


def test_an_anonymous_invitation_keeps_no_day_of_its_answer(setting) -> None:  # type: ignore[no-untyped-def]
    """The episode panel lists the invitation under the person's name: "vastattu 12.3." there
    would date the answer that the response keeps by its month only (the model's promise:
    an anonymous invitation keeps nothing of its answer time beyond "answered")."""
    form, worker, version = setting
    person, episode = client_in(form)
    invitation, _token = invitation_for(
        version, form, actor=worker, anonymous=True, person=person, episode=episode
    )
    outcome = services.invitation_answer(
        invitation=invitation,
        raw={"overall": "4"},
        submission_key=services.new_submission_key(services.LINK_KEY_PREFIX),
    )
    assert outcome.done
    with scopes_disabled():
        invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ANSWERED
    assert invitation.answered_on is None
