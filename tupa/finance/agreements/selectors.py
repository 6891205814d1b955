"""Reads of purchase-service agreements: the list with current prices, one agreement's price
table by validity, the price valid on a day and the agreement that covers a buyer's purchase.

The invoicing run asks :func:`price_on` and :func:`agreement_for`; a day is always priced by the
row valid on that day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from tupa.finance.models import Agreement, PriceRow
from tupa.finance.models.agreements import UNITS, PricedItem
from tupa.organisations.models import Municipality, Partner, ServiceForm

BUYER_KINDS = (Partner.Kind.MUNICIPALITY, Partner.Kind.WELLBEING_SERVICES)


def _valid_on(day: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}valid_from__lte": day}) & (
        Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": day})
    )


def buyers(organisation_id: int) -> QuerySet[Partner]:
    """The partners that may buy under an agreement (municipalities, joint authorities,
    wellbeing services counties), active ones, by name."""
    return Partner.objects.filter(
        organisation_id=organisation_id, kind__in=BUYER_KINDS, active=True
    ).order_by("name")


def service_forms(organisation_id: int) -> QuerySet[ServiceForm]:
    return ServiceForm.objects.filter(organisation_id=organisation_id).order_by("name")


def agreements_with_current_prices(organisation_id: int, today: dt.date) -> list[Agreement]:
    """Every agreement of the organisation with its buyer, service forms and the price rows
    valid ``today`` (``current_prices``) — four queries whatever the number of agreements."""
    return list(
        Agreement.objects.filter(organisation_id=organisation_id)
        .select_related("buyer")
        .prefetch_related(
            Prefetch("service_forms", queryset=ServiceForm.objects.order_by("name")),
            Prefetch(
                "municipalities",
                queryset=Municipality.objects.order_by(Municipality.display_ordering()),
            ),
            Prefetch(
                "prices",
                queryset=PriceRow.objects.filter(_valid_on(today)).order_by("item", "meeting_type"),
                to_attr="current_prices",
            ),
        )
        .order_by("buyer__name", "-valid_from", "number")
    )


def agreement_of(organisation_id: int, pk: int) -> Agreement | None:
    """Agreement ``pk`` of the organisation, or None (another organisation's is "not found")."""
    return (
        Agreement.objects.filter(organisation_id=organisation_id, pk=pk)
        .select_related("buyer")
        .prefetch_related(
            Prefetch("service_forms", queryset=ServiceForm.objects.order_by("name")),
            Prefetch(
                "municipalities",
                queryset=Municipality.objects.order_by(Municipality.display_ordering()),
            ),
        )
        .first()
    )


@dataclass(frozen=True)
class PriceLine:
    row: PriceRow
    state: str  # "current", "past" or "future"


@dataclass(frozen=True)
class PriceGroup:
    """The rows of one priced thing (item and meeting type), oldest first."""

    item: str
    meeting_type: str
    label: str
    unit: str
    lines: list[PriceLine]


def price_table(agreement: Agreement, today: dt.date) -> list[PriceGroup]:
    """The agreement's price rows grouped by priced thing in the order of the item choices;
    the row valid ``today`` is ``current`` (one query)."""
    order = {value: i for i, value in enumerate(PricedItem.values)}
    groups: dict[tuple[str, str], list[PriceLine]] = {}
    labels: dict[tuple[str, str], str] = {}
    for row in agreement.prices.order_by("valid_from"):
        if row.covers(today):
            state = "current"
        elif row.valid_from > today:
            state = "future"
        else:
            state = "past"
        key = (row.item, row.meeting_type)
        groups.setdefault(key, []).append(PriceLine(row, state))
        label = str(row.get_item_display())
        if row.meeting_type:
            label = f"{label}: {row.get_meeting_type_display()}"
        labels[key] = label
    return [
        PriceGroup(
            item=item,
            meeting_type=meeting_type,
            label=labels[(item, meeting_type)],
            unit=str(UNITS[PricedItem(item)]),
            lines=groups[(item, meeting_type)],
        )
        for item, meeting_type in sorted(groups, key=lambda k: (order.get(k[0], 99), k[1]))
    ]


def price_on(
    agreement: Agreement, item: str, day: dt.date, meeting_type: str = ""
) -> PriceRow | None:
    """The row pricing ``item`` (``meeting_type``) on ``day``, or None — also when the
    agreement itself is not valid on ``day``."""
    if day < agreement.valid_from or (
        agreement.valid_until is not None and day > agreement.valid_until
    ):
        return None
    return (
        PriceRow.objects.filter(agreement=agreement, item=item, meeting_type=meeting_type)
        .filter(_valid_on(day))
        .first()
    )


def agreement_for(
    buyer: Partner | Municipality, service_form: ServiceForm, day: dt.date
) -> Agreement | None:
    """The agreement valid on ``day`` that covers ``service_form`` for ``buyer``.

    ``buyer`` is the buying partner, or a municipality (a child's home municipality, FIN-03):
    then the agreement whose coverage lists it. The services refuse overlapping agreements of
    the same buyer (or covered municipality) and service form, so there is at most one.
    """
    found = Agreement.objects.filter(
        organisation_id=service_form.organisation_id, service_forms=service_form
    ).filter(_valid_on(day))
    if isinstance(buyer, Municipality):
        found = found.filter(municipalities=buyer)
    else:
        found = found.filter(buyer=buyer)
    return found.select_related("buyer").order_by("-valid_from").first()
