"""Forms of the DPO's anomaly list: the week and status filter, and the handling note."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tupa.core import dates
from tupa.dataprotection.anomalies import weeks
from tupa.dataprotection.anomalies.services import NOTE_MAX_LENGTH

STATUS_OPEN = "open"
STATUS_HANDLED = "handled"
STATUS_ALL = "all"
STATUS_CHOICES = [
    (STATUS_OPEN, _("Avoimet")),
    (STATUS_HANDLED, _("Käsitellyt")),
    (STATUS_ALL, _("Kaikki")),
]
WEEK_INVALID = _("Anna viikko muodossa vvvv-Wvv, esimerkiksi 2026-W05.")


def _clean_week(value: str) -> tuple[int, int]:
    parsed = weeks.parse_week(value or "")
    if parsed is None:
        raise forms.ValidationError(WEEK_INVALID, code="invalid")
    monday = dt.date.fromisocalendar(parsed[0], parsed[1], 1)
    problem = dates.date_problem(monday) or dates.date_problem(monday + dt.timedelta(days=6))
    if problem:
        raise forms.ValidationError(problem, code="out_of_range")
    return parsed


class WeekInput(forms.TextInput):
    input_type = "week"


class AnomalyFilterForm(forms.Form):
    week = forms.CharField(
        label=_("Viikko"),
        max_length=8,
        widget=WeekInput(),
        help_text=_("Muodossa vvvv-Wvv, esimerkiksi 2026-W05."),
    )
    status = forms.ChoiceField(
        label=_("Näytä"),
        choices=STATUS_CHOICES,
        required=False,
        error_messages={"invalid_choice": _("Valitse listasta.")},
    )

    def __init__(self, *args: Any, default_week: tuple[int, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.default_week = default_week
        if not self.is_bound:
            self.initial.setdefault("week", weeks.week_label(*default_week))
            self.initial.setdefault("status", STATUS_OPEN)

    def clean_week(self) -> tuple[int, int]:
        return _clean_week(self.cleaned_data.get("week", ""))

    def values(self) -> tuple[tuple[int, int], str]:
        """(year, week) and status; the defaults when unbound."""
        if self.is_bound:
            return self.cleaned_data["week"], self.cleaned_data.get("status") or STATUS_OPEN
        return self.default_week, STATUS_OPEN


class AnomalyReviewForm(forms.Form):
    week = forms.CharField(widget=forms.HiddenInput, max_length=8)
    status = forms.ChoiceField(widget=forms.HiddenInput, choices=STATUS_CHOICES, required=False)
    key = forms.CharField(widget=forms.HiddenInput, max_length=200)
    note = forms.CharField(
        label=_("Huomio"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mitä selvitit ja mihin päädyit. Älä kirjoita asiakkaan tietoja."),
        error_messages={"required": _("Kirjoita huomio.")},
    )

    def clean_week(self) -> tuple[int, int]:
        return _clean_week(self.cleaned_data.get("week", ""))
