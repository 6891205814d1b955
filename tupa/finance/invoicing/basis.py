"""The billable basis: what the registered sources report, summarised for the lead, and its
fingerprint (docs/finance-invoicing.md).

The feature apps register :class:`tupa.core.registry.BillableSource` s; :func:`collect_items`
calls them all. A service-form lead sees the form's items of a month grouped by case reference,
priced thing and meeting type (:func:`basis_summary` — the items carry no names) and approves
them (:func:`tupa.finance.invoicing.services.basis_approve`); the approval keeps the
:func:`fingerprint` of what the lead saw, so a run can tell whether the records changed since.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django_scopes import scope

from tupa.core import registry
from tupa.core.digest import canonical_json, sha256_text
from tupa.core.registry import BillableItem
from tupa.finance.models import BasisApproval
from tupa.finance.models.agreements import MeetingType, PricedItem
from tupa.organisations.models import ServiceForm

ZERO = Decimal("0")


def as_decimal(value: Any) -> Decimal:
    """A source's quantity or price as a ``Decimal`` (an int or a string is exact; a float goes
    through its shortest decimal repr)."""
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def collect_items(
    organisation_id: int,
    start: dt.date,
    end: dt.date,
    as_of: Any = None,
    *,
    service_form_ids: Collection[int] | None = None,
) -> list[BillableItem]:
    """Every registered source's billable items of the organisation with ``day`` in
    ``start..end`` (inclusive), in the sources' order — of the ``service_form_ids`` only, when
    given (each source leaves the others unread). Runs in the organisation's scope."""
    found: list[BillableItem] = []
    with scope(organisation=organisation_id):
        for source in registry.billable_sources.all():
            for item in source.collect(
                organisation_id=organisation_id,
                start=start,
                end=end,
                as_of=as_of,
                service_form_ids=service_form_ids,
            ):
                if start <= item.day <= end:
                    found.append(item)
    return found


def _number(value: Any) -> str | None:
    if value is None:
        return None
    return format(as_decimal(value).normalize(), "f")


def canonical(item: BillableItem) -> dict[str, Any]:
    """The item as plain JSON data, independent of how the source typed its numbers."""
    return {
        "source": item.source,
        "service_form_id": item.service_form_id,
        "day": item.day.isoformat(),
        "item": item.item,
        "meeting_type": item.meeting_type,
        "quantity": _number(item.quantity),
        "group_key": item.group_key,
        "case_reference": item.case_reference,
        "description": item.description,
        "payer_id": item.payer_id,
        "municipality_id": item.municipality_id,
        "buyer_name": item.buyer_name,
        "unit_price": _number(item.unit_price),
        "records": sorted([str(label), int(pk)] for label, pk in item.records),
    }


def fingerprint(items: Iterable[BillableItem]) -> str:
    """SHA-256 (hex) of the items' canonical JSON, sorted: the same records give the same
    fingerprint whatever order the sources return them in; any change of a day, quantity, payer,
    case reference or record changes it."""
    rows = sorted(canonical_json(canonical(item)) for item in items)
    return sha256_text("[" + ",".join(rows) + "]")


def item_label(item: str, meeting_type: str = "") -> str:
    """ "Hoitovuorokausi, lapsi", "Valvottu tapaaminen", "Perhetyön tunti" (Finnish source text)."""
    if item == PricedItem.MEETING and meeting_type in MeetingType.values:
        return str(MeetingType(meeting_type).label).capitalize()
    if item in PricedItem.values:
        label = str(PricedItem(item).label)
        return label[:1].upper() + label[1:]
    return item


@dataclass(frozen=True)
class SummaryRow:
    """One case reference's quantity of one priced thing in the period."""

    case_reference: str
    item: str
    meeting_type: str
    label: str
    quantity: Decimal
    first_day: dt.date
    last_day: dt.date
    days: int


@dataclass(frozen=True)
class BasisSummary:
    """A form's billable basis of a period, as the lead sees it (no names: the items carry
    none)."""

    service_form: ServiceForm
    start: dt.date
    end: dt.date
    rows: list[SummaryRow]
    item_count: int
    quantity: Decimal
    fingerprint: str
    totals: list[tuple[str, Decimal]] = field(default_factory=list)


