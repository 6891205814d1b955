"""Issue 14's money journey in the browser, in Finnish, with axe and the CSP checked on each page.

One fictional association (every name made up), one family in its Ensikoti last month — "November"
of the issue is the previous complete month of the day the test runs (the live server's clock
cannot be moved, and nothing in the flow depends on the month's name):

1. The Ensikoti lead opens "Laskutusperuste" from the navigation, sees the month's care days by
   the payer's decision number (never the mother's name) and approves them.
2. The finance manager opens "Talous" → "Laskutusajot", runs invoicing for the month: one draft
   to the wellbeing services county with the hand-computed total; sends it, opens the invoice,
   downloads the PDF and the Finvoice message, and exports the month's journal as CSV.
3. The county pays: a camt.054 notification with the invoice's reference and total is uploaded,
   the dry run matches it to the invoice, the import is confirmed and the invoice is no longer
   open.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from playwright.sync_api import Page, expect

from tupa.accounts.models import Role
from tupa.core.months import month_bounds
from tupa.core.tests.factories import org_role_user, worker_in
from tupa.finance.agreements import services as agreements
from tupa.finance.models import Invoice, InvoiceRun, Payment
from tupa.finance.models.agreements import PricedItem
from tupa.finance.references import format_reference
from tupa.finance.tests import factories
from tupa.people.models import Person
from tupa.residential.commitments import services as commitments
from tupa.residential.tests.support import family, t
from tupa.residential.tests.test_commitment import admit, ensikoti_form, partner

from .journey import JOURNEY_MARKS, log_in, log_out, nav, with_authenticator

pytestmark = JOURNEY_MARKS

MOTHER_FIRST, MOTHER_LAST = "Aamu", "Keksitty"
CHILD_FIRST = "Hiekka"
COUNTY = "Päijät-Hämeen hyvinvointialue"
DECISION = "PHHYKY/4711/2026"
IBAN = "FI4250001510000023"
#: 10 care days each of the mother (228,00 €) and the child (96,00 €), see ``build_world``.
TOTAL = Decimal("3240.00")

CAMT = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">
  <BkToCstmrDbtCdtNtfctn>
    <GrpHdr><MsgId>VIITE{day:%Y%m%d}</MsgId><CreDtTm>{day:%Y-%m-%d}T06:00:00+02:00</CreDtTm></GrpHdr>
    <Ntfctn>
      <Id>1</Id>
      <CreDtTm>{day:%Y-%m-%d}T06:00:00+02:00</CreDtTm>
      <Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Ntry>
        <NtryRef>1</NtryRef>
        <Amt Ccy="EUR">{amount}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>{day:%Y-%m-%d}</Dt></BookgDt>
        <ValDt><Dt>{day:%Y-%m-%d}</Dt></ValDt>
        <AcctSvcrRef>{day:%Y%m%d}ENTRY01</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>VCOM</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls>
          <TxDtls>
            <Refs><AcctSvcrRef>{day:%y%m%d}593497A0001</AcctSvcrRef></Refs>
            <Amt Ccy="EUR">{amount}</Amt>
            <CdtDbtInd>CRDT</CdtDbtInd>
            <RltdPties><Dbtr><Pty><Nm>PAIJAT-HAMEEN HYVINVOINTIALUE</Nm></Pty></Dbtr></RltdPties>
            <RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>{reference}</Ref></CdtrRefInf></Strd></RmtInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>
    </Ntfctn>
  </BkToCstmrDbtCdtNtfctn>
</Document>
"""


