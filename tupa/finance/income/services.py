"""Writes of other income and earmarked funds (FIN-05, FIN-08; ``docs/finance-income.md``).

Only a holder of ``finance.income.manage`` (the finance manager) writes, in the actor's own
organisation; every write runs in one transaction under a lock of the fund it touches.

**No overdrawing.** A fund's balance is its donations in (income rows with the fund) minus its
uses; taken day by day in date order (on one day money in before money out) it never goes below
zero. :func:`fund_use_add` refuses a use the balance on its day does not cover, and
:func:`income_update` refuses a change (a smaller amount, a later date, another fund) that would
leave a use uncovered.

**Private donors.** A private person's name is stored only when the user types it
(``donor_name``); for a company or organisation the name is required and no private name is kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.access import policy
from tupa.core.saving import save_validated
from tupa.finance.models import EarmarkedFund, FundUse, OtherIncome
from tupa.finance.money import euros
from tupa.organisations.models import Funder

if TYPE_CHECKING:
    from tupa.accounts.models import User

MANAGE = "finance.income.manage"
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def _day(value: dt.date) -> str:
    return f"{value.day}.{value.month}.{value.year}"


def _amount(value: Decimal, errors: dict[str, str], key: str = "amount") -> Decimal:
    try:
        amount = Decimal(value)
        if amount < CENT or amount != amount.quantize(CENT) or amount >= Decimal("1e10"):
            raise InvalidOperation
        return amount.quantize(CENT)
    except (InvalidOperation, TypeError, ValueError):
        errors[key] = _("Summan on oltava vähintään 0,01 € ja enintään kaksi desimaalia.")
        return ZERO


def _date(value: dt.date | None, errors: dict[str, str], key: str) -> None:
    if value is None:
        errors[key] = _("Anna päivä.")
    elif not 2000 <= value.year <= 2100:
        errors[key] = _("Päivän on oltava vuosina 2000–2100.")


# --- the balance rule --------------------------------------------------------------------


def fund_shortfall(fund: EarmarkedFund) -> tuple[dt.date, Decimal] | None:
    """The first day on which ``fund`` would be overdrawn, with its balance then; None when
    the balance never goes below zero.

    Money in and out are taken in date order, money in first on the same day (two queries)."""
    events: list[tuple[dt.date, int, Decimal]] = [
        (day, 0, amount)
        for day, amount in OtherIncome.objects.filter(fund=fund).values_list(
            "received_on", "amount"
        )
    ]
    events += [
        (day, 1, -amount)
        for day, amount in FundUse.objects.filter(fund=fund).values_list("used_on", "amount")
    ]
    balance = ZERO
    for day, _order, amount in sorted(events, key=lambda e: (e[0], e[1])):
        balance += amount
        if balance < 0:
            return day, balance
    return None


def _never_negative(fund: EarmarkedFund, key: str) -> None:
    found = fund_shortfall(fund)
    if found is not None:
        day, balance = found
        raise ValidationError(
            {
                key: _(
                    "Rahaston %(fund)s saldo menisi %(day)s miinukselle (%(balance)s €). "
                    "Rahastosta ei voi käyttää enempää kuin siihen on lahjoitettu."
                )
                % {"fund": fund.name, "day": _day(day), "balance": euros(balance)}
            }
        )


def _lock(organisation_id: int, funds: list[EarmarkedFund | None]) -> None:
    pks = sorted({f.pk for f in funds if f is not None})
    if pks:
        list(
            EarmarkedFund.objects.select_for_update()
            .filter(organisation_id=organisation_id, pk__in=pks)
            .order_by("pk")
        )


# --- other income --------------------------------------------------------------------------


@dataclass(frozen=True)
class IncomeData:
    kind: str
    received_on: dt.date
    amount: Decimal
    source_kind: str
    source_name: str = ""
    donor_name: str = ""
    funder: Funder | None = None
    fund: EarmarkedFund | None = None
    description: str = ""


def _clean_income(
    organisation_id: int, data: IncomeData, current: OtherIncome | None
) -> IncomeData:
    errors: dict[str, str] = {}
    for related in (data.funder, data.fund):
        if related is not None and related.organisation_id != organisation_id:
            raise PermissionDenied
    if data.kind not in OtherIncome.Kind.values:
        errors["kind"] = _("Valitse tuoton laji.")
    _date(data.received_on, errors, "received_on")
    amount = _amount(data.amount, errors)
    source_name, donor_name = data.source_name.strip(), data.donor_name.strip()
    if data.source_kind == OtherIncome.Source.ORGANISATION:
        donor_name = ""
        if not source_name:
            errors["source_name"] = _("Anna yrityksen tai yhteisön nimi.")
    elif data.source_kind == OtherIncome.Source.PRIVATE:
        source_name = ""
    else:
        errors["source_kind"] = _("Valitse, onko maksaja yritys tai yhteisö vai yksityishenkilö.")
    fund = data.fund
    if fund is not None and not fund.active and (current is None or current.fund_id != fund.pk):
        errors["fund"] = _("Rahasto ei ole enää käytössä.")
    if errors:
        raise ValidationError(errors)
    return IncomeData(
        kind=data.kind,
        received_on=data.received_on,
        amount=amount,
        source_kind=data.source_kind,
        source_name=source_name,
        donor_name=donor_name,
        funder=data.funder,
        fund=fund,
        description=data.description.strip(),
    )


def _fill_income(income: OtherIncome, data: IncomeData) -> None:
    income.kind = data.kind
    income.received_on = data.received_on
    income.amount = data.amount
    income.source_kind = data.source_kind
    income.source_name = data.source_name
    income.donor_name = data.donor_name
    income.funder = data.funder
    income.fund = data.fund
    income.description = data.description


@transaction.atomic
def income_create(*, actor: User, data: IncomeData) -> OtherIncome:
    """Record other income; into an earmarked fund when ``data.fund`` is set."""
    organisation_id = policy.organisation_for(actor, MANAGE)
    with scope(organisation=organisation_id):
        clean = _clean_income(organisation_id, data, None)
        _lock(organisation_id, [clean.fund])
        income = OtherIncome(organisation_id=organisation_id, recorded_by=actor)
        _fill_income(income, clean)
        save_validated(income, actor=actor)
    return income


@transaction.atomic
def income_update(*, actor: User, income: OtherIncome, data: IncomeData) -> OtherIncome:
    """Correct an income row (the change history keeps the earlier values). Refused when the
    change would leave a fund's use uncovered."""
    organisation_id = policy.organisation_for(actor, MANAGE)
    if income.organisation_id != organisation_id:
        raise PermissionDenied
    with scope(organisation=organisation_id):
        clean = _clean_income(organisation_id, data, income)
        old_fund = income.fund
        _lock(organisation_id, [old_fund, clean.fund])
        locked = OtherIncome.objects.get(pk=income.pk)
        _fill_income(locked, clean)
        save_validated(locked, actor=actor)
        for fund in {f.pk: f for f in (old_fund, clean.fund) if f is not None}.values():
            _never_negative(fund, "amount")
    return locked


