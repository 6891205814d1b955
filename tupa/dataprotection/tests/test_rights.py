"""Revealing restricted fields, and the client's rights: log extract, data extract, restriction
of processing (finnish-requirements §4.3, §6; GDPR art. 15 and 18)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from tupa.accounts.models import Role
from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import (
    EpisodeFactory,
    MembershipFactory,
    ParticipantFactory,
    PersonFactory,
    ServiceFormFactory,
    UserFactory,
    client_in,
    org_role_user,
    worker_in,
)
from tupa.core.tests.helpers import login_verified
from tupa.episodes.models import Assignment, Entry
from tupa.people.models import Person, Relationship, Restriction

pytestmark = pytest.mark.django_db

HKI = ZoneInfo("Europe/Helsinki")
NOW = dt.datetime(2026, 3, 15, 12, 0, tzinfo=HKI)


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(clock: Any) -> dict[str, Any]:
    shelter = ServiceFormFactory.create(name="Turvakoti", slug="turvakoti", violence_work="victim")
    org = shelter.organisation
    avokriisi = ServiceFormFactory.create(
        organisation=org, area=shelter.area, name="Avokriisityö", slug="avokriisi"
    )
    mother, stay = client_in(
        shelter,
        first_names="Maija",
        last_name="Kuvitelma",
        hetu="010190-123A",
        street_address="Salatie 5",
        phone="040 000 0001",
    )
    creator = UserFactory.create(organisation=org)
    with scopes_disabled():
        Restriction.objects.create(
            person=mother,
            kind="turvakielto",
            source="DVV",
            valid_from=dt.date(2025, 1, 1),
            contact_address="PL 123 Yhteys",
            created_by=creator,
        )
    return {
        "org": org,
        "shelter": shelter,
        "avokriisi": avokriisi,
        "mother": mother,
        "stay": stay,
        "worker": worker_in(shelter, first_name="Wilma", last_name="Työ"),
        "lead": worker_in(shelter, role=Role.LEAD),
        "other_worker": worker_in(avokriisi),
        "dpo": org_role_user(org, Role.DATA_PROTECTION_OFFICER),
        "admin": org_role_user(org, Role.ADMINISTRATOR),
        "exec": org_role_user(org, Role.EXECUTIVE_DIRECTOR),
        "finance": org_role_user(org, Role.FINANCE),
    }


def _events(**filters: Any) -> list[AccessEvent]:
    with scopes_disabled():
        return list(AccessEvent.objects.filter(**filters).order_by("pk"))


def _look_up(client: Client, person: Person) -> None:
    """The DPO's one way to a person's extract pages: the exact lookup (a logged search)."""
    response = client.post(reverse("rights:person_lookup"), {"identifier": person.temporary_id})
    assert reverse("rights:log_extract", kwargs={"pk": person.pk}) in response.content.decode()


def _own(world: dict[str, Any]) -> list[AccessEvent]:
    """The DPO's events after the lookup's own ``search`` event."""
    events = _events(user=world["dpo"])
    assert events[0].action == "search"
    return events[1:]


# --- reveal ------------------------------------------------------------------------------------


def test_reveal_shows_fields_once_and_logs_the_reason(
    client: Client, world: dict[str, Any]
) -> None:
    mother = world["mother"]
    login_verified(client, world["worker"])
    url = reverse("rights:reveal", kwargs={"pk": mother.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert "Salatie" not in page.content.decode()
    assert [e.action for e in _events()] == ["view"]

    invalid = client.post(url, {"reason": ""})
    assert "Kerro syy tietojen näyttämiseen." in invalid.content.decode()
    assert "Salatie" not in invalid.content.decode()
    assert not _events(action="reveal")

    response = client.post(url, {"reason": "Kotikäynnin sopiminen"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Salatie 5" in html and "040 000 0001" in html and "PL 123 Yhteys" in html
    assert response["Cache-Control"].startswith("no-store")
    (event,) = _events(action="reveal")
    assert event.reason == "Kotikäynnin sopiminen"
    assert event.basis == "membership"
    assert event.user == world["worker"]
    assert event.subject_id == str(mother.pk)
    # nothing is remembered: the next GET asks for the reason again
    assert "Salatie" not in client.get(url).content.decode()
    assert not any("Salatie" in str(v) for v in client.session.values())


@pytest.mark.parametrize(
    "who, status",
    [
        ("worker", 200),
        ("lead", 200),
        ("other_worker", 404),
        ("dpo", 404),
        ("admin", 404),
        ("exec", 404),
        ("finance", 404),
    ],
)
def test_reveal_access_matrix(client: Client, world: dict[str, Any], who: str, status: int) -> None:
    login_verified(client, world[who])
    url = reverse("rights:reveal", kwargs={"pk": world["mother"].pk})
    assert client.get(url).status_code == status
    response = client.post(url, {"reason": "Tarvitsen osoitteen"})
    assert response.status_code == status
    assert ("Salatie" in response.content.decode()) is (status == 200)
    assert len(_events(action="reveal")) == (1 if status == 200 else 0)


def test_reveal_refused_on_assignment_and_for_unknown_ids(
    client: Client, world: dict[str, Any]
) -> None:
    other = world["other_worker"]
    with scopes_disabled():
        Assignment.objects.create(
            episode=world["stay"],
            user=other,
            valid_from=dt.date(2026, 1, 1),
            assigned_by=world["lead"],
        )
    login_verified(client, other)
    assert (
        client.get(reverse("rights:reveal", kwargs={"pk": world["mother"].pk})).status_code == 404
    )
    login_verified(client, world["worker"])
    assert client.get(reverse("rights:reveal", kwargs={"pk": 987654})).status_code == 404


# --- DPO-only pages ----------------------------------------------------------------------------

DPO_PAGES = ["rights:log_extract", "rights:data_extract", "rights:processing_restriction"]


@pytest.mark.parametrize("who", ["worker", "lead", "other_worker", "admin", "exec", "finance"])
def test_dpo_pages_are_404_for_everyone_else(
    client: Client, world: dict[str, Any], who: str
) -> None:
    login_verified(client, world[who])
    for name in DPO_PAGES:
        url = reverse(name, kwargs={"pk": world["mother"].pk})
        assert client.get(url).status_code == 404, (who, name)
        assert client.get(url + "?muoto=pdf").status_code == 404
    assert client.get(reverse("rights:person_lookup")).status_code == 404
    lookup = client.post(reverse("rights:person_lookup"), {"identifier": "010190-123A"})
    assert lookup.status_code == 404
    assert (
        client.post(
            reverse("rights:processing_restriction", kwargs={"pk": world["mother"].pk}),
            {"reason": "x"},
        ).status_code
        == 404
    )
    assert _events() == []


def test_dpo_reaches_every_page_and_unknown_ids_are_404(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["dpo"])
    _look_up(client, world["mother"])
    for name in DPO_PAGES:
        assert client.get(reverse(name, kwargs={"pk": world["mother"].pk})).status_code == 200
        assert client.get(reverse(name, kwargs={"pk": 987654})).status_code == 404
    # a person of another organisation is not found either
    stranger = PersonFactory.create()
    assert stranger.organisation_id != world["org"].pk
    assert client.get(reverse("rights:log_extract", kwargs={"pk": stranger.pk})).status_code == 404


def test_extract_pages_open_only_through_the_lookup(
    client: Client, world: dict[str, Any], clock: Any
) -> None:
    """A typed person id answers 404, exactly like an unknown one, until the DPO has found
    the person by the exact identity code; the lookup opens that one person, for an hour."""
    mother = world["mother"]
    other, _episode = client_in(world["shelter"], first_names="Toinen", hetu="020290-123B")
    login_verified(client, world["dpo"])
    urls = [reverse(name, kwargs={"pk": mother.pk}) for name in DPO_PAGES]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.get(url, {"muoto": "pdf"}).status_code == 404
    assert client.post(urls[2], {"reason": "Kiistää tiedot"}).status_code == 404
    assert _events() == []  # nothing was shown, nothing logged

    _look_up(client, mother)
    for url in urls:
        assert client.get(url).status_code == 200, url
    _look_up(client, other)  # the next lookup closes the previous person's pages
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.get(url.replace(str(mother.pk), str(other.pk))).status_code == 200
    client.post(reverse("rights:person_lookup"), {"identifier": "ei-ole"})  # nothing found
    assert client.get(reverse("rights:log_extract", kwargs={"pk": other.pk})).status_code == 404

    _look_up(client, mother)
    for _step in range(3):  # an active session (idle timeout 30 min) until 57 min
        clock.shift(dt.timedelta(minutes=19))
        assert client.get(urls[0]).status_code == 200
    clock.shift(dt.timedelta(minutes=4))  # 61 min after the lookup: look her up again
    assert client.get(urls[0]).status_code == 404


def test_person_lookup_by_exact_identifier_only(client: Client, world: dict[str, Any]) -> None:
    mother = world["mother"]
    login_verified(client, world["dpo"])
    url = reverse("rights:person_lookup")
    assert client.get(url).status_code == 200
    by_name = client.post(url, {"identifier": "Kuvitelma"})
    assert "Tunnisteella ei löytynyt henkilöä." in by_name.content.decode()
    partial = client.post(url, {"identifier": "010190"})
    assert "Tunnisteella ei löytynyt henkilöä." in partial.content.decode()
    assert _events() == []
    empty = client.post(url, {"identifier": ""})
    assert "Anna henkilötunnus tai tilapäinen tunniste." in empty.content.decode()
    found = client.post(url, {"identifier": " 010190-123a "})
    html = found.content.decode()
    assert "Maija Kuvitelma" in html
    assert reverse("rights:log_extract", kwargs={"pk": mother.pk}) in html
    by_temp = client.post(url, {"identifier": mother.temporary_id})
    assert "Maija Kuvitelma" in by_temp.content.decode()
    events = _events()
    assert [(e.action, e.basis, e.subject_id) for e in events] == [
        ("search", "organisation_role", str(mother.pk))
    ] * 2


# --- log extract -------------------------------------------------------------------------------


def _event(
    user: Any, person: Person, when: dt.datetime, action: str, basis: str, reason: str = ""
) -> None:
    with scopes_disabled():
        AccessEvent.objects.create(
            organisation_id=person.organisation_id,
            user=user,
            subject_type=ContentType.objects.get_for_model(Person),
            subject_id=str(person.pk),
            occurred_at=when,
            action=action,
            basis=basis,
            reason=reason,
        )


@pytest.fixture
def logged(world: dict[str, Any]) -> dict[str, Any]:
    """Three events by two users in the last two years, one older event, one about someone else."""
    org, mother = world["org"], world["mother"]
    anna = UserFactory.create(organisation=org, first_name="Anna", last_name="Alku")
    bertta = UserFactory.create(organisation=org, first_name="Bertta", last_name="Bee")
    MembershipFactory.create(
        user=anna,
        organisation=org,
        service_form=world["shelter"],
        role=Role.WORKER,
        valid_from=dt.date(2020, 1, 1),
    )
    # Bertta was a lead in Avokriisityö in 2025 and a worker in the shelter from 2026
    MembershipFactory.create(
        user=bertta,
        organisation=org,
        service_form=world["avokriisi"],
        role=Role.LEAD,
        valid_from=dt.date(2025, 1, 1),
        valid_until=dt.date(2025, 12, 31),
    )
    MembershipFactory.create(
        user=bertta,
        organisation=org,
        service_form=world["shelter"],
        role=Role.WORKER,
        valid_from=dt.date(2026, 1, 1),
    )
    _event(
        anna, mother, dt.datetime(2024, 3, 14, 23, 59, tzinfo=HKI), "view", "membership"
    )  # > 2 y
    _event(anna, mother, dt.datetime(2024, 3, 15, 0, 0, 30, tzinfo=HKI), "view", "membership")
    _event(
        bertta,
        mother,
        dt.datetime(2025, 6, 1, 9, 30, tzinfo=HKI),
        "view",
        "break_the_glass",
        "Kriisi yöllä",
    )
    _event(
        bertta,
        mother,
        dt.datetime(2026, 2, 1, 22, 15, tzinfo=dt.UTC),
        "reveal",
        "membership",
        "Kotikäynti",
    )
    other = PersonFactory.create(organisation=org)
    _event(anna, other, dt.datetime(2025, 7, 1, 10, 0, tzinfo=HKI), "view", "membership")
    return {"anna": anna, "bertta": bertta}


def _table_rows(html: str) -> list[list[str]]:
    import re

    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [re.sub(r"<[^>]+>", " ", td) for td in re.findall(r"<td>(.*?)</td>", tr, re.S)]
        rows.append([" ".join(c.split()) for c in cells])
    return rows


def test_log_extract_rows_computed_by_hand(
    client: Client, world: dict[str, Any], logged: dict[str, Any]
) -> None:
    login_verified(client, world["dpo"])
    _look_up(client, world["mother"])
    response = client.get(reverse("rights:log_extract", kwargs={"pk": world["mother"].pk}))
    assert response.status_code == 200
    html = response.content.decode()
    # default period: 15.3.2024–15.3.2026; the event of 14.3.2024 23:59 is left out
    assert "15.3.2024–15.3.2026" in html
    assert _table_rows(html) == [
        [
            "15.3.2024 00:00",
            "Anna Alku",
            "työntekijä, Turvakoti",
            "katselu",
            "jäsenyys työmuodossa",
            "—",
        ],
        [
            "1.6.2025 09:30",
            "Bertta Bee",
            "esihenkilö, Avokriisityö",
            "katselu",
            "hätäkäyttö",
            "Kriisi yöllä",
        ],
        # 22:15 UTC is 00:15 the next day in Helsinki (winter time, UTC+2)
        [
            "2.2.2026 00:15",
            "Bertta Bee",
            "työntekijä, Turvakoti",
            "suojattujen tietojen näyttäminen",
            "jäsenyys työmuodossa",
            "Kotikäynti",
        ],
    ]
    # producing the extract is itself logged
    (own,) = _own(world)
    assert (own.action, own.basis, own.subject_id) == (
        "view",
        "organisation_role",
        str(world["mother"].pk),
    )


def test_log_extract_period_form_validates_and_keeps_input(
    client: Client, world: dict[str, Any], logged: dict[str, Any]
) -> None:
    login_verified(client, world["dpo"])
    _look_up(client, world["mother"])
    url = reverse("rights:log_extract", kwargs={"pk": world["mother"].pk})
    bad = client.get(url, {"date_from": "1.1.2026", "date_to": "31.12.2025"})
    html = bad.content.decode()
    assert "Päättymispäivä ei voi olla ennen alkamispäivää." in html
    assert 'value="1.1.2026"' in html or 'value="2026-01-01"' in html
    assert "<tbody>" not in html
    garbage = client.get(url, {"date_from": "eilen", "date_to": ""})
    assert "Anna päivämäärä muodossa p.k.vvvv." in garbage.content.decode()
    assert 'value="eilen"' in garbage.content.decode()
    wide = client.get(url, {"date_from": "2024-01-01", "date_to": "2026-03-15"})
    assert len(_table_rows(wide.content.decode())) == 4


@pytest.mark.parametrize(
    ("date_from", "date_to", "field"),
    [
        ("2024-01-01", "9999-12-31", "date_to"),
        ("0001-01-01", "2026-03-15", "date_from"),
        ("1999-12-31", "2026-03-15", "date_from"),
        ("2024-01-01", "2101-01-01", "date_to"),
    ],
)
def test_log_extract_refuses_dates_out_of_bounds(
    client: Client, world: dict[str, Any], logged: dict[str, Any], date_from, date_to, field
) -> None:
    """Year 9999 as the end date was a server error ("end + 1 day", issue 10)."""
    login_verified(client, world["dpo"])
    _look_up(client, world["mother"])
    url = reverse("rights:log_extract", kwargs={"pk": world["mother"].pk})
    for params in ({}, {"muoto": "pdf"}):
        response = client.get(url, {"date_from": date_from, "date_to": date_to, **params})
        assert response.status_code == 200
        html = response.content.decode()
        assert "Anna päivämäärä väliltä 1.1.2000–31.12.2100." in html
        assert response.context["form"].errors == {
            field: ["Anna päivämäärä väliltä 1.1.2000–31.12.2100."]
        }
        assert "<tbody>" not in html


def test_log_extract_pdf(client: Client, world: dict[str, Any], logged: dict[str, Any]) -> None:
    login_verified(client, world["dpo"])
    _look_up(client, world["mother"])
    url = reverse("rights:log_extract", kwargs={"pk": world["mother"].pk})
    response = client.get(url, {"muoto": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    (own,) = _own(world)
    assert own.action == "print"


def test_log_extract_query_count_is_flat(
    client: Client,
    world: dict[str, Any],
    logged: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    login_verified(client, world["dpo"])
    _look_up(client, world["mother"])
    url = reverse("rights:log_extract", kwargs={"pk": world["mother"].pk})
    client.get(url)  # warm caches (content types, session)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    baseline = len(few.captured_queries)
    users = [UserFactory.create(organisation=world["org"]) for _ in range(8)]
    for i, user in enumerate(users):
        MembershipFactory.create(
            user=user, organisation=world["org"], service_form=world["shelter"]
        )
        for j in range(3):
            _event(
                user,
                world["mother"],
                dt.datetime(2025, 1 + i, 1 + j, 12, tzinfo=HKI),
                "view",
                "membership",
            )
    with django_assert_max_num_queries(baseline) as many:
        response = client.get(url)
    assert len(_table_rows(response.content.decode())) == 3 + 24
    assert len(many.captured_queries) == baseline


def test_log_extract_includes_a_merged_record(client: Client, world: dict[str, Any]) -> None:
    mother = world["mother"]
    old = PersonFactory.create(organisation=world["org"])
    with scopes_disabled():
        Person.objects.filter(pk=old.pk).update(merged_into=mother)
    _event(world["worker"], old, dt.datetime(2026, 1, 10, 12, tzinfo=HKI), "view", "membership")
    login_verified(client, world["dpo"])
    _look_up(client, mother)
    html = client.get(reverse("rights:log_extract", kwargs={"pk": mother.pk})).content.decode()
    assert "10.1.2026 12:00" in html


def test_log_extract_covers_the_anonymous_phase(client: Client, world: dict[str, Any]) -> None:
    """A night worker who read the anonymous episode appears once the alias is linked to her."""
    from tupa.dataprotection import extracts
    from tupa.episodes.models import Participant
    from tupa.people.models import Alias
    from tupa.people.services import alias_link

    night_worker = worker_in(world["shelter"], first_name="Yövuoro", last_name="Työntekijä")
    with scopes_disabled():
        alias = Alias.objects.create(
            organisation=world["org"],
            label="Nainen 5.1.",
            service_form=world["shelter"],
            created_by=night_worker,
        )
        night_episode = EpisodeFactory.create(
            service_form=world["shelter"], organisation=world["org"]
        )
        Participant.objects.create(episode=night_episode, alias=alias, role="client")
    login_verified(client, night_worker)
    assert client.get(reverse("episodes:detail", args=[night_episode.pk])).status_code == 200

    def readers() -> set[str]:
        # Events carry the database's clock, which time-machine does not move: ask wide.
        with scopes_disabled():
            rows = extracts.log_extract(
                person=world["mother"], date_from=dt.date(2020, 1, 1), date_to=dt.date(2030, 1, 1)
            )
        return {row.user_name for row in rows}

    assert "Yövuoro Työntekijä" not in readers()  # not her data until identified
    with scope(organisation=world["org"].pk):
        alias_link(
            actor=world["worker"], alias=alias, person=world["mother"], reason="Kertoi nimensä"
        )
    assert "Yövuoro Työntekijä" in readers()


# --- data extract ------------------------------------------------------------------------------


def test_data_extract_leaves_third_parties_out(client: Client, world: dict[str, Any]) -> None:
    mother, stay = world["mother"], world["stay"]
    org = world["org"]
    partner = PersonFactory.create(organisation=org, first_names="Kolmas", last_name="Osapuolinen")
    child = PersonFactory.create(organisation=org, first_names="Pikku", last_name="Lapsukainen")
    ParticipantFactory.create(episode=stay, person=child, role="child")
    with scopes_disabled():
        Relationship.objects.create(person=mother, relative=partner, kind="ex_partner")
        Relationship.objects.create(person=mother, relative=child, kind="parent")
        mother_p = stay.participants.get(person=mother)
        entry = Entry.objects.create(
            episode=stay,
            type="intake",
            occurred_at=dt.datetime(2026, 1, 6, 10, tzinfo=HKI),
            author=world["worker"],
            text="Tulotapaaminen: äiti kertoi tilanteesta.",
        )
        entry.participants.add(mother_p)
        not_hers = Entry.objects.create(
            episode=stay,
            type="note",
            occurred_at=dt.datetime(2026, 1, 7, 10, tzinfo=HKI),
            author=world["worker"],
            text="Lapsen oma kirjaus ERILLINEN",
        )
        not_hers.participants.add(stay.participants.get(person=child))
        joint = Entry.objects.create(
            episode=stay,
            type="note",
            occurred_at=dt.datetime(2026, 1, 8, 10, tzinfo=HKI),
            author=world["worker"],
            text="Yhteinen tapaaminen: lapsi kertoi YHTEINEN-KIRJAUS",
        )
        joint.participants.add(mother_p, stay.participants.get(person=child))
    other_episode = EpisodeFactory.create(service_form=world["avokriisi"], organisation=org)
    ParticipantFactory.create(episode=other_episode, person=mother)

    login_verified(client, world["dpo"])
    _look_up(client, mother)
    response = client.get(reverse("rights:data_extract", kwargs={"pk": mother.pk}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Maija" in html and "010190-123A" in html
    assert "Turvakoti" in html and "Avokriisityö" in html
    assert "Tulotapaaminen: äiti kertoi tilanteesta." in html
    assert "Wilma Työ" in html  # processing staff are kept
    # third parties: only the kind of relationship, never names; co-participants omitted
    assert "entinen puoliso tai kumppani" in html and "lapsi" in html
    for secret in ("Kolmas", "Osapuolinen", "Pikku", "Lapsukainen", "ERILLINEN"):
        assert secret not in html, secret
    # issue 10: a joint entry's text may describe the others — withheld without a review
    assert "YHTEINEN-KIRJAUS" not in html
    assert "Kirjauksessa on muita osallistujia." in html
    # the restricted address is not printed while the turvakielto is in force
    assert "Salatie" not in html and "040 000 0001" not in html
    assert "Suojattu tieto" in html
    (own,) = _own(world)
    assert (own.action, own.basis) == ("export", "organisation_role")

    pdf = client.get(reverse("rights:data_extract", kwargs={"pk": mother.pk}), {"muoto": "pdf"})
    assert pdf.content.startswith(b"%PDF")


def test_data_extract_shows_own_contact_data_without_restriction(
    client: Client, world: dict[str, Any]
) -> None:
    person, _episode = client_in(world["shelter"], street_address="Avoin katu 3")
    login_verified(client, world["dpo"])
    _look_up(client, person)
    html = client.get(reverse("rights:data_extract", kwargs={"pk": person.pk})).content.decode()
    assert "Avoin katu 3" in html


# --- restriction of processing -----------------------------------------------------------------


def test_processing_restriction_set_and_clear_with_history(
    client: Client, world: dict[str, Any]
) -> None:
    mother = world["mother"]
    login_verified(client, world["dpo"])
    _look_up(client, mother)
    url = reverse("rights:processing_restriction", kwargs={"pk": mother.pk})
    missing = client.post(url, {"reason": ""})
    assert "Kerro peruste." in missing.content.decode()
    assert client.post(url, {"reason": "Kiistää tiedot"}).status_code == 302
    with scopes_disabled():
        mother.refresh_from_db()
    assert mother.processing_restricted is True
    assert mother.processing_restriction_reason == "Kiistää tiedot"
    page = client.get(url).content.decode()
    assert "Käsittelyä rajoitettu" in page and "Kiistää tiedot" in page
    assert client.post(url, {"reason": "Tarkistettu, tiedot oikein"}).status_code == 302
    with scopes_disabled():
        mother.refresh_from_db()
        history = list(mother.history.order_by("history_id"))
    assert mother.processing_restricted is False
    assert [(h.processing_restricted, h.history_change_reason) for h in history[-2:]] == [
        (True, "Kiistää tiedot"),
        (False, "Tarkistettu, tiedot oikein"),
    ]
    assert history[-1].history_user == world["dpo"]
