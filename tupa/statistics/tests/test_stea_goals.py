"""STEA's section "I Tavoitteiden toteutuminen": the service form's goals of the year from the
annual plan, with their status, assessment and evidence — on the report's page, in its
workbook and PDF, frozen when the report is sent, and the changes since shown on the sent
report (ADR 0038)."""

from __future__ import annotations

import datetime as dt
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

from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import StrategicTheme
from tupa.planning.models import AnnualGoal, GoalStatus
from tupa.planning.services import goal_add, goal_assess
from tupa.planning.tests.support import add_goal, fetched
from tupa.statistics import engine, plan_goals, services
from tupa.statistics.indicators.base import Params
from tupa.statistics.models import Submission
from tupa.statistics.returns import registry as returns
from tupa.statistics.views.submissions import submission_output

from .support import YEAR, client_since, hidden_hash, stea_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("returns_due")]

SEND = reverse("statistics:send", args=["stea.outpatient", YEAR, "avokriisityo"])
ACHIEVED = "Vakiinnutetaan asiakaspolku turvakodista avokriisityöhön."
PLANNED = "Päivitetään esitteet."


def _assess(actor: Any, goal: AnnualGoal, status: str, assessment: str, evidence: str) -> None:
    """A later follow-up of ``goal`` (as the database has it now)."""
    current = fetched(goal)
    goal_assess(
        actor=actor,
        goal=current,
        version=current.version,
        status=status,
        assessment=assessment,
        evidence=evidence,
    )


@pytest.fixture
def goals(world: dict[str, Any]) -> dict[str, Any]:
    """Crisis work in ``YEAR``: ``PLANNED`` under no theme (added first), ``ACHIEVED`` under
    T1 with its assessment and evidence. Not the report's: Jussi-työ's goal, the
    association's own goal and crisis work's goal of the year before."""
    director = world["director"]
    with scopes_disabled():
        t1 = StrategicTheme.objects.create(
            organisation=world["org"], code="T1", name="Asiakkaan osallisuus", start_year=2024
        )
    crisis = world["crisis"]
    planned = add_goal(director, YEAR, PLANNED, service_form=crisis)
    achieved = add_goal(
        director,
        YEAR,
        ACHIEVED,
        service_form=crisis,
        theme=t1,
        status=GoalStatus.ACHIEVED,
        assessment="Lähes kaikille tarjottiin jatkotapaaminen.",
        evidence="Avokriisityön käyntitilasto",
    )
    add_goal(director, YEAR, "Tavoitetaan isiä.", service_form=world["jussi"])
    add_goal(director, YEAR, "Yhdistyksen oma tavoite.")
    add_goal(director, YEAR - 1, "Viime vuoden.", service_form=crisis)
    return {**world, "t1": t1, "planned": planned, "achieved": achieved}


def _section_one(page: str) -> str:
    return page.split("<h2>I Tavoitteiden toteutuminen</h2>", 1)[1].split("</section>", 1)[0]


def _digest(page: str) -> str:
    return hidden_hash(page, "seen_goals")


def _seen(page: str) -> str:
    return hidden_hash(page, "seen")


def test_the_report_shows_the_forms_goals_of_the_year_under_their_themes(
    client: Client, goals: dict[str, Any]
) -> None:
    login_verified(client, goals["worker"])
    page = client.get(stea_url()).content.decode()
    section = _section_one(page)
    # T1 first, the goals under no theme last (whatever order they were added in).
    assert section.index("<caption>T1 Asiakkaan osallisuus</caption>") < section.index(
        "<caption>Muut tavoitteet (ei painopistettä)</caption>"
    )
    assert ACHIEVED in section and 'data-status="achieved">toteutunut<' in section
    assert "Lähes kaikille tarjottiin jatkotapaaminen." in section
    assert "Avokriisityön käyntitilasto" in section
    assert PLANNED in section and 'data-status="planned">suunniteltu<' in section
    assert "Ei arvioitu" in section
    assert f'href="{reverse("planning:year", args=[YEAR])}"' in section
    # Only crisis work's goals of the year.
    for other in ("Tavoitetaan isiä.", "Yhdistyksen oma tavoite.", "Viime vuoden."):
        assert other not in page


def test_a_form_without_goals_is_told_so_and_other_returns_show_none(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["worker"])
    section = _section_one(client.get(stea_url()).content.decode())
    assert "Työmuodolle ei ole kirjattu vuoden 2025 tavoitteita vuosisuunnitelmaan." in section
    internal = reverse("statistics:return", args=["internal.outpatient", YEAR, "avokriisityo"])
    page = client.get(internal).content.decode()
    assert "data-goals" not in page and 'name="seen_goals"' not in page


