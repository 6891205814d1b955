"""Demo invoicing (issue 14 item 9): a year of monthly runs from the demo's stays, meetings,
rentals and family work, one credit note, and payments with one invoice left overdue.

- Alvari's episodes get their payer (the buyer of the agreement that covers Alvari), recorded
  by the form's worker as the family work is bought by the county.
- The seller's invoicing details (fictional address; the IBAN is the standard example account
  FI42 5000 1510 0000 23) and the agreements' billing addresses.
- For each of the twelve complete months before the current one except the last: the lead of
  each form with billable items approves the month (``ensikoti.esihenkilo`` Ensikoti and
  Perhetupa, ``ero.esihenkilo`` Tapaamispaikka and Alvari), the finance manager ``talous``
  runs invoicing and sends the drafts five days after the month. After a quarter's last month a
  quarterly run bills the quarterly agreement (Hollola's meetings).
- **The latest complete month is left unapproved and uninvoiced**, so that the lead's approval
  and the finance manager's run can be tried in the demo (the dashboard panel lists it).
- The first sent invoice with two or more lines gets a credit note for its first line, sent.
- Every sent invoice due before today is paid in full (credit notes netted) two days before its
  due date, except the newest one due, which stays overdue.

Built through the services, as the people who would do it. Idempotent: nothing is added if
the organisation already has an invoicing run.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django_scopes import scope

from tupa.accounts.models import Membership, Role, User
from tupa.core.months import add_months, month_bounds
from tupa.episodes.models import Episode
from tupa.episodes.services import episode_update
from tupa.finance.invoicing import services
from tupa.finance.invoicing.basis import collect_items
from tupa.finance.invoicing.profile import profile_save
from tupa.finance.models import Agreement, Invoice, InvoiceRun, InvoicingProfile
from tupa.finance.payments.services import payment_record
from tupa.organisations.models import Organisation, ServiceForm

PROFILE = {
    "street": "Keksitynkatu 5 B",
    "postcode": "15100",
    "town": "Lahti",
    "phone": "03 000 0000",
    "email": "laskutus@demo.invalid",
    "iban": "FI4250001510000023",
    "bic": "OKOYFIHH",
    "einvoice_address": "003712345671",
    "einvoice_operator": "003721291126",
    "default_payment_term_days": 14,
    "penalty_interest": "korkolain mukainen",
    "vat_exempt_note": "Arvonlisäveroton sosiaalipalvelu, AVL 37 §",
    "receivables_account": "1700",
    "income_account": "3000",
    "vat_account": "2939",
    "bank_account": "1910",
}

#: Fictional billing addresses of the demo buyers, by agreement number prefix.
BILLING_ADDRESSES = {
    "PHHYKY": ("PL 0000", "15101", "Lahti"),
    "HOL": ("PL 00", "15871", "Hollola"),
    "HEI": ("PL 00", "18101", "Heinola"),
}


def _lead_of(form: ServiceForm, today: dt.date) -> User | None:
    membership = (
        Membership.objects.active(on=today)
        .filter(service_form=form, role=Role.LEAD)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    return membership.user if membership else None


def _approve(organisation: Organisation, start: dt.date, end: dt.date, today: dt.date) -> None:
    form_ids = {i.service_form_id for i in collect_items(organisation.pk, start, end)}
    for form in ServiceForm.objects.filter(pk__in=form_ids).order_by("pk"):
        lead = _lead_of(form, today)
        if lead is not None:
            services.basis_approve(
                actor=lead, service_form=form, period_start=start, period_end=end
            )


def _alvari_payers(organisation: Organisation, today: dt.date) -> None:
    agreement = (
        Agreement.objects.filter(organisation=organisation, service_forms__slug="alvari")
        .select_related("buyer")
        .first()
    )
    form = ServiceForm.objects.filter(organisation=organisation, slug="alvari").first()
    if agreement is None or form is None:
        return
    worker = User.objects.filter(organisation=organisation, username="alvari").first()
    if worker is None:
        return
    for episode in Episode.objects.filter(service_form=form, payer__isnull=True).order_by("pk"):
        episode_update(actor=worker, episode=episode, version=None, payer=agreement.buyer)


def _run(actor: User, organisation: Organisation, start: dt.date, end: dt.date) -> None:
    run = services.run_create(
        actor=actor, organisation=organisation, period_start=start, period_end=end
    )
    if run.invoices.filter(status=Invoice.Status.DRAFT).exists():
        services.run_send_all(actor=actor, run=run, invoice_date=end + dt.timedelta(days=5))


def build(*, organisation: Organisation) -> str | None:
    """Add the demo invoicing once; None if it exists or the prerequisites are missing."""
    today = timezone.localdate()
    with scope(organisation=organisation.pk):
        if InvoiceRun.objects.filter(organisation=organisation).exists():
            return None
        actor = User.objects.filter(organisation=organisation, username="talous").first()
        if actor is None or not Agreement.objects.filter(organisation=organisation).exists():
            return None
        if not InvoicingProfile.objects.filter(organisation=organisation).exists():
            profile_save(actor=actor, organisation=organisation, data=PROFILE)
        for agreement in Agreement.objects.filter(organisation=organisation, billing_street=""):
            prefix = agreement.number.split("-", 1)[0]
            if prefix in BILLING_ADDRESSES:
                street, postcode, town = BILLING_ADDRESSES[prefix]
                Agreement.objects.filter(pk=agreement.pk).update(
                    billing_street=street, billing_postcode=postcode, billing_town=town
                )

        _alvari_payers(organisation, today)
        this_month = today.replace(day=1)
        months = [add_months(this_month, -n) for n in range(12, 1, -1)]  # the latest left open
        for first in months:
            start, end = month_bounds(first.year, first.month)
            _approve(organisation, start, end, today)
            _run(actor, organisation, start, end)
            quarter_start = add_months(first, -2)
            if end.month % 3 == 0 and quarter_start >= months[0]:
                _run(actor, organisation, quarter_start, end)

        sent = list(
            Invoice.objects.filter(
                organisation=organisation,
                status=Invoice.Status.SENT,
                kind=Invoice.Kind.INVOICE,
            ).order_by("number")
        )
        credited = next((i for i in sent if i.lines.count() >= 2), None)
        if credited is not None:
            note = services.credit_note_create(
                actor=actor,
                invoice=credited,
                lines=[credited.lines.order_by("position").first()],  # type: ignore[list-item]
                reason="Hoitovuorokausien määrä korjattu: lähtöpäivä kirjattiin väärin.",
            )
            services.invoice_send(
                actor=actor, invoice=note, invoice_date=credited.invoice_date or today
            )

        due = [i for i in sent if i.due_date is not None and i.due_date < today]
        overdue = due[-1] if due else None
        paid = 0
        for invoice in due:
            if invoice is overdue:
                continue
            credits = sum(
                (n.total_gross for n in invoice.credit_notes.filter(status=Invoice.Status.SENT)),
                Decimal("0"),
            )
            amount = invoice.total_gross + credits
            if amount <= 0:
                continue
            assert invoice.due_date is not None
            payment_record(
                actor=actor,
                invoice=invoice,
                paid_on=invoice.due_date - dt.timedelta(days=2),
                amount=amount,
                payer_name=invoice.buyer_name,
                reference=invoice.reference,
            )
            paid += 1
        runs = InvoiceRun.objects.filter(organisation=organisation).count()
    return (
        f"Laskutus: {runs} laskutusajoa, {len(sent)} laskua, "
        f"{1 if credited else 0} hyvityslasku, {paid} maksettua, "
        f"{1 if overdue else 0} erääntynyt."
    )
