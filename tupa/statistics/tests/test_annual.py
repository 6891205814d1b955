"""The annual report's data pack: what it reads does not grow with the organisation's forms, a
figure that counts no one is shown whole (the report is public: counts of people under 5 are
"< 5"), the volunteer work by hand, and the workbook's change column as numbers."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.core.tests.factories import ServiceFormFactory
from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import ServiceForm
from tupa.statistics.annual import (
    CHANGE_FORMAT,
    CHANGE_FORMAT_DECIMALS,
    VOLUNTEER_LINES,
    Figure,
    PackSection,
    pack,
)

from . import volunteer_scenario as scenario
from .support import YEAR

pytestmark = pytest.mark.django_db


def _queries(organisation_id: int) -> int:
    with scopes_disabled(), CaptureQueriesContext(connection) as ctx:
        pack(organisation_id=organisation_id, year=YEAR, threshold=5)
    return len(ctx.captured_queries)


def _add_forms(org: Any, kind: str, count: int, prefix: str, **flags: Any) -> None:
    for n in range(count):
        ServiceFormFactory.create(
            **flags,
            kind=kind,
            name=f"{prefix} {kind} {n}",
            slug=f"{prefix}-{kind}-{n}".replace("_", "-"),
            organisation=org,
            area__organisation=org,
        )


KINDS = (
    ServiceForm.Kind.OUTPATIENT,
    ServiceForm.Kind.GROUP,
    ServiceForm.Kind.DROP_IN,
    ServiceForm.Kind.PREVENTION,
    ServiceForm.Kind.VISITATION,
    ServiceForm.Kind.VOLUNTEER,
)


def test_the_pack_reads_as_much_for_more_forms(world: dict[str, Any]) -> None:
    """With a form of every kind the pack counts, three more of each (without records) read
    nothing more: each indicator is counted once a year for all its forms, and what every run
    reads (the organisation's forms, its protected persons) once for the whole pack."""
    org = world["org"]
    for kind in KINDS:
        _add_forms(org, kind, 1, prefix="first")
    _add_forms(org, ServiceForm.Kind.RESIDENTIAL, 1, prefix="first", violence_work="victim")
    before = _queries(org.pk)
    for kind in KINDS:
        _add_forms(org, kind, 3, prefix="more")
    assert _queries(org.pk) == before
    # A shelter's figures have no service-form breakdown, so they are counted per shelter:
    # each more shelter reads its period's stay members and their participants once a year
    # (two queries), shared by its clients and residence days (six queries before one run).
    _add_forms(org, ServiceForm.Kind.RESIDENTIAL, 3, prefix="more", violence_work="victim")
    assert _queries(org.pk) == before + 3 * 2 * 2


def test_a_figure_that_counts_no_one_is_shown_whole(world: dict[str, Any]) -> None:
    """Three sessions held or a day open single out no one; three clients are "< 5"."""
    assert Figure(world["crisis"], 0, 3, 0).current_text == "3"
    assert Figure(world["crisis"], 0, 3, 5).current_text == "< 5"


# Volunteer work (scenario: :mod:`.volunteer_scenario`, 2025 beside 2024) ---------------------

#: The volunteer figures by hand, (2024, 2025) per form; hours in hundredths of an hour.
#: Mieskaveritoiminta (A) and Perhetupa (B, a drop-in house with volunteers); "Ei vapaaehtoisia"
#: and the other organisation's volunteer form never appear.
VOLUNTEER_FIGURES = {
    # tasks going on some day: 2024 A v1 v3 v5 v6, B v3; 2025 A v1 v3 v4 v6, B v2 v3
    "volunteers.volunteers": {"Mieskaveritoiminta": (4, 4), "Perhetupa": (1, 2)},
    # an activity entry in the year: 2024 A v1 (31.12.); 2025 A v1 v4, B v2
    "volunteers.participants": {"Mieskaveritoiminta": (1, 2), "Perhetupa": (0, 1)},
    # first task in the form: 2024 A v1 (1.5.) v6 (1.1.), B v3 (1.2.); 2025 A v4, B v2 (v6's
    # second role in A, 1.3.2025, is no new volunteer)
    "volunteers.new": {"Mieskaveritoiminta": (2, 1), "Perhetupa": (1, 1)},
    # 2024 A 10–11 = 1 h; 2025 A 150 min (2,50) + 10 min (0,17) + the autumn night 00–06 (7 h)
    # = 9,67 h, B 09–12 = 3 h
    "volunteers.hours": {"Mieskaveritoiminta": (100, 967), "Perhetupa": (0, 300)},
    # courses starting: A K0 1.10.2024, K1 1.2.2025; B K2 20.12.2025
    "volunteers.courses": {"Mieskaveritoiminta": (1, 1), "Perhetupa": (0, 1)},
    # completions: v1 K0 1.11.2024, v4 K1 15.3.2025 (v6 did not complete)
    "volunteers.completions": {"Mieskaveritoiminta": (1, 1)},
    # matches started: c5 1.8.2024; c1 15.1., c2 20.3., c3 1.6.2025 (the other org's not)
    "volunteers.matches_started": {"Mieskaveritoiminta": (1, 3)},
    # matches ended: c5 31.12.2024; c1 30.9., c2 31.5.2025
    "volunteers.matches_ended": {"Mieskaveritoiminta": (1, 2)},
}


@pytest.fixture
def volunteer_world() -> dict[str, Any]:
    """The scenario, and a volunteer form with nothing in either year (named, not drawn)."""
    world = scenario.build()
    world["quiet"] = ServiceFormFactory.create(
        kind=ServiceForm.Kind.VOLUNTEER,
        name="Säröperheelle tueksi",
        slug="sarope",
        organisation=world["org"],
        area=world["a"].area,
    )
    return world


def _volunteer_section(sections: list[PackSection]) -> PackSection:
    (section,) = [s for s in sections if s.title == "Vapaaehtoistoiminta"]
    return section


def test_the_pack_has_the_volunteer_work_this_year_beside_last(
    volunteer_world: dict[str, Any],
) -> None:
    """Every volunteer figure by hand (:data:`VOLUNTEER_FIGURES`), suppressed for the public
    pack: the volunteers counted (people) under 5 are "< 5" with no change; the hours show
    with two decimals (1,00 → 9,67: +8,67; counted in hundredths, as STEA's report shows
    them); the courses held count no one and show whole (0 → 1: +1). A volunteer form
    without any figure is named under each figure; "Ei vapaaehtoisia" (an outpatient form)
    is not, and the other organisation's volunteer form is nowhere."""
    with scopes_disabled():
        sections = pack(organisation_id=volunteer_world["org"].pk, year=YEAR, threshold=5)
    section = _volunteer_section(sections)
    assert [line.indicator.id for line in section.lines] == list(VOLUNTEER_LINES)
    for line in section.lines:
        got = {f.form.name: (f.previous, f.current) for f in line.figures}
        assert got == VOLUNTEER_FIGURES[line.indicator.id], line.indicator.id
        assert [f.form.name for f in line.without] == ["Säröperheelle tueksi"]
    by_id = {line.indicator.id: {f.form.name: f for f in line.figures} for line in section.lines}
    friends = by_id["volunteers.volunteers"]["Mieskaveritoiminta"]
    assert (friends.previous_text, friends.current_text, friends.change_text) == (
        "< 5",
        "< 5",
        "–",
    )
    assert friends.exported_change is None
    hours = by_id["volunteers.hours"]["Mieskaveritoiminta"]
    assert (hours.previous_text, hours.current_text, hours.change_text) == (
        "1,00",
        "9,67",
        "+8,67",
    )
    courses = by_id["volunteers.courses"]["Perhetupa"]
    assert (courses.previous_text, courses.current_text, courses.change_text) == ("0", "1", "+1")


def test_the_volunteer_figures_on_the_page_and_in_the_files(
    client: Client, volunteer_world: dict[str, Any]
) -> None:
    """The page draws the volunteer figures as the others (a chart, "< 5" without a bar); the
    workbook writes the change as a number with its sign format — the hours' +8,67 and the
    courses' +1 and 0 — and leaves a suppressed figure's change empty; its properties carry
    the title; the CSV has the same rows."""
    login_verified(client, volunteer_world["director"])
    url = reverse("statistics:annual_report", args=[YEAR])
    page = client.get(url).content.decode()
    assert 'data-figure="volunteers.hours:mieskaveri">9,67<' in page
    assert 'data-figure="volunteers.volunteers:mieskaveri">&lt; 5<' in page
    assert "<title>Vapaaehtoistunnit: 2025 / 2024</title>" in page
    assert "<title>Mieskaveritoiminta, 2025: 9,67</title>" in page
    assert "<title>Mieskaveritoiminta, 2025: &lt; 5</title>" in page
    without = re.search(r'data-without="volunteers.hours">(.*?)</p>', page)
    assert without and without.group(1).endswith(": Säröperheelle tueksi.")

    response = client.get(url, {"muoto": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.properties.title == (
        f"Toimintakertomuksen luvut {YEAR} – {volunteer_world['org'].name}"
    )
    assert book.properties.subject == (
        f"Toimintakertomuksen luvut työmuodoittain: {YEAR} ja {YEAR - 1}"
    )
    assert book.properties.creator == "Tupa"
    sheet = book["Luvut"]
    assert [c.value for c in sheet[2]][3:6] == [str(YEAR - 1), str(YEAR), "Muutos"]
    rows = {(r[1].value, r[2].value): r for r in sheet.iter_rows(min_row=3)}
    hours = rows[("Vapaaehtoistunnit", "Mieskaveritoiminta")]
    assert [hours[3].value, hours[4].value] == [1, pytest.approx(9.67)]
    assert hours[5].value == pytest.approx(8.67)
    assert hours[5].number_format == CHANGE_FORMAT_DECIMALS
    courses = rows[("Järjestetyt koulutukset", "Perhetupa")]
    assert (courses[3].value, courses[4].value, courses[5].value) == (0, 1, 1)
    assert courses[5].data_type == "n" and courses[5].number_format == CHANGE_FORMAT
    same = rows[("Järjestetyt koulutukset", "Mieskaveritoiminta")][5]
    assert same.value == 0 and same.data_type == "n"
    friends = rows[("Vapaaehtoiset", "Mieskaveritoiminta")]
    assert (friends[3].value, friends[4].value, friends[5].value) == ("< 5", "< 5", None)
    quiet = rows[("Vapaaehtoistunnit", "Säröperheelle tueksi")]
    assert (quiet[3].value, quiet[4].value, quiet[5].value) == (0, 0, 0)

    response = client.get(url, {"muoto": "csv"})
    assert response["Content-Disposition"] == (
        f'attachment; filename="toimintakertomus-{YEAR}.csv"'
    )
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == ["Osio", "Luku", "Työmuoto", str(YEAR - 1), str(YEAR), "Muutos", "Yksikkö"]
    assert [
        "Vapaaehtoistoiminta",
        "Vapaaehtoistunnit",
        "Mieskaveritoiminta",
        "1,00",
        "9,67",
        "8,67",
        "tuntia",
    ] in lines
    assert [
        "Vapaaehtoistoiminta",
        "Vapaaehtoiset",
        "Mieskaveritoiminta",
        "< 5",
        "< 5",
        "",
        "vapaaehtoista",
    ] in lines
