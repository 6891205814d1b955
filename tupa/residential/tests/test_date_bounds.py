"""Stay dates lie in 1.1.2000–31.12.2100 (issue 10; tupa/core/dates.py): forms and services."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

from tupa.core.tests.factories import worker_in
from tupa.episodes.models import Participant, Referral
from tupa.residential.members.forms import MemberArriveForm, MemberDepartForm
from tupa.residential.models import Destination, PayerCategory, Place, Stay
from tupa.residential.stays import services
from tupa.residential.stays.forms import AdmitForm, DischargeForm, MoveForm

from .support import family, place, residential_form, t

pytestmark = pytest.mark.django_db

RANGE = ["Anna päivämäärä väliltä 1.1.2000–31.12.2100."]

FORMS: list[tuple[Callable[[dict[str, str]], forms.Form], str, str]] = [
    (
        lambda d: AdmitForm(
            d,
            places=Place.objects.none(),
            participants=Participant.objects.none(),
            taken=frozenset(),
        ),
        "arrival_date",
        "arrival_time",
    ),
    (
        lambda d: DischargeForm(d, referrals=Referral.objects.none()),
        "departure_date",
        "departure_time",
    ),
    (
        lambda d: MoveForm(d, places=Place.objects.none(), taken=frozenset()),
        "move_date",
        "move_time",
    ),
    (
        lambda d: MemberArriveForm(d, participants=Participant.objects.none()),
        "arrival_date",
        "arrival_time",
    ),
    (lambda d: MemberDepartForm(d), "departure_date", "departure_time"),
]


@pytest.mark.parametrize("day", ["1066-10-14", "1999-12-31", "2101-01-01"])
@pytest.mark.parametrize(("make", "date_field", "time_field"), FORMS)
def test_the_forms_refuse_a_date_out_of_bounds(
    make: Callable[[dict[str, str]], forms.Form], date_field: str, time_field: str, day: str
) -> None:
    with scopes_disabled():
        form = make({date_field: day, time_field: "12:00"})
        assert not form.is_valid()
    assert form.errors[date_field] == RANGE


def test_the_services_refuse_a_date_out_of_bounds() -> None:
    form = residential_form()
    worker = worker_in(form)
    episode, members = family(form)
    with pytest.raises(ValidationError) as exc:
        services.stay_admit(
            actor=worker,
            episode=episode,
            place=place(form, "p1"),
            arrived_at=t(1066, 10, 14),
            members=members,
            payer_category=PayerCategory.STATE,
        )
    assert exc.value.message_dict == {"arrived_at": RANGE}
    with scopes_disabled():
        assert not Stay.objects.exists()
    mother, child = members
    stay = services.stay_admit(
        actor=worker,
        episode=episode,
        place=place(form, "p1"),
        arrived_at=t(2026, 3, 1, 22),
        members=[mother],
        payer_category=PayerCategory.STATE,
    )
    with pytest.raises(ValidationError) as exc:
        services.stay_member_add(
            actor=worker, stay=stay, participant=child, arrived_at=t(2101, 1, 1)
        )
    assert exc.value.message_dict == {"arrived_at": RANGE}
    with scopes_disabled():
        member = stay.members.get()
    with pytest.raises(ValidationError) as exc:
        services.stay_member_depart(actor=worker, member=member, departed_at=t(2101, 1, 1))
    assert exc.value.message_dict == {"departed_at": RANGE}
    with pytest.raises(ValidationError) as exc:
        services.stay_move(actor=worker, stay=stay, to_place=place(form, "p2"), at=t(2101, 1, 1))
    assert exc.value.message_dict == {"departed_at": RANGE}
    with pytest.raises(ValidationError) as exc:
        services.stay_discharge(
            actor=worker, stay=stay, departed_at=t(9999, 12, 31), destination=Destination.HOME
        )
    assert exc.value.message_dict == {"departed_at": RANGE}
    stay.refresh_from_db()
    assert stay.is_open
