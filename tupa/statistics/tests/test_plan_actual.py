"""The board's plan against actual (``statistics:plan_actual``, ADR 0030 item 4): the forms' key
figures to the end of a quarter beside the same days of last year — the overview's figures —
and the year's goals by theme with their status; a theme × status summary; the CSV.

The world (:func:`.support.build_world`, expected values counted by hand): crisis work has six
Lahti clients whose episodes began on the 3rd of January–June 2025 and two Hollola clients from
10 and 11 May 2025; Jussi-työ one client from 2 February 2025. This module adds to crisis work a
client from 10 January 2024 (still a client) with visits on 20.3.2024, 2.4.2024, 31.3.2025 and
1.4.2025, and a visit on 10.2.2025 of the first 2025 client. So to the end of the first quarter
of 2025, crisis work has 3 + 1 = 4 clients and 2 visits (10.2., 31.3.), against 1 client and 1
visit (20.3.) on 1.1.–31.3.2024; the visit of 1.4.2025 falls after the quarter. To the end of
2025: 9 clients and 3 visits, against 1 and 2.
"""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import ServiceFormFactory, org_role_user, worker_in
from tupa.core.tests.helpers import login_verified, pdf_text
from tupa.core.wallclock import HELSINKI
from tupa.episodes.models import Episode
from tupa.organisations.models import ServiceForm, StrategicTheme, WorkingGroup
from tupa.planning.models import AnnualGoal, GoalStatus
from tupa.planning.services import goal_add, goal_assess
from tupa.scheduling.models import Appointment, AppointmentType, Outcome, PlaceKind
from tupa.statistics.views.plan import csv_rows, period_end

from .support import YEAR, build_world, client_since

pytestmark = pytest.mark.django_db

#: "Today" of most tests: the last day of the first quarter of ``YEAR``.
END_OF_Q1 = dt.datetime(YEAR, 3, 31, 15, 0, tzinfo=HELSINKI)
#: A day of the next year (``YEAR`` is a past year: its default quarter is the fourth).
NEXT_YEAR = dt.datetime(YEAR + 1, 3, 2, 12, 0, tzinfo=HELSINKI)


def _visit(world: dict[str, Any], episode: Episode, day: dt.date) -> None:
    start = dt.datetime.combine(day, dt.time(12), tzinfo=HELSINKI)
    with scopes_disabled():
        Appointment.objects.create(
            organisation=world["org"],
            service_form=episode.service_form,
            episode=episode,
            type=AppointmentType.OFFICE_MEETING,
            place_kind=PlaceKind.OWN_PREMISES,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            organiser=world["worker"],
            created_by=world["worker"],
            outcome=Outcome.HAPPENED,
        )


def _theme(world: dict[str, Any], code: str, name: str) -> StrategicTheme:
    with scopes_disabled():
        return StrategicTheme.objects.create(
            organisation=world["org"], code=code, name=name, start_year=2024, end_year=2028
        )


def _goal(
    world: dict[str, Any],
    text: str,
    *,
    form: ServiceForm | None = None,
    theme: StrategicTheme | None = None,
    status: str = GoalStatus.PLANNED,
    assessment: str = "",
    evidence: str = "",
    group: WorkingGroup | None = None,
) -> AnnualGoal:
    goal = goal_add(
        actor=world["director"],
        year=YEAR,
        text=text,
        service_form=form,
        working_group=group,
        theme=theme,
    )
    if status != GoalStatus.PLANNED or assessment:
        goal_assess(
            actor=world["director"],
            goal=goal,
            version=goal.version,
            status=status,
            assessment=assessment,
            evidence=evidence,
        )
    return goal


