"""The bounds of the dates Tupa accepts (``tupa/core/dates.py``, issue 10).

A year 9999 in a view's period made "next week" or "end + 1 day" overflow into a server error,
and impossible dates (birth year 1, an episode in 1066) were saved silently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django import forms
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tupa.accounts.models import Role
from tupa.core import dates
from tupa.core.forms import date_field, moment_field
from tupa.core.tests.factories import ServiceFormFactory, org_role_user, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.core.wallclock import HELSINKI, this_minute
from tupa.organisations.models import ServiceForm

TODAY = dt.date(2026, 3, 15)
RANGE = "Anna päivämäärä väliltä 1.1.2000–31.12.2100."


# --------------------------------------------------------------------------- the rules


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (dt.date(2000, 1, 1), True),
        (dt.date(2100, 12, 31), True),
        (dt.date(1999, 12, 31), False),
        (dt.date(2101, 1, 1), False),
        (dt.date(1066, 10, 14), False),
        (dt.date.max, False),
        (dt.date.min, False),
        # A moment counts on its Helsinki date: 31.12.1999 22.30 UTC is 1.1.2000 in Helsinki.
        (dt.datetime(1999, 12, 31, 22, 30, tzinfo=dt.UTC), True),
        (dt.datetime(2100, 12, 31, 22, 30, tzinfo=dt.UTC), False),
        # No overflow at the ends of the calendar when turned into Helsinki time.
        (dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.UTC), False),
        (dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=5))), False),
    ],
)
def test_dates_of_work_lie_in_2000_to_2100(value: Any, ok: bool) -> None:
    assert dates.in_range(value) is ok
    assert (dates.date_problem(value) is None) is ok
    if ok:
        dates.validate_date(value)
    else:
        with pytest.raises(ValidationError) as excinfo:
            dates.validate_date(value)
        assert excinfo.value.messages == [RANGE]
    assert dates.date_problem(None) is None


def test_birth_dates_lie_from_1900_to_today() -> None:
    with time_machine.travel(dt.datetime(2026, 3, 15, 12, tzinfo=dt.UTC), tick=False):
        assert dates.birth_date_problem(dt.date(1900, 1, 1)) is None
        assert dates.birth_date_problem(TODAY) is None
        assert dates.birth_date_problem(None) is None
        for old in (dt.date(1, 1, 1), dt.date(1800, 6, 1), dt.date(1899, 12, 31)):
            assert dates.birth_date_problem(old) == "Syntymäaika ei voi olla ennen vuotta 1900."
        tomorrow = TODAY + dt.timedelta(days=1)
        assert dates.birth_date_problem(tomorrow) == "Syntymäaika ei voi olla tulevaisuudessa."
        with pytest.raises(ValidationError):
            dates.validate_birth_date(dt.date(1800, 1, 1))
    assert dates.month_problem(2000, 1) is None and dates.month_problem(2100, 12) is None
    for year, month in ((1999, 12), (2101, 1), (9999, 12), (0, 1)):
        assert dates.month_problem(year, month) == "Anna kuukausi väliltä 1/2000–12/2100."


def test_services_collect_every_bad_date_at_once() -> None:
    assert dates.date_errors(start=dt.date(2026, 1, 1), end=None) == {}
    with pytest.raises(ValidationError) as excinfo:
        dates.check_dates(start=dt.date(1066, 10, 14), end=dt.date(9999, 12, 31))
    assert excinfo.value.message_dict == {"start": [RANGE], "end": [RANGE]}


def test_messages_follow_the_language() -> None:
    from django.utils import translation

    with translation.override("en"):
        message = dates.date_problem(dt.date(1066, 10, 14))
    assert message is not None and "1066" not in message


# --------------------------------------------------------------------------- the one date field


class _DateForm(forms.Form):
    day = date_field("Päivä")
    born = date_field("Syntymäaika", required=False, validators=[dates.validate_birth_date])


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("2026-03-15", dt.date(2026, 3, 15)),
        ("15.3.2026", dt.date(2026, 3, 15)),
        ("5.1.26", dt.date(2026, 1, 5)),
    ],
)
def test_the_date_field_reads_the_picker_and_finnish_dates(typed: str, day: dt.date) -> None:
    form = _DateForm({"day": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == day


@time_machine.travel(dt.datetime(2026, 3, 15, 12, tzinfo=dt.UTC), tick=False)
def test_the_date_field_says_the_same_thing_everywhere() -> None:
    """Every date of the product's forms: the same messages, the work-date bounds by default, a
    birth date's own bounds when asked for (``tupa.core.forms.date_field``)."""
    assert _DateForm({}).errors == {"day": ["Anna päivämäärä."]}
    assert _DateForm({"day": "huomenna"}).errors == {"day": ["Anna päivämäärä muodossa p.k.vvvv."]}
    assert _DateForm({"day": "1999-12-31"}).errors == {"day": [RANGE]}
    born_1950 = _DateForm({"day": "2026-03-15", "born": "1.2.1950"})
    assert born_1950.is_valid(), born_1950.errors  # before 2000, and a birth date
    assert "born" in _DateForm({"day": "2026-03-15", "born": "1.2.2027"}).errors  # not yet born


class _MomentForm(forms.Form):
    at = moment_field("Aika", required_message="Anna aika.")


