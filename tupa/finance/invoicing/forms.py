"""Forms of invoicing. The services hold the rules; these shape what is typed and keep it when
a rule refuses it."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tupa.core import dates
from tupa.core.forms import BoundedModelMultipleChoiceField, date_field
from tupa.core.months import month_bounds
from tupa.finance.invoicing.services import OTHER_ITEM, ManualInvoiceData
from tupa.finance.models import Invoice, InvoiceLine
from tupa.finance.models.agreements import PricedItem
from tupa.organisations.models import Partner, ServiceForm

MONTH_PATTERN = re.compile(r"^\s*(?:(\d{4})-(\d{1,2})|(\d{1,2})[./](\d{4}))\s*$")


def parse_month(value: str) -> tuple[int, int] | None:
    """``2026-11``, ``11/2026`` or ``11.2026`` → (2026, 11); None if it is none of these."""
    match = MONTH_PATTERN.match(value or "")
    if not match:
        return None
    if match.group(1):
        year, month = int(match.group(1)), int(match.group(2))
    else:
        year, month = int(match.group(4)), int(match.group(3))
    if not 1 <= month <= 12:
        return None
    return year, month


class MonthField(forms.CharField):
    """A month, typed ``vvvv-kk`` (the browser's month picker) or ``kk/vvvv``; cleaned to its
    first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "vvvv-kk"})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("error_messages", {"required": _("Valitse kuukausi.")})
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if not text:
            return None
        found = parse_month(text)
        if found is None:
            raise forms.ValidationError(_("Anna kuukausi muodossa vvvv-kk, esim. 2026-11."))
        problem = dates.month_problem(*found)
        if problem:
            raise forms.ValidationError(problem)
        return dt.date(found[0], found[1], 1)


class MonthForm(forms.Form):
    """The month shown on the basis pages (``?kuukausi=vvvv-kk``)."""

    kuukausi = MonthField(label=_("Kuukausi"))

    def period(self) -> tuple[dt.date, dt.date]:
        first: dt.date = self.cleaned_data["kuukausi"]
        return month_bounds(first.year, first.month)


class ApproveForm(forms.Form):
    note = forms.CharField(
        label=_("Lisätieto (vapaaehtoinen)"),
        max_length=300,
        required=False,
        help_text=_("Esimerkiksi mitä tarkistit. Älä kirjoita asiakkaiden nimiä."),
    )


