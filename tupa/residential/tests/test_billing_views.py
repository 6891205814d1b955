"""The billing list and its CSV: access matrix, the numbers on the page, the export, the access
log, the canary and the query count. Scenario and hand-computed values: test_commitment.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import (
    ParticipantFactory,
    ServiceFormFactory,
    org_role_user,
    worker_in,
)
from tupa.core.tests.helpers import login_verified, refetched, rolled_back_world
from tupa.organisations.models import Municipality, ServiceForm
from tupa.people.models import Restriction
from tupa.residential.commitments import services

from .support import family, t
from .test_commitment import admit, build_scenario, ensikoti_form, partner

pytestmark = pytest.mark.django_db


#: The scenario's year 2026 is over: its open stay is billed to 31.12. (issue 10: a night still
#: ahead is never billed, so the figures would otherwise depend on today's date).
AFTER_2026 = dt.datetime(2027, 1, 15, 12, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _after_2026():  # type: ignore[no-untyped-def]
    with time_machine.travel(AFTER_2026, tick=False):
        yield


@pytest.fixture(scope="module")
def built_scenario(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """The scenario, built once for the module (at the time of ``_after_2026``) and rolled back
    after its last test (each test runs in a savepoint inside this transaction)."""
    with rolled_back_world(django_db_blocker):
        with time_machine.travel(AFTER_2026, tick=False):
            data = build_scenario()
        yield data


@pytest.fixture
def scenario(built_scenario: dict[str, Any]) -> dict[str, Any]:
    return refetched(built_scenario)


D = dt.date


def _urls(form: ServiceForm) -> list[str]:
    return [
        reverse("residential:billing", args=[form.slug]),
        reverse("residential:billing_csv", args=[form.slug]),
    ]


def _page(client: Client, form: ServiceForm, **params: str) -> str:
    response = client.get(reverse("residential:billing", args=[form.slug]), params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _group_days(html: str) -> dict[str, str]:
    return dict(
        re.findall(r'<tr data-group="([^"]+)">.*?data-figure="days">(\d+)<', html, flags=re.S)
    )


# --------------------------------------------------------------------------- access


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("worker", 200),
        ("lead", 200),
        ("coordinator", 200),
        ("finance", 200),
        ("other form worker", 404),
        ("executive director", 404),
        ("admin", 404),
        ("dpo", 404),
        ("other organisation", 404),
        ("anonymous", 302),
    ],
)
def test_access_matrix(client: Client, scenario: dict[str, Any], who: str, expected: int) -> None:
    form = scenario["form"]
    org = form.organisation
    users = {
        "worker": lambda: scenario["worker"],
        "lead": lambda: worker_in(form, role=Role.LEAD),
        "coordinator": lambda: worker_in(form, role=Role.COORDINATOR),
        "finance": lambda: org_role_user(org, Role.FINANCE),
        "other form worker": lambda: worker_in(
            ServiceFormFactory.create(organisation=org, kind=ServiceForm.Kind.RESIDENTIAL)
        ),
        "executive director": lambda: org_role_user(org, Role.EXECUTIVE_DIRECTOR),
        "admin": lambda: org_role_user(org, Role.ADMINISTRATOR),
        "dpo": lambda: org_role_user(org, Role.DATA_PROTECTION_OFFICER),
        "other organisation": lambda: worker_in(ensikoti_form(slug="ensikoti-x")),
    }
    if who != "anonymous":
        login_verified(client, users[who]())
    for url in _urls(form):
        response = client.get(url, {"year": "2026", "month": "2"})
        assert response.status_code == expected, (who, url)
        if expected == 302:
            assert response["Location"].startswith(reverse("accounts:login"))


def test_bad_slug_and_non_residential_form_are_404(
    client: Client, scenario: dict[str, Any]
) -> None:
    outpatient = ServiceFormFactory.create(organisation=scenario["form"].organisation)
    login_verified(client, org_role_user(outpatient.organisation, Role.FINANCE))
    assert client.get(reverse("residential:billing", args=[outpatient.slug])).status_code == 404
    assert client.get(reverse("residential:billing", args=["ei-ole"])).status_code == 404


# --------------------------------------------------------------------------- page and export


def test_page_shows_the_hand_computed_groups_and_logs_each_person(
    client: Client, scenario: dict[str, Any]
) -> None:
    form = scenario["form"]
    lead = worker_in(form, role=Role.LEAD)
    login_verified(client, lead)
    html = _page(client, form, year="2026", month="2")
    p1, p2 = scenario["p1"], scenario["p2"]
    assert _group_days(html) == {
        f"commitment-{p2.pk}": "10",
        f"commitment-{p1.pk}": "6",
        "missing": "11",
        "state": "1",
    }
    assert 'data-figure="total">28<' in html
    assert "1200,00" in html and "2100,00" in html
    assert "11 hoitovuorokaudelta puuttuu maksusitoumus" in html
    _a, (mother, _child) = scenario["a"]
    assert f"{mother.person.first_names} {mother.person.last_name} (3)" in html
    # Everyone named in February: A's two, B's one and C's one → four events.
    with scopes_disabled():
        events = list(AccessEvent.objects.filter(user=lead))
    assert len(events) == 4
    assert {e.action for e in events} == {"list"}
    assert {e.basis for e in events} == {"membership"}
    # The whole year: B's open stay counts to 31.12. (nights 20.2.–31.12. = 315 days), so
    # missing = 2 + 315 = 317 and the total 38 − 9 + 315 = 344; January's P1 line is there too.
    html = _page(client, form, year="2026", month="")
    assert _group_days(html) == {
        f"commitment-{p2.pk}": "10",
        f"commitment-{p1.pk}": "14",
        "missing": "317",
        "state": "3",
    }
    assert 'data-figure="total">344<' in html
    assert "2800,00" in html and "1600,00" in html
    assert f"{mother.person.first_names} {mother.person.last_name} (4)" in html


def test_csv_for_finnish_excel_is_logged_as_export(
    client: Client, scenario: dict[str, Any]
) -> None:
    form = scenario["form"]
    finance = org_role_user(form.organisation, Role.FINANCE)
    login_verified(client, finance)
    response = client.get(
        reverse("residential:billing_csv", args=[form.slug]), {"year": "2026", "month": "1"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "hoitovuorokaudet-ensikoti-testi-2026-01.csv" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeffMaksaja;Y-tunnus;Kotikunta;")
    rows = [line.split(";") for line in body.strip().splitlines()[1:]]
    a, (mother, child) = scenario["a"]
    c, (c_adult,) = scenario["c"]
    assert sorted((r[0], r[4], r[5], r[6], r[7], r[8], r[9]) for r in rows) == sorted(
        [
            (
                "Päijät-Hämeen hyvinvointialue",
                "1/2026",
                str(a.pk),
                f"{p.person.first_names} {p.person.last_name}",
                "4",
                "200,00",
                "800,00",
            )
            for p in (mother, child)
        ]
        # State-paid days bill nobody: finance gets the count, not C's episode or name.
        + [("valtio (turvakotien valtionkorvaus)", "1/2026", "", "", "2", "", "")]
    )
    assert c_adult.person.first_names not in body and f";{c.pk};" not in body
    assert rows[0][3] == "PHHYKY/123/2026" or any(r[3] == "PHHYKY/123/2026" for r in rows)
    with scopes_disabled():
        events = list(AccessEvent.objects.filter(user=finance))
    assert len(events) == 2  # the two persons named (A's mother and child)
    assert {e.action for e in events} == {"export"}
    assert {e.basis for e in events} == {"organisation_role"}


def test_home_municipality_is_hidden_for_a_person_under_turvakielto(
    client: Client, scenario: dict[str, Any]
) -> None:
    form = scenario["form"]
    worker = scenario["worker"]
    municipality = Municipality.objects.create(code="998", name_fi="Kanarialahti", name_sv="K")
    _a, (mother, _child) = scenario["a"]
    services.commitment_correct(
        actor=worker, commitment=scenario["c1"], reason="Kotikunta", municipality=municipality
    )
    login_verified(client, worker)
    assert "Kanarialahti" in _page(client, form, year="2026", month="1")
    with scopes_disabled():
        Restriction.objects.create(
            person=mother.person, kind="turvakielto", valid_from=D(2020, 1, 1), created_by=worker
        )
    html = _page(client, form, year="2026", month="1")
    assert "Kanarialahti" not in html and "Suojattu tieto" in html
    csv_body = client.get(
        reverse("residential:billing_csv", args=[form.slug]), {"year": "2026", "month": "1"}
    ).content.decode()
    assert "Kanarialahti" not in csv_body


def test_canary_other_units_and_organisations_never_appear(
    client: Client, scenario: dict[str, Any]
) -> None:
    form = scenario["form"]
    # Another residential unit of the same organisation, and another organisation.
    sibling = ensikoti_form(slug="ensikoti-sisar", like=form)
    foreign = ensikoti_form(slug="ensikoti-vieras")
    names = []
    for unit in (sibling, foreign):
        worker = worker_in(unit)
        episode, members = family(unit, children=1)
        with scopes_disabled():
            for m in members:
                m.person.first_names = f"Kanarialintu{unit.pk}"
                m.person.save()
        names.append(f"Kanarialintu{unit.pk}")
        admit(unit, worker, episode, members, "p1", t(2026, 1, 2), t(2026, 2, 27))
        services.commitment_add(
            actor=worker,
            episode=episode,
            payer=partner(unit, f"Kanariamaksaja{unit.pk}"),
            valid_from=D(2026, 1, 1),
        )
    login_verified(client, scenario["worker"])
    html = _page(client, form, year="2026", month="")
    csv_body = client.get(
        reverse("residential:billing_csv", args=[form.slug]), {"year": "2026"}
    ).content.decode()
    for text in (html, csv_body):
        assert "Kanaria" not in text
    assert 'data-figure="total">344<' in html


def test_period_errors_are_finnish_and_keep_the_input(
    client: Client, scenario: dict[str, Any]
) -> None:
    form = scenario["form"]
    login_verified(client, scenario["worker"])
    response = client.get(
        reverse("residential:billing", args=[form.slug]), {"year": "kaksi", "month": "2"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Anna vuosi numeroina, esimerkiksi 2026." in html
    assert 'value="kaksi"' in html and 'aria-invalid="true"' in html
    assert re.search(r'<option value="2" selected>', html)
    response = client.get(reverse("residential:billing_csv", args=[form.slug]), {"year": "1999"})
    assert response.status_code == 404


def test_default_period_is_the_previous_month(client: Client, scenario: dict[str, Any]) -> None:
    import time_machine

    form = scenario["form"]
    login_verified(client, scenario["worker"])
    with time_machine.travel(dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC), tick=False):
        html = client.get(reverse("residential:billing", args=[form.slug])).content.decode()
    assert 'value="2026"' in html and re.search(r'<option value="2" selected>', html)
    assert 'data-figure="total">28<' in html


def test_query_count_does_not_grow_with_families(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    form = ensikoti_form(places=6)
    worker = worker_in(form)
    payer = partner(form, "Hyvinvointialue")
    login_verified(client, worker)
    url = reverse("residential:billing", args=[form.slug])
    for i in range(1, 7):
        episode, members = family(form, children=2)
        admit(form, worker, episode, members, f"p{i}", t(2026, 1, i), t(2026, 1, 20 + i))
        services.commitment_add(
            actor=worker,
            episode=episode,
            payer=payer,
            valid_from=D(2026, 1, 1),
            daily_price=Decimal("100"),
        )
    with django_assert_max_num_queries(25):
        response = client.get(url, {"year": "2026", "month": "1"})
    assert response.status_code == 200
    # 6 families × 3 persons × 20 nights.
    assert 'data-figure="total">360<' in response.content.decode()


# --------------------------------------------------------------------------- finance sees what it bills


def _csv_rows(client: Client, form: ServiceForm, **params: str) -> list[list[str]]:
    response = client.get(reverse("residential:billing_csv", args=[form.slug]), params)
    assert response.status_code == 200
    return [line.split(";") for line in response.content.decode("utf-8").strip().splitlines()[1:]]


def _name(participant: Any) -> str:
    return f"{participant.person.first_names} {participant.person.last_name}"


def test_finance_sees_no_shelter_resident_on_state_paid_days(client: Client) -> None:
    """Turvakoti: state compensation bills nobody, so finance gets counts and no names."""
    from .support import place, residential_form

    form = residential_form(places=2, room_capacity=None)
    with scopes_disabled():
        form.violence_work = "victim"
        form.save()
    worker = worker_in(form)
    families = [family(form, children=1), family(form, children=0)]
    for (episode, members), code in zip(families, ("p1", "p2"), strict=True):
        from tupa.residential.models import PayerCategory
        from tupa.residential.stays import services as stay_services

        stay_services.stay_admit(
            actor=worker,
            episode=episode,
            place=place(form, code),
            arrived_at=t(2026, 1, 10, 18),
            members=members,
            payer_category=PayerCategory.STATE,
        )
    residents = [m for _e, members in families for m in members]
    finance = org_role_user(form.organisation, Role.FINANCE)
    login_verified(client, finance)

    html = _page(client, form, year="2026", month="1")
    rows = _csv_rows(client, form, year="2026", month="1")

    # Nights 10.–31.1. = 22 for each of the three residents.
    assert _group_days(html) == {"missing": "0", "state": "66"}
    for resident in residents:
        assert resident.person.first_names not in html
        assert resident.person.last_name not in html
        assert not any(resident.person.last_name in cell for row in rows for cell in row)
    for episode, _members in families:
        assert f"#{episode.pk}" not in html
    # One count row per month: persons and care days, no person or episode.
    assert [(r[0], r[4], r[5], r[6], r[7]) for r in rows] == [
        ("valtio (turvakotien valtionkorvaus)", "1/2026", "", "", "66")
    ]
    assert re.search(r'data-figure="state-persons">3<', html)
    with scopes_disabled():
        assert not AccessEvent.objects.filter(user=finance).exists()  # nobody was shown
    # The unit's own members still see whom the days belong to.
    client.logout()
    login_verified(client, worker)
    assert _name(residents[0]) in _page(client, form, year="2026", month="1")


def test_finance_sees_names_only_on_lines_billed_to_a_payer(
    client: Client, scenario: dict[str, Any]
) -> None:
    form = scenario["form"]
    finance = org_role_user(form.organisation, Role.FINANCE)
    login_verified(client, finance)
    html = _page(client, form, year="2026", month="2")
    _a, (mother, child) = scenario["a"]
    b, (b_adult,) = scenario["b"]
    c, (c_adult,) = scenario["c"]
    assert f"{_name(mother)} (3)" in html and _name(child) in html  # billed to P1 and P2
    assert _name(b_adult) not in html  # no commitment: counts only
    assert _name(c_adult) not in html  # state-paid: counts only
    assert f"#{b.pk}" not in html and f"#{c.pk}" not in html
    assert _group_days(html) == {
        f"commitment-{scenario['p2'].pk}": "10",
        f"commitment-{scenario['p1'].pk}": "6",
        "missing": "11",
        "state": "1",
    }
    with scopes_disabled():
        logged = set(AccessEvent.objects.filter(user=finance).values_list("subject_id", flat=True))
    assert logged == {str(mother.person.pk), str(child.person.pk)}


def _restrict(person: Any, worker: Any) -> None:
    with scopes_disabled():
        Restriction.objects.create(
            person=person, kind="turvakielto", valid_from=D(2020, 1, 1), created_by=worker
        )


@pytest.mark.parametrize("who", ["finance", "worker"])
def test_payer_is_never_paired_with_a_person_under_turvakielto(
    client: Client, scenario: dict[str, Any], who: str
) -> None:
    """The payer of a commitment is often the home municipality: a row of a family under
    turvakielto keeps its payer (the invoice needs it) but loses every identity of the family."""
    form = scenario["form"]
    worker = scenario["worker"]
    a, (mother, child) = scenario["a"]
    _restrict(mother.person, worker)
    user = worker if who == "worker" else org_role_user(form.organisation, Role.FINANCE)
    login_verified(client, user)

    html = _page(client, form, year="2026", month="1")
    rows = _csv_rows(client, form, year="2026", month="1")

    # January: A's 4 nights × 2 persons billed to P1 under reference PHHYKY/123/2026.
    assert _group_days(html)[f"commitment-{scenario['p1'].pk}"] == "8"
    assert "Päijät-Hämeen hyvinvointialue" in html and "PHHYKY/123/2026" in html
    for person in (mother, child):
        assert person.person.first_names not in html
        assert not any(person.person.first_names in cell for row in rows for cell in row)
    (p1_row,) = [r for r in rows if r[0] == "Päijät-Hämeen hyvinvointialue"]
    assert (p1_row[2], p1_row[3], p1_row[6], p1_row[7], p1_row[9]) == (
        "Suojattu tieto",
        "PHHYKY/123/2026",
        "Suojattu tieto",
        "8",
        "1600,00",
    )
    if who == "finance":
        assert p1_row[5] == "Suojattu tieto"  # not even the episode number links them
        assert f"#{a.pk}" not in html
    else:
        assert p1_row[5] == str(a.pk)  # the unit's worker opens the episode (a logged view)


def test_a_restricted_family_member_without_care_days_protects_the_line(
    client: Client, scenario: dict[str, Any]
) -> None:
    """Protection is the episode's family (:func:`tupa.people.restrictions.protected_episode_ids`):
    before, only the persons on the billing lines were asked, so a restricted father who never
    stayed left the mother named next to the payer."""
    form = scenario["form"]
    worker = scenario["worker"]
    a, (mother, child) = scenario["a"]
    father = ParticipantFactory.create(episode=a, role="partner")
    _restrict(father.person, worker)
    login_verified(client, worker)
    html = _page(client, form, year="2026", month="1")
    rows = _csv_rows(client, form, year="2026", month="1")
    for person in (mother, child):
        assert person.person.first_names not in html
        assert not any(person.person.first_names in cell for row in rows for cell in row)
    (p1_row,) = [r for r in rows if r[0] == "Päijät-Hämeen hyvinvointialue"]
    assert (p1_row[2], p1_row[6], p1_row[7]) == ("Suojattu tieto", "Suojattu tieto", "8")


@pytest.mark.parametrize("who", ["finance", "worker"])
def test_a_family_under_a_processing_restriction_is_not_named_on_the_billing_list(
    client: Client, scenario: dict[str, Any], who: str
) -> None:
    """GDPR art. 18 "hidden from lists" (``tupa.people.processing``): the billing list and its
    CSV are lists of the unit's families; a family with a restricted participant keeps its days
    and its payer (the invoice) but is named nowhere, and nobody of it is logged as shown."""
    from tupa.people.tests.test_processing_restriction import restrict

    form = scenario["form"]
    worker = scenario["worker"]
    _a, (mother, child) = scenario["a"]
    restrict(mother.person)
    user = worker if who == "worker" else org_role_user(form.organisation, Role.FINANCE)
    login_verified(client, user)

    html = _page(client, form, year="2026", month="1")
    rows = _csv_rows(client, form, year="2026", month="1")

    assert _group_days(html)[f"commitment-{scenario['p1'].pk}"] == "8"
    for person in (mother, child):
        assert _name(person) not in html
        assert not any(_name(person) in cell for row in rows for cell in row)
    (p1_row,) = [r for r in rows if r[0] == "Päijät-Hämeen hyvinvointialue"]
    assert (p1_row[6], p1_row[7]) == ("Käsittelyä rajoitettu", "8")
    with scopes_disabled():
        logged = set(AccessEvent.objects.filter(user=user).values_list("subject_id", flat=True))
    assert not logged & {str(mother.person.pk), str(child.person.pk)}


def test_finance_who_also_does_perpetrator_work_sees_no_shelter_resident(
    client: Client,
) -> None:
    """The wall is decided by the side of the work (docs/security.md): like break-the-glass, the
    organisation-wide finance role belongs to no form, so a user who also works in perpetrator
    work (Jussi-työ) never sees a victim shelter's residents by it, not even on a line billed
    to a payer. She gets the counts; plain finance still gets the names."""
    from tupa.core.tests.factories import MembershipFactory

    from .support import place, victim_shelter

    form = victim_shelter(places=2)
    worker = worker_in(form)
    payer = partner(form, "Esimerkkilän kaupunki")
    episode, members = family(form, children=1)
    from tupa.residential.models import PayerCategory
    from tupa.residential.stays import services as stay_services

    stay_services.stay_admit(
        actor=worker,
        episode=episode,
        place=place(form, "p1"),
        arrived_at=t(2026, 1, 10, 18),
        members=members,
        payer_category=PayerCategory.MUNICIPALITY,
    )
    services.commitment_add(actor=worker, episode=episode, payer=payer, valid_from=D(2026, 1, 1))
    jussi = ServiceFormFactory.create(
        organisation=form.organisation, area=form.area, violence_work="perpetrator"
    )
    both = org_role_user(form.organisation, Role.FINANCE)
    MembershipFactory(
        user=both, organisation=form.organisation, service_form=jussi, role=Role.WORKER
    )
    plain = org_role_user(form.organisation, Role.FINANCE)

    login_verified(client, plain)
    assert _name(members[0]) in _page(client, form, year="2026", month="1")
    client.logout()
    login_verified(client, both)
    html = _page(client, form, year="2026", month="1")
    rows = _csv_rows(client, form, year="2026", month="1")
    assert _group_days(html)[f"commitment-{payer.pk}"] == "44"
    for member in members:
        assert _name(member) not in html
        assert not any(_name(member) in cell for row in rows for cell in row)
    assert f"#{episode.pk}" not in html
    with scopes_disabled():
        assert not AccessEvent.objects.filter(user=both).exists()