def money(value: Decimal) -> re.Pattern[str]:
    """``3240.00`` as the pages show it: ``3 240,00`` (any space as the thousands separator)."""
    whole, cents = f"{value:.2f}".split(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return re.compile(r"\s?".join(groups) + "," + cents)


def build_world(first: dt.date) -> dict[str, Any]:
    """Ensikoti with its lead, a finance manager, the county's agreement and one family of the
    month starting ``first``: arrived on the 10th at 18:00, left on the 20th at 10:00 → the
    nights of the 10th…19th = 10 care days each for the mother and the child, all on the
    county's payment commitment (decision ``DECISION``)."""
    form = ensikoti_form(slug="ensikoti")
    org = form.organisation
    lead = with_authenticator(worker_in(form, role=Role.LEAD, first_name="Leena", username="leena"))
    finance = with_authenticator(
        org_role_user(org, Role.FINANCE, first_name="Taru", username="taru")
    )
    with scopes_disabled():
        factories.profile(org, iban=IBAN)
    county = partner(form, COUNTY)
    agreement = agreements.agreement_create(
        actor=finance,
        data=agreements.AgreementData(
            buyer=county,
            number="OPS-2026-1",
            title="Ensikodin ostopalvelu",
            valid_from=first.replace(year=first.year - 1),
            service_forms=[form],
            payment_term_days=21,
            einvoice_address="003712345671",
            einvoice_operator="003721291126",
            buyer_reference="KP 4410",
            billing_street="Keskuskatu 1",
            billing_postcode="15100",
            billing_town="Lahti",
        ),
    )
    for item, amount in (
        (PricedItem.CARE_DAY_MOTHER, "228.00"),
        (PricedItem.CARE_DAY_CHILD, "96.00"),
    ):
        agreements.price_set(
            actor=finance,
            agreement=agreement,
            item=item,
            meeting_type="",
            amount=Decimal(amount),
            valid_from=agreement.valid_from,
        )
    episode, members = family(form, children=1)
    with scopes_disabled():
        mother, child = (m.person for m in members)
        Person.objects.filter(pk=mother.pk).update(first_names=MOTHER_FIRST, last_name=MOTHER_LAST)
        Person.objects.filter(pk=child.pk).update(first_names=CHILD_FIRST, last_name=MOTHER_LAST)
    y, m = first.year, first.month
    admit(form, lead, episode, members, "p1", t(y, m, 10, 18), t(y, m, 20, 10))
    commitments.commitment_add(
        actor=lead,
        episode=episode,
        payer=county,
        valid_from=first,
        daily_price=Decimal("228.00"),
        reference=DECISION,
    )
    return {"form": form, "org": org, "lead": lead, "finance": finance}


def test_basis_run_documents_journal_and_payment(
    live_server: Any, page: Page, check_page: Callable[..., None], tmp_path: Path
) -> None:
    today = timezone.localdate()
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    first, last = month_bounds(last_month.year, last_month.month)  # "November"
    world = build_world(first)
    base = live_server.url
    main = page.locator("main")

    # ------------------------------------------------------------ 1. the lead approves the basis
    log_in(page, base, world["lead"])
    nav(page, "Laskutusperuste")
    check_page()
    expect(page.locator("h1")).to_have_text("Laskutusperuste")
    row = main.get_by_role("row").filter(has_text="Ensikoti")
    expect(row).to_contain_text("Hyväksymättä")
    row.get_by_role("link").click()
    check_page()
    rows = main.get_by_role("table").get_by_role("row")
    # The decision number is the case reference; 10 days each of the mother and the child.
    mother_row = rows.filter(has_text="Hoitovuorokausi, äiti")
    expect(mother_row).to_contain_text(DECISION)
    expect(mother_row.get_by_role("cell").nth(3)).to_have_text("10")
    child_row = rows.filter(has_text="Hoitovuorokausi, lapsi")
    expect(child_row).to_contain_text(DECISION)
    expect(child_row.get_by_role("cell").nth(3)).to_have_text("10")
    expect(main).to_contain_text(f"{first.day + 9}.{first.month}.{first.year}")
    for name in (MOTHER_FIRST, MOTHER_LAST, CHILD_FIRST):
        expect(page.locator("body")).not_to_contain_text(name)
    main.get_by_role("button", name="Hyväksy laskutusperuste").click()
    expect(main).to_contain_text("Hyväksytty")
    check_page()
    log_out(page)

    # ------------------------------------------------------------ 2. the finance manager's run
    log_in(page, base, world["finance"])
    nav(page, "Talous")
    check_page()
    main.get_by_role("link", name="Laskutusajot").click()
    check_page()
    expect(main.get_by_label("Laskutettava kuukausi")).to_have_value(f"{first:%Y-%m}")
    main.get_by_role("button", name="Tee laskutusajo").click()
    expect(page.locator("h1")).to_have_text(f"Laskutusajo {first:%-d.%-m.%Y}–{last:%-d.%-m.%Y}")
    check_page()
    invoices = main.get_by_role("table", name="Ajon laskut ostajittain").locator("tbody tr")
    expect(invoices).to_have_count(1)
    # Mother 10 × 228,00 = 2 280,00; child 10 × 96,00 = 960,00; VAT 0 % → 3 240,00 €.
    expect(invoices).to_contain_text(COUNTY)
    expect(invoices).to_contain_text("Luonnos")
    expect(invoices).to_contain_text(money(TOTAL))
    expect(main).to_contain_text("Ei huomioita")
    main.get_by_label("Laskun päivä").fill(last.isoformat())
    main.get_by_role("button", name="Lähetä kaikki").click()
    expect(page.get_by_text("Lähetettiin 1 laskua.")).to_be_visible()
    check_page()
    with scope(organisation=world["org"].pk):
        run = InvoiceRun.objects.get()
        invoice = Invoice.objects.get(run=run)
    assert (invoice.status, invoice.total_gross, invoice.due_date) == (
        Invoice.Status.SENT,
        TOTAL,
        last + dt.timedelta(days=21),
    )
    number = str(invoice.number)
    invoices.get_by_role("link", name=number).click()
    expect(page.locator("h1")).to_have_text(f"Lasku {number}")
    check_page()
    expect(main).to_contain_text(format_reference(invoice.reference))
    expect(main).to_contain_text(DECISION)
    expect(page.locator("body")).not_to_contain_text(MOTHER_LAST)

    with page.expect_download() as pdf_info:
        main.get_by_role("link", name="Lataa PDF").click()
    pdf_path = tmp_path / pdf_info.value.suggested_filename
    pdf_info.value.save_as(pdf_path)
    assert pdf_path.read_bytes()[:5] == b"%PDF-"
    pdf = page.request.get(base + reverse("finance:invoice_pdf", args=[invoice.pk]))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"

    with page.expect_download() as xml_info:
        main.get_by_role("link", name="Lataa Finvoice-aineisto").click()
    xml_path = tmp_path / xml_info.value.suggested_filename
    xml_info.value.save_as(xml_path)
    finvoice = xml_path.read_text(encoding="utf-8")
    assert f"<InvoiceNumber>{number}</InvoiceNumber>" in finvoice
    assert ">3240,00</InvoiceTotalVatIncludedAmount>" in finvoice
    assert DECISION in finvoice and MOTHER_LAST not in finvoice
    response = page.request.get(base + reverse("finance:invoice_finvoice", args=[invoice.pk]))
    assert response.headers["content-type"].startswith("application/xml")

    # The journal of the month (the invoice is dated its last day): the default period.
    nav(page, "Talous")
    main.get_by_role("link", name="Kirjanpitoviennit").click()
    check_page()
    expect(main.get_by_label("Alkaen")).to_have_value(first.isoformat())
    expect(main.get_by_label("Päättyen")).to_have_value(last.isoformat())
    main.get_by_role("button", name="Näytä viennit").click()
    check_page()
    expect(main.get_by_role("table", name="Viennit tositteittain")).to_contain_text(number)
    with page.expect_download() as csv_info:
        main.get_by_role("link", name="Lataa CSV").click()
    csv_path = tmp_path / csv_info.value.suggested_filename
    csv_info.value.save_as(csv_path)
    journal = csv_path.read_text(encoding="utf-8-sig").splitlines()
    # The receivables account (1700, the profile's default) is debited the invoice's total.
    [receivable] = [line for line in journal if f";{number};1700;" in line]
    assert "3240,00" in receivable

    # ------------------------------------------------------------ 3. the county's payment
    nav(page, "Talous")
    main.get_by_role("link", name="Suoritukset, avoimet ja erääntyneet laskut").click()
    check_page()
    open_rows = main.get_by_role("table").locator("tbody tr")
    expect(open_rows.filter(has_text=number)).to_contain_text(money(TOTAL))
    main.get_by_role("link", name="Tuo tiliote").click()
    check_page()
    camt = tmp_path / "viitesiirrot.xml"
    camt.write_text(
        CAMT.format(day=today, iban=IBAN, amount=f"{TOTAL:.2f}", reference=invoice.reference),
        encoding="utf-8",
    )
    main.get_by_label("Tiliote tai viitesiirtoaineisto").set_input_files(str(camt))
    main.get_by_role("button", name="Jatka koeajoon").click()
    expect(page.locator("h1")).to_have_text("Tiliotteen koeajo")
    check_page()
    plan_row = main.get_by_role("table", name="Rivit ja niiden kohdistus").locator("tbody tr")
    expect(plan_row).to_have_count(1)
    expect(plan_row).to_contain_text(f"{number} {COUNTY}")
    expect(plan_row).to_contain_text("Täsmää")
    expect(plan_row).to_contain_text(money(TOTAL))
    main.get_by_role("button", name="Vahvista ja tallenna 1 suoritus").click()
    expect(page.get_by_text("Tuotiin 1 suoritus, kohdistamattomia 0.")).to_be_visible()
    expect(page.locator("h1")).to_have_text("Suoritukset")
    check_page()
    expect(main.get_by_role("table").locator("tbody")).not_to_contain_text(number)
    expect(main).to_contain_text("Ei laskuja tässä näkymässä.")
    with scope(organisation=world["org"].pk):
        payment = Payment.objects.get()
    assert (payment.invoice_id, payment.amount, payment.paid_on) == (invoice.pk, TOTAL, today)
