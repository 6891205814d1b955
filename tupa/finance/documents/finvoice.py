"""Finvoice 3.0 e-invoice XML of a sent invoice or credit note (docs/finance-documents.md).

Finvoice is Finance Finland's e-invoice message; the buyer's operator routes it by the e-invoice
address (OVT) and operator code in ``MessageTransmissionDetails``. The message is written in
**UTF-8** (allowed by Finvoice 3.0; ISO-8859-15 is the older custom and cannot carry letters
outside Latin-9, such as Sámi or Cyrillic ones in names), without the SOAP envelope (the operator adds it).

Rules kept here:

- elements in the order of the Finvoice 3.0 schema; only what Tupa knows is written;
- amounts with a decimal comma and two decimals (``1234,56``), dates ``CCYYMMDD`` with
  ``Format="CCYYMMDD"``, currency ``EUR``;
- an invoice is ``INV01``, a credit note ``INV02`` with the credited invoice's number and date
  (``OriginalInvoiceNumber``/``OriginalInvoiceDate`` and ``OriginalInvoiceReference``); a
  credit note's amounts are negative as stored;
- the payment reference goes to ``EpiRemittanceInfoIdentifier`` with
  ``IdentificationSchemeName="SPY"`` (Finnish reference) or ``"ISO"`` (RF reference);
- texts are cut to the schema's lengths (names 70, street names 35 — longer ones continue in
  the next repetition where the schema allows one);
- lines carry the description and the case reference (``RowFreeText``), never a person's name
  or address.

:func:`validation_errors` checks a message against an XSD; the tests validate every message
against ``schema/finvoice3-tupa.xsd`` (a faithful subset of the official schema, in the
repository) and against the official ``schema/Finvoice3.0.xsd`` of Finance Finland, which
``scripts/finvoice_schema.py`` fetches (not committed; ADR 0017).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from django.utils import timezone

from tupa.core.xmltext import xml_text
from tupa.finance.documents.selectors import InvoiceDocument, document_of
from tupa.finance.models import Invoice, InvoicingProfile
from tupa.finance.money import cents

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
SUBSET_SCHEMA = SCHEMA_DIR / "finvoice3-tupa.xsd"
OFFICIAL_SCHEMA = SCHEMA_DIR / "Finvoice3.0.xsd"

CURRENCY = {"AmountCurrencyIdentifier": "EUR"}
DATE_FORMAT = {"Format": "CCYYMMDD"}
OVT_SCHEME = "0037"
#: Units Tupa prices by, as UN/ECE Recommendation 20 codes (anything else is "one").
UNIT_CODES_UN = {"vrk": "DAY", "pv": "DAY", "h": "HUR", "t": "HUR", "kk": "MON", "kpl": "C62"}


def amount_text(value: Decimal) -> str:
    """``Decimal("1234.5")`` → ``"1234,50"`` (two decimals, decimal comma, no grouping)."""
    return f"{cents(value):f}".replace(".", ",")


def number_text(value: Decimal) -> str:
    """A quantity or a percentage without trailing zeros: ``31.00`` → ``"31"``,
    ``25.50`` → ``"25,5"``."""
    normal = Decimal(value).normalize()
    text = f"{normal:f}"
    return text.replace(".", ",")


def date_text(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def _chunks(text: str, size: int, most: int) -> list[str]:
    """``text`` in at most ``most`` pieces of at most ``size`` characters (the rest dropped)."""
    text = " ".join(text.split())
    pieces = [text[i : i + size].strip() for i in range(0, len(text), size)]
    return [piece for piece in pieces if piece][:most]


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    # Typed text never breaks the message: no character XML cannot hold (tupa.core.xmltext).
    element = ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def _amount(parent: ET.Element, tag: str, value: Decimal) -> ET.Element:
    return _sub(parent, tag, amount_text(value), **CURRENCY)


def _date(parent: ET.Element, tag: str, day: dt.date) -> ET.Element:
    return _sub(parent, tag, date_text(day), **DATE_FORMAT)


def _compact(text: str) -> str:
    return "".join(text.split()).upper()


def message_identifier(invoice: Invoice) -> str:
    """The same message id every time the same invoice is exported (the operator can spot a
    duplicate): ``TUPA-<organisation id>-<invoice number>``."""
    return f"TUPA-{invoice.organisation_id}-{invoice.number}"


def _transmission(root: ET.Element, document: InvoiceDocument, now: dt.datetime) -> None:
    profile, invoice = document.profile, document.invoice
    details = _sub(root, "MessageTransmissionDetails")
    sender = _sub(details, "MessageSenderDetails")
    _sub(sender, "FromIdentifier", _compact(profile.einvoice_address), SchemeID=OVT_SCHEME)
    _sub(sender, "FromIntermediator", _compact(profile.einvoice_operator))
    receiver = _sub(details, "MessageReceiverDetails")
    _sub(receiver, "ToIdentifier", _compact(invoice.einvoice_address), SchemeID=OVT_SCHEME)
    _sub(receiver, "ToIntermediator", _compact(invoice.einvoice_operator))
    message = _sub(details, "MessageDetails")
    _sub(message, "MessageIdentifier", message_identifier(invoice))
    _sub(message, "MessageTimeStamp", timezone.localtime(now).isoformat(timespec="seconds"))


def _seller(root: ET.Element, document: InvoiceDocument) -> None:
    organisation, profile = document.organisation, document.profile
    party = _sub(root, "SellerPartyDetails")
    if organisation.business_id:
        _sub(party, "SellerPartyIdentifier", organisation.business_id)
    for name in _chunks(organisation.name, 70, 2):
        _sub(party, "SellerOrganisationName", name)
    if document.has_vat and organisation.business_id:
        _sub(party, "SellerOrganisationTaxCode", "FI" + organisation.business_id.replace("-", ""))
    address = _sub(party, "SellerPostalAddressDetails")
    for street in _chunks(profile.street, 35, 3):
        _sub(address, "SellerStreetName", street)
    _sub(address, "SellerTownName", profile.town[:35])
    _sub(address, "SellerPostCodeIdentifier", profile.postcode)
    _sub(address, "CountryCode", "FI")
    if profile.einvoice_address:
        _sub(root, "SellerOrganisationUnitNumber", _compact(profile.einvoice_address))
    if profile.phone or profile.email:
        communication = _sub(root, "SellerCommunicationDetails")
        if profile.phone:
            _sub(communication, "SellerPhoneNumberIdentifier", profile.phone[:35])
        if profile.email:
            _sub(communication, "SellerEmailaddressIdentifier", profile.email[:70])
    information = _sub(root, "SellerInformationDetails")
    account = _sub(information, "SellerAccountDetails")
    _sub(account, "SellerAccountID", _compact(profile.iban), IdentificationSchemeName="IBAN")
    _sub(account, "SellerBic", _compact(profile.bic), IdentificationSchemeName="BIC")


def _buyer(root: ET.Element, invoice: Invoice) -> None:
    party = _sub(root, "BuyerPartyDetails")
    if invoice.buyer_business_id:
        _sub(party, "BuyerPartyIdentifier", invoice.buyer_business_id)
    for name in _chunks(invoice.buyer_name, 70, 2) or ["–"]:
        _sub(party, "BuyerOrganisationName", name if len(name) >= 2 else f"{name}.")
    streets = _chunks(invoice.buyer_street, 35, 3)
    if streets and invoice.buyer_town and invoice.buyer_postcode:
        address = _sub(party, "BuyerPostalAddressDetails")
        for street in streets:
            _sub(address, "BuyerStreetName", street)
        _sub(address, "BuyerTownName", invoice.buyer_town[:35])
        _sub(address, "BuyerPostCodeIdentifier", invoice.buyer_postcode)
        _sub(address, "CountryCode", "FI")
    if invoice.einvoice_address:
        _sub(root, "BuyerOrganisationUnitNumber", _compact(invoice.einvoice_address))


def _vat_code(rate: Decimal) -> str:
    """UNTDID 5305: ``S`` standard rate, ``E`` exempt (social services, AVL 37 §)."""
    return "E" if rate == 0 else "S"


def _invoice_details(root: ET.Element, document: InvoiceDocument) -> None:
    invoice, profile = document.invoice, document.profile
    is_credit = invoice.kind == Invoice.Kind.CREDIT_NOTE
    assert invoice.invoice_date is not None and invoice.due_date is not None
    details = _sub(root, "InvoiceDetails")
    _sub(details, "InvoiceTypeCode", "INV02" if is_credit else "INV01")
    _sub(details, "InvoiceTypeCodeUN", "381" if is_credit else "380")
    _sub(details, "InvoiceTypeText", "HYVITYSLASKU" if is_credit else "LASKU")
    _sub(details, "OriginCode", "Original")
    _sub(details, "InvoiceNumber", str(invoice.number))
    _date(details, "InvoiceDate", invoice.invoice_date)
    credited = invoice.credited_invoice if is_credit else None
    if credited is not None and credited.number is not None:
        _sub(details, "OriginalInvoiceNumber", str(credited.number))
        if credited.invoice_date:
            _date(details, "OriginalInvoiceDate", credited.invoice_date)
        original = _sub(details, "OriginalInvoiceReference")
        _sub(original, "InvoiceNumber", str(credited.number))
        if credited.invoice_date:
            _date(original, "InvoiceDate", credited.invoice_date)
    if invoice.period_start and invoice.period_end:
        _date(details, "InvoicingPeriodStartDate", invoice.period_start)
        _date(details, "InvoicingPeriodEndDate", invoice.period_end)
    if invoice.agreement_id and invoice.agreement is not None:
        _sub(details, "AgreementIdentifier", invoice.agreement.number[:70])
    if invoice.buyer_reference:
        _sub(details, "BuyerReferenceIdentifier", invoice.buyer_reference[:70])
    _amount(details, "RowsTotalVatExcludedAmount", document.total_net)
    _amount(details, "InvoiceTotalVatExcludedAmount", document.total_net)
    _amount(details, "InvoiceTotalVatAmount", document.total_vat)
    _amount(details, "InvoiceTotalVatIncludedAmount", document.total_gross)
    for row in document.vat_rows:
        vat = _sub(details, "VatSpecificationDetails")
        _amount(vat, "VatBaseAmount", row.net)
        _sub(vat, "VatRatePercent", number_text(row.rate))
        _sub(vat, "VatCode", _vat_code(row.rate))
        _amount(vat, "VatRateAmount", row.vat)
        if row.exempt and profile.vat_exempt_note:
            _sub(vat, "VatFreeText", profile.vat_exempt_note[:70])
    for text in _chunks(invoice.notes, 512, 10):
        _sub(details, "InvoiceFreeText", text)
    terms = _sub(details, "PaymentTermsDetails")
    _sub(terms, "PaymentTermsFreeText", f"{invoice.payment_term_days} pv netto")
    _date(terms, "InvoiceDueDate", invoice.due_date)
    if profile.penalty_interest:
        fine = _sub(terms, "PaymentOverDueFineDetails")
        _sub(fine, "PaymentOverDueFineFreeText", f"Viivästyskorko {profile.penalty_interest}"[:70])


def _rows(root: ET.Element, document: InvoiceDocument) -> None:
    for line in document.lines:
        row = _sub(root, "InvoiceRow")
        if line.item:
            _sub(row, "ArticleIdentifier", line.item[:70])
        _sub(row, "ArticleName", line.description[:100])
        if len(line.description) > 100:
            _sub(row, "ArticleDescription", line.description[:512])
        unit_un = UNIT_CODES_UN.get(line.unit.lower(), "C62")
        quantity = number_text(line.quantity)
        unit = line.unit[:14]
        _sub(row, "DeliveredQuantity", quantity, QuantityUnitCode=unit, QuantityUnitCodeUN=unit_un)
        _sub(row, "InvoicedQuantity", quantity, QuantityUnitCode=unit, QuantityUnitCodeUN=unit_un)
        if line.billed_period_start:
            _date(row, "StartDate", line.billed_period_start)
        if line.billed_period_end:
            _date(row, "EndDate", line.billed_period_end)
        _sub(
            row,
            "UnitPriceAmount",
            amount_text(line.unit_price),
            UnitPriceUnitCode=unit,
            QuantityUnitCodeUN=unit_un,
            **CURRENCY,
        )
        _sub(row, "RowPositionIdentifier", str(line.position))
        if line.case_reference:
            _sub(row, "RowFreeText", f"Asiaviite: {line.case_reference}"[:512])
        if line.is_difference:
            _sub(row, "RowFreeText", "Korjausrivi aiemmin laskutettuun jaksoon")
        _sub(row, "RowVatRatePercent", number_text(line.vat_rate))
        _sub(row, "RowVatCode", _vat_code(Decimal(line.vat_rate)))
        _amount(row, "RowVatAmount", line.vat)
        _amount(row, "RowVatExcludedAmount", line.net)
        _amount(row, "RowAmount", line.gross)


def _epi(root: ET.Element, document: InvoiceDocument) -> None:
    invoice, profile = document.invoice, document.profile
    assert invoice.invoice_date is not None and invoice.due_date is not None
    epi = _sub(root, "EpiDetails")
    identification = _sub(epi, "EpiIdentificationDetails")
    _date(identification, "EpiDate", invoice.invoice_date)
    _sub(identification, "EpiReference", str(invoice.number))
    party = _sub(epi, "EpiPartyDetails")
    bank = _sub(party, "EpiBfiPartyDetails")
    _sub(bank, "EpiBfiIdentifier", _compact(profile.bic), IdentificationSchemeName="BIC")
    beneficiary = _sub(party, "EpiBeneficiaryPartyDetails")
    _sub(beneficiary, "EpiNameAddressDetails", document.organisation.name[:35].strip())
    _sub(beneficiary, "EpiAccountID", _compact(profile.iban), IdentificationSchemeName="IBAN")
    instruction = _sub(epi, "EpiPaymentInstructionDetails")
    reference = _compact(invoice.reference)
    if reference:
        scheme = "ISO" if reference.startswith("RF") else "SPY"
        _sub(instruction, "EpiRemittanceInfoIdentifier", reference, IdentificationSchemeName=scheme)
    _sub(instruction, "EpiInstructedAmount", amount_text(document.total_gross), **CURRENCY)
    _sub(instruction, "EpiCharge", "SHA", ChargeOption="SHA")
    _date(instruction, "EpiDateOptionDate", invoice.due_date)


def finvoice_element(document: InvoiceDocument, *, now: dt.datetime | None = None) -> ET.Element:
    """The ``Finvoice`` element of a sent invoice or credit note (ValueError for a draft)."""
    invoice = document.invoice
    if not invoice.is_sent or invoice.number is None:
        raise ValueError("Only a sent invoice has a Finvoice message.")
    root = ET.Element("Finvoice", {"Version": "3.0"})
    has_addresses = all(
        (
            document.profile.einvoice_address,
            document.profile.einvoice_operator,
            invoice.einvoice_address,
            invoice.einvoice_operator,
        )
    )
    if has_addresses:
        _transmission(root, document, now or invoice.sent_at or timezone.now())
    _seller(root, document)
    _buyer(root, invoice)
    _invoice_details(root, document)
    status = _sub(root, "PaymentStatusDetails")
    _sub(status, "PaymentStatusCode", "NOTPAID")
    _rows(root, document)
    _epi(root, document)
    return root


def document_xml(document: InvoiceDocument, *, now: dt.datetime | None = None) -> bytes:
    """The Finvoice 3.0 message of a sent invoice's document, UTF-8 bytes."""
    root = finvoice_element(document, now=now)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def finvoice_xml(
    invoice: Invoice, profile: InvoicingProfile, *, now: dt.datetime | None = None
) -> bytes:
    """The Finvoice 3.0 message of a sent invoice or credit note, UTF-8 bytes (ValueError for
    a draft). The seller is ``profile``'s organisation; the lines are read (or prefetched)."""
    document = document_of(invoice, organisation=profile.organisation, profile=profile)
    return document_xml(document, now=now)


