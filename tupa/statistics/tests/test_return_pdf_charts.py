"""The charts of a return's PDF from the database: a sent return's PDF draws what was sent (its
frozen figures), not today's data, and the return's own PDF today's (issue 11 item 6, "PDF with
charts"; the charts and their suppression: test_exports.py)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.core.tests.helpers import login_verified
from tupa.statistics.models import Submission
from tupa.statistics.tests.support import YEAR, client_since
from tupa.statistics.views import returns as return_views
from tupa.statistics.views.submissions import submission_output

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("returns_due")]

ARGS = ["stea.outpatient", YEAR, "avokriisityo"]


def _new_clients_chart(html: str) -> list[tuple[str, str]]:
    """The bars (width, tooltip) of the chart of "Uudet asiakkaat" (new or continuing)."""
    chart = re.search(r"<svg [^>]*><title>Uudet asiakkaat</title>.*?</svg>", html)
    assert chart is not None, "no chart of the new clients"
    return re.findall(
        r'<rect x="130" y="\d+" width="(\d+)" height="13" [^>]*><title>([^<]*)', chart.group(0)
    )


def test_a_sent_returns_pdf_charts_the_frozen_figures(
    client: Client, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """STEA's report of crisis work is sent with its 8 clients, all new in YEAR (the world's
    six Lahti and two Hollola clients): the chart is 8 new (the full 150-unit span) and 0
    continuing. Then 3 new and 5 continuing clients (since YEAR − 1) are entered: the return's
    own PDF draws 11 and 5 (150 and 150·5/11 = 68.2 → 68), the sent one still 8 and 0."""
    given: list[str] = []

    def recording(html: str) -> bytes:
        given.append(html)
        return b"%PDF"

    monkeypatch.setattr(return_views, "html_to_pdf", recording)
    login_verified(client, world["lead"])
    assert client.post(reverse("statistics:send", args=ARGS)).status_code == 302
    for day in range(3):
        client_since(world["crisis"], dt.date(YEAR, 9, 1 + day))
    for day in range(5):
        client_since(world["crisis"], dt.date(YEAR - 1, 11, 1 + day))
    with scopes_disabled():
        sent = Submission.objects.get()
        submission_output(sent, "pdf")
    response = client.get(reverse("statistics:export", args=[*ARGS, "pdf"]))
    assert response.status_code == 200
    sent_html, live_html = given
    assert _new_clients_chart(sent_html) == [
        ("150", "Uudet asiakkaat: 8"),
        ("0", "Jatkavat asiakkaat: 0"),
    ]
    assert _new_clients_chart(live_html) == [
        ("150", "Uudet asiakkaat: 11"),
        ("68", "Jatkavat asiakkaat: 5"),
    ]
