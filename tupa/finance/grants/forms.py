"""Forms of the grants register. The services hold the rules; these only shape what is typed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tupa.core.forms import BoundedModelMultipleChoiceField, date_field
from tupa.finance.models.grants import Grant, GrantDeadline
from tupa.organisations.models import Funder, ServiceForm


class MoneyField(forms.DecimalField):
    """Euros as typed in Finland: a decimal comma, spaces between thousands allowed."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = "".join(value.split()).replace("\u202f", "").replace("€", "")
        return super().to_python(value)  # type: ignore[no-any-return]


def money_field(label: Any, *, required: bool = True, **kwargs: Any) -> MoneyField:
    return MoneyField(
        label=label,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        required=required,
        localize=True,
        error_messages={
            "invalid": _("Anna summa euroina, esimerkiksi 48 500,00."),
            "min_value": _("Summa ei voi olla negatiivinen."),
            "max_decimal_places": _("Anna summa senttien tarkkuudella."),
        },
        **kwargs,
    )


class ServiceFormsField(BoundedModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


APPLICATION_STATUSES = [
    (Grant.Status.DRAFT.value, Grant.Status.DRAFT.label),
    (Grant.Status.APPLIED.value, Grant.Status.APPLIED.label),
]


class GrantForm(forms.Form):
    funder: forms.ModelChoiceField[Funder] = forms.ModelChoiceField(
        label=_("Rahoittaja"), queryset=Funder.objects.none()
    )
    kind = forms.ChoiceField(label=_("Avustuslaji"), choices=Grant.Kind.choices)
    target_name = forms.CharField(
        label=_("Avustuskohde"),
        max_length=200,
        help_text=_("Esim. Ero lapsiperheessä -toiminta tai hankkeen nimi."),
    )
    target_code = forms.CharField(
        label=_("Avustuskohteen tunnus"),
        max_length=40,
        required=False,
        help_text=_("Esim. STEAn kohdenumero, jos sellainen on."),
    )
    year_from = forms.IntegerField(label=_("Vuosi"), min_value=2000, max_value=2100)
    year_to = forms.IntegerField(
        label=_("Viimeinen vuosi"),
        min_value=2000,
        max_value=2100,
        required=False,
        help_text=_("Monivuotiselle avustukselle; jätä tyhjäksi, jos avustus on yhdelle vuodelle."),
    )
    amount_applied = money_field(_("Haettu summa (€)"))
    status = forms.ChoiceField(
        label=_("Hakemuksen tila"), choices=APPLICATION_STATUSES, widget=forms.RadioSelect
    )
    applied_on = date_field(
        _("Hakupäivä"), required=False, help_text=_("Päivä, jona hakemus lähetettiin.")
    )
    service_forms = ServiceFormsField(
        label=_("Rahoitettavat työmuodot"),
        queryset=ServiceForm.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Lisätieto"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self,
        *args: Any,
        funders: QuerySet[Funder],
        service_forms: QuerySet[ServiceForm],
        decided: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["funder"].queryset = funders  # type: ignore[attr-defined]
        self.fields["service_forms"].queryset = service_forms  # type: ignore[attr-defined]
        if decided:
            # A decided grant's status changes only with a new decision.
            del self.fields["status"]


def grant_initial(grant: Grant) -> dict[str, Any]:
    return {
        "funder": grant.funder_id,
        "kind": grant.kind,
        "target_name": grant.target_name,
        "target_code": grant.target_code,
        "year_from": grant.year_from,
        "year_to": grant.year_to if grant.year_to != grant.year_from else None,
        "amount_applied": grant.amount_applied,
        "status": grant.status,
        "applied_on": grant.applied_on,
        "service_forms": [f.pk for f in grant.service_forms.all()],
        "note": grant.note,
    }


DECISION_STATUSES = [
    (Grant.Status.GRANTED.value, Grant.Status.GRANTED.label),
    (Grant.Status.PARTLY_GRANTED.value, Grant.Status.PARTLY_GRANTED.label),
    (Grant.Status.REJECTED.value, Grant.Status.REJECTED.label),
    (Grant.Status.WITHDRAWN.value, Grant.Status.WITHDRAWN.label),
]


class DecisionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Päätös"), choices=DECISION_STATUSES, widget=forms.RadioSelect
    )
    amount_granted = money_field(
        _("Myönnetty summa (€)"),
        required=False,
        help_text=_(
            "Jätä tyhjäksi, kun koko haettu summa myönnettiin tai kun päätös on kielteinen."
        ),
    )
    decided_on = date_field(_("Päätöspäivä"), required=False)
    decision_number = forms.CharField(label=_("Päätöksen numero"), max_length=60, required=False)
    conditions = forms.CharField(
        label=_("Ehdot"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Päätöksen ehdot ja rajoitukset, esim. käyttöaika ja omarahoitusosuus."),
    )


def decision_initial(grant: Grant) -> dict[str, Any]:
    return {
        "status": grant.status if grant.is_decided else "",
        "amount_granted": grant.amount_granted,
        "decided_on": grant.decided_on,
        "decision_number": grant.decision_number,
        "conditions": grant.conditions,
    }


class DeadlineForm(forms.Form):
    kind = forms.ChoiceField(label=_("Laji"), choices=GrantDeadline.Kind.choices)
    due_on = date_field(_("Määräpäivä"))
    note = forms.CharField(label=_("Lisätieto"), max_length=300, required=False)