# --- earmarked funds -------------------------------------------------------------------------


def _clean_fund(organisation_id: int, name: str, purpose: str, pk: int | None) -> tuple[str, str]:
    errors: dict[str, str] = {}
    name, purpose = name.strip(), purpose.strip()
    if not name:
        errors["name"] = _("Anna rahastolle nimi.")
    elif (
        EarmarkedFund.objects.filter(organisation_id=organisation_id, name__iexact=name)
        .exclude(pk=pk or 0)
        .exists()
    ):
        errors["name"] = _("Samanniminen rahasto on jo olemassa.")
    if not purpose:
        errors["purpose"] = _("Kerro, mihin rahaston varat käytetään.")
    if errors:
        raise ValidationError(errors)
    return name, purpose


@transaction.atomic
def fund_create(*, actor: User, name: str, purpose: str) -> EarmarkedFund:
    """A new earmarked fund (e.g. *Lasten virkistys*)."""
    organisation_id = policy.organisation_for(actor, MANAGE)
    with scope(organisation=organisation_id):
        name, purpose = _clean_fund(organisation_id, name, purpose, None)
        fund = EarmarkedFund(organisation_id=organisation_id, name=name, purpose=purpose)
        save_validated(fund, actor=actor)
    return fund


@transaction.atomic
def fund_update(
    *, actor: User, fund: EarmarkedFund, name: str, purpose: str, active: bool
) -> EarmarkedFund:
    """Rename, describe or close a fund (a closed fund takes no new donations or uses)."""
    organisation_id = policy.organisation_for(actor, MANAGE)
    if fund.organisation_id != organisation_id:
        raise PermissionDenied
    with scope(organisation=organisation_id):
        name, purpose = _clean_fund(organisation_id, name, purpose, fund.pk)
        locked = EarmarkedFund.objects.select_for_update().get(pk=fund.pk)
        locked.name, locked.purpose, locked.active = name, purpose, active
        save_validated(locked, actor=actor)
    return locked


@transaction.atomic
def fund_use_add(
    *,
    actor: User,
    fund: EarmarkedFund,
    used_on: dt.date,
    amount: Decimal,
    event: str,
    event_link: str = "",
    description: str = "",
) -> FundUse:
    """Money out of ``fund`` for the event it paid for; refused if the balance on ``used_on``
    (and on every later day) does not cover it."""
    organisation_id = policy.organisation_for(actor, MANAGE)
    if fund.organisation_id != organisation_id:
        raise PermissionDenied
    errors: dict[str, str] = {}
    _date(used_on, errors, "used_on")
    amount = _amount(amount, errors)
    event = event.strip()
    if not event:
        errors["event"] = _("Kerro, mihin tapahtumaan rahat käytettiin.")
    event_link = event_link.strip()
    local = event_link.startswith("/") and not event_link.startswith("//")
    if event_link and not (local or event_link.startswith("https://")):
        errors["event_link"] = _("Linkin on oltava Tupan osoite (alkaa /) tai https-osoite.")
    if not fund.active:
        errors["event"] = _("Rahasto ei ole enää käytössä.")
    if errors:
        raise ValidationError(errors)
    with scope(organisation=organisation_id):
        _lock(organisation_id, [fund])
        use = FundUse(
            fund=fund,
            used_on=used_on,
            amount=amount,
            event=event,
            event_link=event_link,
            description=description.strip(),
            recorded_by=actor,
        )
        save_validated(use, actor=actor)
        _never_negative(fund, "amount")
    return use
