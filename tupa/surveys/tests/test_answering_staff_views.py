"""Staff pages of answering without an account: an invitation's link and letter, kiosks."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import EpisodeFactory, ServiceFormFactory, client_in, worker_in
from tupa.core.tests.helpers import login_verified, pdf_structure
from tupa.surveys.answering import services
from tupa.surveys.models import Kiosk
from tupa.surveys.tests.support import invitation_for, published_questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():  # type: ignore[no-untyped-def]
    form = ServiceFormFactory.create()
    worker = worker_in(form)
    version = published_questionnaire(form, actor=worker)
    return form, worker, version


def _client(user: Any) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def _link(html: str) -> str:
    found = re.search(r'id="invitation-link" type="text" readonly value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_show_link_reissues_and_the_new_link_works(setting) -> None:  # type: ignore[no-untyped-def]
    form, worker, version = setting
    person, episode = client_in(form, last_name="Näkymätön")
    invitation, old = invitation_for(
        version, form, actor=worker, anonymous=False, person=person, episode=episode
    )
    client = _client(worker)
    url = reverse("surveys:invitation_link", kwargs={"pk": invitation.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert "Näytä linkki" in page.content.decode()
    shown = client.post(url)
    body = shown.content.decode()
    assert shown.status_code == 200
    assert "Näkymätön" not in body
    link = _link(body)
    assert link.startswith("http://testserver/vastaa/")
    public = Client()
    assert public.get(link.removeprefix("http://testserver")).status_code == 200
    assert public.get(reverse("answer:invitation", kwargs={"token": old})).status_code == 404


def test_link_of_an_answered_invitation_is_refused(setting) -> None:  # type: ignore[no-untyped-def]
    form, worker, version = setting
    invitation, _token = invitation_for(version, form, actor=worker)
    with scopes_disabled():
        invitation.status = invitation.Status.ANSWERED
        invitation.save()
    response = _client(worker).post(
        reverse("surveys:invitation_link", kwargs={"pk": invitation.pk})
    )
    assert response.status_code == 400
    assert "Kyselyyn on jo vastattu" in response.content.decode()


def test_another_forms_worker_gets_404(setting) -> None:  # type: ignore[no-untyped-def]
    form, worker, version = setting
    invitation, _token = invitation_for(version, form, actor=worker)
    other = worker_in(ServiceFormFactory.create(organisation=form.organisation))
    client = _client(other)
    for name in ("surveys:invitation_link", "surveys:invitation_letter"):
        url = reverse(name, kwargs={"pk": invitation.pk})
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404


def test_invitation_naming_an_episode_the_user_cannot_see_is_404(setting) -> None:  # type: ignore[no-untyped-def]
    form, worker, version = setting
    elsewhere = ServiceFormFactory.create(organisation=form.organisation)
    episode = EpisodeFactory.create(service_form=elsewhere, organisation=form.organisation)
    invitation, _token = invitation_for(version, form, actor=worker, episode=episode)
    url = reverse("surveys:invitation_link", kwargs={"pk": invitation.pk})
    assert _client(worker).get(url).status_code == 404
    assert _client(worker_in(elsewhere)).get(url).status_code == 404


def test_letter_is_a_pdf_without_name_or_address(setting, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import weasyprint

    form, worker, version = setting
    person, episode = client_in(form, first_names="Kirsi", last_name="Kirjeetön")
    invitation, old = invitation_for(
        version, form, actor=worker, anonymous=False, person=person, episode=episode
    )
    seen: list[str] = []
    original = weasyprint.HTML

    def recording(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs["string"])
        return original(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", recording)
    response = _client(worker).post(
        reverse("surveys:invitation_letter", kwargs={"pk": invitation.pk})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    structure = pdf_structure(response.content)
    assert structure.tagged and structure.figures == ["QR-koodi / QR-kod"]
    (html,) = seen
    assert "Kirsi" not in html and "Kirjeetön" not in html
    assert form.name not in html
    assert "<svg" in html  # the QR code
    assert "Bästa mottagare" in html
    token = re.search(r"/vastaa/([A-Za-z0-9_-]{43})/", html)
    assert token is not None and token.group(1) != old
    assert services.invitation_by_token(token.group(1)) is not None


# --- Kiosks ----------------------------------------------------------------------------------


def test_lead_makes_a_kiosk_and_sees_its_link_once(setting) -> None:  # type: ignore[no-untyped-def]
    form, _worker, version = setting
    lead = worker_in(form, role=Role.LEAD)
    client = _client(lead)
    url = reverse("surveys:kiosks", kwargs={"slug": form.slug})
    assert client.get(url).status_code == 200
    made = client.post(url, {"name": "Aula", "questionnaire": version.questionnaire.pk})
    body = made.content.decode()
    assert made.status_code == 200
    link = re.search(r'id="kiosk-link" type="text" readonly value="http://testserver([^"]+)"', body)
    assert link is not None
    assert Client().get(link.group(1)).status_code == 200
    again = client.get(url).content.decode()
    assert link.group(1) not in again
    assert "Aula" in again


def test_kiosk_form_keeps_input_and_says_what_is_wrong(setting) -> None:  # type: ignore[no-untyped-def]
    form, _worker, _version = setting
    lead = worker_in(form, role=Role.LEAD)
    response = _client(lead).post(
        reverse("surveys:kiosks", kwargs={"slug": form.slug}), {"name": "Aula", "questionnaire": ""}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Tämä tieto on pakollinen." in body
    assert 'value="Aula"' in body
    with scopes_disabled():
        assert not Kiosk.objects.exists()


def test_deactivate_and_relink_views(setting) -> None:  # type: ignore[no-untyped-def]
    form, _worker, version = setting
    lead = worker_in(form, role=Role.LEAD)
    device, token = services.kiosk_create(
        actor=lead, service_form=form, questionnaire=version.questionnaire, name="Aula"
    )
    client = _client(lead)
    done = client.post(reverse("surveys:kiosk_deactivate", kwargs={"pk": device.pk}))
    assert done.status_code == 302
    assert Client().get(reverse("answer:kiosk", kwargs={"token": token})).status_code == 404
    relinked = client.post(reverse("surveys:kiosk_relink", kwargs={"pk": device.pk}))
    assert relinked.status_code == 200
    assert 'id="kiosk-link"' in relinked.content.decode()
    with scopes_disabled():
        assert Kiosk.objects.get(pk=device.pk).active is True


def test_worker_without_manage_role_gets_404_on_kiosk_pages(setting) -> None:  # type: ignore[no-untyped-def]
    form, worker, version = setting
    device, _token = services.kiosk_create(
        actor=worker, service_form=form, questionnaire=version.questionnaire, name="Aula"
    )
    client = _client(worker)  # a worker: surveys.invite, not surveys.manage
    assert client.get(reverse("surveys:kiosks", kwargs={"slug": form.slug})).status_code == 404
    for name in ("surveys:kiosk_deactivate", "surveys:kiosk_relink"):
        assert client.post(reverse(name, kwargs={"pk": device.pk})).status_code == 404
    other_lead = worker_in(
        ServiceFormFactory.create(organisation=form.organisation), role=Role.LEAD
    )
    assert (
        _client(other_lead).post(reverse("surveys:kiosk_relink", kwargs={"pk": device.pk}))
    ).status_code == 404
    with scopes_disabled():
        assert Kiosk.objects.get(pk=device.pk).active is True


def test_kiosk_list_query_count(setting, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    form, _worker, version = setting
    lead = worker_in(form, role=Role.LEAD)
    for n in range(6):
        services.kiosk_create(
            actor=lead, service_form=form, questionnaire=version.questionnaire, name=f"Laite {n}"
        )
    client = _client(lead)
    url = reverse("surveys:kiosks", kwargs={"slug": form.slug})
    client.get(url)  # warm the session and menus
    with django_assert_max_num_queries(25):
        response = client.get(url)
    assert response.content.decode().count("Laite ") == 6


def test_the_forms_feedback_page_links_to_its_kiosks(setting) -> None:  # type: ignore[no-untyped-def]
    form, _worker, _version = setting
    browser = _client(worker_in(form, role=Role.LEAD))
    page = browser.get(reverse("organisations:service_form", kwargs={"slug": form.slug}))
    assert page.status_code == 200
    assert reverse("surveys:form", kwargs={"slug": form.slug}) in page.content.decode()
    hub = browser.get(reverse("surveys:form", kwargs={"slug": form.slug})).content.decode()
    assert reverse("surveys:kiosks", kwargs={"slug": form.slug}) in hub
