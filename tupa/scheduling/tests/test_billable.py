"""Purchased family work (Alvari) as invoicing items (source ``scheduling.family_work``).

Hand-computed, period November 2026 (Helsinki), form "Alvari (testi)" funded by a purchase
agreement; "Avotyö (testi)" of the same organisation has no purchase funding:

| episode | who | appointment (local) | outcome | item |
|---|---|---|---|---|
| E1 | client in Lahti, child in Asikkala | 2.11. 10:00–11:30 | happened | 1.50 h, Lahti (the client's) |
| E1 | | 9.11. 10:00–10:50 | happened | 50/60 = 0.833… → 0.83 h |
| E1 | | 16.11. 10:00–11:00 | cancelled by the client | none |
| E1 | | 23.11. 10:00–11:00 | planned | none |
| E1 | | 30.11. 23:30–1.12. 00:30 | happened | 1.00 h, dated 30.11. (21:30 UTC) |
| E2 | client (Hollola) under turvakielto, no payer | 3.11. 13:00–14:00 | happened | 1.00 h, no buyer |
| E3 | client under turvakielto, payer PHHYKY | 4.11. 9:00–11:15 | happened | 2.25 h, payer PHHYKY |
| E4 | client in Lahti, her child under turvakielto | 5.11. 12:00–12:45 | happened | 0.75 h, no municipality |
| — | internal, no episode | 6.11. 8:00–9:00 | happened | none |
| Avotyö | client | 6.11. 10:00–11:00 | happened | none (not purchased) |

Another organisation's funded form with a happened appointment on 2.11.: never collected here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django_scopes import scope, scopes_disabled

from tupa.core import registry
from tupa.core.tests.factories import (
    AreaFactory,
    EpisodeFactory,
    ParticipantFactory,
    PersonFactory,
    ServiceFormFactory,
    worker_in,
)
from tupa.core.tests.helpers import assert_collect_narrows_to_forms
from tupa.episodes.models import Episode
from tupa.organisations.models import (
    Funder,
    Municipality,
    Organisation,
    Partner,
    ServiceForm,
    ServiceFormFunding,
)
from tupa.people.models import Person, Restriction
from tupa.scheduling import billable
from tupa.scheduling.models import Appointment, AppointmentType, Outcome, PlaceKind

from .support import t

pytestmark = pytest.mark.django_db

D = dt.date
NOVEMBER = (D(2026, 11, 1), D(2026, 11, 30))
AS_OF = dt.datetime(2026, 12, 5, 12, tzinfo=dt.UTC)


def _municipality(code: str, name: str) -> Municipality:
    obj, _created = Municipality.objects.get_or_create(
        code=code, defaults={"name_fi": name, "name_sv": name}
    )
    return obj


def family_work_form(organisation: Organisation | None = None) -> ServiceForm:
    """An outpatient form funded by a purchase-service agreement (like Alvari)."""
    extra: dict[str, Any] = {}
    if organisation is not None:
        extra = {
            "organisation": organisation,
            "area": AreaFactory.create(organisation=organisation),
        }
    form = ServiceFormFactory.create(
        kind=ServiceForm.Kind.OUTPATIENT, name="Alvari (testi)", slug="alvari-testi", **extra
    )
    with scopes_disabled():
        funder = Funder.objects.create(
            organisation=form.organisation, name="PHHYKY", category=Funder.Category.MUNICIPALITIES
        )
        ServiceFormFunding.objects.create(
            service_form=form, funder=funder, type=ServiceFormFunding.Type.PURCHASE_AGREEMENT
        )
    return form


def _person(form: ServiceForm, first: str, municipality: Municipality | None) -> Person:
    return PersonFactory.create(
        organisation=form.organisation,
        first_names=first,
        last_name="Perheinen",
        municipality=municipality,
    )


def _episode(
    form: ServiceForm, members: list[tuple[Person, str]], payer: Partner | None = None
) -> Episode:
    episode = EpisodeFactory.create(service_form=form, organisation=form.organisation, payer=payer)
    for person, role in members:
        ParticipantFactory.create(episode=episode, person=person, role=role)
    return episode


def _restrict(person: Person, actor: Any) -> None:
    with scopes_disabled():
        Restriction.objects.create(
            person=person,
            kind=Restriction.Kind.TURVAKIELTO,
            valid_from=D(2020, 1, 1),
            created_by=actor,
        )


def _appointment(
    form: ServiceForm,
    actor: Any,
    episode: Episode | None,
    start: dt.datetime,
    end: dt.datetime,
    outcome: str = Outcome.HAPPENED,
) -> Appointment:
    with scopes_disabled():
        return Appointment.objects.create(
            organisation=form.organisation,
            service_form=form,
            episode=episode,
            type=AppointmentType.HOME_VISIT,
            place_kind=PlaceKind.CLIENT_HOME,
            starts_at=start,
            ends_at=end,
            organiser=actor,
            created_by=actor,
            outcome=outcome,
        )


@pytest.fixture
def world() -> dict[str, Any]:
    form = family_work_form()
    worker = worker_in(form)
    lahti = _municipality("398", "Lahti")
    hollola = _municipality("098", "Hollola")
    asikkala = _municipality("016", "Asikkala")
    with scopes_disabled():
        phhyky = Partner.objects.create(organisation=form.organisation, name="PHHYKY (testi)")
    e1 = _episode(
        form,
        [(_person(form, "Kanariina", lahti), "client"), (_person(form, "Tipu", asikkala), "child")],
    )
    hidden = _person(form, "Salla", hollola)
    e2 = _episode(form, [(hidden, "client")])
    hidden_too = _person(form, "Sanna", lahti)
    e3 = _episode(form, [(hidden_too, "client")], payer=phhyky)
    hidden_child = _person(form, "Pikku", lahti)
    e4 = _episode(form, [(_person(form, "Maarit", lahti), "client"), (hidden_child, "child")])
    for person in (hidden, hidden_too, hidden_child):
        _restrict(person, worker)
    a = {
        "e1_2": _appointment(form, worker, e1, t(2026, 11, 2, 10), t(2026, 11, 2, 11, 30)),
        "e1_9": _appointment(form, worker, e1, t(2026, 11, 9, 10), t(2026, 11, 9, 10, 50)),
        "e1_30": _appointment(form, worker, e1, t(2026, 11, 30, 23, 30), t(2026, 12, 1, 0, 30)),
        "e2": _appointment(form, worker, e2, t(2026, 11, 3, 13), t(2026, 11, 3, 14)),
        "e3": _appointment(form, worker, e3, t(2026, 11, 4, 9), t(2026, 11, 4, 11, 15)),
        "e4": _appointment(form, worker, e4, t(2026, 11, 5, 12), t(2026, 11, 5, 12, 45)),
    }
    _appointment(
        form, worker, e1, t(2026, 11, 16), t(2026, 11, 16, 11), Outcome.CANCELLED_BY_CLIENT
    )
    _appointment(form, worker, e1, t(2026, 11, 23), t(2026, 11, 23, 11), Outcome.PLANNED)
    _appointment(form, worker, None, t(2026, 11, 6, 8), t(2026, 11, 6, 9))
    # An outpatient form of the same organisation that is not purchased work.
    plain = ServiceFormFactory.create(
        kind=ServiceForm.Kind.OUTPATIENT,
        name="Avotyö (testi)",
        organisation=form.organisation,
        area=form.area,
    )
    plain_episode = _episode(plain, [(_person(plain, "Veera", lahti), "client")])
    _appointment(plain, worker, plain_episode, t(2026, 11, 6, 10), t(2026, 11, 6, 11))
    # Another organisation's funded form.
    other = family_work_form()
    other_worker = worker_in(other)
    other_episode = _episode(other, [(_person(other, "Olga", lahti), "client")])
    _appointment(other, other_worker, other_episode, t(2026, 11, 2, 10), t(2026, 11, 2, 11))
    return {
        "form": form,
        "worker": worker,
        "phhyky": phhyky,
        "lahti": lahti,
        "episodes": (e1, e2, e3, e4),
        "appointments": a,
        "other": other,
    }


def _collect(form: ServiceForm, **narrowed: Any) -> list[Any]:
    with scope(organisation=form.organisation_id):
        return billable.collect(
            organisation_id=form.organisation_id,
            start=NOVEMBER[0],
            end=NOVEMBER[1],
            as_of=AS_OF,
            **narrowed,
        )


def test_the_hand_computed_hours(world: dict[str, Any]) -> None:
    e1, e2, e3, e4 = world["episodes"]
    a = world["appointments"]
    lahti, phhyky = world["lahti"].pk, world["phhyky"].pk
    items = _collect(world["form"])
    got = [
        (i.day, i.quantity, i.group_key, i.case_reference, i.payer_id, i.municipality_id, i.records)
        for i in items
    ]

    def row(day: dt.date, hours: str, episode: Episode, payer: Any, muni: Any, key: str) -> Any:
        return (
            day,
            Decimal(hours),
            f"episode:{episode.pk}",
            f"asiakkuus {episode.pk}",
            payer,
            muni,
            (("scheduling.appointment", a[key].pk),),
        )

    assert got == [
        # 10:00–11:30 = 90 min = 1.50 h; the client's Lahti, not the child's Asikkala.
        row(D(2026, 11, 2), "1.50", e1, None, lahti, "e1_2"),
        # Turvakielto, no payer on the episode: no buyer at all (invoicing: "ostaja puuttuu").
        row(D(2026, 11, 3), "1.00", e2, None, None, "e2"),
        # Turvakielto, the episode's payer buys: 9:00–11:15 = 135 min = 2.25 h.
        row(D(2026, 11, 4), "2.25", e3, phhyky, None, "e3"),
        # The child is under turvakielto: the family's municipality stays in the record.
        row(D(2026, 11, 5), "0.75", e4, None, None, "e4"),
        # 50 min = 0.8333… h → 0.83.
        row(D(2026, 11, 9), "0.83", e1, None, lahti, "e1_9"),
        # Starts 30.11. 23:30 local (21:30 UTC): November's, 60 min.
        row(D(2026, 11, 30), "1.00", e1, None, lahti, "e1_30"),
    ]
    for item in items:
        assert item.source == "scheduling.family_work"
        assert item.item == "family_work_hour"
        assert item.service_form_id == world["form"].pk
        assert item.buyer_name == "" and item.unit_price is None and item.description == ""


def test_hours_rounding() -> None:
    start = t(2026, 3, 29, 2)
    assert billable.hours(start, start + dt.timedelta(minutes=50)) == Decimal("0.83")
    assert billable.hours(start, start + dt.timedelta(minutes=20)) == Decimal("0.33")
    assert billable.hours(start, start + dt.timedelta(minutes=25)) == Decimal("0.42")
    # Across the spring daylight-saving change (29.3.2026 03:00 → 04:00): 02:00–05:00 local is
    # two real hours.
    assert billable.hours(t(2026, 3, 29, 2), t(2026, 3, 29, 5)) == Decimal("2.00")


def test_other_organisation_and_forms(world: dict[str, Any]) -> None:
    items = _collect(world["other"])
    assert [(i.service_form_id, i.quantity) for i in items] == [
        (world["other"].pk, Decimal("1.00"))
    ]
    assert all(i.service_form_id == world["form"].pk for i in _collect(world["form"]))


def test_narrowed_to_some_forms(world: dict[str, Any]) -> None:
    assert_collect_narrows_to_forms(
        lambda **narrowed: _collect(world["form"], **narrowed), world["form"]
    )


def test_no_names_in_the_items(world: dict[str, Any]) -> None:
    with scopes_disabled():
        names = [
            n
            for first, last in Person.objects.filter(
                organisation=world["form"].organisation
            ).values_list("first_names", "last_name")
            for n in (first, last)
        ]
    assert "Salla" in names and "Perheinen" in names
    for item in _collect(world["form"]):
        text = repr(dataclasses.astuple(item))
        assert not [n for n in names if n in text]


def test_constant_queries(django_assert_max_num_queries: Any) -> None:
    """Appointments (1) + participants (1) + restrictions (1–2), for one family or three."""
    form = family_work_form()
    worker = worker_in(form)
    lahti = _municipality("398", "Lahti")

    def add(day: int) -> None:
        episode = _episode(
            form, [(_person(form, "A", lahti), "client"), (_person(form, "B", None), "child")]
        )
        _appointment(form, worker, episode, t(2026, 11, day, 10), t(2026, 11, day, 11))

    add(2)
    with django_assert_max_num_queries(4):
        assert len(_collect(form)) == 1
    add(3)
    add(4)
    with django_assert_max_num_queries(4):
        assert len(_collect(form)) == 3


def test_nothing_to_bill_is_one_query(django_assert_max_num_queries: Any) -> None:
    form = family_work_form()
    with django_assert_max_num_queries(1):
        assert _collect(form) == []


def test_registered() -> None:
    source = next(s for s in registry.billable_sources if s.key == "scheduling.family_work")
    assert source.collect is billable.collect
