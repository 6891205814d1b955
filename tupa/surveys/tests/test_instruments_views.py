"""The feedback front page and the questionnaire builder's pages (tupa.surveys.instruments.views)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django_scopes import scopes_disabled

from tupa.access.marks import access_class
from tupa.accounts.models import Role
from tupa.core.tests.factories import ServiceFormFactory, org_role_user, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import ServiceForm
from tupa.surveys.instruments import services
from tupa.surveys.models import Item, Questionnaire, QuestionnaireVersion, Target
from tupa.surveys.tests.support import published_questionnaire

pytestmark = pytest.mark.django_db
Status = QuestionnaireVersion.Status

URLS: dict[str, str] = {
    "index": "login_only",
    "questionnaire_new": "login_only",
    "questionnaire": "object_scoped",
    "questionnaire_rename": "object_scoped",
    "questionnaire_archive": "object_scoped",
    "version_new": "object_scoped",
    "version_edit": "object_scoped",
    "version_preview": "object_scoped",
    "version_texts": "object_scoped",
    "version_publish": "object_scoped",
    "version_discard": "object_scoped",
    "section_add": "object_scoped",
    "item_add": "object_scoped",
    "section_edit": "object_scoped",
    "section_delete": "object_scoped",
    "section_move": "object_scoped",
    "item_edit": "object_scoped",
    "item_delete": "object_scoped",
    "item_move": "object_scoped",
    "choice_add": "object_scoped",
    "choice_edit": "object_scoped",
    "choice_delete": "object_scoped",
    "choice_move": "object_scoped",
}


def test_access_class_of_every_url() -> None:
    for name, expected in URLS.items():
        kwargs = {} if name in ("index", "questionnaire_new") else {"pk": 1}
        view = resolve(reverse(f"surveys:{name}", kwargs=kwargs)).func
        assert access_class(view) == expected, name


@pytest.fixture
def world() -> dict[str, Any]:
    form = ServiceFormFactory.create(name="Ensikoti")
    with scopes_disabled():
        other = ServiceFormFactory.create(
            organisation=form.organisation, area=form.area, team=form.team, name="Alvari"
        )
    lead = worker_in(form, role=Role.LEAD)
    draft_q = services.questionnaire_create(
        actor=lead,
        organisation=form.organisation,
        name="Luonnoskysely",
        service_form=form,
        target=Target.ADULT,
    )
    return {
        "form": form,
        "other": other,
        "lead": lead,
        "worker": worker_in(form),
        "stranger": worker_in(other),
        "published": published_questionnaire(form, actor=lead),
        "draft": draft_q.versions.get(),
    }


def _as(client: Client, user: Any) -> Client:
    login_verified(client, user)
    return client


def test_front_page_lists_the_forms_questionnaires(
    client: Client, world, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    _as(client, world["lead"])
    with django_assert_max_num_queries(16):
        response = client.get(reverse("surveys:index"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ensikoti" in html and "Palaute jakson lopussa" in html and "Luonnoskysely" in html
    assert "Uusi kysely" in html and "Alvari" not in html
    assert f'href="{reverse("surveys:index")}"' in html  # the "Palaute" navigation link


def test_front_page_query_count_does_not_grow(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    director = org_role_user(world["form"].organisation, Role.EXECUTIVE_DIRECTOR)
    _as(client, director)
    client.get(reverse("surveys:index"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("surveys:index"))
    for n in range(5):
        published_questionnaire(world["other"], actor=director, name=f"Kysely {n}")
    with CaptureQueriesContext(connection) as many:
        html = client.get(reverse("surveys:index")).content.decode()
    assert len(many) == len(few)
    assert "Kysely 4" in html and "Koko organisaatio" in html


def test_stranger_gets_404_for_the_questionnaire(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    pk = world["published"].questionnaire_id
    _as(client, world["stranger"])
    assert client.get(reverse("surveys:questionnaire", args=[pk])).status_code == 404
    assert (
        client.get(reverse("surveys:version_preview", args=[world["published"].pk])).status_code
        == 404
    )
    html = client.get(reverse("surveys:index")).content.decode()
    assert "Palaute jakson lopussa" not in html


def test_worker_reads_but_cannot_build(
    client: Client, world, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    published, draft = world["published"], world["draft"]
    _as(client, world["worker"])
    with django_assert_max_num_queries(15):
        response = client.get(reverse("surveys:questionnaire", args=[published.questionnaire_id]))
    assert response.status_code == 200 and "Tee uusi versio" not in response.content.decode()
    assert client.get(reverse("surveys:version_preview", args=[published.pk])).status_code == 200
    assert client.get(reverse("surveys:version_edit", args=[draft.pk])).status_code == 404
    assert client.get(reverse("surveys:questionnaire_new")).status_code == 404
    response = client.post(
        reverse("surveys:item_add", args=[draft.pk]), {"kind": "text", "text_fi": "Hei"}
    )
    assert response.status_code == 404
    response = client.post(reverse("surveys:version_new", args=[published.questionnaire_id]))
    assert response.status_code == 404
    assert draft.items.count() == 0


def test_lead_builds_and_publishes(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    _as(client, world["lead"])
    response = client.post(
        reverse("surveys:questionnaire_new"),
        {
            "name": "Peukaloinen, ryhmän palaute",
            "service_form": world["form"].pk,
            "target": "parent",
        },
    )
    with scopes_disabled():
        questionnaire = Questionnaire.objects.get(name="Peukaloinen, ryhmän palaute")
    version = questionnaire.versions.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "surveys:version_edit", args=[version.pk]
    )
    # a mistake keeps what was typed and says what is wrong
    response = client.post(
        reverse("surveys:item_add", args=[version.pk]), {"kind": "", "text_fi": "Mikä oli parasta?"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Mikä oli parasta?" in html and "Tarkista tiedot" in html
    response = client.post(
        reverse("surveys:item_add", args=[version.pk]),
        {"kind": "single", "text_fi": "Mistä kuulit meistä?", "required": "on"},
    )
    item = version.items.get()
    assert response["Location"] == reverse("surveys:choice_add", args=[item.pk])
    client.post(reverse("surveys:choice_add", args=[item.pk]), {"label_fi": "Neuvolasta"})
    # publishing with one choice is refused with the reason
    response = client.post(reverse("surveys:version_publish", args=[version.pk]))
    assert response.status_code == 400
    assert "vähintään kaksi vaihtoehtoa" in response.content.decode()
    client.post(reverse("surveys:choice_add", args=[item.pk]), {"label_fi": "Netistä"})
    response = client.get(reverse("surveys:version_edit", args=[version.pk]))
    assert "Netistä" in response.content.decode()
    response = client.post(reverse("surveys:version_publish", args=[version.pk]))
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == Status.PUBLISHED
    # a published version is not edited: the page says so and nothing changes
    response = client.post(
        reverse("surveys:item_edit", args=[item.pk]),
        {"kind": "single", "text_fi": "Muutettu"},
    )
    assert response.status_code == 400
    assert "Julkaistua versiota ei voi enää muuttaa" in response.content.decode()
    assert Item.objects.get(pk=item.pk).text_fi == "Mistä kuulit meistä?"
    # a new version starts as a copy
    response = client.post(reverse("surveys:version_new", args=[questionnaire.pk]))
    v2 = questionnaire.versions.get(number=2)
    assert response["Location"] == reverse("surveys:version_edit", args=[v2.pk])
    assert [i.code for i in v2.items.all()] == [item.code]


def test_move_and_delete_without_javascript(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    draft, lead = world["draft"], world["lead"]
    a = services.item_add(actor=lead, version=draft, kind="text", text_fi="A")
    services.item_add(actor=lead, version=draft, kind="text", text_fi="B")
    _as(client, lead)
    client.post(reverse("surveys:item_move", args=[a.pk]), {"direction": "down"})
    assert [i.text_fi for i in draft.items.order_by("order")] == ["B", "A"]
    client.post(reverse("surveys:item_delete", args=[a.pk]))
    assert [i.text_fi for i in draft.items.all()] == ["B"]


def test_preview_in_swedish(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    _as(client, world["worker"])
    response = client.get(
        reverse("surveys:version_preview", args=[world["published"].pk]) + "?kieli=sv"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Fråga overall" in html and "Palaute jakson lopussa (sv)" in html
    assert 'name="overall"' in html


def test_shelter_is_not_offered(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    with scopes_disabled():
        shelter = ServiceFormFactory.create(
            organisation=world["form"].organisation,
            area=world["form"].area,
            team=world["form"].team,
            name="Turvakoti",
            kind=ServiceForm.Kind.RESIDENTIAL,
            violence_work="victim",
        )
    lead = worker_in(shelter, role=Role.LEAD)
    _as(client, lead)
    assert client.get(reverse("surveys:questionnaire_new")).status_code == 404
    # …nor linked: the front page has no "new questionnaire" button that would answer 404.
    html = client.get(reverse("surveys:index")).content.decode()
    assert reverse("surveys:questionnaire_new") not in html
