"""The shelter's 24 h line: service validation, access matrix, counts, form, query count."""

from __future__ import annotations

import datetime as dt
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
from tupa.core.tests.factories import ServiceFormFactory, org_role_user, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import ServiceForm
from tupa.residential.line import selectors as line_selectors
from tupa.residential.line.services import line_contact_record
from tupa.residential.models import LineContact
from tupa.residential.tests.support import t

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


def test_counts_by_hand_across_a_month_boundary() -> None:
    form = shelter()
    worker = worker_in(form)
    other = ServiceFormFactory.create(organisation=form.organisation)
    with time_machine.travel(dt.datetime(2026, 4, 2, 12, tzinfo=dt.UTC), tick=False):
        # Helsinki is UTC+2 in winter, UTC+3 from 29 March 2026 (local days below).
        record(form, worker, occurred_at=t(2026, 2, 27, 23, 50), channel="chat")  # 27.2.
        record(form, worker, occurred_at=t(2026, 2, 28, 0, 5), caller="relative")  # 28.2.
        # 28.2. 23:30 local = 21:30 UTC: still February locally.
        record(form, worker, occurred_at=t(2026, 2, 28, 23, 30), outcome="came_to_shelter")
        # 1.3. 00:30 local = 28.2. 22:30 UTC: March locally.
        record(form, worker, occurred_at=t(2026, 3, 1, 0, 30), duration_minutes=45)
        record(
            form,
            worker,
            occurred_at=t(2026, 3, 1, 13, 0),
            caller="professional",
            outcome="referred",
            referred_to="Rikosuhripäivystys",
        )
        record(form, worker, occurred_at=t(2026, 3, 3, 2, 0), channel="other")
        record(form, worker, occurred_at=t(2026, 3, 31, 23, 59))  # last minute of March
        record(form, worker, occurred_at=t(2026, 4, 1, 0, 0))  # outside the period
        record(form, worker, occurred_at=t(2026, 2, 26, 23, 59))  # outside the period
    other_contact = LineContact(
        organisation=form.organisation,
        service_form=other,
        occurred_at=t(2026, 3, 1, 12),
        caller="victim",
        outcome="advice",
        recorded_by=worker,
    )
    with scopes_disabled():
        other_contact.save()  # another service form: never counted here
    with scope(organisation=form.organisation):
        counts = line_selectors.line_counts(
            service_form=form, start=dt.date(2026, 2, 27), end=dt.date(2026, 3, 31)
        )
    assert counts.total == 7
    assert counts.minutes == 6 * 10 + 45
    assert counts.by_month == {dt.date(2026, 2, 1): 3, dt.date(2026, 3, 1): 4}
    assert len(counts.by_day) == 2 + 31
    nonzero = {d: n for d, n in counts.by_day.items() if n}
    assert nonzero == {
        dt.date(2026, 2, 27): 1,
        dt.date(2026, 2, 28): 2,
        dt.date(2026, 3, 1): 2,
        dt.date(2026, 3, 3): 1,
        dt.date(2026, 3, 31): 1,
    }
    assert counts.by_channel == {"chat": 1, "phone": 5, "other": 1}
    assert counts.by_caller == {"victim": 5, "relative": 1, "professional": 1}
    assert counts.by_outcome == {"advice": 5, "came_to_shelter": 1, "referred": 1}
    assert dict(counts.rows("channel")) == {"puhelin": 5, "chat": 1, "muu": 1}
    assert dict(counts.rows("caller"))["ei tiedossa"] == 0


def test_counts_query_count_is_flat() -> None:
    form = shelter()
    worker = worker_in(form)
    with time_machine.travel(dt.datetime(2026, 4, 2, 12, tzinfo=dt.UTC), tick=False):
        for day in range(1, 29):
            for caller in ("victim", "relative", "professional"):
                record(form, worker, occurred_at=t(2026, 3, day, 10), caller=caller)
    with scope(organisation=form.organisation), CaptureQueriesContext(connection) as ctx:
        counts = line_selectors.line_counts(
            service_form=form, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
        )
    assert counts.total == 84
    assert len(ctx.captured_queries) == 1


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
    assert response.status_code == EXPECTED[who]


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


def test_stats_page_month_and_query_count(world, client: Client) -> None:  # type: ignore[no-untyped-def]
    form, users = world
    member = users["member"]
    login_verified(client, member)
    url = reverse("residential:line_stats", args=[form.slug])
    with time_machine.travel(dt.datetime(2026, 4, 2, 12, tzinfo=dt.UTC), tick=False):
        record(form, member, occurred_at=t(2026, 3, 1, 0, 30), channel="chat")
        record(form, member, occurred_at=t(2026, 2, 28, 23, 30))
        client.get(url, {"month": "2026-03"})  # warm caches (session, user)
        with CaptureQueriesContext(connection) as few:
            response = client.get(url, {"month": "2026-03"})
        html = response.content.decode()
        assert "<caption>Kanavan mukaan</caption>" in html
        assert '<th scope="row">Chat</th><td>1</td>' in html
        assert '<th scope="row">Puhelin</th><td>0</td>' in html
        assert '<time datetime="2026-03-01">' in html
        assert '<time datetime="2026-02-28">' not in html
        for day in range(2, 29):
            record(form, member, occurred_at=t(2026, 3, day, 9))
        with CaptureQueriesContext(connection) as many:
            response = client.get(url, {"month": "2026-03"})
        assert '<th scope="row">Puhelin</th><td>27</td>' in response.content.decode()
        assert len(many.captured_queries) == len(few.captured_queries)
        # Default: the current month (April 2026).
        html = client.get(url).content.decode()
        assert '<time datetime="2026-04-30">' in html
        # A bad month falls back to the current one with a Finnish error.
        html = client.get(url, {"month": "maaliskuu"}).content.decode()
        assert "Anna kuukausi muodossa vvvv-kk." in html
