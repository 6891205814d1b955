"""Forms of the volunteer portal: own contact data, own hours, the first password, and the
coordinator's revoking of the login."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from tupa.volunteers.hours.forms import HoursForm
from tupa.volunteers.models import Volunteer
from tupa.volunteers.portal.services import OWN_CONTACT_FIELDS


class ContactForm(forms.ModelForm):  # type: ignore[type-arg]
    """The contact data a volunteer keeps up to date themselves (names stay with the
    coordinator)."""

    class Meta:
        model = Volunteer
        fields = list(OWN_CONTACT_FIELDS)
        widgets = {
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "street_address": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "postal_code": forms.TextInput(
                attrs={"autocomplete": "postal-code", "inputmode": "numeric"}
            ),
            "post_office": forms.TextInput(attrs={"autocomplete": "address-level2"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["email"].error_messages["invalid"] = _(
            "Tarkista sähköpostiosoite (esimerkiksi nimi@esimerkki.fi)."
        )


class OwnHoursForm(HoursForm):
    """An occasion the volunteer records: the staff form with the volunteer's own forms."""


class ActivationForm(SetPasswordForm):  # type: ignore[type-arg]
    """The first password of a volunteer login (Django's validators, Finnish-source texts)."""

    error_messages = {
        **SetPasswordForm.error_messages,
        "password_mismatch": _("Salasanat eivät ole samat."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Uusi salasana")
        self.fields["new_password2"].label = _("Uusi salasana uudelleen")
        self.fields["new_password2"].help_text = _("Kirjoita sama salasana uudelleen.")
        for name in ("new_password1", "new_password2"):
            self.fields[name].error_messages["required"] = _("Tämä kenttä on pakollinen.")


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Perumisen syy"),
        max_length=300,
        help_text=_("Esimerkiksi: tauko, tunnus ei enää tarpeen, laite kadonnut."),
    )
