"""Writes of purchase-service agreements and their price rows (FIN-02).

Only a holder of ``finance.agreements.manage`` in the agreement's organisation writes. Every
write runs in a transaction; a price is set under a lock of its agreement, so two finance users
setting prices at once never leave overlapping rows.

The price rule: **a price change is a new row**. :func:`price_set` ends the open row of the same
priced thing on the day before the new price starts and adds the new open row; a price that
starts on the open row's own first day corrects that row (the change history keeps the old
amount). A date inside an ended row, before a later row, or outside the agreement is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.access import policy
from tupa.finance.models import Agreement, PriceRow
from tupa.finance.models.agreements import (
    InvoicingInterval,
    MeetingType,
    PricedItem,
    einvoice_errors,
)
from tupa.organisations.models import Municipality, Partner, ServiceForm

if TYPE_CHECKING:
    from tupa.accounts.models import User

MANAGE = "finance.agreements.manage"
#: Partner kinds that may buy services under an agreement.
BUYER_KINDS = (Partner.Kind.MUNICIPALITY, Partner.Kind.WELLBEING_SERVICES)
CENT = Decimal("0.01")
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class AgreementData:
    """What the agreement form gives (every field of :class:`Agreement` that a user edits)."""

    buyer: Partner
    number: str
    title: str
    valid_from: dt.date
    service_forms: list[ServiceForm] = field(default_factory=list)
    municipalities: list[Municipality] = field(default_factory=list)
    valid_until: dt.date | None = None
    invoicing_interval: str = InvoicingInterval.MONTHLY
    payment_term_days: int = 14
    einvoice_address: str = ""
    einvoice_operator: str = ""
    buyer_reference: str = ""
    billing_street: str = ""
    billing_postcode: str = ""
    billing_town: str = ""
    contact_notes: str = ""


def _require(actor: User, agreement: Agreement) -> None:
    if not policy.decide(actor, MANAGE, agreement):
        raise PermissionDenied


def _overlaps(
    qs: Iterable[Agreement], valid_from: dt.date, valid_until: dt.date | None
) -> list[Agreement]:
    end = valid_until or dt.date.max
    return [a for a in qs if a.valid_from <= end and valid_from <= (a.valid_until or dt.date.max)]


def _clean(organisation_id: int, data: AgreementData, pk: int | None) -> AgreementData:
    """The data normalised, or a ``ValidationError`` keyed by field (Finnish messages)."""
    errors: dict[str, str] = {}
    if data.buyer.organisation_id != organisation_id:
        raise PermissionDenied
    if data.buyer.kind not in BUYER_KINDS:
        errors["buyer"] = _("Ostajan on oltava kunta, kuntayhtymä tai hyvinvointialue.")
    number = data.number.strip()
    title = data.title.strip()
    if not number:
        errors["number"] = _("Anna sopimusnumero.")
    elif (
        Agreement.objects.filter(organisation_id=organisation_id, number=number)
        .exclude(pk=pk or 0)
        .exists()
    ):
        errors["number"] = _("Organisaatiolla on jo sopimus tällä numerolla.")
    if not title:
        errors["title"] = _("Anna sopimukselle nimi.")
    forms = list(data.service_forms)
    if not forms:
        errors["service_forms"] = _("Valitse ainakin yksi työmuoto.")
    elif any(f.organisation_id != organisation_id for f in forms):
        raise PermissionDenied
    if data.valid_until is not None and data.valid_until < data.valid_from:
        errors["valid_until"] = _("Päättymispäivä ei voi olla ennen alkamispäivää.")
    if data.invoicing_interval not in InvoicingInterval.values:
        errors["invoicing_interval"] = _("Valitse laskutusväli.")
    if not 0 <= data.payment_term_days <= 365:
        errors["payment_term_days"] = _("Maksuajan on oltava 0–365 päivää.")
    ovt, operator, einvoice = einvoice_errors(data.einvoice_address, data.einvoice_operator)
    errors.update(einvoice)
    if pk is not None and "valid_until" not in errors:
        outside = PriceRow.objects.filter(agreement_id=pk).filter(
            Q(valid_from__lt=data.valid_from)
            | (Q(valid_from__gt=data.valid_until) if data.valid_until else Q(pk__in=[]))
        )
        if outside.exists():
            errors["valid_from"] = _(
                "Sopimuksella on hintoja tämän voimassaolon ulkopuolella; muuta ensin hintoja."
            )
    if forms and not errors:
        others = Agreement.objects.filter(
            organisation_id=organisation_id, service_forms__in=forms
        ).exclude(pk=pk or 0)
        clash = _overlaps(
            others.filter(buyer=data.buyer).distinct(), data.valid_from, data.valid_until
        )
        if clash:
            errors["valid_from"] = _(
                "Ostajalla on samaan aikaan voimassa sopimus %(number)s samasta työmuodosta."
            ) % {"number": clash[0].number}
        municipalities = list(data.municipalities)
        if municipalities and not clash:
            clash = _overlaps(
                others.filter(municipalities__in=municipalities).distinct(),
                data.valid_from,
                data.valid_until,
            )
            if clash:
                errors["municipalities"] = _(
                    "Sama kunta ja työmuoto kuuluvat jo samaan aikaan sopimukseen %(number)s."
                ) % {"number": clash[0].number}
    if errors:
        raise ValidationError(errors)
    return AgreementData(
        buyer=data.buyer,
        number=number,
        title=title,
        valid_from=data.valid_from,
        service_forms=forms,
        municipalities=list(data.municipalities),
        valid_until=data.valid_until,
        invoicing_interval=data.invoicing_interval,
        payment_term_days=data.payment_term_days,
        einvoice_address=ovt,
        einvoice_operator=operator,
        buyer_reference=data.buyer_reference.strip(),
        billing_street=data.billing_street.strip(),
        billing_postcode=data.billing_postcode.strip(),
        billing_town=data.billing_town.strip(),
        contact_notes=data.contact_notes.strip(),
    )


def _fill(agreement: Agreement, data: AgreementData) -> None:
    agreement.buyer = data.buyer
    agreement.number = data.number
    agreement.title = data.title
    agreement.valid_from = data.valid_from
    agreement.valid_until = data.valid_until
    agreement.invoicing_interval = data.invoicing_interval
    agreement.payment_term_days = data.payment_term_days
    agreement.einvoice_address = data.einvoice_address
    agreement.einvoice_operator = data.einvoice_operator
    agreement.buyer_reference = data.buyer_reference
    agreement.billing_street = data.billing_street
    agreement.billing_postcode = data.billing_postcode
    agreement.billing_town = data.billing_town
    agreement.contact_notes = data.contact_notes


@transaction.atomic
def agreement_create(*, actor: User, data: AgreementData) -> Agreement:
    """A new agreement of the actor's organisation (its prices are added with ``price_set``)."""
    organisation_id = policy.organisation_for(actor, MANAGE)
    with scope(organisation=organisation_id):
        clean = _clean(organisation_id, data, None)
        agreement = Agreement(organisation_id=organisation_id)
        agreement._history_user = actor  # type: ignore[attr-defined]
        _fill(agreement, clean)
        agreement.save()
        agreement.service_forms.set(clean.service_forms)
        agreement.municipalities.set(clean.municipalities)
    return agreement