@pytest.fixture
def world() -> dict[str, Any]:
    """The statistics world with the visits above and five goals of ``YEAR``:

    ========================  ======  ===================
    owner                     theme   status
    ========================  ======  ===================
    crisis work               T1      achieved
    crisis work               T1      in progress
    crisis work               T2      planned
    Jussi-työ                 none    not achieved
    the association           T2      partly achieved
    ========================  ======  ===================
    """
    world = build_world()
    crisis = world["crisis"]
    _person, old = client_since(crisis, dt.date(YEAR - 1, 1, 10), municipality=world["lahti"])
    for day in (
        dt.date(YEAR - 1, 3, 20),
        dt.date(YEAR - 1, 4, 2),
        dt.date(YEAR, 3, 31),
        dt.date(YEAR, 4, 1),
    ):
        _visit(world, old, day)
    with scopes_disabled():
        first = Episode.objects.get(service_form=crisis, start_date=dt.date(YEAR, 1, 3))
    _visit(world, first, dt.date(YEAR, 2, 10))
    t1 = _theme(world, "T1", "Asiakkaan osallisuus")
    t2 = _theme(world, "T2", "Varhainen tuki")
    world["goals"] = {
        "together": _goal(
            world,
            "Suunnitellaan toimintaa yhdessä asiakkaiden kanssa.",
            form=crisis,
            theme=t1,
            status=GoalStatus.ACHIEVED,
            assessment="Asiakasraati kokoontui neljä kertaa.",
            evidence="Asiakasraadin muistiot",
        ),
        "feedback": _goal(
            world,
            "Kerätään palaute jokaisen asiakkuuden lopussa.",
            form=crisis,
            theme=t1,
            status=GoalStatus.IN_PROGRESS,
            assessment="Kysely on käytössä syksystä.",
        ),
        "earlier": _goal(world, "Aloitetaan työ perheiden kanssa aiemmin.", form=crisis, theme=t2),
        "jussi": _goal(
            world,
            "Tavoitetaan uusia isiä.",
            form=world["jussi"],
            status=GoalStatus.NOT_ACHIEVED,
            assessment="Työntekijä vaihtui kesken vuoden.",
        ),
        "association": _goal(
            world,
            "Vahvistetaan yhteistyötä neuvoloiden kanssa.",
            theme=t2,
            status=GoalStatus.PARTLY,
            assessment="Kaksi neuvolaa neljästä mukana.",
        ),
    }
    return world


def _url(year: int = YEAR) -> str:
    return reverse("statistics:plan_actual", args=[year])


def _cell(page: str, attr: str, key: str) -> str:
    """The text of the cell ``data-<attr>="<key>"`` (its link's text)."""
    match = re.search(rf'data-{attr}="{re.escape(key)}"><a href="[^"]*">([^<]*)</a>', page)
    assert match, (attr, key)
    return match.group(1)


def test_the_figures_are_the_overviews_for_the_same_days(
    client: Client, world: dict[str, Any]
) -> None:
    """On 31.3. the overview counts 1.1.–31.3. this year and last; the plan against actual of
    the first quarter counts the same, with the same drill-down links."""
    login_verified(client, world["director"])
    with time_machine.travel(END_OF_Q1, tick=False):
        page = client.get(_url()).content.decode()
        overview = client.get(reverse("statistics:overview")).content.decode()
        drill = reverse("statistics:indicator", args=["outpatient.visits", "avokriisityo", YEAR])
        assert client.get(f"{drill}?loppu=2025-03-31").status_code == 200
    assert 'data-period="2025-03-31"' in page
    expected = {
        ("outpatient.clients", "avokriisityo"): ("4", "1"),
        ("outpatient.visits", "avokriisityo"): ("2", "1"),
        ("outpatient.clients", "jussi"): ("1", "0"),
        ("outpatient.visits", "jussi"): ("0", "0"),
    }
    for (indicator, slug), (now, then) in expected.items():
        key = f"{indicator}:{slug}"
        assert (_cell(page, "figure", key), _cell(page, "last", key)) == (now, then), key
        drill = reverse("statistics:indicator", args=[indicator, slug, YEAR])
        last = reverse("statistics:indicator", args=[indicator, slug, YEAR - 1])
        for url, text in ((f"{drill}?loppu=2025-03-31", now), (f"{last}?loppu=2024-03-31", then)):
            link = f'<a href="{url}">{text}</a>'
            assert link in page and link in overview, link


