"""The Tapaamispaikka screens: access matrix, access log, canary, query counts, forms, CSV."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import (
    ServiceFormFactory,
    UserFactory,
    org_role_user,
    worker_in,
)
from tupa.core.tests.helpers import login_verified
from tupa.episodes.models import Entry
from tupa.people.models import Restriction
from tupa.visitation import services
from tupa.visitation.models import Meeting

from . import scenario
from .support import family, make_order, municipality, t, visitation_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

CANARY_STREET = "Kanariakatu 13"
CANARY_PHONE = "040 555 CANARY"
CANARY_MUNICIPALITY = "Kanariala"
OTHER_ORG_CHILD = "Vieraslapsi"
OTHER_ORG_MUNICIPALITY = "Vierala"


@pytest.fixture
def world() -> dict[str, Any]:
    form = visitation_form()
    member = worker_in(form)
    lead = worker_in(form, role=Role.LEAD)
    built = scenario.build(form, member)
    order = built["a"]
    with scopes_disabled():
        upcoming = services.meetings_schedule(
            actor=member, order=order, first_day=dt.date(2026, 6, 20), time=dt.time(17), count=2
        )
        past = services.meetings_schedule(
            actor=member, order=order, first_day=dt.date(2026, 6, 13), time=dt.time(10), count=1
        )[0]
        services.contact_add(
            actor=member,
            order=order,
            contacted_on=dt.date(2026, 6, 1),
            channel="phone",
            summary="Soitettu lähivanhemmalle.",
            party=order.parties.get(role="resident_parent"),
        )
    spare_episode, _spare = family(form, names=("Cecilia", "Cesar"))
    return {
        "form": form,
        "member": member,
        "lead": lead,
        "order": order,
        "meeting": upcoming[0],
        "past": past,
        "spare_episode": spare_episode,
        **built,
    }


def _member_urls(world: dict[str, Any]) -> list[str]:
    order = world["order"]
    return [
        reverse("visitation:order_list", args=[world["form"].slug]),
        reverse("visitation:order_create", args=[world["spare_episode"].pk]),
        reverse("visitation:order_detail", args=[order.pk]),
        reverse("visitation:order_edit", args=[order.pk]),
        reverse("visitation:schedule", args=[order.pk]),
        reverse("visitation:contact_add", args=[order.pk]),
        reverse("visitation:meeting_edit", args=[world["meeting"].pk]),
        reverse("visitation:meeting_outcome", args=[world["past"].pk]),
    ]


def _aggregate_urls(world: dict[str, Any]) -> dict[str, str]:
    slug = world["form"].slug
    return {
        "billing": reverse("visitation:billing", args=[slug]),
        "statistics": reverse("visitation:statistics", args=[slug]),
    }


# --------------------------------------------------------------------------- access


def test_access_matrix(client: Client, world: dict[str, Any]) -> None:
    form = world["form"]
    member_urls = _member_urls(world)
    get_only = set(member_urls[0:1] + member_urls[2:3])  # the list and the detail page
    aggregate = _aggregate_urls(world)
    users = {
        "member worker": world["member"],
        "lead of the form": world["lead"],
        "member of another form": worker_in(
            ServiceFormFactory.create(organisation=form.organisation)
        ),
        "executive director": org_role_user(form.organisation, Role.EXECUTIVE_DIRECTOR),
        "finance": org_role_user(form.organisation, Role.FINANCE),
        "admin": org_role_user(form.organisation, Role.ADMINISTRATOR),
        "dpo": org_role_user(form.organisation, Role.DATA_PROTECTION_OFFICER),
        "other organisation": worker_in(visitation_form()),
        "no memberships": UserFactory.create(organisation=form.organisation),
    }
    # label → (member screens, billing, statistics)
    expected = {
        "member worker": (200, 200, 200),
        "lead of the form": (200, 200, 200),
        "member of another form": (404, 404, 404),
        "executive director": (404, 200, 200),
        "finance": (404, 200, 404),
        "admin": (404, 404, 404),
        "dpo": (404, 404, 404),
        "other organisation": (404, 404, 404),
        "no memberships": (404, 404, 404),
    }
    for url in [*member_urls, *aggregate.values()]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url
    for label, user in users.items():
        client.logout()
        login_verified(client, user)
        member_status, billing_status, stats_status = expected[label]
        for url in member_urls:
            assert client.get(url).status_code == member_status, (label, url)
            if member_status == 404 and url not in get_only:
                assert client.post(url, {}).status_code == 404, (label, url)
        assert client.get(aggregate["billing"]).status_code == billing_status, label
        # The statistics moved to the engine's report: the old address redirects there.
        response = client.get(aggregate["statistics"])
        assert response.status_code == (302 if stats_status == 200 else 404), label
        if stats_status == 200:
            assert response["Location"].startswith(reverse("statistics:index")), label


def test_bad_ids_and_other_forms_are_404(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["member"])
    outpatient = ServiceFormFactory.create(organisation=world["form"].organisation)
    for url in [
        reverse("visitation:order_list", args=["ei-ole"]),
        reverse("visitation:order_list", args=[outpatient.slug]),
        reverse("visitation:billing", args=[outpatient.slug]),
        reverse("visitation:order_detail", args=[999999]),
        reverse("visitation:meeting_outcome", args=[999999]),
        reverse("visitation:order_create", args=[999999]),
    ]:
        assert client.get(url).status_code == 404, url


def test_detail_logs_one_event_per_party(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["member"])
    response = client.get(reverse("visitation:order_detail", args=[world["order"].pk]))
    assert response.status_code == 200
    with scopes_disabled():
        events = list(AccessEvent.objects.filter(user=world["member"]))
    people = world["people_a"]
    expected = {str(people["mother"].person_id), str(people["father"].person_id)} | {
        str(c.person_id) for c in people["children"]
    }
    assert {e.subject_id for e in events} == expected
    assert len(events) == 3
    assert {(e.action, e.basis, e.episode_id) for e in events} == {
        ("view", "membership", world["order"].episode_id)
    }


def test_aggregate_pages_log_nobody(client: Client, world: dict[str, Any]) -> None:
    director = org_role_user(world["form"].organisation, Role.EXECUTIVE_DIRECTOR)
    login_verified(client, director)
    for url in _aggregate_urls(world).values():
        html = client.get(url + "?start=2026-01-01&end=2026-03-31").content.decode()
        assert "Aino" not in html and "Arvo" not in html
    with scopes_disabled():
        assert not AccessEvent.objects.filter(user=director).exists()


# --------------------------------------------------------------------------- canary


def test_canary_restricted_fields_and_other_organisation(
    client: Client, world: dict[str, Any]
) -> None:
    canary_municipality = municipality("990", CANARY_MUNICIPALITY)
    child = world["people_a"]["children"][0].person
    with scopes_disabled():
        child.street_address = CANARY_STREET
        child.phone = CANARY_PHONE
        child.municipality = canary_municipality
        child.save()
        Restriction.objects.create(
            person=child,
            kind=Restriction.Kind.TURVAKIELTO,
            valid_from=dt.date(2026, 1, 1),
            created_by=world["member"],
        )
    # Another organisation: a child with a unique name and a billable meeting in "Vierala".
    other_form = visitation_form()
    other_member = worker_in(other_form)
    episode, people = family(other_form, names=("Vieras", "Vierasisä"))
    with scopes_disabled():
        people["children"][0].person.first_names = OTHER_ORG_CHILD
        people["children"][0].person.save()
    other_order = make_order(
        other_member,
        episode,
        people,
        payer_municipality=municipality("991", OTHER_ORG_MUNICIPALITY),
    )
    with scopes_disabled():
        m = services.meetings_schedule(
            actor=other_member,
            order=other_order,
            first_day=dt.date(2026, 2, 3),
            time=dt.time(17),
            count=1,
        )[0]
        services.meeting_record_outcome(
            actor=other_member, meeting=m, version=1, outcome="took_place"
        )
    period = "?start=2026-01-01&end=2026-03-31"
    agg = _aggregate_urls(world)
    pages = [*_member_urls(world), agg["billing"] + period, agg["statistics"] + period]
    pages.append(agg["billing"] + period + "&muoto=csv")
    # The order form's payer select lists every municipality of the country (reference data,
    # never prefilled from a person), so the municipality canary is checked on the other pages.
    order_forms = {
        reverse("visitation:order_create", args=[world["spare_episode"].pk]),
        reverse("visitation:order_edit", args=[world["order"].pk]),
    }
    login_verified(client, world["member"])
    for url in pages:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        html = response.content.decode()
        canaries = [CANARY_STREET, CANARY_PHONE, OTHER_ORG_CHILD]
        if url not in order_forms:
            canaries += [CANARY_MUNICIPALITY, OTHER_ORG_MUNICIPALITY]
        for canary in canaries:
            assert canary not in html, (url, canary)
        if url in order_forms:
            assert f'value="{canary_municipality.pk}" selected' not in html
    detail = client.get(reverse("visitation:order_detail", args=[world["order"].pk]))
    html = detail.content.decode()
    # The payer (the child's home municipality) is hidden when a party is restricted.
    assert "Suojattu tieto" in html
    assert ">Lahti<" not in html and "Lahti (" not in html
    assert "turvakielto" in html


# --------------------------------------------------------------------------- query counts


def test_query_counts(
    client: Client, world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    login_verified(client, world["member"])
    form = world["form"]
    # More rows must not mean more queries: three more orders with meetings.
    for names in (("Dora", "Daniel"), ("Eila", "Eero"), ("Fanni", "Felix")):
        episode, people = family(form, children=2, names=names)
        order = make_order(world["member"], episode, people)
        with scopes_disabled():
            services.meetings_schedule(
                actor=world["member"],
                order=order,
                first_day=dt.date(2026, 6, 16),
                time=dt.time(9),
                count=3,
            )
    period = "?start=2026-01-01&end=2026-06-30"
    for url, limit in [
        (reverse("visitation:order_list", args=[form.slug]), 25),
        (reverse("visitation:order_detail", args=[world["order"].pk]), 25),
        (reverse("visitation:billing", args=[form.slug]) + period, 15),
    ]:
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200, url


# --------------------------------------------------------------------------- forms


def test_order_form_validation_keeps_typed_values(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["member"])
    url = reverse("visitation:order_create", args=[world["spare_episode"].pk])
    response = client.post(
        url,
        {
            "basis": "court_decision",
            "basis_reference": "H 26/9876",
            "meeting_type": "supervised",
            "interval_weeks": "2",
            "duration_minutes": "120",
            "valid_from": "2026-07-01",
            "valid_until": "2026-06-01",
            "arrival_offset_minutes": "15",
            "departure_offset_minutes": "15",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Tämä kenttä vaaditaan." in html  # basis date, payer municipality
    assert "H 26/9876" in html
    assert 'aria-invalid="true"' in html
    assert "error-summary" in html


def test_order_form_service_errors(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["member"])
    lahti = municipality("398", "Lahti")
    url = reverse("visitation:order_create", args=[world["spare_episode"].pk])
    response = client.post(
        url,
        {
            "basis": "court_decision",
            "basis_date": "2026-06-01",
            "meeting_type": "supervised",
            "interval_weeks": "2",
            "duration_minutes": "120",
            "valid_from": "2026-07-01",
            "payer_municipality": str(lahti.pk),
            "arrival_offset_minutes": "15",
            "departure_offset_minutes": "15",
            "safety_notes": "Vartija aulassa",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Valitse määrääjä tai kirjoita sen nimi." in html
    assert "Merkitse tapaajavanhempi." in html
    assert "Vartija aulassa" in html


def test_outcome_form_records_an_interrupted_meeting(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["member"])
    past: Meeting = world["past"]
    url = reverse("visitation:meeting_outcome", args=[past.pk])
    bad = client.post(url, {"outcome": "interrupted", "version": "1", "record_text": "Teksti"})
    assert bad.status_code == 400
    assert "Valitse keskeyttämisen syy." in bad.content.decode()
    assert "Teksti" in bad.content.decode()
    people = world["people_a"]
    ok = client.post(
        url,
        {
            "outcome": "interrupted",
            "interruption_reason": "threat",
            "outcome_note": "Uhkaava käytös aulassa.",
            "record_text": "Kirjattu yhdessä lähivanhemman kanssa.",
            "written_with_client": "on",
            "present": [str(people["mother"].pk)],
            "version": "1",
        },
    )
    assert ok.status_code == 302
    with scopes_disabled():
        past.refresh_from_db()
        assert past.outcome == "interrupted"
        entry = Entry.objects.get(pk=past.record_entry_id)
    assert entry.text == "Kirjattu yhdessä lähivanhemman kanssa."
    assert entry.written_with_client


def test_schedule_form_and_meeting_edit(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["member"])
    order = world["order"]
    response = client.post(
        reverse("visitation:schedule", args=[order.pk]),
        {"first_day": "2026-10-17", "time": "10:30", "count": "2", "location": ""},
    )
    assert response.status_code == 302
    with scopes_disabled():
        starts = list(
            Meeting.objects.filter(order=order, starts_at__gte=t(2026, 10, 1, 0)).values_list(
                "starts_at", flat=True
            )
        )
    assert sorted(starts) == [t(2026, 10, 17, 10, 30), t(2026, 10, 31, 10, 30)]
    meeting = world["meeting"]
    response = client.post(
        reverse("visitation:meeting_edit", args=[meeting.pk]),
        {
            "start_date": "2027-01-05",
            "start_time": "17:00",
            "duration_minutes": "90",
            "location": "",
            "version": "1",
        },
    )
    assert response.status_code == 400
    assert "Päivän on oltava määräyksen voimassaoloaikana." in response.content.decode()


def test_detail_shows_staggered_times(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["member"])
    html = client.get(reverse("visitation:order_detail", args=[world["order"].pk])).content.decode()
    # The meeting of 20.6.2026 at 17:00, 120 min, offsets 15/15.
    assert "tuo lapsen 16:45, hakee lapsen 19:00" in html
    assert "saapuu 17:00, lähtee 19:15" in html


def test_billing_csv(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["member"])
    response = client.get(
        reverse("visitation:billing", args=[world["form"].slug])
        + "?start=2026-01-01&end=2026-03-31&muoto=csv"
    )
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").strip().splitlines()
    assert lines[0].startswith("Kuntanumero;Kunta;Kuukausi;")
    assert lines[1:] == [
        "098;Hollola;2026-01;0;0;1;1",
        "098;Hollola;2026-03;0;0;1;1",
        "398;Lahti;2026-01;1;0;0;1",
        "398;Lahti;2026-02;3;0;0;3",
    ]


def test_billing_bad_period(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["member"])
    response = client.get(
        reverse("visitation:billing", args=[world["form"].slug])
        + "?start=2026-03-01&end=2026-01-01"
    )
    assert response.status_code == 400
    assert "Päättymispäivä ei voi olla ennen alkamispäivää." in response.content.decode()


def test_outcome_page_offers_correction_only_to_who_may_correct(
    client: Client, world: dict[str, Any]
) -> None:
    """Issue 10: "Korjaa kirjausta" led other workers of the form to a 403."""
    past: Meeting = world["past"]
    with scopes_disabled():
        services.meeting_record_outcome(
            actor=world["member"],
            meeting=past,
            version=1,
            outcome="took_place",
            record_text="Tapaaminen sujui.",
            written_with_client=True,
        )
        past.refresh_from_db()
    url = reverse("visitation:meeting_outcome", args=[past.pk])
    correct_url = reverse("episodes:journal_correct", args=[past.record_entry_id])
    other = worker_in(world["form"])
    for user, offered in ((world["member"], True), (world["lead"], True), (other, False)):
        client.logout()
        login_verified(client, user)
        html = client.get(url).content.decode()
        assert "Tapaamisesta on jo kirjaus." in html
        assert (correct_url in html) is offered, user
        assert client.get(correct_url).status_code == (200 if offered else 403), user
