"""Turn-aways: service validation, same-day correction, counts by hand, access matrix, canary,
form validation and query counts."""

from __future__ import annotations

import datetime as dt
from typing import Any
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

from tupa.access.residential import may_correct_turn_away
from tupa.accounts.models import Role
from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import ServiceFormFactory, org_role_user, worker_in
from tupa.core.tests.helpers import login_verified, module_world
from tupa.organisations.models import ServiceForm
from tupa.residential.models import TurnAway
from tupa.residential.tests.support import t
from tupa.residential.turnaways import services as turnaway_services

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 15, 1, 40, tzinfo=dt.UTC)  # 03:40 in Helsinki, a night
LATER = dt.datetime(2027, 1, 2, 12, tzinfo=dt.UTC)


def residential(**kwargs: Any) -> ServiceForm:
    return ServiceFormFactory.create(kind=ServiceForm.Kind.RESIDENTIAL, **kwargs)


def record(form: ServiceForm, actor, **kwargs: Any) -> TurnAway:  # type: ignore[no-untyped-def]
    kwargs.setdefault("reason", TurnAway.Reason.NO_PLACE)
    kwargs.setdefault("directed_to", TurnAway.DirectedTo.OTHER_SHELTER)
    with scope(organisation=form.organisation):
        return turnaway_services.turnaway_record(actor=actor, service_form=form, **kwargs)


# --------------------------------------------------------------------------- service


@time_machine.travel(NOW, tick=False)
def test_record_defaults_and_no_identifying_fields() -> None:
    form = residential()
    worker = worker_in(form)
    turn_away = record(form, worker, note="  soitti poliisi  ")
    assert turn_away.occurred_at == NOW
    assert (turn_away.adults, turn_away.children, turn_away.channel) == (1, 0, "phone")
    assert turn_away.note == "soitti poliisi"
    assert turn_away.recorded_by == worker
    assert turn_away.organisation_id == form.organisation_id
    names = {f.name for f in TurnAway._meta.get_fields()}
    assert not names & {"name", "person", "phone", "episode", "participant", "alias"}


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        (
            {"adults": 0, "children": 0},
            "adults",
            "Pyynnössä on oltava vähintään yksi aikuinen tai lapsi.",
        ),
        ({"adults": 21}, "adults", "Anna luku väliltä 0–20."),
        ({"children": -1}, "children", "Anna luku väliltä 0–20."),
        ({"children": 21}, "children", "Anna luku väliltä 0–20."),
        ({"reason": "weather"}, "reason", "Valitse syy."),
        ({"directed_to": ""}, "directed_to", "Valitse, minne pyytäjä ohjattiin."),
        ({"channel": "fax"}, "channel", "Valitse yhteydenottotapa."),
        ({"note": "x" * 201}, "note", "Huomio voi olla enintään 200 merkkiä."),
        (
            {"occurred_at": NOW + dt.timedelta(minutes=6)},
            "occurred_at",
            "Ajankohta ei voi olla tulevaisuudessa.",
        ),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_record_validation_in_finnish(kwargs: dict, field: str, message: str) -> None:
    form = residential()
    with pytest.raises(ValidationError) as info:
        record(form, worker_in(form), **kwargs)
    assert info.value.message_dict[field] == [message]
    with scopes_disabled():
        assert not TurnAway.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_children_only_and_the_limits_are_accepted() -> None:
    form = residential()
    worker = worker_in(form)
    assert record(form, worker, adults=0, children=1).pk
    assert record(form, worker, adults=20, children=20).pk


@pytest.mark.parametrize("role", [Role.WORKER, Role.LEAD, Role.COORDINATOR])
@pytest.mark.parametrize("slug", ["turvakoti", "ensikoti"])
def test_members_of_any_residential_form_record(role: str, slug: str) -> None:
    form = residential(slug=slug)
    assert record(form, worker_in(form, role=role)).pk


@pytest.mark.parametrize(
    "who", ["other_form", "other_org", "admin", "dpo", "director", "outpatient_member"]
)
def test_others_may_not_record(who: str) -> None:
    form = residential()
    org = form.organisation
    if who == "other_form":
        actor = worker_in(residential(organisation=org, area=form.area))
    elif who == "other_org":
        actor = worker_in(residential())
    elif who == "outpatient_member":
        outpatient = ServiceFormFactory.create(organisation=org, area=form.area)
        actor = worker_in(outpatient)
        form = outpatient  # a member of a non-residential form records nothing there either
    else:
        role = {
            "admin": Role.ADMINISTRATOR,
            "dpo": Role.DATA_PROTECTION_OFFICER,
            "director": Role.EXECUTIVE_DIRECTOR,
        }[who]
        actor = org_role_user(org, role)
    with pytest.raises(PermissionDenied):
        record(form, actor)


