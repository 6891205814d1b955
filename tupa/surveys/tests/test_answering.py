"""Answering without an account: one-time links, drafts, kiosks, rate limits (issue 13 item 3)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from tupa.access.marks import access_class
from tupa.core.tests.factories import ServiceFormFactory, client_in, worker_in
from tupa.surveys.answering import services
from tupa.surveys.models import (
    Answer,
    Channel,
    Invitation,
    Kiosk,
    Response,
    ResponseDraft,
)
from tupa.surveys.tests.support import invitation_for, published_questionnaire

pytestmark = pytest.mark.django_db

FORGED = "A" * 43


@pytest.fixture
def setting():  # type: ignore[no-untyped-def]
    form = ServiceFormFactory.create(name="Salainen yksikkö")
    worker = worker_in(form)
    version = published_questionnaire(form, actor=worker, name="Palaute")
    return form, worker, version


def _url(token: str) -> str:
    return reverse("answer:invitation", kwargs={"token": token})


def _key(html: str) -> str:
    found = re.search(r'name="avain" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def _get(client: Client, token: str, **query: str) -> tuple[int, str]:
    response = client.get(_url(token), query)
    return response.status_code, response.content.decode()


# --- Token states ----------------------------------------------------------------------------


def test_every_unusable_token_gets_the_same_calm_page(setting) -> None:  # type: ignore[no-untyped-def]
    form, worker, version = setting
    _expired, expired_token = invitation_for(
        version, form, actor=worker, expires_in=dt.timedelta(seconds=-1)
    )
    answered, answered_token = invitation_for(version, form, actor=worker)
    cancelled, cancelled_token = invitation_for(version, form, actor=worker)
    with scopes_disabled():
        Invitation.objects.filter(pk=answered.pk).update(status=Invitation.Status.ANSWERED)
        Invitation.objects.filter(pk=cancelled.pk).update(status=Invitation.Status.CANCELLED)
    client = Client()
    pages = [
        _get(client, token)
        for token in (expired_token, answered_token, cancelled_token, FORGED, "lyhyt")
    ]
    assert {status for status, _body in pages} == {404}
    bodies = {body for _status, body in pages}
    assert len(bodies) == 1
    body = bodies.pop()
    assert "Linkki ei ole enää käytössä" in body
    assert "Länken används inte längre" in body
    assert "This link is no longer in use" in body
    assert "Salainen yksikkö" not in body


def test_a_valid_link_shows_the_questionnaire_and_reveals_nothing(setting) -> None:  # type: ignore[no-untyped-def]
    form, worker, version = setting
    person, episode = client_in(form, first_names="Maija", last_name="Meikäläinen")
    _invitation, token = invitation_for(
        version, form, actor=worker, anonymous=False, person=person, episode=episode
    )
    response = Client().get(_url(token))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<title>Palautekysely</title>" in body
    assert "Kysymys overall" in body
    for secret in ("Salainen yksikkö", "Meikäläinen", "Maija", form.organisation.name):
        assert secret not in body
    assert response["Cache-Control"] == "no-store, max-age=0"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex, nofollow">' in body


def test_language_switch_shows_the_versions_own_texts(setting) -> None:  # type: ignore[no-untyped-def]
    form, worker, version = setting
    _invitation, token = invitation_for(version, form, actor=worker)
    _status, swedish = _get(Client(), token, kieli="sv")
    assert "Fråga overall" in swedish
    assert '<html lang="sv">' in swedish
    _status, unknown = _get(Client(), token, kieli="de")
    assert "Kysymys overall" in unknown


# --- Answering -------------------------------------------------------------------------------


def test_answer_is_stored_once_and_the_link_is_single_use(setting) -> None:  # type: ignore[no-untyped-def]
    form, worker, version = setting
    person, episode = client_in(form)
    invitation, token = invitation_for(
        version,
        form,
        actor=worker,
        anonymous=False,
        person=person,
        episode=episode,
        measurement_point="end",
    )
    client = Client()
    _status, page = _get(client, token)
    key = _key(page)
    data = {"avain": key, "overall": "4", "topics": ["a", "c"], "toiminto": "laheta"}
    first = client.post(_url(token), data)
    assert first.status_code == 200
    assert "Kiitos vastauksestasi!" in first.content.decode()
    second = client.post(_url(token), data)  # the same key: a double submit
    assert second.status_code == 200
    assert "Kiitos vastauksestasi!" in second.content.decode()
    with scopes_disabled():
        response = Response.objects.get()
        invitation.refresh_from_db()
        assert response.channel == Channel.LINK
        assert (response.invitation, response.person, response.episode) == (
            invitation,
            person,
            episode,
        )
        assert response.measurement_point == "end"
        assert response.submitted_on == timezone.localdate()
        assert Answer.objects.filter(response=response).count() == 3  # overall + 2 topics
    assert invitation.status == Invitation.Status.ANSWERED
    assert invitation.answered_on == timezone.localdate()
    # A new render (another key) on the used link: the calm page, nothing stored.
    status, body = _get(client, token)
    assert status == 404 and "Linkki ei ole enää käytössä" in body
    third = client.post(_url(token), {**data, "avain": services.new_submission_key("l-")})
    assert third.status_code == 404
    with scopes_disabled():
        assert Response.objects.count() == 1


def test_anonymous_invitation_leaves_no_trace_in_the_response(setting) -> None:  # type: ignore[no-untyped-def]
    form, worker, version = setting
    person, episode = client_in(form)
    invitation, token = invitation_for(
        version, form, actor=worker, anonymous=True, person=person, episode=episode
    )
    client = Client()
    key = _key(_get(client, token)[1])
    client.post(_url(token), {"avain": key, "overall": "5"})
    with scopes_disabled():
        response = Response.objects.get()
        invitation.refresh_from_db()
    assert response.anonymous is True
    assert (response.invitation_id, response.person_id, response.episode_id) == (None, None, None)
    assert response.submitted_on == timezone.localdate().replace(day=1)
    assert invitation.status == Invitation.Status.ANSWERED


def test_required_item_error_keeps_what_was_typed(setting) -> None:  # type: ignore[no-untyped-def]
    form, worker, version = setting
    _invitation, token = invitation_for(version, form, actor=worker)
    client = Client()
    key = _key(_get(client, token)[1])
    response = client.post(
        _url(token), {"avain": key, "free": "Hyvä ohjaaja", "mood": "3", "best": "b"}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert 'class="error-summary"' in body
    assert 'href="#q-overall-0"' in body
    assert "Vastaa tähän kysymykseen." in body
    assert "Hyvä ohjaaja</textarea>" in body
    assert re.search(r'id="q-mood-2" value="3" checked', body)
    assert _key(body) == key
    with scopes_disabled():
        assert Response.objects.count() == 0


def test_draft_is_saved_without_js_restored_and_removed_on_submit(setting) -> None:  # type: ignore[no-untyped-def]
    form, worker, version = setting
    invitation, token = invitation_for(version, form, actor=worker)
    client = Client()
    key = _key(_get(client, token)[1])
    saved = client.post(
        _url(token) + "?kieli=sv",
        {"avain": key, "kieli": "sv", "toiminto": "tallenna", "free": "Puoliksi", "recommend": "8"},
    )
    assert saved.status_code == 302
    assert saved["Location"] == _url(token) + "?kieli=sv&tallennettu=1"
    with scopes_disabled():
        draft = ResponseDraft.objects.get(invitation=invitation)
    assert draft.data == {"free": ["Puoliksi"], "recommend": ["8"]}
    # A new visit (lost connection, another day) restores the values.
    _status, page = _get(Client(), token)
    assert "Puoliksi</textarea>" in page
    assert re.search(r'value="8" checked', page)
    assert "Jatkat aiemmin tallennettua vastausta." in page
    client.post(_url(token), {"avain": _key(page), "overall": "3", "free": "Valmis"})
    with scopes_disabled():
        assert not ResponseDraft.objects.filter(invitation=invitation).exists()
        assert Response.objects.count() == 1


def test_htmx_autosave_answers_with_a_status_fragment(setting) -> None:  # type: ignore[no-untyped-def]
    form, worker, version = setting
    invitation, token = invitation_for(version, form, actor=worker)
    client = Client()
    key = _key(_get(client, token)[1])
    response = client.post(
        _url(token),
        {"avain": key, "toiminto": "luonnos", "mood": "2", "recommend": "99"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Osaa vastauksista ei voitu tallentaa" in response.content.decode()
    with scopes_disabled():
        assert ResponseDraft.objects.get(invitation=invitation).data == {"mood": ["2"]}


def test_forged_submission_key_stores_nothing(setting) -> None:  # type: ignore[no-untyped-def]
    form, worker, version = setting
    _invitation, token = invitation_for(version, form, actor=worker)
    response = Client().post(_url(token), {"avain": "keksitty", "overall": "4"})
    assert response.status_code == 404
    with scopes_disabled():
        assert Response.objects.count() == 0


# --- Kiosks ----------------------------------------------------------------------------------


@pytest.fixture
def kiosk(setting):  # type: ignore[no-untyped-def]
    form, worker, version = setting
    device, token = services.kiosk_create(
        actor=worker, service_form=form, questionnaire=version.questionnaire, name="Aula"
    )
    return device, token


def test_kiosk_takes_continuous_anonymous_answers(setting, kiosk) -> None:  # type: ignore[no-untyped-def]
    form, _worker, _version = setting
    _device, token = kiosk
    url = reverse("answer:kiosk", kwargs={"token": token})
    client = Client()
    for score in ("5", "4"):
        page = client.get(url)
        assert page.status_code == 200
        assert "Tallenna ja jatka myöhemmin" not in page.content.decode()
        key = _key(page.content.decode())
        thanks = client.post(url, {"avain": key, "overall": score})
        body = thanks.content.decode()
        assert thanks.status_code == 200
        assert f'href="{url}"' in body
        assert "http-equiv" not in body  # no timed refresh (WCAG 2.2.1)
        client.post(url, {"avain": key, "overall": score})  # double submit
    with scopes_disabled():
        rows = list(Response.objects.order_by("pk"))
    assert [r.channel for r in rows] == [Channel.KIOSK, Channel.KIOSK]
    assert all(r.anonymous and r.invitation_id is None for r in rows)
    assert [r.service_form_id for r in rows] == [form.pk, form.pk]
    with scopes_disabled():
        assert sorted(a.number or 0 for a in Answer.objects.all()) == [4, 5]


def test_deactivated_or_replaced_kiosk_link_gets_the_calm_page(setting, kiosk) -> None:  # type: ignore[no-untyped-def]
    _form, worker, _version = setting
    device, token = kiosk
    gone = Client().get(_url(FORGED)).content
    services.kiosk_deactivate(actor=worker, kiosk=device)
    response = Client().get(reverse("answer:kiosk", kwargs={"token": token}))
    assert response.status_code == 404
    assert response.content == gone
    new_token = services.kiosk_relink(actor=worker, kiosk=device)
    assert Client().get(reverse("answer:kiosk", kwargs={"token": token})).status_code == 404
    assert Client().get(reverse("answer:kiosk", kwargs={"token": new_token})).status_code == 200
    with scopes_disabled():
        assert Kiosk.objects.get(pk=device.pk).active is True


def test_kiosk_refuses_another_forms_questionnaire(setting) -> None:  # type: ignore[no-untyped-def]
    form, worker, _version = setting
    other = ServiceFormFactory.create(organisation=form.organisation)
    foreign = published_questionnaire(other, actor=worker, name="Toinen")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.kiosk_create(
            actor=worker, service_form=form, questionnaire=foreign.questionnaire, name="X"
        )


# --- Re-issue --------------------------------------------------------------------------------


def test_reissue_makes_a_new_link_and_the_old_one_stops(setting) -> None:  # type: ignore[no-untyped-def]
    form, worker, version = setting
    invitation, old = invitation_for(version, form, actor=worker)
    new = services.invitation_reissue(actor=worker, invitation=invitation)
    assert new != old
    assert services.invitation_by_token(old) is None
    found = services.invitation_by_token(new)
    assert found is not None and found.pk == invitation.pk


@pytest.mark.parametrize("status", [Invitation.Status.ANSWERED, Invitation.Status.CANCELLED])
def test_reissue_refuses_answered_and_cancelled(setting, status) -> None:  # type: ignore[no-untyped-def]
    from django.core.exceptions import ValidationError

    form, worker, version = setting
    invitation, _token = invitation_for(version, form, actor=worker)
    with scopes_disabled():
        Invitation.objects.filter(pk=invitation.pk).update(status=status)
    with pytest.raises(ValidationError):
        services.invitation_reissue(actor=worker, invitation=invitation)


# --- Rate limit ------------------------------------------------------------------------------


@pytest.fixture
def still_clock():  # type: ignore[no-untyped-def]
    """Hold the clock still: django-ratelimit counts in fixed windows (each key's window ends at
    its own second of the minute), so a test that crossed that second started counting afresh
    and saw no 429 (it failed so on CI once)."""
    with time_machine.travel(timezone.now(), tick=False):
        yield


@pytest.mark.usefixtures("still_clock")
def test_failed_lookups_are_limited_sooner_and_answer_429(setting, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TUPA_ANSWER_MISS_RATE = "3/m"
    settings.TUPA_ANSWER_RATE = "100/m"
    form, worker, version = setting
    _invitation, token = invitation_for(version, form, actor=worker)
    client = Client(REMOTE_ADDR="192.0.2.10")
    statuses = [client.get(_url(FORGED)).status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 404]
    limited = client.get(_url(token))  # a good token from the same address: still refused
    assert limited.status_code == 429
    assert "Liian monta pyyntöä" in limited.content.decode()
    assert Client(REMOTE_ADDR="192.0.2.11").get(_url(token)).status_code == 200


@pytest.mark.usefixtures("still_clock")
def test_every_request_counts_towards_the_limit(setting, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TUPA_ANSWER_RATE = "3/m"
    form, worker, version = setting
    _invitation, token = invitation_for(version, form, actor=worker)
    client = Client(REMOTE_ADDR="192.0.2.20")
    statuses = [client.get(_url(token)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


@pytest.mark.usefixtures("still_clock")
def test_autosaves_do_not_use_up_the_page_limit(setting, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TUPA_ANSWER_RATE = "2/m"
    settings.TUPA_ANSWER_AUTOSAVE_RATE = "3/m"
    form, worker, version = setting
    _invitation, token = invitation_for(version, form, actor=worker)
    client = Client(REMOTE_ADDR="192.0.2.30")
    key = _key(_get(client, token)[1])
    autosave = {"avain": key, "toiminto": "luonnos", "mood": "2"}
    saves = [
        client.post(_url(token), autosave, headers={"HX-Request": "true"}).status_code
        for _ in range(4)
    ]
    assert saves == [200, 200, 200, 429]
    assert client.post(_url(token), {"avain": key, "overall": "4"}).status_code == 200
    assert client.get(_url(FORGED)).status_code == 429


# --- URL access classes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kwargs", "expected"),
    [
        ("answer:invitation", {"token": FORGED}, "public"),
        ("answer:kiosk", {"token": FORGED}, "public"),
        ("surveys:invitation_link", {"pk": 1}, "object_scoped"),
        ("surveys:invitation_letter", {"pk": 1}, "object_scoped"),
        ("surveys:kiosks", {"slug": "perhetupa"}, "object_scoped"),
        ("surveys:kiosk_deactivate", {"pk": 1}, "object_scoped"),
        ("surveys:kiosk_relink", {"pk": 1}, "object_scoped"),
    ],
)
def test_url_access_classes(name, kwargs, expected) -> None:  # type: ignore[no-untyped-def]
    assert access_class(resolve(reverse(name, kwargs=kwargs)).func) == expected


def test_public_pages_set_no_cookie_and_need_no_csrf_token(setting) -> None:  # type: ignore[no-untyped-def]
    form, worker, version = setting
    _invitation, token = invitation_for(version, form, actor=worker)
    client = Client(enforce_csrf_checks=True)
    page = client.get(_url(token))
    assert page.cookies == {}
    assert "csrfmiddlewaretoken" not in page.content.decode()
    answered = client.post(
        _url(token), {"avain": _key(page.content.decode()), "overall": "2"}, HTTP_ORIGIN="null"
    )
    assert answered.status_code == 200
    assert answered.cookies == {}
    with scopes_disabled():
        assert Response.objects.count() == 1
