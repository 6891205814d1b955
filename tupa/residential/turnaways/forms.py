"""The one-screen turn-away entry form and the period chooser of its counts."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from tupa.residential.entries import AnonymousEntryForm
from tupa.residential.models import TurnAway
from tupa.residential.turnaways.services import MAX_PERSONS, NOTE_MAX


def _count_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_PERSONS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Anna lukumäärä (0, jos ei yhtään)."),
            "invalid": _("Anna lukumäärä kokonaislukuna."),
            "min_value": _("Lukumäärä ei voi olla negatiivinen."),
            "max_value": _("Lukumäärä voi olla enintään %(limit_value)s."),
        },
    )


class TurnAwayForm(AnonymousEntryForm):
    """A turn-away; also its same-day correction (:meth:`for_instance`)."""

    defaults: ClassVar[dict[str, Any]] = {
        "channel": TurnAway.Channel.PHONE,
        "adults": 1,
        "children": 0,
        "reason": TurnAway.Reason.NO_PLACE,
    }

    reason = forms.ChoiceField(
        label=_("Syy"),
        choices=TurnAway.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Valitse syy.")},
    )
    directed_to = forms.ChoiceField(
        label=_("Ohjattu"),
        choices=TurnAway.DirectedTo.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Valitse, minne pyytäjä ohjattiin.")},
    )
    adults = _count_field(_("Aikuisia"))
    children = _count_field(_("Lapsia"))
    channel = forms.ChoiceField(
        label=_("Yhteydenottotapa"),
        choices=TurnAway.Channel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Valitse yhteydenottotapa.")},
    )
    note = forms.CharField(
        label=_("Lyhyt huomio"),
        required=False,
        max_length=NOTE_MAX,
        help_text=_("Älä kirjaa nimiä, puhelinnumeroita tai muita tunnistetietoja."),
        error_messages={"max_length": _("Huomio voi olla enintään %(limit_value)d merkkiä.")},
    )

    @classmethod
    def for_instance(cls, turn_away: TurnAway, data: Any = None) -> TurnAwayForm:
        """The form filled with an existing entry (for the same-day correction)."""
        initial = {
            "occurred_at": timezone.localtime(turn_away.occurred_at),
            "channel": turn_away.channel,
            "adults": turn_away.adults,
            "children": turn_away.children,
            "reason": turn_away.reason,
            "directed_to": turn_away.directed_to,
            "note": turn_away.note,
        }
        return cls(data, initial=initial)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        adults, children = data.get("adults"), data.get("children")
        if adults is not None and children is not None and adults + children < 1:
            self.add_error("adults", _("Pyynnössä on oltava vähintään yksi aikuinen tai lapsi."))
        return data


def _month_choices() -> list[tuple[str, Any]]:
    return [("", _("koko vuosi")), *((str(number), name) for number, name in MONTHS.items())]


class TurnAwayPeriodForm(forms.Form):
    year = forms.IntegerField(
        label=_("Vuosi"),
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Anna vuosi."),
            "invalid": _("Anna vuosi neljällä numerolla."),
            "min_value": _("Anna vuosi neljällä numerolla."),
            "max_value": _("Anna vuosi neljällä numerolla."),
        },
    )
    month = forms.TypedChoiceField(
        label=_("Kuukausi"),
        choices=_month_choices,
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("Valitse kuukausi listasta.")},
    )
