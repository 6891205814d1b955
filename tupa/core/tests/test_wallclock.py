"""Local wall-clock times across the daylight-saving changes (issue 10).

Europe/Helsinki in 2026: on 29.3. the clocks go 03:00 → 04:00 (03:00–03:59 do not exist); on
25.10. they go 04:00 → 03:00 (03:00–03:59 happen twice: first summer time UTC+3, then winter
time UTC+2).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.core.exceptions import ValidationError

from tupa.core import wallclock

D = dt.date
T = dt.time
UTC = dt.UTC


def test_an_ordinary_time_is_the_local_moment() -> None:
    moment = wallclock.aware(D(2026, 6, 1), T(3, 30))
    assert moment.astimezone(UTC) == dt.datetime(2026, 6, 1, 0, 30, tzinfo=UTC)
    assert wallclock.kind(D(2026, 6, 1), T(3, 30)) is wallclock.Kind.ORDINARY


@pytest.mark.parametrize(("hour", "minute"), [(3, 0), (3, 30), (3, 59)])
def test_a_time_skipped_in_spring_is_refused_with_the_gap(hour: int, minute: int) -> None:
    assert wallclock.kind(D(2026, 3, 29), T(hour, minute)) is wallclock.Kind.NONEXISTENT
    with pytest.raises(ValidationError) as caught:
        wallclock.aware(D(2026, 3, 29), T(hour, minute))
    assert caught.value.code == "nonexistent_time"
    assert caught.value.messages == [
        f"Kellonaikaa {hour:02d}:{minute:02d} ei ole 29.3.2026: kellot siirretään silloin "
        "eteenpäin klo 03:00 → 04:00. Anna aika ennen klo 03:00 tai klo 04:00 tai myöhemmin."
    ]


def test_the_edges_of_the_spring_gap_exist() -> None:
    assert wallclock.aware(D(2026, 3, 29), T(2, 59)).astimezone(UTC).hour == 0
    assert wallclock.aware(D(2026, 3, 29), T(4, 0)) == dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


def test_a_time_repeated_in_autumn_needs_a_choice() -> None:
    assert wallclock.kind(D(2026, 10, 25), T(3, 30)) is wallclock.Kind.AMBIGUOUS
    with pytest.raises(ValidationError) as caught:
        wallclock.aware(D(2026, 10, 25), T(3, 30))
    assert caught.value.code == "ambiguous_time"
    assert caught.value.messages == [
        "Kello 03:30 on 25.10.2026 kahdesti: kellot siirretään silloin taaksepäin klo 04:00 → "
        "03:00. Valitse, kumpaa tarkoitat."
    ]
    first = wallclock.aware(D(2026, 10, 25), T(3, 30), fold=0)
    second = wallclock.aware(D(2026, 10, 25), T(3, 30), fold=1)
    assert first == dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert second == dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


def test_the_edges_of_the_autumn_repeat_are_unambiguous() -> None:
    assert wallclock.kind(D(2026, 10, 25), T(2, 59)) is wallclock.Kind.ORDINARY
    assert wallclock.kind(D(2026, 10, 25), T(3, 0)) is wallclock.Kind.AMBIGUOUS
    assert wallclock.kind(D(2026, 10, 25), T(3, 59)) is wallclock.Kind.AMBIGUOUS
    assert wallclock.kind(D(2026, 10, 25), T(4, 0)) is wallclock.Kind.ORDINARY
    # A fold given for an ordinary time changes nothing.
    assert wallclock.aware(D(2026, 10, 25), T(4, 0), fold=1) == dt.datetime(
        2026, 10, 25, 2, 0, tzinfo=UTC
    )


def test_the_choice_labels_name_summer_and_winter_time() -> None:
    first, second = wallclock.fold_choices(D(2026, 10, 25), T(3, 30))
    assert first == (0, "ensimmäinen klo 03:30 (kesäaika, UTC+3), ennen kellojen siirtoa")
    assert second == (1, "jälkimmäinen klo 03:30 (talviaika, UTC+2), kellojen siirron jälkeen")


# --------------------------------------------------------------------------- the form mixin


class _OneMoment(wallclock.WallClockForm):
    wall_clock_fields = (("day", "time"),)

    day = forms.DateField()
    time = forms.TimeField()
    note = forms.CharField(required=False)


class _TwoMoments(wallclock.WallClockForm):
    wall_clock_fields = (("day", "start"), ("day", "end"))

    day = forms.DateField()
    start = forms.TimeField()
    end = forms.TimeField()


def test_form_refuses_a_nonexistent_time_on_the_time_field() -> None:
    form = _OneMoment({"day": "2026-03-29", "time": "03:30"})
    assert not form.is_valid()
    assert form.errors["time"][0].startswith("Kellonaikaa 03:30 ei ole 29.3.2026")
    assert "time_dst" not in form.fields


def test_form_asks_which_for_an_ambiguous_time_and_uses_the_answer() -> None:
    form = _OneMoment({"day": "2026-10-25", "time": "03:30", "note": "x"})
    assert not form.is_valid()
    assert list(form.fields) == ["day", "time", "time_dst", "note"]  # the question follows
    assert form.errors["time_dst"] == [
        "Kello 03:30 on 25.10.2026 kahdesti: kellot siirretään silloin taaksepäin klo 04:00 → "
        "03:00. Valitse, kumpaa tarkoitat."
    ]
    assert str(form.fields["time_dst"].label) == "Kumpi klo 03:30?"
    assert isinstance(form.fields["time_dst"].widget, forms.RadioSelect)
    answered = _OneMoment({"day": "2026-10-25", "time": "03:30", "time_dst": "1"})
    assert answered.is_valid(), answered.errors
    assert answered.moments["time"] == dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    answered = _OneMoment({"day": "2026-10-25", "time": "03:30", "time_dst": "0"})
    assert answered.is_valid(), answered.errors
    assert answered.moments["time"] == dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_a_stale_answer_is_ignored_when_the_time_is_no_longer_ambiguous() -> None:
    form = _OneMoment({"day": "2026-10-25", "time": "05:00", "time_dst": "1"})
    assert form.is_valid(), form.errors
    assert "time_dst" not in form.fields
    assert form.moments["time"] == dt.datetime(2026, 10, 25, 3, 0, tzinfo=UTC)


def test_two_moments_on_one_date_are_each_resolved() -> None:
    form = _TwoMoments({"day": "2026-10-25", "start": "03:30", "end": "03:15"})
    assert not form.is_valid()
    assert {"start_dst", "end_dst"} <= set(form.errors)
    # First 03:30 (summer time) to the second 03:15 (winter time): 45 minutes.
    form = _TwoMoments(
        {"day": "2026-10-25", "start": "03:30", "end": "03:15", "start_dst": "0", "end_dst": "1"}
    )
    assert form.is_valid(), form.errors
    assert form.moments["end"] - form.moments["start"] == dt.timedelta(minutes=45)


def test_unbound_and_invalid_input_add_no_question() -> None:
    assert "time_dst" not in _OneMoment().fields
    form = _OneMoment({"day": "huomenna", "time": "03:30"})
    assert not form.is_valid()
    assert "time_dst" not in form.fields and "time" not in form.errors


def test_fi_date_and_fi_moment_write_the_finnish_way_in_finnish_time() -> None:
    from tupa.core.dates import fi_date
    from tupa.core.wallclock import fi_moment

    assert fi_date(dt.date(2026, 2, 1)) == "1.2.2026"
    assert fi_date(dt.date(2025, 12, 31)) == "31.12.2025"
    # 06:52 UTC is 08:52 in winter (UTC+2) and 09:52 in summer (UTC+3).
    assert fi_moment(dt.datetime(2026, 12, 5, 6, 52, tzinfo=dt.UTC)) == "5.12.2026 08.52"
    assert fi_moment(dt.datetime(2026, 7, 1, 6, 52, tzinfo=dt.UTC)) == "1.7.2026 09.52"
    # Just before midnight UTC on New Year's Eve is already the next year in Finland.
    assert fi_moment(dt.datetime(2025, 12, 31, 22, 30, tzinfo=dt.UTC)) == "1.1.2026 00.30"