def test_correction_only_by_the_recorder_on_the_same_day() -> None:
    form = residential()
    worker, colleague = worker_in(form), worker_in(form)
    with time_machine.travel(dt.datetime(2026, 3, 15, 21, 50, tzinfo=dt.UTC), tick=False):
        # 23:50 local on 15.3.
        turn_away = record(form, worker, occurred_at=t(2026, 3, 15, 23, 0))
        assert may_correct_turn_away(worker, turn_away)
        assert not may_correct_turn_away(colleague, turn_away)
        with scope(organisation=form.organisation):
            corrected = turnaway_services.turnaway_correct(
                actor=worker,
                turn_away=turn_away,
                occurred_at=t(2026, 3, 15, 22, 30),
                channel="authority",
                adults=2,
                children=3,
                reason="safety",
                directed_to="health_care",
                note="",
            )
        assert (corrected.adults, corrected.children, corrected.reason) == (2, 3, "safety")
        with pytest.raises(PermissionDenied), scope(organisation=form.organisation):
            turnaway_services.turnaway_delete(actor=colleague, turn_away=turn_away)
    # 00:10 local on 16.3.: a new day, the entry belongs to the figures now.
    with time_machine.travel(dt.datetime(2026, 3, 15, 22, 10, tzinfo=dt.UTC), tick=False):
        assert not may_correct_turn_away(worker, turn_away)
        with pytest.raises(PermissionDenied), scope(organisation=form.organisation):
            turnaway_services.turnaway_delete(actor=worker, turn_away=turn_away)
    with scopes_disabled():
        assert TurnAway.objects.get().children == 3


# --------------------------------------------------------------------------- counts


def _counted_world() -> tuple[ServiceForm, Any]:
    """Entries around month and year ends and the spring DST change; see the expected values."""
    form = residential()
    worker = worker_in(form)
    with time_machine.travel(LATER, tick=False):
        # Local 31.1. 23:30 → January.
        record(form, worker, occurred_at=t(2026, 1, 31, 23, 30), adults=1, children=2)
        # Local 1.2. 00:10 (= 31.1. 22:10 UTC) → February.
        record(form, worker, occurred_at=t(2026, 2, 1, 0, 10), adults=2, children=0)
        record(
            form,
            worker,
            occurred_at=t(2026, 2, 28, 23, 59),
            reason="not_suitable",
            directed_to="social_services",
            adults=1,
            children=1,
        )
        # Local 1.3. 00:00 → March; no free place but not sent to another shelter: not THL's figure.
        record(form, worker, occurred_at=t(2026, 3, 1, 0, 0), directed_to="social_services")
        # The DST night (clocks 03:00 → 04:00): local 04:30 on 29.3.
        record(form, worker, occurred_at=t(2026, 3, 29, 4, 30), reason="safety", children=3)
        # Outside the year 2026.
        record(form, worker, occurred_at=t(2025, 12, 31, 23, 59), adults=5)
        record(form, worker, occurred_at=t(2027, 1, 1, 0, 0), adults=6)
        # Another unit of the same organisation and another organisation: never counted.
        other_unit = residential(organisation=form.organisation, area=form.area)
        record(other_unit, worker_in(other_unit), occurred_at=t(2026, 2, 10), adults=7)
        other_org = residential()
        record(other_org, worker_in(other_org), occurred_at=t(2026, 2, 10), adults=8)
    return form, worker


# The counts are the internal return ``internal.shelter.turn_aways``: test_counts_by_hand's
# figures are asserted on it in tupa/statistics/tests/test_internal_shelter.py.


# --------------------------------------------------------------------------- views


def _build_world() -> tuple[ServiceForm, dict[str, Any]]:
    form = residential(slug="turvakoti")
    org = form.organisation
    other_org_form = residential()
    users = {
        "member": worker_in(form),
        "lead": worker_in(form, role=Role.LEAD),
        "coordinator": worker_in(form, role=Role.COORDINATOR),
        "other_form": worker_in(residential(organisation=org, area=form.area)),
        "other_org": worker_in(other_org_form),
        "other_org_director": org_role_user(other_org_form.organisation, Role.EXECUTIVE_DIRECTOR),
        "admin": org_role_user(org, Role.ADMINISTRATOR),
        "dpo": org_role_user(org, Role.DATA_PROTECTION_OFFICER),
        "finance": org_role_user(org, Role.FINANCE),
        "director": org_role_user(org, Role.EXECUTIVE_DIRECTOR),
    }
    return form, users


#: The units and their users, built once for the module and rolled back after it; each test
#: gets them read afresh (logging in changes a user in memory).
built_world, world = module_world(_build_world)


