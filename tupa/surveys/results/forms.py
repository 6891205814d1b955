"""The results page's choices: the period (year, half, quarter or own dates) and the version."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tupa.core.forms import date_field
from tupa.core.months import month_end

#: The parts of a year: query value → (first month, last month).
PARTS: dict[str, tuple[int, int]] = {
    "": (1, 12),
    "h1": (1, 6),
    "h2": (7, 12),
    "q1": (1, 3),
    "q2": (4, 6),
    "q3": (7, 9),
    "q4": (10, 12),
}
OWN = "oma"
FIRST_YEAR = 2000
LONGEST_DAYS = 5 * 366


def part_choices() -> list[tuple[str, Any]]:
    return [
        ("", gettext_lazy("koko vuosi")),
        ("h1", gettext_lazy("1. vuosipuolisko")),
        ("h2", gettext_lazy("2. vuosipuolisko")),
        ("q1", gettext_lazy("1. vuosineljännes")),
        ("q2", gettext_lazy("2. vuosineljännes")),
        ("q3", gettext_lazy("3. vuosineljännes")),
        ("q4", gettext_lazy("4. vuosineljännes")),
        (OWN, gettext_lazy("oma aikaväli")),
    ]


def part_bounds(year: int, part: str) -> tuple[dt.date, dt.date]:
    first, last = PARTS[part]
    return dt.date(year, first, 1), month_end(year, last)


class ResultsFilterForm(forms.Form):
    """What the page shows. Unbound (no query): this year, every version."""

    vuosi = forms.IntegerField(label=gettext_lazy("Vuosi"), min_value=FIRST_YEAR)
    jakso = forms.ChoiceField(label=gettext_lazy("Jakso"), required=False, choices=part_choices)
    alku = date_field(gettext_lazy("Alkaen (oma aikaväli)"), required=False)
    loppu = date_field(gettext_lazy("Päättyen (oma aikaväli)"), required=False)
    versio = forms.TypedChoiceField(
        label=gettext_lazy("Kyselyn versio"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, version_numbers: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year_field = self.fields["vuosi"]
        assert isinstance(year_field, forms.IntegerField)
        year_field.max_value = timezone.localdate().year + 1
        year_field.validators.append(MaxValueValidator(year_field.max_value))
        year_field.widget.attrs["max"] = year_field.max_value
        version_field = self.fields["versio"]
        assert isinstance(version_field, forms.ChoiceField)
        version_field.choices = [("", _("kaikki versiot"))] + [
            (n, _("versio %(n)s") % {"n": n}) for n in version_numbers
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("jakso") == OWN:
            start, end = data.get("alku"), data.get("loppu")
            if start is None:
                self.add_error("alku", _("Anna aikavälin alkamispäivä."))
            if end is None:
                self.add_error("loppu", _("Anna aikavälin päättymispäivä."))
            if start and end:
                if end < start:
                    self.add_error("loppu", _("Päättymispäivä on ennen alkamispäivää."))
                elif (end - start).days > LONGEST_DAYS:
                    self.add_error("loppu", _("Aikaväli voi olla enintään viisi vuotta."))
        return data


def period_of(form: ResultsFilterForm) -> tuple[dt.date, dt.date, int | None]:
    """The period and version asked for; this year and every version when the form is unbound
    or wrong (the form then shows what is wrong and keeps what was typed)."""
    today = timezone.localdate()
    default = (dt.date(today.year, 1, 1), dt.date(today.year, 12, 31), None)
    if not form.is_bound or not form.is_valid():
        return default
    data = form.cleaned_data
    part = data.get("jakso") or ""
    if part == OWN:
        return data["alku"], data["loppu"], data.get("versio")
    start, end = part_bounds(data["vuosi"], part)
    return start, end, data.get("versio")


def period_label(start: dt.date, end: dt.date) -> str:
    if start.month == 1 and start.day == 1 and end == dt.date(start.year, 12, 31):
        return str(start.year)
    return f"{start.day}.{start.month}.{start.year}–{end.day}.{end.month}.{end.year}"
