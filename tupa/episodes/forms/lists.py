"""The client list's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tupa.core.forms import date_field

from ..models import Episode, ReferralSource
from .base import TupaForm


class ClientListFilterForm(TupaForm):
    q = forms.CharField(
        label=_("Nimi tai peitenimi"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    status = forms.ChoiceField(
        label=_("Tila"), required=False, choices=[("", _("Kaikki")), *Episode.Status.choices]
    )
    referral_source = forms.ChoiceField(
        label=_("Ohjaava taho"),
        required=False,
        choices=[("", _("Kaikki")), *ReferralSource.choices],
    )
    opened_from = date_field(_("Avattu alkaen"), required=False)
    opened_to = date_field(_("Avattu asti"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("opened_from"), cleaned.get("opened_to")
        if start and end and end < start:
            self.add_error("opened_to", _("Loppupäivä ei voi olla ennen alkupäivää."))
        return cleaned
