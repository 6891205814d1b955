"""A member who left a stay early comes back to it: a new member period (issue 10).

Scenario (shelter, rule: every night counts), counted by hand:
- Mother and child arrive 1.5.2026 18:00 in p1; the stay ends 10.5. 10:00.
- Mother: nights 1.5. … 9.5. = 9.
- Child leaves early 3.5. 10:00 (nights 1.5. and 2.5. = 2) and comes back 6.5. 20:00 (nights
  6.5., 7.5., 8.5. and 9.5. = 4): 6 nights; the nights 3.5.–5.5. she was away are not counted.
- Together 15 care days in May (before the fix the return could not be recorded: 11).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from tupa.core.tests.factories import worker_in
from tupa.core.tests.helpers import login_verified
from tupa.residential.members import services as member_services
from tupa.residential.models import Destination, PayerCategory, StayMember
from tupa.residential.stays import services as stay_services
from tupa.residential.stays.selectors import ledger_for_service_form

from .support import family, place, residential_form, t

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def shelter() -> dict[str, Any]:
    form = residential_form(places=2, room_capacity=None)
    worker = worker_in(form)
    episode, (mother, child) = family(form, children=1)
    stay = stay_services.stay_admit(
        actor=worker,
        episode=episode,
        place=place(form, "p1"),
        arrived_at=t(2026, 5, 1, 18),
        members=[mother, child],
        payer_category=PayerCategory.STATE,
    )
    with scopes_disabled():
        first = StayMember.objects.select_related("stay").get(stay=stay, participant=child)
    member_services.member_depart(actor=worker, member=first, departed_at=t(2026, 5, 3, 10))
    return {
        "form": form,
        "worker": worker,
        "stay": stay,
        "mother": mother,
        "child": child,
        "first": first,
    }


def _ledger(form: Any) -> Any:
    with scope(organisation=form.organisation_id):
        return ledger_for_service_form(
            service_form=form, period_start=D(2026, 5, 1), period_end=D(2026, 5, 31)
        )


def test_a_member_who_left_early_comes_back_and_both_periods_count(
    shelter: dict[str, Any],
) -> None:
    worker, stay, child = shelter["worker"], shelter["stay"], shelter["child"]
    again = member_services.member_arrive(
        actor=worker, stay=stay, participant=child, arrived_at=t(2026, 5, 6, 20)
    )
    stay_services.stay_discharge(
        actor=worker, stay=stay, departed_at=t(2026, 5, 10, 10), destination=Destination.HOME
    )
    with scopes_disabled():
        periods = list(
            StayMember.objects.filter(stay=stay, participant=child)
            .order_by("arrived_at")
            .values_list("arrived_at", "departed_at")
        )
        assert again.pk != shelter["first"].pk
    # The earlier period is kept as it was; the new one ends with the stay.
    assert periods == [
        (t(2026, 5, 1, 18), t(2026, 5, 3, 10)),
        (t(2026, 5, 6, 20), t(2026, 5, 10, 10)),
    ]
    ledger = _ledger(shelter["form"])
    assert ledger.by_person[("person", child.person_id)] == 6
    assert ledger.by_person[("person", shelter["mother"].person_id)] == 9
    assert ledger.total == 15 and dict(ledger.by_month) == {(2026, 5): 15}


def test_a_return_may_not_overlap_the_earlier_period_or_an_open_one(
    shelter: dict[str, Any],
) -> None:
    worker, stay, child = shelter["worker"], shelter["stay"], shelter["child"]
    with pytest.raises(ValidationError) as exc:
        member_services.member_arrive(
            actor=worker, stay=stay, participant=child, arrived_at=t(2026, 5, 2, 20)
        )
    assert exc.value.message_dict["arrived_at"] == [
        "Henkilön edellinen lähtö jaksolta on kirjattu 3.5.2026 10:00. Paluun on oltava sen "
        "jälkeen."
    ]
    # Coming back at the very moment of leaving is allowed (the ledger joins the two).
    member_services.member_arrive(
        actor=worker, stay=stay, participant=child, arrived_at=t(2026, 5, 3, 10)
    )
    with pytest.raises(ValidationError) as exc:
        member_services.member_arrive(
            actor=worker, stay=stay, participant=child, arrived_at=t(2026, 5, 7, 20)
        )
    assert exc.value.message_dict["participant"] == ["Henkilö on jo tällä jaksolla."]
    ledger = _ledger(shelter["form"])
    # Open stay, counted to the period end 31.5.: 1.5.–31.5. = 31 nights each, no double count.
    assert ledger.by_person[("person", child.person_id)] == 31


def test_the_database_allows_one_open_period_per_person_and_stay(
    shelter: dict[str, Any],
) -> None:
    stay, mother = shelter["stay"], shelter["mother"]
    with scopes_disabled(), pytest.raises(IntegrityError), transaction.atomic():
        StayMember.objects.create(stay=stay, participant=mother, arrived_at=t(2026, 5, 4, 12))


def test_coming_back_through_the_form(client: Client, shelter: dict[str, Any]) -> None:
    stay, child = shelter["stay"], shelter["child"]
    login_verified(client, shelter["worker"])
    members_page = client.get(reverse("residential:stay_members", args=[stay.pk])).content
    assert "Kirjaa myöhemmin tuleva tai palaava henkilö" in members_page.decode()
    url = reverse("residential:member_add", args=[stay.pk])
    page = client.get(url).content.decode()
    assert f"{child.person.first_names} {child.person.last_name}, lapsi, palaa jaksolle" in page
    response = client.post(
        url, {"participant": str(child.pk), "arrival_date": "2026-05-06", "arrival_time": "20:00"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert StayMember.objects.filter(stay=stay, participant=child).count() == 2
    html = client.get(reverse("residential:stay_members", args=[stay.pk])).content.decode()
    assert "3.5.2026 10:00" in html and "6.5.2026 20:00" in html
    # Present again: no longer offered as an arrival.
    page = client.get(url).content.decode()
    assert "palaa jaksolle" not in page