RECORDERS = {"member": 200, "lead": 200, "coordinator": 200}
STATS = {"lead": 200, "director": 200}


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("residential:turnaway_entry", RECORDERS),
        ("residential:turnaway_list", RECORDERS),
        ("residential:turnaway_stats", {"lead": 302, "director": 302}),
    ],
)
@pytest.mark.parametrize(
    "who",
    [
        "member",
        "lead",
        "coordinator",
        "other_form",
        "other_org",
        "other_org_director",
        "admin",
        "dpo",
        "finance",
        "director",
    ],
)
def test_access_matrix(world, client: Client, name: str, allowed: dict, who: str) -> None:  # type: ignore[no-untyped-def]
    form, users = world
    login_verified(client, users[who])
    response = client.get(reverse(name, args=[form.slug]))
    assert response.status_code == allowed.get(who, 404)
    with scopes_disabled():
        assert not AccessEvent.objects.exists()  # anonymous data: nothing to log


@pytest.mark.parametrize(
    "name",
    ["residential:turnaway_entry", "residential:turnaway_list", "residential:turnaway_stats"],
)
def test_anonymous_user_goes_to_login(world, client: Client, name: str) -> None:  # type: ignore[no-untyped-def]
    form, _users = world
    response = client.get(reverse(name, args=[form.slug]))
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == resolve_url("accounts:login")


def test_bad_slug_and_non_residential_form_are_404(world, client: Client) -> None:  # type: ignore[no-untyped-def]
    form, users = world
    outpatient = ServiceFormFactory.create(organisation=form.organisation, area=form.area)
    login_verified(client, worker_in(outpatient, role=Role.LEAD))
    for name in ("turnaway_entry", "turnaway_list", "turnaway_stats"):
        assert client.get(reverse(f"residential:{name}", args=[outpatient.slug])).status_code == 404
    login_verified(client, users["lead"])
    assert client.get(reverse("residential:turnaway_list", args=["ei-ole"])).status_code == 404


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("name", ["residential:turnaway_edit", "residential:turnaway_delete"])
@pytest.mark.parametrize("who", ["member", "lead", "other_form", "other_org", "director", "dpo"])
def test_correction_access(world, client: Client, name: str, who: str) -> None:  # type: ignore[no-untyped-def]
    form, users = world
    turn_away = record(form, users["member"])
    login_verified(client, users[who])
    response = client.get(reverse(name, args=[turn_away.pk]))
    assert response.status_code == (200 if who == "member" else 404)
    assert client.get(reverse(name, args=[turn_away.pk + 1000])).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_entry_form_defaults(world, client: Client) -> None:  # type: ignore[no-untyped-def]
    form, users = world
    login_verified(client, users["member"])
    html = client.get(reverse("residential:turnaway_entry", args=[form.slug])).content.decode()
    assert 'value="2026-03-15T03:40"' in html  # now, local time
    assert 'name="adults" value="1"' in html
    assert 'name="children" value="0"' in html
    assert 'value="no_place" required id="id_reason_0" checked' in html
    assert 'value="phone" required id="id_channel_0" checked' in html
    assert 'name="directed_to" value="other_shelter" required id="id_directed_to_0">' in html
    assert "Älä kirjaa nimiä, puhelinnumeroita tai muita tunnistetietoja." in html