def finvoice_filename(invoice: Invoice) -> str:
    prefix = "hyvityslasku" if invoice.kind == Invoice.Kind.CREDIT_NOTE else "lasku"
    return f"finvoice-{prefix}-{invoice.number}.xml"


def validation_errors(xml: bytes, schema_path: Path = SUBSET_SCHEMA) -> list[str]:
    """Why ``xml`` does not validate against the XSD at ``schema_path`` (empty when valid).

    The document is parsed with :mod:`defusedxml` (no entities, no external references) and
    checked with :mod:`xmlschema`, which is a development dependency: this is for the tests and
    for checking an exported file by hand, not for the request path."""
    from defusedxml import ElementTree as SafeET

    tree = SafeET.fromstring(xml)
    return [str(error.reason or error) for error in _schema(str(schema_path)).iter_errors(tree)]


@functools.cache
def _schema(path: str) -> Any:
    import xmlschema  # lazily: a development dependency

    return xmlschema.XMLSchema(path)


def iter_schemas() -> Iterator[Path]:
    """The schemas a message is validated against: the subset always, the official one when
    its file has been fetched (``scripts/finvoice_schema.py``; the tests require it under
    ``CI=true``)."""
    yield SUBSET_SCHEMA
    if OFFICIAL_SCHEMA.exists():
        yield OFFICIAL_SCHEMA