def test_a_visit_after_the_quarters_end_is_not_counted(
    client: Client, world: dict[str, Any]
) -> None:
    """A year past: the fourth quarter by default (9 clients and 3 visits against 1 and 2);
    the first quarter leaves out the visits of 1.4.2025 and 2.4.2024."""
    login_verified(client, world["director"])
    with time_machine.travel(NEXT_YEAR, tick=False):
        whole = client.get(_url()).content.decode()
        first = client.get(_url(), {"neljannes": 1}).content.decode()
        second = client.get(_url(), {"neljannes": 2}).content.decode()
        assert client.get(_url(), {"neljannes": 5}).status_code == 404
        assert client.get(_url(), {"neljannes": "x"}).status_code == 404
        assert client.get(_url(YEAR + 2)).status_code == 404
    visits, clients = "outpatient.visits:avokriisityo", "outpatient.clients:avokriisityo"
    assert 'data-period="2025-12-31"' in whole
    assert (_cell(whole, "figure", clients), _cell(whole, "last", clients)) == ("9", "1")
    assert (_cell(whole, "figure", visits), _cell(whole, "last", visits)) == ("3", "2")
    assert 'data-period="2025-03-31"' in first
    assert (_cell(first, "figure", visits), _cell(first, "last", visits)) == ("2", "1")
    assert (_cell(second, "figure", visits), _cell(second, "last", visits)) == ("3", "2")
    # The board's return of the same quarter is linked.
    board = reverse("statistics:return", args=["board.key_figures", YEAR, "yhdistys"])
    assert f"{board}?jakso=1" in first


def test_the_current_years_default_quarter_ends_today() -> None:
    assert period_end(YEAR, 1, dt.date(YEAR, 2, 14)) == dt.date(YEAR, 2, 14)
    assert period_end(YEAR, 1, dt.date(YEAR, 5, 14)) == dt.date(YEAR, 3, 31)
    assert period_end(YEAR - 1, 4, dt.date(YEAR, 5, 14)) == dt.date(YEAR - 1, 12, 31)