def test_the_goals_cost_the_report_one_query(client: Client, goals: dict[str, Any]) -> None:
    """One query reads the goals with their themes, however many there are."""
    login_verified(client, goals["worker"])
    client.get(stea_url())
    with CaptureQueriesContext(connection) as two:
        client.get(stea_url())
    for n in range(5):
        goal_add(
            actor=goals["director"],
            year=YEAR,
            text=f"Lisätavoite {n}.",
            service_form=goals["crisis"],
            theme=goals["t1"],
        )
    with CaptureQueriesContext(connection) as seven:
        page = client.get(stea_url()).content.decode()
    assert "Lisätavoite 4." in page
    assert len(seven.captured_queries) == len(two.captured_queries)
    goal_reads = [q for q in seven.captured_queries if "planning_annualgoal" in q["sql"]]
    assert len(goal_reads) == 1


def test_sending_freezes_the_goals_and_the_sent_report_says_what_changed_since(
    client: Client, goals: dict[str, Any]
) -> None:
    login_verified(client, goals["lead"])
    page = client.get(stea_url()).content.decode()
    response = client.post(SEND, {"seen": _seen(page), "seen_goals": _digest(page)})
    assert response.status_code == 302
    with scopes_disabled():
        sent = Submission.objects.get()
    achieved, planned = goals["achieved"], goals["planned"]
    assert sent.plan_goals == [
        {
            "key": planned.pk,
            "theme": "other",
            "theme_label": "Muut tavoitteet (ei painopistettä)",
            "text": PLANNED,
            "status": "planned",
            "assessment": "",
            "evidence": "",
        },
        {
            "key": achieved.pk,
            "theme": "T1",
            "theme_label": "T1 Asiakkaan osallisuus",
            "text": ACHIEVED,
            "status": "achieved",
            "assessment": "Lähes kaikille tarjottiin jatkotapaaminen.",
            "evidence": "Avokriisityön käyntitilasto",
        },
    ]
    url = reverse("statistics:submission", args=[sent.pk])
    shown = client.get(url).content.decode()
    assert 'data-table="goal-changes"' not in shown
    assert 'data-status="planned">suunniteltu<' in _section_one(shown)

    # The plan is followed up after the sending: one goal assessed, one added.
    _assess(goals["director"], planned, GoalStatus.IN_PROGRESS, "Luonnos valmis.", "")
    goal_add(actor=goals["director"], year=YEAR, text="Uusi.", service_form=goals["crisis"])
    shown = client.get(url).content.decode()
    section = _section_one(shown)
    assert 'data-status="planned">suunniteltu<' in section  # as it was sent
    assert "Luonnos valmis." not in section and "Uusi." not in section
    changes = shown.split('data-table="goal-changes"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", changes.split("<tbody>", 1)[1], re.S)
    assert len(rows) == 2
    assert PLANNED in rows[0] and "suunniteltu" in rows[0] and "käynnissä" in rows[0]
    assert "Uusi." in rows[1] and "lisätty myöhemmin" in rows[1]
    assert ACHIEVED not in changes
    # The figures did not change: the same hash reproduces.
    assert "täsmälleen samat kuin lähetetyt" in shown


def test_a_goal_followed_up_after_the_page_was_opened_refuses_the_send(
    client: Client, goals: dict[str, Any]
) -> None:
    login_verified(client, goals["lead"])
    page = client.get(stea_url()).content.decode()
    _assess(goals["director"], goals["planned"], GoalStatus.IN_PROGRESS, "Luonnos valmis.", "")
    typed = {"seen": _seen(page), "seen_goals": _digest(page), "note": "Asiointipalvelu"}
    refused = client.post(SEND, typed)
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "Vuosisuunnitelman tavoitteita tai niiden seurantaa on muutettu" in text
    assert 'value="Asiointipalvelu"' in text  # the note is kept
    assert "Luonnos valmis." in _section_one(text)  # the page shows the goals as they are now
    with scopes_disabled():
        assert not Submission.objects.exists()
    again = client.post(SEND, {**typed, "seen_goals": _digest(text)})
    assert again.status_code == 302
    with scopes_disabled():
        frozen = Submission.objects.get().plan_goals
    assert frozen is not None and frozen[0]["assessment"] == "Luonnos valmis."


def test_changed_figures_and_goals_are_both_told(client: Client, goals: dict[str, Any]) -> None:
    login_verified(client, goals["lead"])
    page = client.get(stea_url()).content.decode()
    _assess(goals["director"], goals["planned"], GoalStatus.IN_PROGRESS, "Aloitettu.", "")
    client_since(goals["crisis"], dt.date(YEAR, 7, 1))  # one more client
    refused = client.post(SEND, {"seen": _seen(page), "seen_goals": _digest(page)})
    text = refused.content.decode()
    assert refused.status_code == 400
    assert "Luvut ovat muuttuneet" in text and "Vuosisuunnitelman tavoitteita" in text


def test_the_workbook_has_the_goals_and_the_sent_one_keeps_them_as_sent(
    client: Client, goals: dict[str, Any]
) -> None:
    login_verified(client, goals["lead"])
    export = reverse("statistics:export", args=["stea.outpatient", YEAR, "avokriisityo", "xlsx"])
    book = openpyxl.load_workbook(io.BytesIO(client.get(export).content))
    assert book.sheetnames == ["Luvut", "Tavoitteet", "Määritelmät", "Tiedot"]
    expected = [
        ("Painopiste", "Tavoite", "Tila", "Arvio", "Näyttö"),
        (
            "T1 Asiakkaan osallisuus",
            ACHIEVED,
            "toteutunut",
            "Lähes kaikille tarjottiin jatkotapaaminen.",
            "Avokriisityön käyntitilasto",
        ),
        ("Muut tavoitteet (ei painopistettä)", PLANNED, "suunniteltu", None, None),
    ]
    assert list(book["Tavoitteet"].iter_rows(values_only=True)) == expected
    assert client.post(SEND).status_code == 302
    _assess(goals["director"], goals["planned"], GoalStatus.ACHIEVED, "Valmis.", "Esite")
    with scopes_disabled():
        sent = Submission.objects.get()
        body = submission_output(sent, "xlsx").body
    rows = list(openpyxl.load_workbook(io.BytesIO(body))["Tavoitteet"].iter_rows(values_only=True))
    assert rows == expected
    # the internal report has no goals sheet
    internal = reverse(
        "statistics:export", args=["internal.outpatient", YEAR, "avokriisityo", "xlsx"]
    )
    assert (
        "Tavoitteet"
        not in openpyxl.load_workbook(io.BytesIO(client.get(internal).content)).sheetnames
    )


def test_the_pdf_lays_out_the_goals(
    client: Client, goals: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The PDF is rendered from ``return_pdf.html``: the goals' table is in its HTML."""
    from django.template.loader import render_to_string

    from tupa.statistics.views import returns as views

    captured: list[str] = []

    def capture(name: str, context: dict[str, Any]) -> str:
        captured.append(render_to_string(name, context))
        return captured[-1]

    monkeypatch.setattr(views, "render_to_string", capture)
    login_verified(client, goals["lead"])
    export = reverse("statistics:export", args=["stea.outpatient", YEAR, "avokriisityo", "pdf"])
    assert client.get(export).content.startswith(b"%PDF")
    section = _section_one(captured[0])
    assert ACHIEVED in section and "toteutunut" in section and PLANNED in section
    assert "Avaa vuosisuunnitelma" not in section  # no links in a file


def test_the_service_freezes_the_goals_when_its_caller_gives_none(goals: dict[str, Any]) -> None:
    with scopes_disabled():
        sent = services.submit(computed=_computed(goals), title="STEA", **_sender(goals))
    assert [g["text"] for g in sent.plan_goals or []] == [PLANNED, ACHIEVED]


def test_a_report_sent_before_the_goals_were_kept_says_so(
    client: Client, goals: dict[str, Any]
) -> None:
    """A report sent before this change: its row has no goals."""
    computed = _computed(goals)
    with scopes_disabled():
        sent = Submission.objects.create(
            organisation=goals["org"],
            template_id=computed.template.id,
            template_version=computed.template.version,
            recipient=computed.template.recipient,
            title="STEA",
            service_form=goals["crisis"],
            period_start=computed.params.start,
            period_end=computed.params.end,
            params=computed.params.as_json(),
            figures=computed.figures_json(),
            suppression={},
            data_as_of=computed.computed_at,
            content_hash=computed.content_hash(),
            submitted_by=goals["lead"],
            submitted_at=computed.computed_at,
        )
    assert sent.plan_goals is None
    login_verified(client, goals["lead"])
    page = client.get(reverse("statistics:submission", args=[sent.pk])).content.decode()
    assert "lähetettiin ennen kuin tavoitteet tallennettiin" in _section_one(page)
    assert 'data-table="goal-changes"' not in page
    assert plan_goals.sent(sent) is None


def _sender(goals: dict[str, Any]) -> dict[str, Any]:
    return {"user": goals["lead"], "service_form": goals["crisis"], "municipality": None}


def _computed(goals: dict[str, Any]) -> engine.Computed:
    params = Params(
        organisation_id=goals["org"].pk,
        start=dt.date(YEAR, 1, 1),
        end=dt.date(YEAR, 12, 31),
        service_form_ids=(goals["crisis"].pk,),
    )
    with scopes_disabled():
        return engine.run(returns.get("stea.outpatient"), params)


def test_a_goals_assessment_is_not_a_rating_in_english() -> None:
    """ "Arvio" of a goal is its assessment; the surveys' quality criteria keep "Rating"."""
    from django.utils.translation import gettext, override

    with override("en"):
        assert plan_goals.sheet_rows([])[0][3] == "Assessment"
        assert gettext("Arvio") == "Rating"
    with override("sv"):
        assert plan_goals.sheet_rows([])[0][3] == "Bedömning"
