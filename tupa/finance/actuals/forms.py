"""Forms of the budget by service form, the actuals import and the account ranges. The services
hold the rules; these only shape what is typed (and keep it when a rule refuses it)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tupa.finance.actuals.selectors import MONTH_NAMES
from tupa.finance.actuals.services import BudgetItemData
from tupa.finance.grants.forms import MoneyField, money_field
from tupa.finance.models import BudgetItem
from tupa.finance.models.budget import BudgetKind, CostType
from tupa.organisations.models import Funder, ServiceForm

MONTH_FIELDS = [f"m{n}" for n in range(1, 13)]


class _Named(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class BudgetItemForm(forms.Form):
    service_form = _Named(
        label=_("Työmuoto (kustannuspaikka)"),
        queryset=ServiceForm.objects.none(),
        required=False,
        empty_label=_("Yhteiset (ei työmuotoa)"),
    )
    kind = forms.ChoiceField(
        label=_("Tuotto vai kulu"), choices=BudgetKind.choices, widget=forms.RadioSelect
    )
    funder = _Named(
        label=_("Rahoituslähde"),
        queryset=Funder.objects.none(),
        required=False,
        help_text=_("Vain tuotoille."),
    )
    cost_type = forms.ChoiceField(
        label=_("Kululaji"),
        choices=[("", _("valitse kuluille")), *CostType.choices],
        required=False,
        help_text=_("Vain kuluille."),
    )
    amount = money_field(_("Vuoden summa (€)"))
    description = forms.CharField(label=_("Selite"), max_length=300, required=False)

    def __init__(
        self,
        *args: Any,
        service_forms: QuerySet[ServiceForm],
        funders: QuerySet[Funder],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_form"].queryset = service_forms  # type: ignore[attr-defined]
        self.fields["funder"].queryset = funders  # type: ignore[attr-defined]
        for name, label in zip(MONTH_FIELDS, MONTH_NAMES, strict=True):
            field: MoneyField = money_field(str(label).capitalize(), required=False)
            self.fields[name] = field

    def month_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in MONTH_FIELDS]

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in MONTH_FIELDS]

    def data_for_service(self) -> BudgetItemData:
        data = self.cleaned_data
        months: list[Decimal] = [data[n] for n in MONTH_FIELDS if data.get(n) is not None]
        return BudgetItemData(
            kind=data["kind"],
            amount=data["amount"],
            service_form=data.get("service_form"),
            funder=data.get("funder"),
            cost_type=data.get("cost_type") or "",
            phasing=months,
            description=data.get("description") or "",
        )


def budget_item_initial(item: BudgetItem) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "service_form": item.service_form_id,
        "kind": item.kind,
        "funder": item.funder_id,
        "cost_type": item.cost_type,
        "amount": item.amount,
        "description": item.description,
    }
    if item.phasing:
        for name, value in zip(MONTH_FIELDS, item.monthly_amounts(), strict=True):
            initial[name] = value
    return initial


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV-tiedosto kirjanpidosta"),
        help_text=_(
            "Sarakkeet: kausi (VVVV-KK), kustannuspaikka (työmuodon tunniste tai nimi; yhteisille "
            "kuluille: yhteiset), tili, tilin nimi (vapaaehtoinen), summa (esim. -1 234,56). "
            "Erottimena puolipiste tai pilkku."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={"required": _("Valitse tuotava tiedosto.")},
    )
    income_negative = forms.BooleanField(
        label=_("Tuotot ovat tiedostossa miinusmerkkisiä (kirjanpidon debet–kredit)"),
        required=False,
        help_text=_("Valitse, jos tuottotilien summat ovat tiedostossa negatiivisia."),
    )


class AccountRangeForm(forms.Form):
    first_account = forms.IntegerField(
        label=_("Ensimmäinen tili"),
        min_value=1,
        max_value=99999,
        error_messages={"invalid": _("Anna tilinumero numeroina.")},
    )
    last_account = forms.IntegerField(
        label=_("Viimeinen tili"),
        min_value=1,
        max_value=99999,
        error_messages={"invalid": _("Anna tilinumero numeroina.")},
    )
    kind = forms.ChoiceField(
        label=_("Tuotto vai kulu"), choices=BudgetKind.choices, widget=forms.RadioSelect
    )
    funder = _Named(
        label=_("Rahoituslähde"),
        queryset=Funder.objects.none(),
        required=False,
        help_text=_("Vain tuotoille; tyhjä: rahoituslähde ei tiedossa."),
    )
    cost_type = forms.ChoiceField(
        label=_("Kululaji"),
        choices=[("", _("valitse kuluille")), *CostType.choices],
        required=False,
    )

    def __init__(self, *args: Any, funders: QuerySet[Funder], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["funder"].queryset = funders  # type: ignore[attr-defined]