def form_items(items: Iterable[BillableItem], service_form_id: int) -> list[BillableItem]:
    return [item for item in items if item.service_form_id == service_form_id]


def basis_summary(
    service_form: ServiceForm,
    start: dt.date,
    end: dt.date,
    *,
    items: list[BillableItem] | None = None,
) -> BasisSummary:
    """The form's items of ``start..end`` grouped by case reference / priced thing / meeting type
    with their quantities, days and the fingerprint an approval stores. ``items`` (all of the
    organisation's, or the form's) saves a second collection when the caller has them."""
    if items is None:
        items = collect_items(service_form.organisation_id, start, end)
    mine = [i for i in form_items(items, service_form.pk) if start <= i.day <= end]
    order = {value: n for n, value in enumerate(PricedItem.values)}
    groups: dict[tuple[str, str, str], list[BillableItem]] = {}
    for item in mine:
        groups.setdefault((item.case_reference, item.item, item.meeting_type), []).append(item)
    rows = []
    for (reference, priced, meeting_type), members in groups.items():
        days = sorted({m.day for m in members})
        rows.append(
            SummaryRow(
                case_reference=reference,
                item=priced,
                meeting_type=meeting_type,
                label=item_label(priced, meeting_type),
                quantity=sum((as_decimal(m.quantity) for m in members), ZERO),
                first_day=days[0],
                last_day=days[-1],
                days=len(days),
            )
        )
    rows.sort(key=lambda r: (r.case_reference, order.get(r.item, 99), r.meeting_type))
    totals: dict[str, Decimal] = {}
    for row in rows:
        totals[row.label] = totals.get(row.label, ZERO) + row.quantity
    return BasisSummary(
        service_form=service_form,
        start=start,
        end=end,
        rows=rows,
        item_count=len(mine),
        quantity=sum((as_decimal(i.quantity) for i in mine), ZERO),
        fingerprint=fingerprint(mine),
        totals=sorted(totals.items()),
    )


@dataclass(frozen=True)
class BasisState:
    """A form's month for the approval page: the summary, the active approval (if any) and
    whether the records changed after it."""

    summary: BasisSummary
    approval: BasisApproval | None

    @property
    def changed(self) -> bool:
        return self.approval is not None and self.approval.fingerprint != self.summary.fingerprint

    @property
    def approved(self) -> bool:
        return self.approval is not None and not self.changed


def active_approvals(
    organisation_id: int,
    start: dt.date,
    end: dt.date,
    service_form_ids: Iterable[int] | None = None,
) -> list[BasisApproval]:
    """The active (not withdrawn) approvals overlapping ``start..end``, with the approver."""
    found = BasisApproval.objects.filter(
        organisation_id=organisation_id,
        withdrawn_at__isnull=True,
        period_start__lte=end,
        period_end__gte=start,
    )
    if service_form_ids is not None:
        found = found.filter(service_form_id__in=list(service_form_ids))
    return list(found.select_related("approved_by", "service_form").order_by("period_start"))


def basis_states(
    organisation_id: int,
    forms: list[ServiceForm],
    start: dt.date,
    end: dt.date,
    *,
    items: list[BillableItem] | None = None,
) -> list[BasisState]:
    """:class:`BasisState` of each form for ``start..end``: one collection of the sources and
    one query of approvals, whatever the number of forms."""
    if not forms:
        return []
    if items is None:
        items = collect_items(organisation_id, start, end)
    approvals = {
        a.service_form_id: a
        for a in BasisApproval.objects.filter(
            organisation_id=organisation_id,
            service_form_id__in=[f.pk for f in forms],
            period_start=start,
            period_end=end,
        )
        .filter(Q(withdrawn_at__isnull=True))
        .select_related("approved_by")
    }
    return [
        BasisState(
            summary=basis_summary(form, start, end, items=items),
            approval=approvals.get(form.pk),
        )
        for form in forms
    ]