class RunForm(forms.Form):
    """ "Uusi laskutusajo": a month, or a quarter starting from the month."""

    month = MonthField(label=_("Laskutettava kuukausi"))
    length = forms.TypedChoiceField(
        label=_("Jakso"),
        choices=[(1, _("kuukausi")), (3, _("neljännes (kolme kuukautta valitusta alkaen)"))],
        coerce=int,
        initial=1,
        widget=forms.RadioSelect,
        help_text=_(
            "Neljännesvuosittain laskutettavat sopimukset laskutetaan koko neljännekseltä."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, length = data.get("month"), data.get("length")
        if first is not None and length == 3 and first.month % 3 != 1:
            self.add_error(
                "month", _("Neljännes alkaa tammi-, huhti-, heinä- tai lokakuun alusta.")
            )
        return data

    def period(self) -> tuple[dt.date, dt.date]:
        first: dt.date = self.cleaned_data["month"]
        length: int = self.cleaned_data["length"]
        index = first.month - 1 + length - 1
        _start, end = month_bounds(first.year + index // 12, index % 12 + 1)
        return first, end


class SendForm(forms.Form):
    invoice_date = date_field(
        _("Laskun päivä"), help_text=_("Eräpäivä lasketaan tästä maksuajan mukaan.")
    )


class _PartnerChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ManualInvoiceForm(forms.Form):
    """A draft invoice made by hand: a partner from the register, or a buyer named here."""

    buyer: forms.ModelChoiceField[Partner] = _PartnerChoice(
        label=_("Ostaja kumppanirekisteristä"),
        queryset=Partner.objects.none(),
        required=False,
        help_text=_("Tai jätä tyhjäksi ja kirjoita ostajan nimi alle."),
    )
    buyer_name = forms.CharField(label=_("Ostajan nimi"), max_length=200, required=False)
    buyer_business_id = forms.CharField(
        label=_("Y-tunnus"), max_length=9, required=False, help_text=_("Esim. 1234567-1.")
    )
    buyer_street = forms.CharField(label=_("Katuosoite"), max_length=200, required=False)
    buyer_postcode = forms.CharField(label=_("Postinumero"), max_length=10, required=False)
    buyer_town = forms.CharField(label=_("Postitoimipaikka"), max_length=100, required=False)
    buyer_reference = forms.CharField(label=_("Ostajan viite"), max_length=70, required=False)
    einvoice_address = forms.CharField(
        label=_("Verkkolaskuosoite (OVT)"), max_length=20, required=False
    )
    einvoice_operator = forms.CharField(label=_("Välittäjän tunnus"), max_length=40, required=False)
    payment_term_days = forms.IntegerField(
        label=_("Maksuaika (päivää)"),
        min_value=0,
        max_value=365,
        required=False,
        help_text=_("Tyhjä: laskutuksen perustietojen oletus."),
        error_messages={
            "invalid": _("Anna maksuaika kokonaisina päivinä."),
            "min_value": _("Maksuajan on oltava 0–365 päivää."),
            "max_value": _("Maksuajan on oltava 0–365 päivää."),
        },
    )
    period_start = date_field(_("Laskutusjakso alkaa"), required=False)
    period_end = date_field(_("Laskutusjakso päättyy"), required=False)
    notes = forms.CharField(
        label=_("Lisätiedot laskulla"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, buyers: QuerySet[Partner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["buyer"].queryset = buyers  # type: ignore[attr-defined]

    def data_for_service(self) -> ManualInvoiceData:
        data = self.cleaned_data
        return ManualInvoiceData(
            buyer=data.get("buyer"),
            buyer_name=data.get("buyer_name") or "",
            buyer_business_id=data.get("buyer_business_id") or "",
            buyer_street=data.get("buyer_street") or "",
            buyer_postcode=data.get("buyer_postcode") or "",
            buyer_town=data.get("buyer_town") or "",
            buyer_reference=data.get("buyer_reference") or "",
            einvoice_address=data.get("einvoice_address") or "",
            einvoice_operator=data.get("einvoice_operator") or "",
            payment_term_days=data.get("payment_term_days"),
            period_start=data.get("period_start"),
            period_end=data.get("period_end"),
            notes=data.get("notes") or "",
        )


ITEM_CHOICES = [*PricedItem.choices, (OTHER_ITEM, _("muu myynti"))]


class _FormChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class LineForm(forms.Form):
    """A line added by hand to a draft."""

    item = forms.ChoiceField(
        label=_("Mitä rivi laskuttaa"), choices=ITEM_CHOICES, initial=PricedItem.TRAINING_FEE
    )
    description = forms.CharField(
        label=_("Selite"),
        max_length=200,
        help_text=_("Näkyy laskulla. Älä kirjoita asiakkaan nimeä; käytä asiaviitettä."),
    )
    quantity = forms.DecimalField(
        label=_("Määrä"),
        max_digits=10,
        decimal_places=2,
        localize=True,
        error_messages={
            "invalid": _("Anna määrä numerona, esimerkiksi 2 tai 1,5."),
            "max_decimal_places": _("Anna määrä enintään kahden desimaalin tarkkuudella."),
        },
    )
    unit = forms.CharField(
        label=_("Yksikkö"), max_length=20, required=False, help_text=_("Esim. osallistuja, kpl.")
    )
    unit_price = forms.DecimalField(
        label=_("Yksikköhinta (€)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        localize=True,
        error_messages={
            "invalid": _("Anna hinta euroina, esimerkiksi 120,00."),
            "min_value": _("Hinta ei voi olla negatiivinen."),
            "max_decimal_places": _("Anna hinta senttien tarkkuudella."),
        },
    )
    vat_rate = forms.DecimalField(
        label=_("ALV (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("99.99"),
        initial=Decimal("0"),
        localize=True,
        error_messages={
            "invalid": _("Anna arvonlisäveroprosentti numerona, esimerkiksi 25,5."),
            "min_value": _("Arvonlisäveron on oltava 0–99,99 %."),
            "max_value": _("Arvonlisäveron on oltava 0–99,99 %."),
        },
    )
    service_form: forms.ModelChoiceField[ServiceForm] = _FormChoice(
        label=_("Työmuoto (kustannuspaikka)"), queryset=ServiceForm.objects.none(), required=False
    )
    case_reference = forms.CharField(label=_("Asiaviite"), max_length=100, required=False)

    def __init__(self, *args: Any, service_forms: QuerySet[ServiceForm], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_form"].queryset = service_forms  # type: ignore[attr-defined]


class _LineChoices(BoundedModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.position}. {obj.description} ({obj.quantity} {obj.unit})"


class CreditForm(forms.Form):
    """The credit note of a sent invoice: all or chosen lines, and the reason."""

    lines = _LineChoices(
        label=_("Hyvitettävät rivit"),
        queryset=InvoiceLine.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Jätä kaikki valitsematta, niin hyvitetään kaikki vielä hyvittämättömät rivit."
        ),
    )
    reason = forms.CharField(
        label=_("Hyvityksen syy"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Kirjoita hyvityksen syy.")},
        help_text=_("Näkyy hyvityslaskulla. Älä kirjoita asiakkaiden nimiä."),
    )

    def __init__(
        self, *args: Any, invoice: Invoice, exclude: set[int] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        queryset = InvoiceLine.objects.filter(invoice=invoice).order_by("position")
        if exclude:
            queryset = queryset.exclude(pk__in=exclude)
        self.fields["lines"].queryset = queryset  # type: ignore[attr-defined]


class InvoiceFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Tila"), choices=[("", _("kaikki")), *Invoice.Status.choices], required=False
    )
    kind = forms.ChoiceField(
        label=_("Laji"), choices=[("", _("kaikki")), *Invoice.Kind.choices], required=False
    )
    buyer = forms.CharField(label=_("Ostaja"), max_length=100, required=False)