@time_machine.travel(NOW, tick=False)
def test_entry_save_and_new_then_save(world, client: Client) -> None:  # type: ignore[no-untyped-def]
    form, users = world
    login_verified(client, users["member"])
    url = reverse("residential:turnaway_entry", args=[form.slug])
    data = {
        "occurred_at": "2026-03-15T03:05",
        "reason": "no_place",
        "directed_to": "other_shelter",
        "adults": "1",
        "children": "2",
        "channel": "authority",
        "note": "",
        "action": "save_new",
    }
    response = client.post(url, data)
    assert response["Location"] == url
    response = client.post(url, {**data, "action": "save", "children": "0"})
    assert response["Location"] == reverse("residential:turnaway_list", args=[form.slug])
    with scopes_disabled():
        first, second = TurnAway.objects.order_by("pk")
    assert first.occurred_at == dt.datetime(2026, 3, 15, 1, 5, tzinfo=dt.UTC)
    assert (first.adults, first.children, first.channel) == (1, 2, "authority")
    assert second.children == 0


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"adults": "0", "children": "0"},
            "Pyynnössä on oltava vähintään yksi aikuinen tai lapsi.",
        ),
        ({"children": "25"}, "Lukumäärä voi olla enintään 20."),
        ({"adults": "-1"}, "Lukumäärä ei voi olla negatiivinen."),
        ({"adults": "kaksi"}, "Anna lukumäärä kokonaislukuna."),
        ({"directed_to": ""}, "Valitse, minne pyytäjä ohjattiin."),
        ({"occurred_at": "2026-03-15T05:00"}, "Ajankohta ei voi olla tulevaisuudessa."),
        ({"occurred_at": "eilen"}, "Anna aika muodossa p.k.vvvv hh:mm."),
    ],
)
def test_entry_errors_in_finnish_keep_input(
    world, client: Client, changes: dict, message: str
) -> None:  # type: ignore[no-untyped-def]
    form, users = world
    login_verified(client, users["member"])
    data = {
        "occurred_at": "2026-03-15T02:30",
        "reason": "safety",
        "directed_to": "health_care",
        "adults": "2",
        "children": "3",
        "channel": "in_person",
        "note": "tuli taksilla",
        **changes,
    }
    response = client.post(reverse("residential:turnaway_entry", args=[form.slug]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'aria-invalid="true"' in html
    assert 'value="tuli taksilla"' in html
    assert 'value="safety" required id="id_reason_2" checked' in html
    assert 'value="in_person" required id="id_channel_2" checked' in html
    assert f'value="{data["occurred_at"]}"' in html
    assert f'name="children" value="{data["children"]}"' in html
    with scopes_disabled():
        assert not TurnAway.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_correct_and_delete_through_the_pages(world, client: Client) -> None:  # type: ignore[no-untyped-def]
    form, users = world
    member = users["member"]
    mine = record(form, member, occurred_at=t(2026, 3, 15, 2, 0), children=1)
    theirs = record(form, users["lead"], occurred_at=t(2026, 3, 15, 1, 0))
    login_verified(client, member)
    html = client.get(reverse("residential:turnaway_list", args=[form.slug])).content.decode()
    assert reverse("residential:turnaway_edit", args=[mine.pk]) in html
    assert reverse("residential:turnaway_edit", args=[theirs.pk]) not in html
    edit = reverse("residential:turnaway_edit", args=[mine.pk])
    html = client.get(edit).content.decode()
    assert 'value="2026-03-15T02:00"' in html
    assert 'name="children" value="1"' in html
    response = client.post(
        edit,
        {
            "occurred_at": "2026-03-15T02:10",
            "reason": "other",
            "directed_to": "nowhere",
            "adults": "1",
            "children": "4",
            "channel": "phone",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        mine.refresh_from_db()
    assert (mine.children, mine.reason, mine.directed_to) == (4, "other", "nowhere")
    response = client.post(reverse("residential:turnaway_delete", args=[mine.pk]))
    assert response["Location"] == reverse("residential:turnaway_list", args=[form.slug])
    with scopes_disabled():
        assert list(TurnAway.objects.values_list("pk", flat=True)) == [theirs.pk]


def test_list_query_count_is_flat_and_canary(world, client: Client) -> None:  # type: ignore[no-untyped-def]
    form, users = world
    member, lead = users["member"], users["lead"]
    canary = "KANARIA-kaannytetty-7Q"
    other_unit = residential(organisation=form.organisation, area=form.area)
    other_org = residential()
    with time_machine.travel(dt.datetime(2026, 4, 2, 12, tzinfo=dt.UTC), tick=False):
        record(other_unit, worker_in(other_unit), occurred_at=t(2026, 3, 5), adults=19, note=canary)
        record(other_org, worker_in(other_org), occurred_at=t(2026, 3, 5), adults=19, note=canary)
        for day in (1, 2):
            record(form, member, occurred_at=t(2026, 3, day, 10), children=day)
        list_url = reverse("residential:turnaway_list", args=[form.slug])
        login_verified(client, lead)
        client.get(list_url)  # warm caches (session, user)
        with CaptureQueriesContext(connection) as few_list:
            client.get(list_url)
        for day in range(3, 31):
            record(
                form, member, occurred_at=t(2026, 3, day, 10), reason="other", directed_to="other"
            )
        with CaptureQueriesContext(connection) as many_list:
            list_html = client.get(list_url).content.decode()
        assert len(many_list.captured_queries) == len(few_list.captured_queries)
        assert "Sivu 1 / 2" in list_html
        assert canary not in list_html
        assert ">19<" not in list_html


def test_service_form_page_links(world, client: Client) -> None:  # type: ignore[no-untyped-def]
    form, users = world
    login_verified(client, users["member"])
    response = client.get(reverse("organisations:service_form", args=[form.slug]))
    html = response.content.decode()
    assert reverse("residential:turnaway_entry", args=[form.slug]) in html
    assert reverse("residential:shift_log", args=[form.slug]) in html
