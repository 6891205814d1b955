"""Forms of the payments pages. The services hold the rules; these only shape what is typed (and
keep it when a rule refuses it)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tupa.core.forms import date_field
from tupa.finance.payments import bank
from tupa.finance.payments.selectors import Balance


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tiliote tai viitesiirtoaineisto"),
        help_text=gettext_lazy(
            "Verkkopankin CSV-tiedosto (erottimena puolipiste, ensimmäisellä rivillä sarakkeiden "
            "otsikot) tai camt.054-XML-muistio (ISO 20022). Enintään 2 Mt. Tiedostoa ei "
            "säilytetä, vain sen tarkiste."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xml,text/csv,text/xml"}),
        error_messages={
            "required": gettext_lazy("Valitse tiedosto."),
            "empty": gettext_lazy("Tiedosto on tyhjä."),
        },
    )


class MappingForm(forms.Form):
    """One choice per column of a CSV file: which payment field it holds, or "ohita"."""

    def __init__(self, *args: Any, header: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(bank.SKIP, _("ohita")), *[(k, str(v)) for k, v in bank.FIELDS.items()]]
        for n, name in enumerate(header):
            self.fields[f"col_{n}"] = forms.ChoiceField(
                label=_("Sarake %(n)s: %(name)s") % {"n": n + 1, "name": name or _("(nimetön)")},
                choices=choices,
                required=False,
            )

    def mapping(self) -> dict[int, str]:
        return {
            int(name.removeprefix("col_")): value or bank.SKIP
            for name, value in self.cleaned_data.items()
            if name.startswith("col_")
        }


def invoice_label(balance: Balance) -> str:
    invoice = balance.invoice
    label = _("%(n)s · %(buyer)s · avoinna %(open)s € · eräpäivä %(due)s") % {
        "n": invoice.number,
        "buyer": invoice.buyer_name,
        "open": formats.number_format(balance.open, 2, use_l10n=True, force_grouping=True),
        "due": formats.date_format(invoice.due_date, "j.n.Y") if invoice.due_date else "–",
    }
    return label


class _InvoiceChoice(forms.TypedChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label=gettext_lazy("Lasku"),
            coerce=int,
            error_messages={
                "required": gettext_lazy("Valitse lasku."),
                "invalid_choice": gettext_lazy("Valitse avoin lasku luettelosta."),
            },
            **kwargs,
        )


def _invoice_choices(balances: list[Balance]) -> list[tuple[Any, str]]:
    return [
        ("", _("– valitse avoin lasku –")),
        *[(b.invoice.pk, invoice_label(b)) for b in balances],
    ]


AMOUNT_ERRORS = {
    "invalid": gettext_lazy("Anna summa euroina, esimerkiksi 1234,56."),
    "min_value": gettext_lazy("Summan on oltava suurempi kuin 0 €."),
    "max_decimal_places": gettext_lazy("Anna summa senttien tarkkuudella."),
    "max_digits": gettext_lazy("Summa on liian suuri."),
    "max_whole_digits": gettext_lazy("Summa on liian suuri."),
    "required": gettext_lazy("Anna summa."),
}


class PaymentForm(forms.Form):
    """A payment entered by hand (e.g. from a bank statement on paper)."""

    invoice = _InvoiceChoice()
    paid_on = date_field(gettext_lazy("Maksupäivä"))
    amount = forms.DecimalField(
        label=gettext_lazy("Summa (€)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        localize=True,
        error_messages=AMOUNT_ERRORS,
    )
    payer_name = forms.CharField(label=gettext_lazy("Maksaja"), max_length=200, required=False)
    reference = forms.CharField(
        label=gettext_lazy("Viite"),
        max_length=35,
        required=False,
        help_text=gettext_lazy("Jätä tyhjäksi, jos maksussa oli laskun oma viitenumero."),
    )
    archive_id = forms.CharField(
        label=gettext_lazy("Arkistointitunnus"),
        max_length=60,
        required=False,
        help_text=gettext_lazy("Pankin arkistointitunnus, jos se on tiedossa."),
    )
    note = forms.CharField(label=gettext_lazy("Lisätieto"), max_length=300, required=False)

    def __init__(self, *args: Any, balances: list[Balance], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["invoice"].choices = _invoice_choices(balances)  # type: ignore[attr-defined]


class MatchForm(forms.Form):
    """ "Kohdista laskuun": choose the open invoice an unmatched payment pays."""

    invoice = _InvoiceChoice()

    def __init__(self, *args: Any, balances: list[Balance], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["invoice"].choices = _invoice_choices(balances)  # type: ignore[attr-defined]