@pytest.mark.parametrize(
    "typed", ["2026-03-15T14:30", "2026-03-15 14:30", "15.3.2026 14:30", "15.3.2026 14.30"]
)
def test_the_moment_field_reads_the_picker_and_finnish_moments(typed: str) -> None:
    form = _MomentForm({"at": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["at"] == dt.datetime(2026, 3, 15, 14, 30, tzinfo=HELSINKI)


def test_the_moment_field_says_the_same_thing_everywhere() -> None:
    """Every moment of the product's forms (``tupa.core.forms.moment_field``): the field's own
    message for a missing one, one message for a moment it cannot read, the work-date bounds."""
    assert _MomentForm({}).errors == {"at": ["Anna aika."]}
    assert _MomentForm({"at": "eilen"}).errors == {"at": ["Anna aika muodossa p.k.vvvv hh:mm."]}
    assert _MomentForm({"at": "31.12.1999 12:00"}).errors == {"at": [RANGE]}
    assert 'type="datetime-local"' in str(_MomentForm()["at"])


@time_machine.travel(dt.datetime(2026, 3, 15, 12, 34, 56, tzinfo=dt.UTC), tick=False)
def test_a_forms_now_is_this_minute_in_local_time() -> None:
    assert this_minute() == dt.datetime(2026, 3, 15, 14, 34, tzinfo=HELSINKI)
    shown = str(_MomentForm(initial={"at": this_minute()})["at"])
    assert 'value="2026-03-15T14:34"' in shown


# --------------------------------------------------------------------------- the views

Setup = Callable[[], tuple[Any, str]]


def _form(kind: str, role: str = Role.LEAD) -> tuple[Any, ServiceForm]:
    service_form = ServiceFormFactory.create(kind=kind)
    return worker_in(service_form, role=role), service_form


def _audit(name: str) -> Setup:
    def setup() -> tuple[Any, str]:
        service_form = ServiceFormFactory.create()
        return org_role_user(service_form.organisation, Role.DATA_PROTECTION_OFFICER), reverse(
            f"audit:{name}"
        )

    return setup


def _by_slug(kind: str, name: str) -> Setup:
    def setup() -> tuple[Any, str]:
        user, service_form = _form(kind)
        return user, reverse(name, args=[service_form.slug])

    return setup


def _report(template_id: str, kind: str) -> Setup:
    def setup() -> tuple[Any, str]:
        user, service_form = _form(kind)
        return user, reverse("statistics:return", args=[template_id, 2026, service_form.slug])

    return setup


# (view, setup → (user, url), query with a date out of bounds, the message the page shows)
PERIOD_VIEWS: list[tuple[str, Setup, dict[str, str], str]] = [
    (
        "access log",
        _audit("access_log"),
        {"date_from": "2026-01-01", "date_to": "9999-12-31"},
        RANGE,
    ),
    ("access log", _audit("access_log"), {"date_from": "0001-01-01", "date_to": ""}, RANGE),
    ("access log export", _audit("access_log_export"), {"date_to": "9999-12-31"}, RANGE),
    ("change history", _audit("changes"), {"date_to": "9999-12-31"}, RANGE),
    (
        "visitation billing",
        _by_slug(ServiceForm.Kind.VISITATION, "visitation:billing"),
        {"start": "9999-12-01", "end": "9999-12-31"},
        RANGE,
    ),
    (
        "statistics report range",
        _report("internal.visitation", ServiceForm.Kind.VISITATION),
        {"alku": "2026-01-01", "loppu": "9999-12-31"},
        RANGE,
    ),
    (
        "statistics report range",
        _report("internal.programmes", ServiceForm.Kind.GROUP),
        {"alku": "0001-01-01", "loppu": "2026-01-31"},
        RANGE,
    ),
    (
        "occupancy",
        _by_slug(ServiceForm.Kind.RESIDENTIAL, "residential:occupancy"),
        {"start": "9999-12-01", "end": "9999-12-31"},
        RANGE,
    ),
    (
        "occupancy",
        _by_slug(ServiceForm.Kind.RESIDENTIAL, "residential:occupancy"),
        {"start": "0001-01-01", "end": "0001-01-31"},
        RANGE,
    ),
    (
        "childcare list",
        _by_slug(ServiceForm.Kind.DROP_IN, "dropin:childcare_list"),
        {"month": "9999-12"},
        "Anna kuukausi väliltä 1/2000–12/2100.",
    ),
    (
        "childcare list",
        _by_slug(ServiceForm.Kind.DROP_IN, "dropin:childcare_list"),
        {"month": "0000-01"},
        "Anna kuukausi väliltä 1/2000–12/2100.",
    ),
    (
        "room bookings",
        _by_slug(ServiceForm.Kind.DROP_IN, "dropin:bookings"),
        {"month": "9999-12"},
        "Anna kuukausi väliltä 1/2000–12/2100.",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("view", "setup", "query", "message"),
    PERIOD_VIEWS,
    ids=[f"{r[0]}-{i}" for i, r in enumerate(PERIOD_VIEWS)],
)
def test_a_period_out_of_bounds_is_refused_with_a_message(
    client: Client, view: str, setup: Setup, query: dict[str, str], message: str
) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 15, 10, tzinfo=dt.UTC), tick=False):
        user, url = setup()
        login_verified(client, user)
        response = client.get(url, query)
        assert response.status_code in (200, 400), view
        html = response.content.decode()
        assert message in html, view
        for value in query.values():
            if value:
                assert f'value="{value}"' in html, (view, value)  # what was typed is kept
        assert timezone.localdate().year == 2026
