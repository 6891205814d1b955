"""Forms of the disclosure log."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from tupa.audit.models import DisclosureBasis, DisclosureKind
from tupa.core.forms import date_field
from tupa.dataprotection.pages import text_field


class DisclosureForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Luovutuksen laji"),
        choices=[("", gettext_lazy("Valitse")), *DisclosureKind.choices],
        error_messages={"required": gettext_lazy("Valitse luovutuksen laji.")},
    )
    recipient = forms.CharField(
        label=gettext_lazy("Vastaanottaja"),
        max_length=300,
        help_text=gettext_lazy(
            "Esimerkiksi: Esimerkkikaupungin lastensuojelu, sosiaalityöntekijä."
        ),
        error_messages={"required": gettext_lazy("Kerro, kenelle tiedot luovutettiin.")},
    )
    basis_kind = forms.ChoiceField(
        label=gettext_lazy("Luovutuksen peruste"),
        choices=[("", gettext_lazy("Valitse")), *DisclosureBasis.choices],
        error_messages={"required": gettext_lazy("Valitse luovutuksen peruste.")},
    )
    legal_basis = text_field(
        gettext_lazy("Säännös tai suostumus"),
        rows=2,
        help_text=gettext_lazy("Esimerkiksi: lastensuojelulaki 25 § (ilmoitusvelvollisuus)."),
    )
    description = text_field(
        gettext_lazy("Mitä tietoja luovutettiin"),
        help_text=gettext_lazy("Kuvaus luovutetuista tiedoista, ei itse tietoja."),
    )
    persons = forms.MultipleChoiceField(
        label=gettext_lazy("Keiden tietoja luovutettiin"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": gettext_lazy("Valitse vähintään yksi henkilö, jonka tietoja luovutettiin.")
        },
    )
    disclosed_on = date_field(gettext_lazy("Luovutuspäivä"))

    def __init__(self, *args: Any, participants: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.participants = {str(p.pk): p for p in participants}
        self.fields["persons"].choices = [  # type: ignore[attr-defined]
            (str(p.pk), str(p.person or p.alias)) for p in participants
        ]


class DisclosureFilterForm(forms.Form):
    date_from = date_field(gettext_lazy("Alkaen"), required=False)
    date_to = date_field(gettext_lazy("Päättyen"), required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("Luovutuksen laji"),
        required=False,
        choices=[("", gettext_lazy("Kaikki")), *DisclosureKind.choices],
    )
