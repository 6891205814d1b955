"""Forms of experience-expert consents."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tupa.core.forms import date_field
from tupa.organisations.models import ServiceForm
from tupa.volunteers.fields import FormChoiceField


class ExpertConsentForm(forms.Form):
    service_form = FormChoiceField(
        label=_("Työmuoto"), queryset=ServiceForm.objects.none(), empty_label=None
    )
    given_on = date_field(_("Suostumus annettu"))
    scope = forms.CharField(
        label=_("Suostumuksen laajuus"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Esimerkiksi: kehittämistyö, koulutukset, oma tarina mediassa nimettömänä."),
    )
    former_client = forms.BooleanField(
        label=_("Työmuodon entinen asiakas"),
        required=False,
        help_text=_(
            "Merkitse vain, jos henkilö on itse kertonut ja suostunut merkintään. "
            "Asiakastietoihin ei tehdä linkkiä."
        ),
    )

    def __init__(self, *args: Any, forms_qs: QuerySet[ServiceForm], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_form"].queryset = forms_qs  # type: ignore[attr-defined]


class WithdrawForm(forms.Form):
    withdrawn_on = date_field(_("Peruttu"))
