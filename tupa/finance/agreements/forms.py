"""Forms of the purchase-service agreements. The services hold the rules; these only shape
what is typed (and keep it when a rule refuses it)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tupa.core.forms import BoundedModelMultipleChoiceField, date_field
from tupa.finance.agreements.services import AgreementData
from tupa.finance.models import Agreement
from tupa.finance.models.agreements import InvoicingInterval, MeetingType, PricedItem
from tupa.organisations.models import Municipality, Partner, ServiceForm


class _NamedChoices(BoundedModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(getattr(obj, "name", None) or obj)


class AgreementForm(forms.Form):
    buyer: forms.ModelChoiceField[Partner] = forms.ModelChoiceField(
        label=_("Ostaja"),
        queryset=Partner.objects.none(),
        help_text=_("Kunta, kuntayhtymä tai hyvinvointialue kumppanirekisteristä."),
    )
    number = forms.CharField(label=_("Sopimusnumero"), max_length=40)
    title = forms.CharField(label=_("Nimi"), max_length=200)
    service_forms = _NamedChoices(
        label=_("Työmuodot"),
        queryset=ServiceForm.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    municipalities = _NamedChoices(
        label=_("Kunnat, joiden asukkaita sopimus koskee"),
        queryset=Municipality.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "Tapaamispaikan laskutus kohdistetaan lapsen kotikunnan mukaan. Valitse useampi "
            "Ctrl- tai Cmd-näppäimellä."
        ),
    )
    valid_from = date_field(_("Voimassa alkaen"))
    valid_until = date_field(
        _("Voimassa päättyen"),
        required=False,
        help_text=_("Jätä tyhjäksi, jos sopimus on voimassa toistaiseksi."),
    )
    invoicing_interval = forms.ChoiceField(
        label=_("Laskutusväli"), choices=InvoicingInterval.choices, widget=forms.RadioSelect
    )
    payment_term_days = forms.IntegerField(
        label=_("Maksuaika (päivää)"), min_value=0, max_value=365, initial=14
    )
    einvoice_address = forms.CharField(
        label=_("Verkkolaskuosoite (OVT)"),
        max_length=20,
        required=False,
        help_text=_("Esim. 003712345671 (0037 ja Y-tunnus ilman väliviivaa)."),
    )
    einvoice_operator = forms.CharField(
        label=_("Välittäjän tunnus"),
        max_length=40,
        required=False,
        help_text=_("Verkkolaskuoperaattorin tunnus, esim. 003721291126."),
    )
    buyer_reference = forms.CharField(
        label=_("Ostajan viite"),
        max_length=70,
        required=False,
        help_text=_(
            "Viite, jonka ostaja haluaa laskulle (esim. tilausnumero tai kustannuspaikka)."
        ),
    )
    billing_street = forms.CharField(
        label=_("Laskutusosoite"),
        max_length=200,
        required=False,
        help_text=_("Paperilaskun ja PDF-laskun osoite (verkkolasku menee OVT-tunnukseen)."),
    )
    billing_postcode = forms.CharField(label=_("Postinumero"), max_length=10, required=False)
    billing_town = forms.CharField(label=_("Postitoimipaikka"), max_length=100, required=False)
    contact_notes = forms.CharField(
        label=_("Yhteyshenkilöt ja lisätiedot"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        buyers: QuerySet[Partner],
        service_forms: QuerySet[ServiceForm],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["buyer"].queryset = buyers  # type: ignore[attr-defined]
        self.fields["service_forms"].queryset = service_forms  # type: ignore[attr-defined]
        self.fields["municipalities"].queryset = Municipality.objects.filter(  # type: ignore[attr-defined]
            valid=True
        ).order_by(Municipality.display_ordering())

    def data_for_service(self) -> AgreementData:
        data = self.cleaned_data
        return AgreementData(
            buyer=data["buyer"],
            number=data["number"],
            title=data["title"],
            valid_from=data["valid_from"],
            valid_until=data.get("valid_until"),
            service_forms=list(data["service_forms"]),
            municipalities=list(data.get("municipalities") or []),
            invoicing_interval=data["invoicing_interval"],
            payment_term_days=data["payment_term_days"],
            einvoice_address=data.get("einvoice_address") or "",
            einvoice_operator=data.get("einvoice_operator") or "",
            buyer_reference=data.get("buyer_reference") or "",
            billing_street=data.get("billing_street") or "",
            billing_postcode=data.get("billing_postcode") or "",
            billing_town=data.get("billing_town") or "",
            contact_notes=data.get("contact_notes") or "",
        )


def agreement_initial(agreement: Agreement) -> dict[str, Any]:
    return {
        "buyer": agreement.buyer_id,
        "number": agreement.number,
        "title": agreement.title,
        "service_forms": [f.pk for f in agreement.service_forms.all()],
        "municipalities": [m.pk for m in agreement.municipalities.all()],
        "valid_from": agreement.valid_from,
        "valid_until": agreement.valid_until,
        "invoicing_interval": agreement.invoicing_interval,
        "payment_term_days": agreement.payment_term_days,
        "einvoice_address": agreement.einvoice_address,
        "einvoice_operator": agreement.einvoice_operator,
        "buyer_reference": agreement.buyer_reference,
        "billing_street": agreement.billing_street,
        "billing_postcode": agreement.billing_postcode,
        "billing_town": agreement.billing_town,
        "contact_notes": agreement.contact_notes,
    }


class PriceForm(forms.Form):
    """ "Uusi hinta alkaen": the price of one priced thing from a date on."""

    item = forms.ChoiceField(label=_("Mitä hinta koskee"), choices=PricedItem.choices)
    meeting_type = forms.ChoiceField(
        label=_("Tapaamistyyppi"),
        choices=[("", _("ei koske tapaamista")), *MeetingType.choices],
        required=False,
        help_text=_("Vain tapaamisen hinnalle."),
    )
    amount = forms.DecimalField(
        label=_("Hinta (€)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        localize=True,
        error_messages={
            "invalid": _("Anna hinta euroina, esimerkiksi 215,50."),
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
        help_text=_("Sosiaalipalvelut ovat arvonlisäverottomia (0 %)."),
    )
    valid_from = date_field(
        _("Voimassa alkaen"), help_text=_("Edellinen hinta päättyy edellisenä päivänä.")
    )
