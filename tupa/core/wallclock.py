"""Local wall-clock times that do not exist or happen twice: the daylight-saving changes.

Europe/Helsinki moves the clocks twice a year. On the last Sunday of March they go from 03:00
straight to 04:00, so 03:00–03:59 **do not exist** that night; on the last Sunday of October
they go back from 04:00 to 03:00, so 03:00–03:59 **happen twice** (first in summer time,
UTC+3, then in winter time, UTC+2). Django's ``make_aware`` silently turns the first into a
moment an hour off and picks one of the two for the second, so a night worker's "arrived at
03:30" could be stored wrong without anyone noticing (issue 10).

The rule, for every form where a date and a time typed by a person make one moment (admission,
discharge, move, a member's arrival or departure, a birth, an appointment):

- **A time that does not exist is refused** with a message naming the gap ("kellot siirretään
  silloin eteenpäin klo 03:00 → 04:00") and what to type instead; the input is kept.
- **A time that happens twice is asked about**: the form grows a question right after the time
  field — "Kumpi klo 03:30?" with the choices *the first, summer time (UTC+3), before the clocks
  go back* and *the second, winter time (UTC+2), after* — and saves only when it is answered.
  Refusing would make the worker record a wrong time for something that really happened in
  that hour; guessing would store one of two moments an hour apart.

:func:`aware` is the one conversion (services and imports may call it too);
:class:`WallClockForm` is the form side: list the ``(date field, time field)`` pairs in
``wall_clock_fields`` and read the resolved moments from ``form.moments[time_field]``.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import DateField
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from tupa.core.dates import fi_date

#: Suffix of the question field added after a time field whose time happens twice.
#: The association works in Finnish time; every local date and hour is Helsinki's.
HELSINKI = ZoneInfo("Europe/Helsinki")

FOLD_SUFFIX = "_dst"
_MINUTE = dt.timedelta(minutes=1)


class Kind(enum.Enum):
    ORDINARY = "ordinary"
    NONEXISTENT = "nonexistent"
    AMBIGUOUS = "ambiguous"


def _tz(tz: dt.tzinfo | None) -> dt.tzinfo:
    return tz or timezone.get_current_timezone()


def _kind(naive: dt.datetime, tz: dt.tzinfo) -> Kind:
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return Kind.ORDINARY
    # In a gap, zoneinfo reads the time with the offset before the change; going to UTC and
    # back then lands on another wall-clock time. A repeated time comes back as itself.
    back = first.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None)
    return Kind.NONEXISTENT if back != naive else Kind.AMBIGUOUS


def kind(day: dt.date, time: dt.time, *, tz: dt.tzinfo | None = None) -> Kind:
    """Whether the local ``time`` on ``day`` exists once, not at all, or twice."""
    return _kind(dt.datetime.combine(day, time.replace(tzinfo=None)), _tz(tz))


def _stretch(naive: dt.datetime, tz: dt.tzinfo, what: Kind) -> tuple[dt.time, dt.time]:
    """The wall-clock start and end of the skipped or repeated stretch around ``naive``."""
    start = naive.replace(second=0, microsecond=0)
    for _minute in range(24 * 60):
        if _kind(start - _MINUTE, tz) is not what:
            break
        start -= _MINUTE
    first = naive.replace(tzinfo=tz, fold=0).utcoffset() or dt.timedelta()
    second = naive.replace(tzinfo=tz, fold=1).utcoffset() or dt.timedelta()
    return start.time(), (start + abs(second - first)).time()


def _hm(value: dt.time) -> str:
    return f"{value:%H:%M}"


def _offset(moment: dt.datetime) -> str:
    minutes = int((moment.utcoffset() or dt.timedelta()).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def nonexistent_message(day: dt.date, time: dt.time, *, tz: dt.tzinfo | None = None) -> str:
    naive = dt.datetime.combine(day, time.replace(tzinfo=None))
    start, end = _stretch(naive, _tz(tz), Kind.NONEXISTENT)
    return _(
        "Kellonaikaa %(time)s ei ole %(date)s: kellot siirretään silloin eteenpäin klo "
        "%(start)s → %(end)s. Anna aika ennen klo %(start)s tai klo %(end)s tai myöhemmin."
    ) % {"time": _hm(time), "date": fi_date(day), "start": _hm(start), "end": _hm(end)}


def ambiguous_message(day: dt.date, time: dt.time, *, tz: dt.tzinfo | None = None) -> str:
    naive = dt.datetime.combine(day, time.replace(tzinfo=None))
    start, end = _stretch(naive, _tz(tz), Kind.AMBIGUOUS)
    return _(
        "Kello %(time)s on %(date)s kahdesti: kellot siirretään silloin taaksepäin klo "
        "%(end)s → %(start)s. Valitse, kumpaa tarkoitat."
    ) % {"time": _hm(time), "date": fi_date(day), "start": _hm(start), "end": _hm(end)}


def fold_choices(
    day: dt.date, time: dt.time, *, tz: dt.tzinfo | None = None
) -> list[tuple[int, str]]:
    """The two readings of a repeated time: ``(fold, label)``, the earlier one first."""
    zone = _tz(tz)
    naive = dt.datetime.combine(day, time.replace(tzinfo=None))
    result = []
    for fold in (0, 1):
        moment = naive.replace(tzinfo=zone, fold=fold)
        season = _("kesäaika") if moment.dst() else _("talviaika")
        if fold == 0:
            label = _("ensimmäinen klo %(time)s (%(season)s, %(offset)s), ennen kellojen siirtoa")
        else:
            label = _(
                "jälkimmäinen klo %(time)s (%(season)s, %(offset)s), kellojen siirron jälkeen"
            )
        result.append(
            (fold, label % {"time": _hm(time), "season": season, "offset": _offset(moment)})
        )
    return result


def aware(
    day: dt.date, time: dt.time, *, fold: int | None = None, tz: dt.tzinfo | None = None
) -> dt.datetime:
    """The moment of a local date and wall-clock time (default zone: Europe/Helsinki).

    Raises ``ValidationError`` (code ``nonexistent_time``) for a time skipped when the clocks go
    forward, and (code ``ambiguous_time``) for a time that happens twice unless ``fold`` says
    which: 0 = the first (before the clocks go back), 1 = the second. ``fold`` is ignored for an
    ordinary time. The moment is returned in UTC: Python compares and subtracts two datetimes of
    the *same* zone by their wall-clock reading, ignoring ``fold``, so the second 03:15 would look
    earlier than the first 03:30.
    """
    zone = _tz(tz)
    naive = dt.datetime.combine(day, time.replace(tzinfo=None))
    what = _kind(naive, zone)
    if what is Kind.NONEXISTENT:
        raise ValidationError(nonexistent_message(day, time, tz=zone), code="nonexistent_time")
    if what is Kind.AMBIGUOUS:
        if fold not in (0, 1):
            raise ValidationError(ambiguous_message(day, time, tz=zone), code="ambiguous_time")
        return naive.replace(tzinfo=zone, fold=fold).astimezone(dt.UTC)
    return naive.replace(tzinfo=zone).astimezone(dt.UTC)


# --------------------------------------------------------------------------- forms


def _insert_after(fields: dict[str, forms.Field], after: str, name: str, field: Any) -> None:
    items = list(fields.items())
    fields.clear()
    for key, value in items:
        fields[key] = value
        if key == after:
            fields[name] = field
    fields.setdefault(name, field)


class WallClockForm(forms.Form):
    """A form whose date and time fields make local moments (see the module docstring).

    ``wall_clock_fields`` lists ``(date field, time field)`` pairs. A bound form whose typed
    time happens twice gets a required question ``<time field>_dst`` right after the time field;
    after ``is_valid()`` the moments are in ``self.moments`` keyed by the time field.
    """

    wall_clock_fields: Sequence[tuple[str, str]] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.moments: dict[str, dt.datetime] = {}
        if self.is_bound:
            for date_field, time_field in self.wall_clock_fields:
                self._ask_if_repeated(date_field, time_field)

    def _raw(self, name: str) -> Any:
        field = self.fields.get(name)
        if field is None:
            return None
        try:
            return field.clean(self[name].data)
        except ValidationError:
            return None

    def _ask_if_repeated(self, date_field: str, time_field: str) -> None:
        day, time = self._raw(date_field), self._raw(time_field)
        if not isinstance(day, dt.date) or not isinstance(time, dt.time):
            return
        if kind(day, time) is not Kind.AMBIGUOUS:
            return
        question = forms.TypedChoiceField(
            label=_("Kumpi klo %(time)s?") % {"time": _hm(time)},
            choices=[(str(fold), label) for fold, label in fold_choices(day, time)],
            coerce=int,
            widget=forms.RadioSelect,
            error_messages={"required": ambiguous_message(day, time)},
        )
        _insert_after(self.fields, time_field, time_field + FOLD_SUFFIX, question)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for date_field, time_field in self.wall_clock_fields:
            day, time = data.get(date_field), data.get(time_field)
            if day is None or time is None:
                continue
            question = time_field + FOLD_SUFFIX
            if question in self.fields and question not in data:
                continue  # unanswered: the question carries the message
            try:
                self.moments[time_field] = aware(day, time, fold=data.get(question))
            except ValidationError as error:
                self.add_error(time_field, error)
        return data


def this_minute() -> dt.datetime:
    """Now in local time, to the minute (a form's "now" that the time pickers show as is)."""
    return timezone.localtime().replace(second=0, microsecond=0)


def fi_moment(moment: dt.datetime) -> str:
    """A moment in Finnish time, the Finnish way (5.12.2026 08.52)."""
    local = timezone.localtime(moment, HELSINKI)
    return f"{fi_date(local.date())} {local:%H.%M}"


def local_date(moment: dt.datetime) -> dt.date:
    """The date in Helsinki of an aware moment (a stay's arrival, an appointment's start)."""
    return moment.astimezone(HELSINKI).date()


def local_midnight(day: dt.date, tz: dt.tzinfo = HELSINKI) -> dt.datetime:
    """The instant (in UTC) at which the local ``day`` begins (midnight is never skipped or
    repeated in Finland). UTC, because Python compares two datetimes of the same zone by their
    wall-clock reading (:func:`aware`)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=tz).astimezone(dt.UTC)


def day_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """``[start 00:00, the day after end 00:00)`` in Helsinki, as aware datetimes: the moments
    that fall on the local dates ``start``..``end`` (midnight is never skipped or repeated in
    Finland)."""
    return local_midnight(start), local_midnight(end + dt.timedelta(days=1))


def local_day(field: str) -> TruncDate:
    """:func:`local_date` of a datetime column, computed by the database (to group or count by
    the date in Helsinki without reading each moment)."""
    return TruncDate(field, tzinfo=HELSINKI)


def local_month(field: str) -> TruncMonth:
    """The first day of the month in Helsinki of a datetime column, by the database."""
    return TruncMonth(field, tzinfo=HELSINKI, output_field=DateField())
