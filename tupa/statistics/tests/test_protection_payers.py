"""Turvakielto in the payer breakdown (ADR 0020): a protected family's home is never shown.

The ADR's rule for the column choices — "the municipality column choices leave out homes known
only from protected persons" — is kept by the home-municipality dimension
(``dimensions._municipalities``); the payer-municipality dimension of the supervised meetings
(the child's home municipality that pays, ``AGGREGATE_ONLY`` as well) is tested here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django_scopes import scopes_disabled

from tupa.core.tests.factories import worker_in
from tupa.people.models import Restriction
from tupa.statistics.indicators.base import UNKNOWN, Params, Unit
from tupa.statistics.indicators.computing import compute
from tupa.statistics.indicators.visitation import PAYER
from tupa.statistics.tables import build_table
from tupa.statistics.tests.properties import assert_consistent, toy_indicator
from tupa.visitation.tests.support import family, make_order, municipality, visitation_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def meetings() -> dict[str, Any]:
    """Two supervised-meeting orders: an unprotected family's paid by Lahti, and a family whose
    mother has a turvakielto paid by Kanariakunta (no other order is)."""
    form = visitation_form()
    member = worker_in(form)
    lahti = municipality("398", "Lahti")
    kanaria = municipality("999", "Kanariakunta")
    open_episode, open_people = family(form, names=("Avoin", "Avoin-isä"))
    hidden_episode, hidden_people = family(form, names=("Suojattu", "Suojattu-isä"))
    make_order(member, open_episode, open_people, payer_municipality=lahti)
    make_order(member, hidden_episode, hidden_people, payer_municipality=kanaria)
    with scopes_disabled():
        Restriction.objects.create(
            person=hidden_people["mother"].person,
            kind=Restriction.Kind.TURVAKIELTO,
            valid_from=dt.date(2024, 1, 1),
            covers_household_children=True,
            created_by=member,
        )
    return {
        "form": form,
        "lahti": lahti,
        "kanaria": kanaria,
        "open": open_episode,
        "hidden": hidden_episode,
    }


def _params(world: dict[str, Any]) -> Params:
    form = world["form"]
    return Params(form.organisation_id, dt.date(2026, 1, 1), dt.date(2026, 12, 31), (form.pk,))


def _meeting(world: dict[str, Any], episode: str, payer: str) -> Unit:
    """A meeting as ``visitation.meeting_units`` makes it: the order's episode and payer."""
    pk = world[payer].pk
    return Unit((str(pk),), 1, world[episode].pk, None, pk)


def test_no_payer_column_names_the_municipality_of_a_protected_family(
    meetings: dict[str, Any],
) -> None:
    """The protected family's meeting counts, as "ei tiedossa", but no row names Kanariakunta:
    the internal meetings report (payer × outcome) would show "Kanariakunta 0" beside an
    unknown payer, i.e. that the protected family's child lives in Kanariakunta."""
    params = _params(meetings)
    units = [_meeting(meetings, "open", "lahti"), _meeting(meetings, "hidden", "kanaria")]
    result = compute(toy_indicator(units, PAYER), params)
    table = build_table(result, (PAYER.key,))
    rows = [value for value, _label in table.rows]
    assert str(meetings["kanaria"].pk) not in rows, table.rows
    assert table.cell(UNKNOWN) == 1


def test_a_withheld_payer_is_among_the_payer_choices(meetings: dict[str, Any]) -> None:
    """withhold_homes sets a protected family's payer to "unknown", which the payer dimension
    does not offer: the breakdown fails the property every indicator keeps (assert_consistent),
    and the table shows a row labelled with the raw value "unknown"."""
    params = _params(meetings)
    units = [_meeting(meetings, "open", "lahti"), _meeting(meetings, "hidden", "kanaria")]
    assert_consistent(compute(toy_indicator(units, PAYER), params))


def test_a_protected_familys_meetings_leave_every_municipalitys_report(
    meetings: dict[str, Any],
) -> None:
    """Pinned: the payer's own report gets no meeting of the protected family (the unit is
    covered through its episode, though it names no person), the other payer's gets its own."""
    units = [_meeting(meetings, "open", "lahti"), _meeting(meetings, "hidden", "kanaria")]
    indicator = toy_indicator(units, PAYER)
    base = _params(meetings)
    for payer, expected in (("kanaria", 0), ("lahti", 1)):
        params = Params(
            base.organisation_id,
            base.start,
            base.end,
            base.service_form_ids,
            municipality_id=meetings[payer].pk,
        )
        assert compute(indicator, params).total == expected, payer


def test_the_protected_episodes_are_read_once(
    meetings: dict[str, Any], django_assert_num_queries: Any
) -> None:
    """Who is protected is decided once: the restrictions in force and the housemates of the
    covering one (two queries; this family has no household), then the episodes with a
    protected participant (one). Deciding those participants again through
    ``restricted_person_ids`` cost one to three queries more."""
    from tupa.statistics.indicators.protection import protected

    with django_assert_num_queries(3):
        found = protected(meetings["form"].organisation_id)
    assert found.episode_ids == {meetings["hidden"].pk}
