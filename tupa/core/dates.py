"""The dates Tupa accepts: one place for the bounds of every date typed or asked for (issue 10).

Python's calendar ends on 31.12.9999, so a year 9999 typed into a week view or an extract broke
"next week" or "end + 1 day" with a server error, and nothing stopped a birth year 1, an episode
starting in 1066 or a journal entry in year 1000. The bounds:

* **Birth dates**: 1.1.1900 – today (:data:`FIRST_BIRTH_DATE`). A Finnish identity code can
  still say "born in the 1800s" (the ``+`` century sign), but no client alive was; a birth date in
  the future is a typo (an expected child has its own due-date field).
* **Dates of work** — episode start and end, journal entries, stays, appointments — and **every
  period asked for in a view** (calendars, statistics, occupancy, billing, extracts, logs):
  1.1.2000 – 31.12.2100 (:data:`FIRST_DATE`, :data:`LAST_DATE`). An association's records in
  Tupa are of this century; the end leaves room for any plan or recurring series and keeps every
  piece of date arithmetic (next week, next month, end + 1 day) far from the end of the
  calendar. The year fields of the statistics forms already used the same 2000–2100.

Forms add :func:`validate_date` / :func:`validate_birth_date` as field validators (or call
:func:`month_problem` for a ``YYYY-MM``); services — the one write path — call
:func:`check_dates` (or :func:`birth_date_problem`), so the rule holds for imports, the demo
builder and the API too. Each message says what range is allowed, in the user's language.
Other dates (a turvakielto's validity, a consent, a network meeting) are not bounded here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

FIRST_BIRTH_DATE = dt.date(1900, 1, 1)
FIRST_DATE = dt.date(2000, 1, 1)
LAST_DATE = dt.date(2100, 12, 31)
#: The longest period a report is computed for at once (a statistics report's free range).
LONGEST_REPORT_DAYS = 5 * 366


def fi_date(day: dt.date) -> str:
    """A date the Finnish way, without leading zeros (1.2.2026): every date a message, a page's
    facts or an export's header writes in Python (templates write ``|date:"j.n.Y"``)."""
    return f"{day.day}.{day.month}.{day.year}"


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    if not isinstance(value, dt.datetime):
        return value
    if timezone.is_naive(value):
        return value.date()
    try:
        return timezone.localtime(value).date()
    except OverflowError:  # at the very ends of the calendar: out of bounds either way
        return value.date()


def in_range(value: dt.date | dt.datetime) -> bool:
    """Is ``value`` (a date, or a moment on its local date) within 1.1.2000–31.12.2100?"""
    return FIRST_DATE <= _as_date(value) <= LAST_DATE


def date_problem(value: dt.date | dt.datetime | None) -> str | None:
    """The message for a date of work or of a period outside the bounds, or None if it is fine."""
    if value is None or in_range(value):
        return None
    return _("Anna päivämäärä väliltä %(first)s–%(last)s.") % {
        "first": fi_date(FIRST_DATE),
        "last": fi_date(LAST_DATE),
    }


def month_problem(year: int, month: int) -> str | None:
    """The message for a month (of a period asked for) outside 1/2000–12/2100, or None."""
    if FIRST_DATE.year <= year <= LAST_DATE.year and 1 <= month <= 12:
        return None
    return _("Anna kuukausi väliltä %(first)s–%(last)s.") % {
        "first": f"{FIRST_DATE.month}/{FIRST_DATE.year}",
        "last": f"{LAST_DATE.month}/{LAST_DATE.year}",
    }


def birth_date_problem(value: dt.date | None, *, today: dt.date | None = None) -> str | None:
    """The message for an impossible birth date (before 1900 or in the future), or None."""
    if value is None:
        return None
    if value < FIRST_BIRTH_DATE:
        return _("Syntymäaika ei voi olla ennen vuotta %(year)d.") % {"year": FIRST_BIRTH_DATE.year}
    if value > (today or timezone.localdate()):
        return _("Syntymäaika ei voi olla tulevaisuudessa.")
    return None


def validate_date(value: dt.date | dt.datetime | None) -> None:
    """Form-field validator: a date of work or of a period within 1.1.2000–31.12.2100."""
    message = date_problem(value)
    if message:
        raise ValidationError(message, code="date_range")


def validate_birth_date(value: dt.date | None) -> None:
    """Form-field validator: a birth date from 1.1.1900 to today."""
    message = birth_date_problem(value)
    if message:
        raise ValidationError(message, code="birth_date_range")


def date_errors(**values: Any) -> dict[str, str]:
    """``{field: message}`` for each date (or moment) of work outside the bounds; None is fine.

    For services: ``errors.update(dates.date_errors(start_date=start_date))``.
    """
    return {name: msg for name, value in values.items() if (msg := date_problem(value))}


def check_dates(**values: Any) -> None:
    """Raise one ``ValidationError`` naming every date of work outside the bounds."""
    errors = date_errors(**values)
    if errors:
        raise ValidationError(errors)
