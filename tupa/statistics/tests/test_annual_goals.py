"""The annual report pack lists the year's goals of the plan with their status and assessment
(ADR 0030 item 5, PLN-03): on the page, in the PDF, and in the workbook's sheet "Tavoitteet".

The pack is public, but a goal is a sentence of the association's published plan: its text,
status and assessment are shown whole. The evidence (which may point into Tupa) and the
assessor stay out; the figures keep their suppression.
"""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import StrategicTheme, WorkingGroup
from tupa.planning.models import GoalStatus
from tupa.planning.services import goal_add, goal_assess
from tupa.statistics.annual import pack_goals

from .support import YEAR

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("returns_due")]


@pytest.fixture
def goals(world: dict[str, Any]) -> dict[str, Any]:
    """Crisis work: one goal under T1, achieved; one under no theme, planned. Jussi-työ: one
    under T1, postponed. A working group: one, in progress. Last year: one of crisis work."""
    director = world["director"]
    with scopes_disabled():
        t1 = StrategicTheme.objects.create(
            organisation=world["org"], code="T1", name="Asiakkaan osallisuus", start_year=2024
        )
        group = WorkingGroup.objects.create(organisation=world["org"], name="Kehittämisryhmä")

    def add(text: str, status: str = GoalStatus.PLANNED, assessment: str = "", **kw: Any) -> None:
        goal = goal_add(actor=director, year=kw.pop("year", YEAR), text=text, **kw)
        if status != GoalStatus.PLANNED:
            goal_assess(
                actor=director,
                goal=goal,
                version=goal.version,
                status=status,
                assessment=assessment,
                evidence="Asiakaskyselyn raportti",
            )

    add(
        "Suunnitellaan toimintaa yhdessä asiakkaiden kanssa.",
        GoalStatus.ACHIEVED,
        "Asiakasraati kokoontui neljä kertaa.",
        service_form=world["crisis"],
        theme=t1,
    )
    add("Päivitetään esitteet.", service_form=world["crisis"])
    add(
        "Tavoitetaan uusia isiä.",
        GoalStatus.POSTPONED,
        "Siirtyy ensi vuoteen.",
        service_form=world["jussi"],
        theme=t1,
    )
    add(
        "Kootaan menetelmäpankki.",
        GoalStatus.IN_PROGRESS,
        "Puolet menetelmistä kuvattu.",
        working_group=group,
    )
    add("Viime vuoden tavoite.", service_form=world["crisis"], year=YEAR - 1)
    return world


def test_the_goals_are_grouped_by_owner_and_theme(goals: dict[str, Any]) -> None:
    with scopes_disabled():
        owners = pack_goals(organisation_id=goals["org"].pk, year=YEAR)
    assert [
        (str(o.label), [(t.key, [g.text for g in t.goals]) for t in o.themes]) for o in owners
    ] == [
        (
            "Avokriisityö",
            [
                ("T1", ["Suunnitellaan toimintaa yhdessä asiakkaiden kanssa."]),
                ("other", ["Päivitetään esitteet."]),
            ],
        ),
        ("Jussi-työ", [("T1", ["Tavoitetaan uusia isiä."])]),
        ("Kehittämisryhmä", [("other", ["Kootaan menetelmäpankki."])]),
    ]


def test_the_pack_shows_the_goals_with_status_and_assessment(
    client: Client, goals: dict[str, Any]
) -> None:
    login_verified(client, goals["director"])
    url = reverse("statistics:annual_report", args=[YEAR])
    page = client.get(url).content.decode()
    section = page.split('data-section="goals"', 1)[1]
    crisis = section.split('data-owner="form-', 1)[1].split("</section>", 1)[0]
    assert "<h3>Avokriisityö</h3>" in crisis
    assert "<caption>T1 Asiakkaan osallisuus</caption>" in crisis
    assert "<caption>Muut tavoitteet (ei painopistettä)</caption>" in crisis
    assert "Suunnitellaan toimintaa yhdessä asiakkaiden kanssa." in crisis
    assert 'data-status="achieved">toteutunut<' in crisis
    assert "Asiakasraati kokoontui neljä kertaa." in crisis
    assert 'data-status="planned">suunniteltu<' in crisis and "Ei arvioitu" in crisis
    assert 'data-status="postponed">siirretty<' in section and "Siirtyy ensi vuoteen." in section
    assert "<h3>Kehittämisryhmä</h3>" in section
    # Only this year's goals; the evidence and the assessor stay out of the public pack.
    assert "Viime vuoden tavoite." not in page
    assert "Asiakaskyselyn raportti" not in page and "Näyttö" not in section
    assert goals["director"].last_name not in section
    # The figures keep their suppression (Jussi-työ's one client).
    assert 'data-figure="outpatient.clients:jussi">&lt; 5<' in page
    assert client.get(url, {"muoto": "pdf"}).content.startswith(b"%PDF")


def test_the_workbook_has_a_sheet_of_goals(client: Client, goals: dict[str, Any]) -> None:
    login_verified(client, goals["director"])
    response = client.get(reverse("statistics:annual_report", args=[YEAR]), {"muoto": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Luvut", "Tavoitteet", "Määritelmät"]
    rows = list(book["Tavoitteet"].iter_rows(values_only=True))
    assert rows == [
        ("Työmuoto tai työryhmä", "Painopiste", "Tavoite", "Tila", "Arvio"),
        (
            "Avokriisityö",
            "T1 Asiakkaan osallisuus",
            "Suunnitellaan toimintaa yhdessä asiakkaiden kanssa.",
            "toteutunut",
            "Asiakasraati kokoontui neljä kertaa.",
        ),
        (
            "Avokriisityö",
            "Muut tavoitteet (ei painopistettä)",
            "Päivitetään esitteet.",
            "suunniteltu",
            None,
        ),
        (
            "Jussi-työ",
            "T1 Asiakkaan osallisuus",
            "Tavoitetaan uusia isiä.",
            "siirretty",
            "Siirtyy ensi vuoteen.",
        ),
        (
            "Kehittämisryhmä",
            "Muut tavoitteet (ei painopistettä)",
            "Kootaan menetelmäpankki.",
            "käynnissä",
            "Puolet menetelmistä kuvattu.",
        ),
    ]
    # The figures' sheet is as before: Jussi-työ's one client suppressed.
    clients = [
        r
        for r in book["Luvut"].iter_rows(values_only=True)
        if r[1] == "Avopalvelujen asiakkaat" and r[2] == "Jussi-työ"
    ]
    assert clients and clients[0][4] == "< 5"


def test_a_year_without_goals_says_so(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["director"])
    url = reverse("statistics:annual_report", args=[YEAR])
    page = client.get(url).content.decode()
    assert "Vuoden 2025 toimintasuunnitelman tavoitteita ei ole kirjattu Tupaan." in page
    book = openpyxl.load_workbook(io.BytesIO(client.get(url, {"muoto": "xlsx"}).content))
    assert list(book["Tavoitteet"].iter_rows(values_only=True)) == [
        ("Työmuoto tai työryhmä", "Painopiste", "Tavoite", "Tila", "Arvio")
    ]
