"""tupa.core.report_links: a feature app's links to a report of the statistics engine."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.urls import reverse

from tupa.core.report_links import old_range_report_url, report_url
from tupa.core.wallclock import HELSINKI


def _split(url: str) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(url)
    return parts.path, parse_qs(parts.query, keep_blank_values=True)


def test_a_report_link_names_the_range_and_opens_the_year_of_its_start() -> None:
    path, query = _split(
        report_url("internal.dropin", "perhetupa", dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    )
    assert path == reverse("statistics:return", args=["internal.dropin", 2025, "perhetupa"])
    assert query == {"alku": ["2025-03-01"], "loppu": ["2025-03-31"]}


def test_a_download_link_goes_to_the_same_reports_export() -> None:
    path, query = _split(
        report_url("internal.dropin", "t", dt.date(2024, 1, 1), dt.date(2024, 12, 31), export="csv")
    )
    assert path == reverse("statistics:export", args=["internal.dropin", 2024, "t", "csv"])
    assert query == {"alku": ["2024-01-01"], "loppu": ["2024-12-31"]}


@pytest.mark.parametrize(
    ("given", "year", "alku", "loppu"),
    [
        ({}, 2026, "2026-01-01", "2026-03-15"),  # nothing asked: the year to date
        ({"start": "1.2.2025", "end": "28.2.2025"}, 2025, "2025-02-01", "2025-02-28"),
        ({"start": "2024-05-01", "end": "2024-05-31"}, 2024, "2024-05-01", "2024-05-31"),
        # typed wrong: passed on as typed for the report's form to say so, this year's report
        ({"start": "huomenna", "end": "31.1.2025"}, 2026, "huomenna", "2025-01-31"),
        # a year the reports do not open: this year's report
        ({"start": "1.1.1999", "end": "31.1.1999"}, 2026, "1999-01-01", "1999-01-31"),
    ],
)
def test_an_old_address_keeps_its_range(
    rf: Any, given: dict[str, str], year: int, alku: str, loppu: str
) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 15, 12, tzinfo=HELSINKI), tick=False):
        path, query = _split(old_range_report_url(rf.get("/", given), "internal.visitation", "v"))
    assert path == reverse("statistics:return", args=["internal.visitation", year, "v"])
    assert query == {"alku": [alku], "loppu": [loppu]}
