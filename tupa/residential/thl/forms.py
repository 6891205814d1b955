"""Forms of THL's shelter data: one row form per participant."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tupa.residential.models import ShelterClientData
from tupa.residential.thl.services import ParticipantInfo, validate_row

Data = ShelterClientData

_CHOICE_ERRORS = {
    "required": _("Valitse jokin vaihtoehdoista."),
    "invalid_choice": _("Valitse jokin vaihtoehdoista."),
}


class ShelterDataRowForm(forms.Form):
    """One participant's THL data; the prefix ``p<participant pk>`` keeps the rows apart."""

    client_status = forms.ChoiceField(
        label=_("Asiakkaan asema"),
        choices=Data.ClientStatus.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages=_CHOICE_ERRORS,
    )
    gender = forms.ChoiceField(
        label=_("Sukupuoli (tilasto)"), choices=Data.Gender.choices, error_messages=_CHOICE_ERRORS
    )
    age_band = forms.ChoiceField(
        label=_("Ikäryhmä tulohetkellä"),
        choices=Data.AgeBand.choices,
        error_messages=_CHOICE_ERRORS,
    )
    violence_forms = forms.MultipleChoiceField(
        label=_("Väkivallan muodot"),
        choices=Data.ViolenceForm.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Valitse kaikki, jotka henkilö on kokenut."),
        error_messages={"invalid_choice": _("Valitse väkivallan muodot luettelosta.")},
    )
    relationship = forms.ChoiceField(
        label=_("Suhde väkivallan käyttäjään"),
        choices=Data.Relationship.choices,
        error_messages=_CHOICE_ERRORS,
    )
    stay_order = forms.ChoiceField(
        label=_("Ensimmäinen vai toistuva jakso"),
        choices=Data.StayOrder.choices,
        error_messages=_CHOICE_ERRORS,
    )
    violence_duration = forms.ChoiceField(
        label=_("Väkivallan kesto ennen tuloa"),
        choices=Data.ViolenceDuration.choices,
        error_messages=_CHOICE_ERRORS,
    )

    def __init__(self, *args: Any, info: ParticipantInfo, **kwargs: Any) -> None:
        self.info = info
        kwargs.setdefault("prefix", f"p{info.participant.pk}")
        kwargs.setdefault("initial", info.values)
        super().__init__(*args, **kwargs)
        if not info.stayed:
            field = self.fields["client_status"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [
                ("", _("ei asunut turvakodissa – ei tilastoida")),
                *Data.ClientStatus.choices,
            ]
            if info.data is None:
                self.initial["client_status"] = ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, message in validate_row(
            data, role=self.info.participant.role, stayed=self.info.stayed
        ).items():
            if name not in self.errors:
                self.add_error(name, message)
        return data
