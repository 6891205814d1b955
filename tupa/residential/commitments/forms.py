"""Forms of payment commitments and of the billing list (Finnish messages)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from tupa.core.forms import HidingFieldsMixin, date_field
from tupa.organisations.models import Municipality, Partner


class CommitmentForm(forms.Form):
    payer: forms.ModelChoiceField[Partner] = forms.ModelChoiceField(
        label=_("Maksaja"),
        queryset=Partner.objects.none(),
        help_text=_("Hyvinvointialue tai kunta, joka on antanut maksusitoumuksen."),
        error_messages={"required": _("Valitse maksaja.")},
    )
    municipality: forms.ModelChoiceField[Municipality] = forms.ModelChoiceField(
        label=_("Kotikunta"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("Ei valittu"),
    )
    reference = forms.CharField(
        label=_("Päätöksen numero tai viite"),
        max_length=100,
        required=False,
        help_text=_("Maksajan päätöksen numero, joka merkitään laskulle."),
    )
    valid_from = date_field(
        _("Voimassa alkaen"), required_message=_("Anna voimassaolon alkamispäivä.")
    )
    valid_until = date_field(
        _("Voimassa asti"),
        required=False,
        help_text=_("Jätä tyhjäksi, jos sitoumus on voimassa toistaiseksi."),
    )
    daily_price = forms.DecimalField(
        label=_("Vuorokausihinta (€)"),
        max_digits=8,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        localize=True,
        error_messages={
            "invalid": _("Anna hinta euroina, esimerkiksi 185,50."),
            "min_value": _("Vuorokausihinta ei voi olla negatiivinen."),
        },
    )
    note = forms.CharField(label=_("Lisätieto"), max_length=300, required=False)

    def __init__(self, *args: Any, payers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        payer_field = self.fields["payer"]
        assert isinstance(payer_field, forms.ModelChoiceField)
        payer_field.queryset = payers
        municipality_field = self.fields["municipality"]
        assert isinstance(municipality_field, forms.ModelChoiceField)
        municipality_field.queryset = Municipality.objects.filter(valid=True).order_by(
            Municipality.display_ordering()
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error(
                "valid_until", _("Voimassaolon päättymispäivä ei voi olla ennen alkamispäivää.")
            )
        return data


class CommitmentCorrectForm(HidingFieldsMixin, CommitmentForm):
    reason = forms.CharField(
        label=_("Korjauksen syy"),
        max_length=200,
        help_text=_("Syy tallentuu muutoshistoriaan."),
        error_messages={"required": _("Kerro, miksi maksusitoumusta korjataan.")},
    )


class CommitmentCancelForm(forms.Form):
    cancelled_on = date_field(_("Peruttu"), required_message=_("Anna peruutuspäivä."))
    reason = forms.CharField(
        label=_("Peruutuksen syy"),
        max_length=200,
        help_text=_("Syy tallentuu muutoshistoriaan."),
        error_messages={"required": _("Kerro, miksi maksusitoumus perutaan.")},
    )


MONTH_CHOICES: list[tuple[str, Any]] = [("", _("koko vuosi"))] + [
    (str(number), name) for number, name in MONTHS.items()
]


class BillingPeriodForm(forms.Form):
    """A month of a year, or the whole year (→ one table per month)."""

    year = forms.IntegerField(
        label=_("Vuosi"),
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": _("Anna vuosi."),
            "invalid": _("Anna vuosi numeroina, esimerkiksi 2026."),
            "min_value": _("Anna vuosi väliltä 2000–2100."),
            "max_value": _("Anna vuosi väliltä 2000–2100."),
        },
    )
    month = forms.ChoiceField(label=_("Kuukausi"), choices=MONTH_CHOICES, required=False)

    def period(self) -> tuple[dt.date, dt.date]:
        year: int = self.cleaned_data["year"]
        month = self.cleaned_data.get("month")
        if not month:
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        start = dt.date(year, int(month), 1)
        following = (start + dt.timedelta(days=32)).replace(day=1)
        return start, following - dt.timedelta(days=1)


def default_billing_period(today: dt.date) -> dict[str, str]:
    """The previous calendar month: care days are invoiced after the month has ended."""
    last = today.replace(day=1) - dt.timedelta(days=1)
    return {"year": str(last.year), "month": str(last.month)}