def test_the_goals_by_form_and_theme_and_the_summary(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["director"])
    with time_machine.travel(NEXT_YEAR, tick=False):
        page = client.get(_url()).content.decode()
    # The summary: T1 achieved 1, in progress 1; T2 planned 1, partly 1; no theme: not
    # achieved 1 — five goals; the columns in the order of the statuses.
    summary = page.split('data-table="theme-summary"', 1)[1].split("</table>", 1)[0]
    rows = {
        key: [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', body)]
        for key, body in re.findall(r'<tr data-theme="([^"]+)">(.*?)</tr>', summary, re.S)
    }
    # planned, in progress, achieved, partly, not achieved, postponed; total
    assert rows == {
        "T1": [0, 1, 1, 0, 0, 0, 2],
        "T2": [1, 0, 0, 1, 0, 0, 2],
        "other": [0, 0, 0, 0, 1, 0, 1],
    }
    foot = summary.split("<tfoot>", 1)[1]
    assert re.findall(r'<td class="num">(\d+)</td>', foot) == ["1", "1", "1", "1", "1", "0", "5"]
    assert "<caption>Koko yhdistyksen 5 tavoitetta vuonna 2025</caption>" in summary
    assert '<th scope="col" class="num">Osittain toteutunut</th>' in summary
    # Crisis work's goals under T1 (two) and T2 (one), each status as text.
    crisis = page.split('data-form="avokriisityo"', 1)[1].split("</section>", 1)[0]
    t1 = crisis.split('data-goals="form-', 1)[1].split("</table>", 1)[0]
    assert "<caption>T1 Asiakkaan osallisuus</caption>" in t1
    assert re.findall(r'data-status="([a-z_]+)">([^<]+)<', t1) == [
        ("achieved", "toteutunut"),
        ("in_progress", "käynnissä"),
    ]
    assert "Asiakasraati kokoontui neljä kertaa." in t1 and "Asiakasraadin muistiot" in t1
    assert crisis.index("T1 Asiakkaan osallisuus") < crisis.index("T2 Varhainen tuki")
    assert "Aloitetaan työ perheiden kanssa aiemmin." in crisis and "Ei arvioitu" in crisis
    jussi = page.split('data-form="jussi"', 1)[1].split("</section>", 1)[0]
    assert "Muut tavoitteet (ei painopistettä)" in jussi and "ei toteutunut" in jussi
    # The association's own goal at the top, before the forms.
    assert page.index("Koko yhdistys") < page.index('data-form="avokriisityo"')
    assert "Vahvistetaan yhteistyötä neuvoloiden kanssa." in page
    # The forms by name: Avokriisityö, then Jussi-työ.
    assert page.index('data-form="avokriisityo"') < page.index('data-form="jussi"')
    # The year's plan is linked.
    assert f'href="{reverse("planning:year", args=[YEAR])}"' in page


def test_a_form_with_goals_but_no_key_figures_is_shown(
    client: Client, world: dict[str, Any]
) -> None:
    """A form of a kind without key figures appears with its goals; one without goals does
    not."""
    org = world["org"]
    with_goals, _without = (
        ServiceFormFactory.create(
            kind=ServiceForm.Kind.VOLUNTEER,
            name=name,
            slug=slug,
            organisation=org,
            area__organisation=org,
        )
        for name, slug in (("Alvari-vapaaehtoiset", "alvari"), ("Tyhjä työ", "tyhja"))
    )
    _goal(world, "Kokeillaan uutta.", form=with_goals)
    login_verified(client, world["director"])
    with time_machine.travel(NEXT_YEAR, tick=False):
        page = client.get(_url()).content.decode()
    assert 'data-form="alvari"' in page and "Kokeillaan uutta." in page
    assert 'data-form="tyhja"' not in page


def test_only_the_executive_director_sees_it(client: Client, world: dict[str, Any]) -> None:
    with time_machine.travel(NEXT_YEAR, tick=False):
        for who in ("lead", "worker", "jussi_worker", "finance", "dpo"):
            login_verified(client, world[who])
            assert client.get(_url()).status_code == 404, who
            assert client.get(_url(), {"muoto": "csv"}).status_code == 404, who
        login_verified(client, world["director"])
        assert client.get(_url()).status_code == 200
        assert client.get(_url(), {"muoto": "doc"}).status_code == 404
        # Another organisation: its lead gets 404, its director its own (empty) plan.
        other_form = ServiceFormFactory.create(kind=ServiceForm.Kind.OUTPATIENT, name="Muu työ")
        login_verified(client, worker_in(other_form, role=Role.LEAD))
        assert client.get(_url()).status_code == 404
        login_verified(client, org_role_user(other_form.organisation, Role.EXECUTIVE_DIRECTOR))
        page = client.get(_url()).content.decode()
        assert "Muu työ" in page and "Vuodelle 2025 ei ole kirjattu tavoitteita." in page
        assert "Avokriisityö" not in page and "neuvoloiden" not in page
        client.logout()
        assert client.get(_url()).status_code == 302


def test_the_csv_is_written_the_finnish_way(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["director"])
    with time_machine.travel(NEXT_YEAR, tick=False):
        response = client.get(_url(), {"neljannes": 1, "muoto": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "suunnitelma-ja-toteuma-2025-q1.csv" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = response.content.decode("utf-8-sig").split("\r\n")
    assert lines[0] == (
        "Työmuoto;Luku tai tavoite;2025 (1.1.–31.3.2025);2024 (1.1.–31.3.2024);"
        "Painopiste;Tila;Arvio"
    )
    assert lines[1] == (
        "Koko yhdistys;Vahvistetaan yhteistyötä neuvoloiden kanssa.;;;T2 Varhainen tuki;"
        "osittain toteutunut;Kaksi neuvolaa neljästä mukana."
    )
    assert "Avokriisityö;Avopalvelujen asiakkaat;4;1;;;" in lines
    assert "Avokriisityö;Toteutuneet asiakastapaamiset;2;1;;;" in lines
    assert (
        "Avokriisityö;Suunnitellaan toimintaa yhdessä asiakkaiden kanssa.;;;"
        "T1 Asiakkaan osallisuus;toteutunut;Asiakasraati kokoontui neljä kertaa."
    ) in lines
    assert (
        "Jussi-työ;Tavoitetaan uusia isiä.;;;Muut tavoitteet (ei painopistettä);ei toteutunut;"
        "Työntekijä vaihtui kesken vuoden."
    ) in lines
    assert lines[-1] == ""  # CRLF after the last row
    # The evidence is not in the export (the page shows it); the rows are 1 + 5 goals + 4 figures.
    assert "muistiot" not in response.content.decode("utf-8-sig")
    assert len(lines) == 1 + 5 + 4 + 1


def test_the_workbook_has_the_csv_rows_with_numbers_as_numbers(
    client: Client, world: dict[str, Any]
) -> None:
    import io

    from openpyxl import load_workbook

    login_verified(client, world["director"])
    with time_machine.travel(NEXT_YEAR, tick=False):
        response = client.get(_url(), {"neljannes": 1, "muoto": "xlsx"})
    assert response.status_code == 200
    assert "suunnitelma-ja-toteuma-2025-q1.xlsx" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Suunnitelma ja toteuma", "Tiedot"]
    rows = [list(r) for r in wb["Suunnitelma ja toteuma"].iter_rows(values_only=True)]
    assert rows[0] == [
        "Työmuoto",
        "Luku tai tavoite",
        "2025 (1.1.–31.3.2025)",
        "2024 (1.1.–31.3.2024)",
        "Painopiste",
        "Tila",
        "Arvio",
    ]
    # The same 5 goals and 4 figures as the CSV; the counts are numbers, not text.
    assert len(rows) == 1 + 5 + 4
    assert ["Avokriisityö", "Avopalvelujen asiakkaat", 4, 1, None, None, None] in rows
    assert ["Avokriisityö", "Toteutuneet asiakastapaamiset", 2, 1, None, None, None] in rows
    facts = dict(wb["Tiedot"].iter_rows(values_only=True))
    assert facts["Vuosi"] == 2025 and facts["Vuosineljännes"] == 1 and facts["Tavoitteita"] == 5
    # Only the director: a lead gets 404 for the workbook as for the page.
    client.logout()
    login_verified(client, world["lead"])
    assert client.get(_url(), {"muoto": "xlsx"}).status_code == 404


def test_a_figure_in_hundredths_is_written_with_a_decimal_comma() -> None:
    """A figure counted in hundredths (hours) goes into the CSV as a number with a comma."""
    figure = SimpleNamespace(
        indicator=SimpleNamespace(decimals=2, title="Tunnit"), this_year=967, last_year=1050
    )
    row = SimpleNamespace(form=SimpleNamespace(name="Työ"), figures=[figure], goals=None)
    from tupa.core.spreadsheets import finnish_csv

    rows = list(csv_rows({"own_goals": [], "rows": [row]}))
    assert finnish_csv(None, rows).decode("utf-8-sig") == "Työ;Tunnit;9,67;10,50;;;\r\n"


@pytest.mark.parametrize("fmt", ["", "pdf"])
def test_the_reads_do_not_grow_with_the_goals(
    client: Client, world: dict[str, Any], fmt: str
) -> None:
    """Twelve more goals, assessed, of two forms, the association and a working group under two
    themes: not one query more, on the page or in its PDF."""
    login_verified(client, world["director"])
    url = _url() + (f"?muoto={fmt}" if fmt else "")

    def body() -> str:
        response = client.get(url)
        assert response.status_code == 200
        return pdf_text(response.content) if fmt else response.content.decode()

    with time_machine.travel(NEXT_YEAR, tick=False):
        body()
        with CaptureQueriesContext(connection) as before:
            body()
        with scopes_disabled():
            group = WorkingGroup.objects.create(organisation=world["org"], name="Kehittämisryhmä")
            themes = list(StrategicTheme.objects.filter(organisation=world["org"]))
        owners: list[dict[str, Any]] = [
            {"form": world["crisis"]},
            {"form": world["jussi"]},
            {},
            {"group": group},
        ]
        for n in range(12):
            _goal(
                world,
                f"Lisätavoite {n}.",
                theme=themes[n % 2] if n % 3 else None,
                status=GoalStatus.ACHIEVED,
                assessment="Tehty.",
                evidence="Luvut",
                **owners[n % 4],
            )
        with CaptureQueriesContext(connection) as after:
            page = body()
    assert "Lisätavoite 11." in page and "Kehittämisryhmä" in page
    assert len(after.captured_queries) == len(before.captured_queries)
