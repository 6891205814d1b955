"""Forms of other income and earmarked funds. The services hold the rules; these only shape
what is typed (and keep it when a rule refuses it)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tupa.core.forms import date_field
from tupa.finance.grants.forms import MoneyField
from tupa.finance.income.services import IncomeData
from tupa.finance.models import EarmarkedFund, OtherIncome
from tupa.organisations.models import Funder


def _money(label: Any) -> MoneyField:
    return MoneyField(
        label=label,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        localize=True,
        error_messages={
            "invalid": _("Anna summa euroina, esimerkiksi 250,00."),
            "min_value": _("Summan on oltava vähintään 0,01 €."),
            "max_decimal_places": _("Anna summa senttien tarkkuudella."),
        },
    )


class _Named(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class IncomeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Laji"), choices=OtherIncome.Kind.choices)
    received_on = date_field(_("Päivä"))
    amount = _money(_("Summa (€)"))
    source_kind = forms.ChoiceField(
        label=_("Maksaja"), choices=OtherIncome.Source.choices, widget=forms.RadioSelect
    )
    source_name = forms.CharField(
        label=_("Yrityksen tai yhteisön nimi"),
        max_length=200,
        required=False,
        help_text=_("Vain kun maksaja on yritys tai yhteisö."),
    )
    donor_name = forms.CharField(
        label=_("Yksityisen lahjoittajan nimi (vapaaehtoinen)"),
        max_length=200,
        required=False,
        help_text=_(
            "Henkilötieto: kirjaa vain, jos nimi tarvitaan (esim. kiitoskirje tai testamentti). "
            "Nimi näkyy vain talouspäällikölle eikä koskaan raporteissa tai vienneissä."
        ),
    )
    funder = _Named(
        label=_("Rahoituslähde talousarviossa"),
        queryset=Funder.objects.none(),
        required=False,
        help_text=_("Vapaaehtoinen, esim. Muut tuotot."),
    )
    fund = _Named(
        label=_("Korvamerkitty rahasto"),
        queryset=EarmarkedFund.objects.none(),
        required=False,
        empty_label=_("ei korvamerkitty"),
        help_text=_("Valitse, jos lahjoitus on annettu tiettyyn tarkoitukseen."),
    )
    description = forms.CharField(
        label=_("Selite"),
        max_length=300,
        required=False,
        help_text=_("Älä kirjaa tähän yksityishenkilön nimeä."),
    )

    def __init__(
        self,
        *args: Any,
        funders: QuerySet[Funder],
        funds: QuerySet[EarmarkedFund],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["funder"].queryset = funders  # type: ignore[attr-defined]
        self.fields["fund"].queryset = funds  # type: ignore[attr-defined]

    def data_for_service(self) -> IncomeData:
        data = self.cleaned_data
        return IncomeData(
            kind=data["kind"],
            received_on=data["received_on"],
            amount=data["amount"],
            source_kind=data["source_kind"],
            source_name=data.get("source_name") or "",
            donor_name=data.get("donor_name") or "",
            funder=data.get("funder"),
            fund=data.get("fund"),
            description=data.get("description") or "",
        )


def income_initial(income: OtherIncome) -> dict[str, Any]:
    return {
        "kind": income.kind,
        "received_on": income.received_on,
        "amount": income.amount,
        "source_kind": income.source_kind,
        "source_name": income.source_name,
        "donor_name": income.donor_name,
        "funder": income.funder_id,
        "fund": income.fund_id,
        "description": income.description,
    }


class FundForm(forms.Form):
    name = forms.CharField(label=_("Nimi"), max_length=200)
    purpose = forms.CharField(
        label=_("Käyttötarkoitus"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Esim. lasten virkistys: retket, leirit ja juhlat."),
    )
    active = forms.BooleanField(
        label=_("Käytössä"),
        required=False,
        initial=True,
        help_text=_("Suljettuun rahastoon ei kirjata uusia lahjoituksia eikä käyttöjä."),
    )


class FundUseForm(forms.Form):
    event = forms.CharField(
        label=_("Tapahtuma"),
        max_length=200,
        help_text=_("Mihin rahat käytettiin, esim. perheleirin ruokailut."),
    )
    used_on = date_field(_("Tapahtuman päivä"))
    amount = _money(_("Summa (€)"))
    event_link = forms.CharField(
        label=_("Linkki tapahtumaan (vapaaehtoinen)"),
        max_length=300,
        required=False,
        help_text=_("Esim. ryhmän tapaamiskerran osoite Tupassa (alkaa /) tai https-osoite."),
    )
    description = forms.CharField(label=_("Selite"), max_length=300, required=False)