@transaction.atomic
def agreement_update(*, actor: User, agreement: Agreement, data: AgreementData) -> Agreement:
    """Change an agreement's terms (the change history keeps the previous ones)."""
    _require(actor, agreement)
    with scope(organisation=agreement.organisation_id):
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        clean = _clean(agreement.organisation_id, data, locked.pk)
        locked._history_user = actor  # type: ignore[attr-defined]
        _fill(locked, clean)
        locked.save()
        locked.service_forms.set(clean.service_forms)
        locked.municipalities.set(clean.municipalities)
    return locked


def _clean_price(
    item: str, meeting_type: str, amount: Decimal, vat_rate: Decimal
) -> tuple[Decimal, Decimal]:
    errors: dict[str, str] = {}
    if item not in PricedItem.values:
        errors["item"] = _("Valitse, mitä hinta koskee.")
    if item == PricedItem.MEETING and meeting_type not in MeetingType.values:
        errors["meeting_type"] = _("Valitse tapaamistyyppi.")
    if item != PricedItem.MEETING and meeting_type:
        errors["meeting_type"] = _("Tapaamistyyppi valitaan vain tapaamisen hinnalle.")
    try:
        amount = Decimal(amount)
        if amount < 0 or amount != amount.quantize(CENT) or amount >= Decimal("1e10"):
            raise InvalidOperation
    except (InvalidOperation, TypeError, ValueError):
        errors["amount"] = _("Hinnan on oltava vähintään 0 € ja enintään kaksi desimaalia.")
    try:
        vat_rate = Decimal(vat_rate)
        if not 0 <= vat_rate < 100 or vat_rate != vat_rate.quantize(CENT):
            raise InvalidOperation
    except (InvalidOperation, TypeError, ValueError):
        errors["vat_rate"] = _("Arvonlisäveron on oltava 0–99,99 %.")
    if errors:
        raise ValidationError(errors)
    return amount.quantize(CENT), vat_rate.quantize(CENT)


