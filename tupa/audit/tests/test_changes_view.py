"""The change history page: who changed what, old → new, for the own organisation only."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.audit import selectors
from tupa.audit.tests.builders import make_organisation, make_service_form, make_team
from tupa.core.tests.factories import (
    org_role_user,
    worker_in,
)
from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import ServiceForm

pytestmark = pytest.mark.django_db

URL = reverse("audit:changes")
SERVICE_FORMS = "organisations.serviceform"


def _edit(obj, user, **changes) -> None:  # type: ignore[no-untyped-def]
    for name, value in changes.items():
        setattr(obj, name, value)
    obj._history_user = user  # what HistoryRequestMiddleware does for a logged-in request
    with scopes_disabled():
        obj.save()


@pytest.fixture
def service_form() -> ServiceForm:
    return make_service_form(name="Vauvaperhetyö", open_24h=False)


@pytest.fixture
def admin(service_form):  # type: ignore[no-untyped-def]
    return org_role_user(
        service_form.organisation, Role.ADMINISTRATOR, first_name="Aino", last_name="Ylläpito"
    )


def test_renamed_service_form_shows_old_new_and_who(client, service_form, admin) -> None:  # type: ignore[no-untyped-def]
    _edit(service_form, admin, name="Vauvaperhetyö Kotipesä", open_24h=True)
    dpo = org_role_user(service_form.organisation, Role.DATA_PROTECTION_OFFICER)
    login_verified(client, dpo)

    response = client.get(URL, {"model": SERVICE_FORMS, "user": admin.pk})

    assert response.status_code == 200
    (entry,) = response.context["entries"]
    assert entry.user_label == f"Aino Ylläpito ({admin.username})"
    assert entry.kind == "~"
    assert entry.object_label == "Vauvaperhetyö Kotipesä"
    assert [(c.label, str(c.old), str(c.new)) for c in entry.changes] == [
        ("Nimi", "Vauvaperhetyö", "Vauvaperhetyö Kotipesä"),
        ("Ympärivuorokautinen", "ei", "kyllä"),
    ]
    body = response.content.decode()
    assert "Vauvaperhetyö → Vauvaperhetyö Kotipesä" in body
    assert "Aino Ylläpito" in body


def test_foreign_key_and_choice_changes_are_shown_by_name(client, service_form, admin) -> None:  # type: ignore[no-untyped-def]
    new_team = make_team(
        area=service_form.area, organisation=service_form.organisation, name="Uusi tiimi"
    )
    old_team_name = service_form.team.name
    _edit(service_form, admin, team=new_team, kind=ServiceForm.Kind.GROUP)
    login_verified(client, admin)  # administrators may browse the history too

    response = client.get(URL, {"model": SERVICE_FORMS, "user": admin.pk})

    (entry,) = response.context["entries"]
    assert [(c.label, str(c.old), str(c.new)) for c in entry.changes] == [
        ("Laji", "avopalvelu", "ryhmätoiminta"),
        ("Tiimi", old_team_name, "Uusi tiimi"),
    ]


def test_created_rows_are_listed_and_period_filter_applies(client, service_form, admin) -> None:  # type: ignore[no-untyped-def]
    login_verified(client, admin)
    response = client.get(URL, {"model": SERVICE_FORMS})
    # The factory created exactly one service form in this organisation.
    assert response.context["page"].paginator.count == 1
    assert response.context["entries"][0].kind_label == "luotu"
    response = client.get(
        URL, {"model": SERVICE_FORMS, "date_from": "2000-01-01", "date_to": "2000-12-31"}
    )
    assert response.context["page"].paginator.count == 0


@pytest.mark.parametrize("role", [Role.WORKER, Role.EXECUTIVE_DIRECTOR, Role.FINANCE])
def test_others_get_404(client, service_form, role) -> None:  # type: ignore[no-untyped-def]
    if role == Role.WORKER:
        user = worker_in(service_form)
    else:
        user = org_role_user(service_form.organisation, role)
    login_verified(client, user)
    assert client.get(URL).status_code == 404


def test_another_organisations_changes_are_not_shown(client, service_form, admin) -> None:  # type: ignore[no-untyped-def]
    _edit(service_form, admin, name="Salainen nimi")
    other_admin = org_role_user(make_organisation(), Role.ADMINISTRATOR)
    login_verified(client, other_admin)
    response = client.get(URL, {"date_from": "", "date_to": ""})
    assert "Salainen nimi" not in response.content.decode()
    assert all(e.object_label != "Salainen nimi" for e in response.context["entries"])
    # other_admin's own organisation: organisation created; user created and saved again by the
    # factory (the login's last_login update writes no version); membership created.
    assert sorted((e.model_name, e.kind) for e in response.context["entries"]) == [
        ("Jäsenyys", "+"),
        ("Käyttäjä", "+"),
        ("Käyttäjä", "~"),
        ("Organisaatio", "+"),
    ]


def test_every_history_tracked_model_has_an_organisation_filter() -> None:
    keys = {s.key for s in selectors.history_sources()}
    assert {
        "organisations.organisation",
        "organisations.serviceform",
        "accounts.user",
        "accounts.membership",
    } <= keys


def test_invalid_model_filter_is_an_error(client, admin) -> None:  # type: ignore[no-untyped-def]
    login_verified(client, admin)
    response = client.get(URL, {"model": "auth.group"})
    assert response.context["form"].errors["model"] == ["Valitse tietolaji listasta."]
    assert response.context["page"] is None


@pytest.mark.parametrize("edits", [1, 30])
def test_changes_query_count_does_not_grow_with_rows(  # type: ignore[no-untyped-def]
    client, service_form, admin, edits, django_assert_max_num_queries
) -> None:
    teams = [
        make_team(area=service_form.area, organisation=service_form.organisation) for _ in range(3)
    ]
    for i in range(edits):
        _edit(service_form, admin, name=f"Nimi {i}", team=teams[i % 3])
        _edit(admin, admin, title=f"Nimike {i}")
    login_verified(client, admin)
    client.get(URL)  # warm caches
    with django_assert_max_num_queries(25):
        response = client.get(URL)
    assert response.status_code == 200
    assert len(response.context["entries"]) == min(response.context["page"].paginator.count, 50)


def test_client_data_history_is_never_listed() -> None:
    from tupa.audit.selectors import history_sources

    apps_listed = {source.key.split(".")[0] for source in history_sources()}
    assert apps_listed == {"organisations", "finance", "accounts"}
    assert not {"people", "episodes"} & apps_listed
