"""Drop-in childcare and booking forms and the visitation meeting form across the
daylight-saving changes: 29.3.2026 03:30 does not exist in Helsinki (03:00 → 04:00);
25.10.2026 03:30 happens twice (00:30 UTC in summer time, then 01:30 UTC in winter time)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django import forms

from tupa.dropin.forms import BookingForm, ChildcareForm
from tupa.scheduling.models import Room
from tupa.visitation.forms import MeetingForm

pytestmark = pytest.mark.django_db

NONEXISTENT = (
    "Kellonaikaa 03:30 ei ole 29.3.2026: kellot siirretään silloin eteenpäin klo 03:00 → "
    "04:00. Anna aika ennen klo 03:00 tai klo 04:00 tai myöhemmin."
)
COUNTS = {
    "children_under_1": "1",
    "children_1_2": "0",
    "children_3_6": "0",
    "staff_carers": "1",
    "volunteer_carers": "0",
}


def _childcare(day: str, start: str, end: str, **extra: str) -> forms.Form:
    return ChildcareForm({"day": day, "start": start, "end": end, **COUNTS, **extra})


def _booking(day: str, start: str, end: str, **extra: str) -> forms.Form:
    return BookingForm(
        {"day": day, "start": start, "end": end, "kind": "internal", "title": "X", **extra},
        rooms=Room.objects.none(),
    )


def _meeting(day: str, start: str, _end: str, **extra: str) -> forms.Form:
    data = {"start_date": day, "start_time": start, "duration_minutes": "60", "version": "1"}
    return MeetingForm(
        {**data, **{k.replace("start_dst", "start_time_dst"): v for k, v in extra.items()}}
    )


MAKERS: list[tuple[Callable[..., forms.Form], str]] = [
    (_childcare, "start"),
    (_booking, "start"),
    (_meeting, "start_time"),
]


@pytest.mark.parametrize(("make", "time_field"), MAKERS)
def test_a_nonexistent_time_is_refused(make: Callable[..., forms.Form], time_field: str) -> None:
    form = make("2026-03-29", "03:30", "05:00")
    assert not form.is_valid()
    assert form.errors[time_field] == [NONEXISTENT]


@pytest.mark.parametrize(("make", "time_field"), MAKERS)
def test_an_ambiguous_time_asks_which(make: Callable[..., forms.Form], time_field: str) -> None:
    form = make("2026-10-25", "03:30", "05:00")
    assert not form.is_valid()
    question = time_field + "_dst"
    assert form.errors[question][0].startswith("Kello 03:30 on 25.10.2026 kahdesti")
    names = list(form.fields)
    assert names.index(question) == names.index(time_field) + 1


def test_childcare_end_time_is_checked_too() -> None:
    form = _childcare("2026-03-29", "02:00", "03:30")
    assert not form.is_valid()
    assert form.errors["end"] == [NONEXISTENT]


def test_the_answer_decides_the_moment() -> None:
    utc = dt.UTC
    first = _childcare("2026-10-25", "03:30", "05:00", start_dst="0")
    second = _childcare("2026-10-25", "03:30", "05:00", start_dst="1")
    assert first.is_valid() and second.is_valid(), (first.errors, second.errors)
    assert first.cleaned_data["starts_at"] == dt.datetime(2026, 10, 25, 0, 30, tzinfo=utc)
    assert second.cleaned_data["starts_at"] == dt.datetime(2026, 10, 25, 1, 30, tzinfo=utc)
    # The second 03:30 to the second 03:45 is a quarter of an hour, the first 03:45 is before it.
    later = _childcare("2026-10-25", "03:30", "03:45", start_dst="1", end_dst="0")
    assert not later.is_valid()
    assert later.errors["end"] == ["Päättymisajan on oltava alkamisajan jälkeen."]
    meeting: Any = _meeting("2026-10-25", "03:30", "", start_dst="1")
    assert meeting.is_valid(), meeting.errors
    assert meeting.starts_at() == dt.datetime(2026, 10, 25, 1, 30, tzinfo=utc)
