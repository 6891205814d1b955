"""Two finance users send at the same moment: invoice numbers stay unique and gapless."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import OrganisationFactory, org_role_user
from tupa.finance.invoicing import services
from tupa.finance.models import Invoice, InvoiceNumberSeries, InvoiceRun
from tupa.finance.tests import factories

D = dt.date


def _race(jobs: list[Callable[[], Any]]) -> list[str]:
    """Run the jobs in threads released at once; each answers "ok" or the error."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(job: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            job()
            result = "ok"
        except Exception as exc:
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _draft(org: Any, user: Any, **kwargs: Any) -> Invoice:
    return factories.draft_invoice(
        org, created_by=user, lines=[{"quantity": "1", "unit_price": "96.00"}], **kwargs
    )


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_runs_sent_at_once_get_gapless_unique_numbers() -> None:
    org = OrganisationFactory()
    finance = [org_role_user(org, Role.FINANCE) for _ in range(2)]
    runs = []
    with scopes_disabled():
        for first, last in ((D(2026, 10, 1), D(2026, 10, 31)), (D(2026, 11, 1), D(2026, 11, 30))):
            run = InvoiceRun.objects.create(
                organisation=org, period_start=first, period_end=last, created_by=finance[0]
            )
            for n in range(4):
                _draft(org, finance[0], run=run, buyer_name=f"Ostaja {n}")
            runs.append(run)
    with scopes_disabled():
        InvoiceNumberSeries.objects.create(organisation=org, next_number=1000)
    outcomes = _race(
        [
            lambda: services.run_send_all(
                actor=finance[0], run=runs[0], invoice_date=D(2026, 12, 3)
            ),
            lambda: services.run_send_all(
                actor=finance[1], run=runs[1], invoice_date=D(2026, 12, 3)
            ),
        ]
    )
    assert outcomes == ["ok", "ok"]
    with scopes_disabled():
        numbers = sorted(
            n
            for n in Invoice.objects.filter(organisation=org).values_list("number", flat=True)
            if n
        )
        # 2 runs × 4 invoices = 8 numbers, 1000…1007, none twice, none missing.
        assert numbers == list(range(1000, 1008))
        assert InvoiceNumberSeries.objects.get(organisation=org).next_number == 1008
        assert set(
            InvoiceRun.objects.filter(organisation=org).values_list("status", flat=True)
        ) == {InvoiceRun.Status.SENT}


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_first_sends_race_to_create_the_series_and_a_failing_one_leaves_no_gap() -> None:
    org = OrganisationFactory()
    finance = [org_role_user(org, Role.FINANCE) for _ in range(3)]
    # No series yet: the three transactions race to create it.
    with scopes_disabled():
        drafts = [_draft(org, finance[0]) for _ in range(2)]
        empty = factories.draft_invoice(org, created_by=finance[0])
    outcomes = _race(
        [
            lambda: services.invoice_send(
                actor=finance[0], invoice=drafts[0], invoice_date=D(2026, 12, 3)
            ),
            lambda: services.invoice_send(
                actor=finance[1], invoice=drafts[1], invoice_date=D(2026, 12, 3)
            ),
            lambda: services.invoice_send(
                actor=finance[2], invoice=empty, invoice_date=D(2026, 12, 3)
            ),
        ]
    )
    assert sorted(outcomes) == [
        "error: ValidationError(['Laskulla ei ole rivejä, joten sitä ei voi lähettää.'])",
        "ok",
        "ok",
    ]
    with scopes_disabled():
        numbers = sorted(
            n
            for n in Invoice.objects.filter(organisation=org).values_list("number", flat=True)
            if n
        )
        assert numbers == [1000, 1001]
        assert InvoiceNumberSeries.objects.get(organisation=org).next_number == 1002
