"""The one-screen entry form of the 24 h line and the month chooser of its statistics."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from tupa.residential.entries import AnonymousEntryForm
from tupa.residential.line.services import MAX_DURATION, MIN_DURATION
from tupa.residential.models import LineContact


class LineContactForm(AnonymousEntryForm):
    """A contact of the 24 h line."""

    defaults: ClassVar[dict[str, Any]] = {
        "duration_minutes": 10,
        "channel": LineContact.Channel.PHONE,
    }
    free_text: ClassVar[tuple[str, ...]] = ("referred_to", "language", "note")

    duration_minutes = forms.IntegerField(
        label=_("Kesto (min)"),
        min_value=MIN_DURATION,
        max_value=MAX_DURATION,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Anna kesto minuutteina."),
            "invalid": _("Anna kesto kokonaislukuna."),
            "min_value": _("Keston on oltava vähintään %(limit_value)s minuutti."),
            "max_value": _("Kesto voi olla enintään %(limit_value)s minuuttia."),
        },
    )
    channel = forms.ChoiceField(
        label=_("Kanava"),
        choices=LineContact.Channel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Valitse kanava.")},
    )
    caller = forms.ChoiceField(
        label=_("Yhteydenottaja"),
        choices=LineContact.Caller.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Valitse, kuka otti yhteyttä.")},
    )
    topics = forms.MultipleChoiceField(
        label=_("Aiheet"),
        choices=LineContact.Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    outcome = forms.ChoiceField(
        label=_("Tulos"),
        choices=LineContact.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Valitse yhteydenoton tulos.")},
    )
    referred_to = forms.CharField(
        label=_("Ohjattu minne"),
        required=False,
        max_length=200,
        help_text=_("Palvelu tai taho, ei henkilön nimeä."),
    )
    language = forms.CharField(label=_("Kieli"), required=False, max_length=40)
    note = forms.CharField(
        label=_("Lyhyt huomio"),
        required=False,
        max_length=200,
        help_text=_("Älä kirjaa tunnistetietoja."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("outcome") == LineContact.Outcome.REFERRED
            and not (data.get("referred_to") or "").strip()
        ):
            self.add_error("referred_to", _("Kerro, mihin yhteydenottaja ohjattiin."))
        return data


class MonthForm(forms.Form):
    month = forms.CharField(
        label=_("Kuukausi"),
        widget=forms.TextInput(attrs={"type": "month"}),
        error_messages={"required": _("Valitse kuukausi.")},
    )

    def clean_month(self) -> tuple[int, int]:
        value = self.cleaned_data["month"]
        try:
            parsed = dt.datetime.strptime(value, "%Y-%m")
        except ValueError:
            raise forms.ValidationError(_("Anna kuukausi muodossa vvvv-kk.")) from None
        if not 2000 <= parsed.year <= 2100:
            raise forms.ValidationError(_("Anna kuukausi muodossa vvvv-kk."))
        return parsed.year, parsed.month
