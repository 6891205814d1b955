"""The municipality's report: only its own residents, in every output it has.

``test_views`` checks the report's page and its workbook; this pins the other ways out: the
drill-down behind a figure (records and breakdowns), the CSV and the frozen submission.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.core.tests.helpers import login_verified
from tupa.statistics import services
from tupa.statistics.models import Submission
from tupa.statistics.returns import registry as returns
from tupa.statistics.tests.support import YEAR

pytestmark = pytest.mark.django_db


def _line(indicator: str) -> int:
    template = returns.get("municipality.yearly")
    return next(i for i, line in template.lines() if line.indicator == indicator)


def test_a_municipalitys_drill_down_lists_and_counts_only_its_residents(
    client: Client, world: dict[str, Any]
) -> None:
    """Hollola's report: its two crisis-work clients. The director, who may see every client,
    gets their records (logged) and the count 2; none of the seven Lahti clients is listed."""
    login_verified(client, world["director"])
    drill = reverse(
        "statistics:drill",
        args=["municipality.yearly", YEAR, "992", _line("outpatient.clients")],
    )
    response = client.get(drill)
    assert response.status_code == 200
    body = response.content.decode()
    with scopes_disabled():
        for person in world["people"]:  # Lahti's
            assert person.last_name not in body
    assert response.context["total"] == "2"
    assert len(response.context["records"]) + response.context["hidden"] == 2
    # Neither a breakdown nor a selection places anyone by home.
    assert "Testilahti" not in body
    assert client.get(drill, {"municipality": str(world["lahti"].pk)}).status_code == 404


def test_a_municipalitys_csv_and_sent_report_hold_only_its_residents(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["director"])
    export = reverse("statistics:export", args=["municipality.yearly", YEAR, "992", "csv"])
    rows = list(
        csv.reader(io.StringIO(client.get(export).content.decode("utf-8-sig")), delimiter=";")
    )
    figures = {cell for row in rows for cell in row}
    assert "< 5" in figures  # the two Hollola clients
    assert not figures & {"6", "7", "8", "9"}  # Lahti's 6 / 7, the association's 8 / 9
    send = reverse("statistics:send", args=["municipality.yearly", YEAR, "992"])
    assert client.post(send).status_code == 302
    with scopes_disabled():
        sent = Submission.objects.get(template_id="municipality.yearly")
        frozen = services.frozen(sent)
    assert sent.municipality == world["hollola"]
    clients = frozen.line(_line("outpatient.clients")).table
    assert clients.total == 2
    assert all(value in (0, 2) for value in clients.values.values())
