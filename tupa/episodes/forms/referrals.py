"""Referrals between the association's service forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tupa.organisations.models import ServiceForm

from .. import services
from ..models import Episode
from .base import TupaForm


class ReferralForm(TupaForm):
    person = forms.ChoiceField(
        label=_("Ohjattava henkilö"),
        error_messages={"required": _("Valitse ohjattava henkilö.")},
    )
    to_service_form: forms.ModelChoiceField[ServiceForm] = forms.ModelChoiceField(
        label=_("Työmuoto, johon ohjataan"),
        queryset=ServiceForm.objects.none(),
        empty_label=_("Valitse työmuoto"),
        error_messages={
            "required": _("Valitse työmuoto."),
            "invalid_choice": _("Valitse työmuoto listasta."),
        },
    )
    reason = forms.CharField(
        label=_("Ohjauksen syy"),
        max_length=2000,
        help_text=_(
            "Vastaanottava työmuoto näkee henkilön nimen, tämän syyn, lähettävän työmuodon ja "
            "päivän — ei tämän asiakkuuden tietoja. Kirjoita vain se, mitä vastaanottaja tarvitsee."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Kirjoita ohjauksen syy.")},
    )
    consent_given = forms.BooleanField(
        label=_("Asiakas on antanut suostumuksensa ohjaukseen"), required=False
    )

    def __init__(
        self,
        *args: Any,
        persons: list[tuple[int, str]],
        targets: QuerySet[ServiceForm],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", _("Valitse henkilö")), *persons]  # type: ignore[attr-defined]
        self.fields["person"].error_messages["invalid_choice"] = _("Valitse henkilö listasta.")
        self.fields["to_service_form"].queryset = targets  # type: ignore[attr-defined]

    def clean_consent_given(self) -> bool:
        if not self.cleaned_data.get("consent_given"):
            raise ValidationError(services.CONSENT_REQUIRED_MESSAGE, code="consent")
        return True


class ReferralDecisionForm(TupaForm):
    ACCEPT = "accept"
    DECLINE = "decline"

    decision = forms.ChoiceField(
        label=_("Päätös"),
        choices=[(ACCEPT, _("Vastaanota")), (DECLINE, _("Älä vastaanota"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Valitse, vastaanotetaanko ohjaus.")},
    )
    status = forms.ChoiceField(
        label=_("Uuden asiakkuuden tila"),
        choices=[
            (Episode.Status.WAITING, Episode.Status.WAITING.label),
            (Episode.Status.ACTIVE, Episode.Status.ACTIVE.label),
            (Episode.Status.ENQUIRY, Episode.Status.ENQUIRY.label),
        ],
        initial=Episode.Status.WAITING,
        required=False,
    )
    note = forms.CharField(
        label=_("Perustelu"),
        required=False,
        max_length=2000,
        help_text=_("Pakollinen, jos ohjausta ei vastaanoteta. Lähettävä työntekijä näkee sen."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == self.DECLINE and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Kirjoita peruste, miksi ohjausta ei vastaanoteta."))
        return cleaned
