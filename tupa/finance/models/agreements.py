"""Purchase-service agreements and their price lists (seed-spec FIN-02, issue 14 item 1).

The buyer of an agreement is a :class:`~tupa.organisations.models.Partner` of the organisation
(kind municipality / joint authority or wellbeing services county): the partner row carries the
name, business id (Y-tunnus) and change history an invoice needs, and is organisation-scoped.
The bare :class:`~tupa.organisations.models.Municipality` is reference data (code and name) and
is used for *coverage*: ``municipalities`` lists whose residents the agreement covers (a joint
authority's member municipalities, a municipality's own code), so that a billable meeting can be
matched by the child's home municipality (FIN-03).

A price change mid-year is a new :class:`PriceRow`: the rows of one agreement and priced thing
never overlap (checked in ``price_set`` under a lock of the agreement), and a day is always
priced by the row valid on that day.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords
from stdnum.fi import ytunnus

from tupa.core.models import OrganisationScopedModel

OVT_PATTERN = re.compile(r"^0037(\d{8})([0-9A-Z]{0,5})$")
OPERATOR_PATTERN = re.compile(r"^[0-9A-Z]{4,35}$")


def validate_ovt(value: str) -> None:
    """A Finnish OVT e-invoice address: ``0037`` + Y-tunnus without hyphen (8 digits, valid
    check digit) + an optional organisation-unit suffix of up to five characters (12–17)."""
    match = OVT_PATTERN.match(value or "")
    if match is None or not ytunnus.is_valid(match.group(1)):
        raise ValidationError(
            _(
                "OVT-tunnus on 12–17 merkkiä: 0037, Y-tunnus ilman väliviivaa ja "
                "mahdollinen enintään viiden merkin tarkenne."
            ),
            code="ovt",
        )


def validate_operator(value: str) -> None:
    """An e-invoice operator (intermediator) code: 4–35 letters or digits (e.g. 003721291126)."""
    if not OPERATOR_PATTERN.match(value or ""):
        raise ValidationError(
            _("Välittäjän tunnus on 4–35 kirjainta tai numeroa (esim. 003721291126)."),
            code="operator",
        )


def einvoice_errors(address: str, operator: str) -> tuple[str, str, dict[str, str]]:
    """The e-invoice address and operator compacted (no spaces, upper case) and their errors by
    field: each must be valid when given, and an address needs its operator."""
    ovt, intermediator = ("".join(v.split()).upper() for v in (address, operator))
    errors: dict[str, str] = {}
    for key, value, validator in (
        ("einvoice_address", ovt, validate_ovt),
        ("einvoice_operator", intermediator, validate_operator),
    ):
        if value:
            try:
                validator(value)
            except ValidationError as error:
                errors[key] = error.messages[0]
    if ovt and not intermediator:
        errors["einvoice_operator"] = str(_("Anna verkkolaskuosoitteen välittäjän tunnus."))
    return ovt, intermediator, errors


class InvoicingInterval(models.TextChoices):
    MONTHLY = "monthly", _("kuukausittain")
    QUARTERLY = "quarterly", _("neljännesvuosittain")
    PER_AGREEMENT = "per_agreement", _("sopimuksen mukaan")


class PricedItem(models.TextChoices):
    """What a price row prices (the billing unit is in the label)."""

    CARE_DAY_MOTHER = "care_day_mother", _("hoitovuorokausi, äiti")
    CARE_DAY_FATHER = "care_day_father", _("hoitovuorokausi, isä")
    CARE_DAY_CHILD = "care_day_child", _("hoitovuorokausi, lapsi")
    MEETING = "meeting", _("tapaaminen (tapaamistyypeittäin)")
    FAMILY_WORK_HOUR = "family_work_hour", _("perhetyön tunti")
    FAMILY_WORK_MONTH = "family_work_month", _("perhetyön kuukausi")
    RENTAL = "rental", _("tilavuokra")
    TRAINING_FEE = "training_fee", _("koulutusmaksu")


class MeetingType(models.TextChoices):
    """The Tapaamispaikka's meeting types, priced separately. The values are those of
    ``tupa.visitation.models.MeetingType`` (finance may not import visitation; a test keeps the
    two lists equal)."""

    SUPERVISED = "supervised", _("valvottu tapaaminen")
    SUPPORTED = "supported", _("tuettu tapaaminen")
    EXCHANGE = "exchange", _("valvottu vaihto")


#: The unit a price is per (for the price table).
UNITS = {
    PricedItem.CARE_DAY_MOTHER: _("vrk"),
    PricedItem.CARE_DAY_FATHER: _("vrk"),
    PricedItem.CARE_DAY_CHILD: _("vrk"),
    PricedItem.MEETING: _("tapaaminen"),
    PricedItem.FAMILY_WORK_HOUR: _("tunti"),
    PricedItem.FAMILY_WORK_MONTH: _("kuukausi"),
    PricedItem.RENTAL: _("vuokrakerta"),
    PricedItem.TRAINING_FEE: _("osallistuja"),
}


class Agreement(OrganisationScopedModel):
    """A purchase-service agreement (*ostopalvelusopimus*) with one buyer."""

    buyer = models.ForeignKey(
        "organisations.Partner",
        on_delete=models.PROTECT,
        related_name="purchase_agreements",
        verbose_name=_("ostaja"),
    )
    number = models.CharField(_("sopimusnumero"), max_length=40)
    title = models.CharField(_("nimi"), max_length=200)
    service_forms = models.ManyToManyField(
        "organisations.ServiceForm",
        related_name="purchase_agreements",
        verbose_name=_("työmuodot"),
    )
    municipalities = models.ManyToManyField(
        "organisations.Municipality",
        blank=True,
        related_name="purchase_agreements",
        verbose_name=_("kunnat, joiden asukkaita sopimus koskee"),
    )
    valid_from = models.DateField(_("voimassa alkaen"))
    valid_until = models.DateField(_("voimassa päättyen"), null=True, blank=True)
    invoicing_interval = models.CharField(
        _("laskutusväli"),
        max_length=20,
        choices=InvoicingInterval.choices,
        default=InvoicingInterval.MONTHLY,
    )
    payment_term_days = models.PositiveSmallIntegerField(_("maksuaika (päivää)"), default=14)
    einvoice_address = models.CharField(
        _("verkkolaskuosoite (OVT)"), max_length=17, blank=True, validators=[validate_ovt]
    )
    einvoice_operator = models.CharField(
        _("välittäjän tunnus"), max_length=35, blank=True, validators=[validate_operator]
    )
    buyer_reference = models.CharField(_("ostajan viite"), max_length=70, blank=True)
    billing_street = models.CharField(_("laskutusosoite"), max_length=200, blank=True)
    billing_postcode = models.CharField(_("postinumero"), max_length=10, blank=True)
    billing_town = models.CharField(_("postitoimipaikka"), max_length=100, blank=True)
    contact_notes = models.TextField(_("yhteyshenkilöt ja lisätiedot"), blank=True)

    history = HistoricalRecords(m2m_fields=[service_forms, municipalities])

    class Meta:
        verbose_name = _("ostopalvelusopimus")
        verbose_name_plural = _("ostopalvelusopimukset")
        ordering = ["buyer__name", "-valid_from", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="agreement_unique_number"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="agreement_valid_until_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class PriceRow(models.Model):
    """One price of an agreement from ``valid_from`` to ``valid_until`` (inclusive; open-ended
    when empty). ``meeting_type`` is set only for meeting prices."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="prices", verbose_name=_("sopimus")
    )
    item = models.CharField(_("hinnoiteltava"), max_length=30, choices=PricedItem.choices)
    meeting_type = models.CharField(
        _("tapaamistyyppi"), max_length=20, choices=MeetingType.choices, blank=True
    )
    amount = models.DecimalField(
        _("hinta (€)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    vat_rate = models.DecimalField(
        _("ALV (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    valid_from = models.DateField(_("voimassa alkaen"))
    valid_until = models.DateField(_("voimassa päättyen"), null=True, blank=True)

    objects = ScopedManager(organisation="agreement__organisation")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hintarivi")
        verbose_name_plural = _("hintarivit")
        ordering = ["item", "meeting_type", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="pricerow_valid_until_after_from",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="pricerow_amount_nonnegative"
            ),
            models.CheckConstraint(
                condition=models.Q(vat_rate__gte=0) & models.Q(vat_rate__lt=100),
                name="pricerow_vat_rate_range",
            ),
            models.UniqueConstraint(
                fields=["agreement", "item", "meeting_type", "valid_from"],
                name="pricerow_unique_start",
            ),
            # At most one open-ended row per priced thing (the full no-overlap rule is checked
            # in ``price_set`` under a lock of the agreement).
            models.UniqueConstraint(
                fields=["agreement", "item", "meeting_type"],
                condition=models.Q(valid_until__isnull=True),
                name="pricerow_one_open_row",
            ),
            models.CheckConstraint(
                condition=models.Q(meeting_type="") | models.Q(item="meeting"),
                name="pricerow_meeting_type_only_for_meetings",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement.number}: {self.get_item_display()} {self.amount} €"

    def covers(self, day: dt.date) -> bool:
        """Whether this row prices ``day``."""
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)