def _day(value: dt.date) -> str:
    return f"{value.day}.{value.month}.{value.year}"


@transaction.atomic
def price_set(
    *,
    actor: User,
    agreement: Agreement,
    item: str,
    meeting_type: str = "",
    amount: Decimal,
    vat_rate: Decimal = Decimal("0"),
    valid_from: dt.date,
) -> PriceRow:
    """The price of ``item`` (and ``meeting_type``) from ``valid_from`` on.

    Ends the open row on the day before ``valid_from`` when it started earlier, and adds the new
    open row; corrects the open row when it starts on ``valid_from``. Refuses a date before the
    agreement starts or after it ends, inside an ended row, or before a later row.
    """
    _require(actor, agreement)
    amount, vat_rate = _clean_price(item, meeting_type, amount, vat_rate)
    with scope(organisation=agreement.organisation_id):
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if valid_from < locked.valid_from:
            raise ValidationError(
                {"valid_from": _("Sopimus alkaa vasta %(day)s.") % {"day": _day(locked.valid_from)}}
            )
        if locked.valid_until is not None and valid_from > locked.valid_until:
            raise ValidationError(
                {"valid_from": _("Sopimus päättyy %(day)s.") % {"day": _day(locked.valid_until)}}
            )
        rows = list(
            PriceRow.objects.filter(agreement=locked, item=item, meeting_type=meeting_type)
            .select_for_update()
            .order_by("valid_from")
        )
        for row in rows:
            if row.valid_until is not None and row.covers(valid_from):
                raise ValidationError(
                    {
                        "valid_from": _(
                            "Päivä osuu päättyneelle hintajaksolle %(start)s–%(end)s; "
                            "päättynyttä hintaa ei muuteta."
                        )
                        % {"start": _day(row.valid_from), "end": _day(row.valid_until)}
                    }
                )
            if row.valid_from > valid_from:
                raise ValidationError(
                    {
                        "valid_from": _(
                            "Hinnalla on jo myöhempi hintajakso alkaen %(start)s; uusi hinta "
                            "voi alkaa vasta sen jälkeen."
                        )
                        % {"start": _day(row.valid_from)}
                    }
                )
        current = next((r for r in rows if r.valid_until is None), None)
        if current is not None and current.valid_from == valid_from:
            current.amount, current.vat_rate = amount, vat_rate
            current._history_user = actor  # type: ignore[attr-defined]
            current.save(update_fields=["amount", "vat_rate"])
            return current
        if current is not None:
            current.valid_until = valid_from - ONE_DAY
            current._history_user = actor  # type: ignore[attr-defined]
            current.save(update_fields=["valid_until"])
        row = PriceRow(
            agreement=locked,
            item=item,
            meeting_type=meeting_type,
            amount=amount,
            vat_rate=vat_rate,
            valid_from=valid_from,
        )
        row._history_user = actor  # type: ignore[attr-defined]
        row.save()
        return row
