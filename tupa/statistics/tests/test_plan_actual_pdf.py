"""The board's plan against actual as a PDF (``statistics:plan_actual?muoto=pdf``): the page's
figures and goals, the theme × status summary, the facts of the copy and how the figures are
counted, behind the page's own access decision.

The world and its hand-counted figures are :mod:`.test_plan_actual`'s: to the end of the first
quarter of 2025 crisis work has 4 clients and 2 visits against 1 and 1 on 1.1.–31.3.2024; to the
end of 2025, 9 clients and 3 visits against 1 and 2; Jussi-työ 1 client, no visits.
"""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client

from tupa.accounts.models import Role
from tupa.core.tests.factories import ServiceFormFactory, org_role_user, worker_in
from tupa.core.tests.helpers import login_verified, pdf_text
from tupa.organisations.models import ServiceForm
from tupa.statistics.indicators import registry as indicators

from .test_plan_actual import NEXT_YEAR, _goal, _url, world  # noqa: F401

pytestmark = pytest.mark.django_db


def _pdf(client: Client, **query: Any) -> str:
    response = client.get(_url(), {"muoto": "pdf", **query})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return pdf_text(response.content)


def test_the_pdf_holds_the_figures_beside_last_years_and_the_goals(
    client: Client,
    world: dict[str, Any],  # noqa: F811
) -> None:
    login_verified(client, world["director"])
    with time_machine.travel(NEXT_YEAR, tick=False):
        response = client.get(_url(), {"neljannes": 1, "muoto": "pdf"})
        whole = _pdf(client)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="suunnitelma-ja-toteuma-2025-q1.pdf"'
    )
    text = pdf_text(response.content)
    # The title and the facts of the copy: the periods, and when it was counted.
    assert text.startswith(f"Suunnitelma ja toteuma 2025 – {world['org'].name} ")
    assert "Vuosineljännes 1 Luvut 1.1.–31.3.2025 Vertailu 1.1.–31.3.2024" in text
    assert "Tavoitteita 5 Laskettu 2.3.2026 12.00" in text
    # The theme × status summary: planned, in progress, achieved, partly, not achieved,
    # postponed; total.
    assert "Koko yhdistyksen 5 tavoitetta vuonna 2025" in text
    assert "T1 Asiakkaan osallisuus 0 1 1 0 0 0 2" in text
    assert "T2 Varhainen tuki 1 0 0 1 0 0 2" in text
    assert "Muut tavoitteet (ei painopistettä) 0 0 0 0 1 0 1 Yhteensä 1 1 1 1 1 0 5" in text
    # The association's own goal, then crisis work's figures (this year, last year) and goals.
    assert (
        "Koko yhdistys T2 Varhainen tuki Tavoite Tila Arvio "
        "Vahvistetaan yhteistyötä neuvoloiden kanssa. osittain toteutunut "
        "Kaksi neuvolaa neljästä mukana."
    ) in text
    assert "Avopalvelujen asiakkaat henkilöä 4 1" in text
    assert "Toteutuneet asiakastapaamiset tapaamista 2 1" in text
    assert (
        "Suunnitellaan toimintaa yhdessä asiakkaiden kanssa. toteutunut "
        "Asiakasraati kokoontui neljä kertaa."
    ) in text
    assert "Aloitetaan työ perheiden kanssa aiemmin. suunniteltu Ei arvioitu" in text
    assert "Tavoitetaan uusia isiä. ei toteutunut Työntekijä vaihtui kesken vuoden." in text
    assert text.index("Avokriisityö Avokriisityö: keskeiset luvut") < text.index("Jussi-työ")
    # The evidence stays on the page, as in the CSV.
    assert "muistiot" not in text
    # How it is counted: the period, and the rule of each figure once.
    how = text.split("Miten luvut on laskettu", 1)[1]
    assert "1.1.–31.3.2025" in how and "pieniä lukuja ei ole salattu" in how
    visits = indicators.get("outpatient.visits")
    assert f"Toteutuneet asiakastapaamiset (tapaamista) {visits.rule}" in how
    assert how.count("Avopalvelujen asiakkaat (henkilöä)") == 1
    # The default quarter of a past year is the fourth: the whole year.
    assert "Luvut 1.1.–31.12.2025 Vertailu 1.1.–31.12.2024" in whole
    assert "Avopalvelujen asiakkaat henkilöä 9 1" in whole
    assert "Toteutuneet asiakastapaamiset tapaamista 3 2" in whole


def test_the_page_links_the_pdf_of_its_quarter(
    client: Client,
    world: dict[str, Any],  # noqa: F811
) -> None:
    login_verified(client, world["director"])
    with time_machine.travel(NEXT_YEAR, tick=False):
        page = client.get(_url(), {"neljannes": 2}).content.decode()
    assert f'<a href="{_url()}?neljannes=2&amp;muoto=pdf">Lataa PDF</a>' in page


def test_only_the_executive_director_gets_the_pdf(
    client: Client,
    world: dict[str, Any],  # noqa: F811
) -> None:
    """The page's access decision: anyone else of the organisation gets 404, and another
    organisation's director gets their own organisation's plan, never this one's."""
    with time_machine.travel(NEXT_YEAR, tick=False):
        for who in ("lead", "worker", "jussi_worker", "finance", "dpo"):
            login_verified(client, world[who])
            assert client.get(_url(), {"muoto": "pdf"}).status_code == 404, who
        login_verified(client, world["director"])
        assert "Avokriisityö" in _pdf(client)
        assert client.get(_url(), {"muoto": "pdf", "neljannes": 5}).status_code == 404
        other_form = ServiceFormFactory.create(kind=ServiceForm.Kind.OUTPATIENT, name="Muu työ")
        login_verified(client, worker_in(other_form, role=Role.LEAD))
        assert client.get(_url(), {"muoto": "pdf"}).status_code == 404
        login_verified(client, org_role_user(other_form.organisation, Role.EXECUTIVE_DIRECTOR))
        text = _pdf(client)
        assert "Muu työ" in text and "Vuodelle 2025 ei ole kirjattu tavoitteita." in text
        assert "Avokriisityö" not in text and "neuvoloiden" not in text
        client.logout()
        assert client.get(_url(), {"muoto": "pdf"}).status_code == 302
