"""The shelter's 24 h line: service validation, access matrix, counts, form, query count."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import ServiceFormFactory, org_role_user, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import ServiceForm
from tupa.residential.line.services import line_contact_record
from tupa.residential.models import LineContact

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 15, 3, 10, tzinfo=dt.UTC)


def shelter() -> ServiceForm:
    return ServiceFormFactory.create(kind=ServiceForm.Kind.RESIDENTIAL, slug="turvakoti")


def record(form: ServiceForm, actor, **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("caller", LineContact.Caller.VICTIM)
    kwargs.setdefault("outcome", LineContact.Outcome.ADVICE)
    with scope(organisation=form.organisation):
        return line_contact_record(actor=actor, service_form=form, **kwargs)


# --------------------------------------------------------------------------- service


@time_machine.travel(NOW, tick=False)
def test_record_defaults_and_anonymous_fields() -> None:
    form = shelter()
    worker = worker_in(form)
    contact = record(form, worker, topics=["children", "violence", "children"])
    assert contact.occurred_at == NOW
    assert contact.duration_minutes == 10
    assert contact.channel == "phone"
    assert contact.topics == ["children", "violence"]
    assert contact.recorded_by == worker
    assert contact.organisation_id == form.organisation_id
    names = {f.name for f in LineContact._meta.get_fields()}
    assert not names & {"name", "first_name", "last_name", "phone", "phone_number", "person"}


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"duration_minutes": 0}, "duration_minutes", "Keston on oltava 1–600 minuuttia."),
        ({"duration_minutes": 601}, "duration_minutes", "Keston on oltava 1–600 minuuttia."),
        ({"channel": "fax"}, "channel", "Valitse kanava."),
        ({"caller": "neighbour"}, "caller", "Valitse, kuka otti yhteyttä."),
        ({"outcome": ""}, "outcome", "Valitse yhteydenoton tulos."),
        ({"topics": ["weather"]}, "topics", "Tuntematon aihe."),
        ({"outcome": "referred"}, "referred_to", "Kerro, mihin yhteydenottaja ohjattiin."),
        (
            {"occurred_at": NOW + dt.timedelta(hours=1)},
            "occurred_at",
            "Ajankohta ei voi olla tulevaisuudessa.",
        ),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_record_validation_in_finnish(kwargs: dict, field: str, message: str) -> None:
    form = shelter()
    worker = worker_in(form)
    with pytest.raises(ValidationError) as info:
        record(form, worker, **kwargs)
    assert info.value.message_dict[field] == [message]
    with scopes_disabled():
        assert LineContact.objects.count() == 0


@pytest.mark.parametrize("role", [Role.WORKER, Role.LEAD, Role.COORDINATOR])
def test_client_work_roles_may_record(role: str) -> None:
    form = shelter()
    assert record(form, worker_in(form, role=role)).pk


@pytest.mark.parametrize("kind", [ServiceForm.Kind.OUTPATIENT, ServiceForm.Kind.DROP_IN])
def test_only_a_residential_unit_has_the_line(client: Client, kind: str) -> None:
    """The 24 h line is the residential units' (as the turn-aways): a member of an outpatient
    form recorded "line contacts" that no statistics count and no page lists."""
    form = ServiceFormFactory.create(kind=kind)
    worker = worker_in(form)
    with pytest.raises(PermissionDenied):
        record(form, worker)
    login_verified(client, worker)
    assert client.get(reverse("residential:line_entry", args=[form.slug])).status_code == 404


@pytest.mark.parametrize("who", ["other_form", "other_org", "admin", "dpo", "finance"])
def test_others_may_not_record(who: str) -> None:
    form = shelter()
    if who == "other_form":
        actor = worker_in(ServiceFormFactory.create(organisation=form.organisation))
    elif who == "other_org":
        actor = worker_in(ServiceFormFactory.create())
    else:
        actor = org_role_user(
            form.organisation,
            {
                "admin": Role.ADMINISTRATOR,
                "dpo": Role.DATA_PROTECTION_OFFICER,
                "finance": Role.FINANCE,
            }[who],
        )
    with pytest.raises(PermissionDenied):
        record(form, actor)


# --------------------------------------------------------------------------- counts
# The counts are the internal return ``internal.shelter.line``: the hand-computed figures are in
# tupa/statistics/tests/test_internal_shelter.py.


# --------------------------------------------------------------------------- views


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    form = shelter()
    other_form = ServiceFormFactory.create(organisation=form.organisation)
    other_org_form = ServiceFormFactory.create()
    users = {
        "member": worker_in(form),
        "lead": worker_in(form, role=Role.LEAD),
        "other_form": worker_in(other_form),
        "other_org": worker_in(other_org_form),
        "admin": org_role_user(form.organisation, Role.ADMINISTRATOR),
        "dpo": org_role_user(form.organisation, Role.DATA_PROTECTION_OFFICER),
        "director": org_role_user(form.organisation, Role.EXECUTIVE_DIRECTOR),
    }
    return form, users


EXPECTED = {
    "member": 200,
    "lead": 200,
    "other_form": 404,
    "other_org": 404,
    "admin": 404,
    "dpo": 404,
    "director": 404,
}


@pytest.mark.parametrize("name", ["residential:line_entry", "residential:line_stats"])
@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_access_matrix(world, client: Client, name: str, who: str) -> None:  # type: ignore[no-untyped-def]
    form, users = world
    login_verified(client, users[who])
    response = client.get(reverse(name, args=[form.slug]))
    expected = EXPECTED[who]
    if name == "residential:line_stats" and expected == 200:
        expected = 302  # the counts are the statistics' internal return now
    assert response.status_code == expected


@pytest.mark.parametrize("name", ["residential:line_entry", "residential:line_stats"])
def test_anonymous_goes_to_login(world, client: Client, name: str) -> None:  # type: ignore[no-untyped-def]
    form, _users = world
    response = client.get(reverse(name, args=[form.slug]))
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == resolve_url("accounts:login")


def test_unknown_slug_is_404(world, client: Client) -> None:  # type: ignore[no-untyped-def]
    _form, users = world
    login_verified(client, users["member"])
    assert client.get(reverse("residential:line_entry", args=["ei-ole"])).status_code == 404


def test_other_member_cannot_post(world, client: Client) -> None:  # type: ignore[no-untyped-def]
    form, users = world
    login_verified(client, users["other_form"])
    url = reverse("residential:line_entry", args=[form.slug])
    response = client.post(url, {"caller": "victim", "outcome": "advice"})
    assert response.status_code == 404
    with scopes_disabled():
        assert not LineContact.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_entry_form_defaults(world, client: Client) -> None:  # type: ignore[no-untyped-def]
    form, users = world
    login_verified(client, users["member"])
    html = client.get(reverse("residential:line_entry", args=[form.slug])).content.decode()
    assert 'value="2026-03-15T05:10"' in html  # now, local time
    assert 'name="duration_minutes" value="10"' in html
    assert 'type="radio" name="channel" value="phone"' in html
    assert 'value="phone" required id="id_channel_0" checked' in html
    assert "Älä kirjaa tunnistetietoja." in html


@time_machine.travel(NOW, tick=False)
def test_entry_save_and_new_then_save(world, client: Client) -> None:  # type: ignore[no-untyped-def]
    form, users = world
    login_verified(client, users["member"])
    url = reverse("residential:line_entry", args=[form.slug])
    data = {
        "occurred_at": "2026-03-15T04:55",
        "duration_minutes": "25",
        "channel": "chat",
        "caller": "relative",
        "topics": ["children", "safety_planning"],
        "outcome": "advice",
        "action": "save_new",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == url
    response = client.post(url, {**data, "action": "save", "caller": "victim"})
    assert response["Location"] == reverse("residential:line_stats", args=[form.slug])
    with scopes_disabled():
        first = LineContact.objects.order_by("pk").first()
        assert LineContact.objects.count() == 2
    assert first is not None
    assert first.occurred_at == dt.datetime(2026, 3, 15, 2, 55, tzinfo=dt.UTC)
    assert (first.duration_minutes, first.channel, first.caller) == (25, "chat", "relative")
    assert first.topics == ["children", "safety_planning"]
    assert first.recorded_by == users["member"]


@time_machine.travel(NOW, tick=False)
def test_entry_errors_keep_input(world, client: Client) -> None:  # type: ignore[no-untyped-def]
    form, users = world
    login_verified(client, users["member"])
    url = reverse("residential:line_entry", args=[form.slug])
    response = client.post(
        url,
        {
            "occurred_at": "2026-03-15T04:00",
            "duration_minutes": "700",
            "channel": "chat",
            "caller": "professional",
            "topics": ["legal"],
            "outcome": "referred",
            "language": "ruotsi",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kesto voi olla enintään 600 minuuttia." in html
    assert "Kerro, mihin yhteydenottaja ohjattiin." in html
    assert 'aria-invalid="true"' in html
    assert 'value="700"' in html
    assert 'value="2026-03-15T04:00"' in html
    assert 'value="ruotsi"' in html
    assert 'value="chat" required id="id_channel_1" checked' in html
    assert 'value="professional" required id="id_caller_3" checked' in html
    assert 'value="legal" id="id_topics_4" checked' in html
    with scopes_disabled():
        assert not LineContact.objects.exists()
