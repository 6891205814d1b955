"""Demo purchase-service agreements (FIN-02): three buyers, their price lists and one price
change on 1 July of the current year. The agreements and their first prices are valid from the
start of the previous year, so that a year of invoicing runs is priced.

- The wellbeing services county (Päijät-Hämeen hyvinvointialue, PHHYKY's successor since 2023;
  PHHYKY itself when the county partner is missing) buys Ensikoti care days, Alvari family work
  and Tapaamispaikka meetings for its member municipalities (the demo's Päijät-Häme codes
  except Hollola and Heinola);
- Hollolan kunta buys Tapaamispaikka meetings (priced per meeting type) for its children;
- Heinolan kaupunki buys Ensikoti care days.

Built through :mod:`tupa.finance.agreements.services` as the demo finance manager ``talous``.
Idempotent (nothing is added if the organisation already has agreements), relative to
``timezone.localdate()``; the prices, agreement numbers and e-invoice addresses are fictional
(the OVT addresses carry made-up business ids; the operator code is a placeholder).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from tupa.accounts.models import User
from tupa.finance.agreements import services
from tupa.finance.agreements.services import AgreementData
from tupa.finance.models import Agreement
from tupa.finance.models.agreements import InvoicingInterval, MeetingType, PricedItem
from tupa.organisations.models import Municipality, Organisation, Partner, PartnerRole, ServiceForm
from tupa.organisations.services.partners import partner_create

PHHYKY = "Päijät-Hämeen hyvinvointikuntayhtymä (PHHYKY)"
#: The payer of the demo's payment commitments (tupa.demo.residential.units.WELLBEING_COUNTY).
COUNTY = "Päijät-Hämeen hyvinvointialue"
#: PHHYKY's member municipalities in the demo (Lahti, Asikkala, Orimattila, Kärkölä, Padasjoki,
#: Sysmä); Hollola and Heinola have agreements of their own in the demo.
PHHYKY_MUNICIPALITIES = ["398", "016", "560", "316", "576", "781"]
#: (partner name, municipality code) of the buyers the demo adds if missing.
NEW_BUYERS = [("Hollolan kunta", "098"), ("Heinolan kaupunki", "111")]
OPERATOR = "DEMOVALITTAJA"


def _row(item: str, amount: str, meeting_type: str = "") -> tuple[str, str, Decimal]:
    return item, meeting_type, Decimal(amount)


def _buyer(organisation: Organisation, actor: User, name: str, code: str) -> Partner:
    found = Partner.objects.filter(organisation=organisation, name=name).first()
    if found is not None:
        return found
    return partner_create(
        actor=actor,
        organisation=organisation,
        name=name,
        kind=Partner.Kind.MUNICIPALITY,
        roles=[PartnerRole.Role.PURCHASER],
        municipality=Municipality.objects.filter(code=code).first(),
        description="Ostaa palveluja ostopalvelusopimuksella.",
    )


def build(*, organisation: Organisation) -> str | None:
    """Add the demo agreements once; None if they exist or the prerequisites are missing."""
    today = timezone.localdate()
    year_start = dt.date(today.year - 1, 1, 1)
    with scope(organisation=organisation.pk):
        if Agreement.objects.filter(organisation=organisation).exists():
            return None
        actor = User.objects.filter(organisation=organisation, username="talous").first()
        forms = {
            f.slug: f
            for f in ServiceForm.objects.filter(
                organisation=organisation, slug__in=["ensikoti", "alvari", "tapaamispaikka"]
            )
        }
        phhyky = (
            Partner.objects.filter(organisation=organisation, name=COUNTY).first()
            or Partner.objects.filter(organisation=organisation, name=PHHYKY).first()
        )
        if actor is None or phhyky is None or len(forms) < 3:
            return None
        municipalities = {m.code: m for m in Municipality.objects.all()}
        with transaction.atomic():
            hollola, heinola = (_buyer(organisation, actor, n, c) for n, c in NEW_BUYERS)
            plans = [
                (
                    AgreementData(
                        buyer=phhyky,
                        number=f"PHHYKY-{today.year}-01",
                        title="Ensikodin, Alvari-perhetyön ja Tapaamispaikan ostopalvelut",
                        valid_from=year_start,
                        service_forms=[forms["ensikoti"], forms["alvari"], forms["tapaamispaikka"]],
                        municipalities=[
                            municipalities[c] for c in PHHYKY_MUNICIPALITIES if c in municipalities
                        ],
                        invoicing_interval=InvoicingInterval.MONTHLY,
                        payment_term_days=21,
                        einvoice_address="003776543212",
                        einvoice_operator=OPERATOR,
                        buyer_reference="Lastensuojelu / ostopalvelut 4410",
                        contact_notes="Laskujen tarkastaja: lastensuojelun palvelupäällikkö.",
                    ),
                    [
                        _row(PricedItem.CARE_DAY_MOTHER, "228.00"),
                        _row(PricedItem.CARE_DAY_FATHER, "228.00"),
                        _row(PricedItem.CARE_DAY_CHILD, "96.00"),
                        _row(PricedItem.FAMILY_WORK_HOUR, "78.00"),
                        _row(PricedItem.FAMILY_WORK_MONTH, "1850.00"),
                        _row(PricedItem.MEETING, "95.00", MeetingType.SUPERVISED),
                        _row(PricedItem.MEETING, "76.00", MeetingType.SUPPORTED),
                        _row(PricedItem.MEETING, "64.00", MeetingType.EXCHANGE),
                    ],
                ),
                (
                    AgreementData(
                        buyer=hollola,
                        number=f"HOL-{today.year}-07",
                        title="Valvotut tapaamiset ja vaihdot",
                        valid_from=year_start,
                        valid_until=dt.date(today.year, 12, 31),  # two years
                        service_forms=[forms["tapaamispaikka"]],
                        municipalities=[municipalities[c] for c in ["098"] if c in municipalities],
                        invoicing_interval=InvoicingInterval.QUARTERLY,
                        einvoice_address="003723456780",
                        einvoice_operator=OPERATOR,
                        buyer_reference="Perhepalvelut",
                    ),
                    [
                        _row(PricedItem.MEETING, "92.00", MeetingType.SUPERVISED),
                        _row(PricedItem.MEETING, "74.00", MeetingType.SUPPORTED),
                        _row(PricedItem.MEETING, "62.00", MeetingType.EXCHANGE),
                    ],
                ),
                (
                    AgreementData(
                        buyer=heinola,
                        number=f"HEI-{today.year}-02",
                        title="Ensikodin laitosjaksot",
                        valid_from=year_start,
                        service_forms=[forms["ensikoti"]],
                        municipalities=[municipalities[c] for c in ["111"] if c in municipalities],
                        invoicing_interval=InvoicingInterval.MONTHLY,
                        einvoice_address="003798765430",
                        einvoice_operator=OPERATOR,
                    ),
                    [
                        _row(PricedItem.CARE_DAY_MOTHER, "245.00"),
                        _row(PricedItem.CARE_DAY_FATHER, "245.00"),
                        _row(PricedItem.CARE_DAY_CHILD, "110.00"),
                    ],
                ),
            ]
            prices = 0
            for data, rows in plans:
                agreement = services.agreement_create(actor=actor, data=data)
                for item, meeting_type, amount in rows:
                    services.price_set(
                        actor=actor,
                        agreement=agreement,
                        item=item,
                        meeting_type=meeting_type,
                        amount=amount,
                        valid_from=year_start,
                    )
                    prices += 1
                if data.buyer == phhyky:
                    # The one mid-year price change: a new row from 1 July.
                    services.price_set(
                        actor=actor,
                        agreement=agreement,
                        item=PricedItem.CARE_DAY_MOTHER,
                        amount=Decimal("236.00"),
                        valid_from=dt.date(today.year, 7, 1),
                    )
                    prices += 1
    return (
        f"Ostopalvelusopimukset: {len(plans)} sopimusta, {prices} hintariviä "
        f"(hinnanmuutos 1.7.{today.year})."
    )
