"""Municipalities in the statistics are named in the reader's language; the figures are not.

A breakdown by municipality has the municipality's pk as its value (what the figures, the
frozen tables and the content hash hold) and its name in the active language as the label:
Lahti reads "Lahtis" to a Swedish reader. The labels are read anew for each run: a page
rendered in Finnish and then in Swedish in the same process shows each its own names.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from django_scopes import scopes_disabled

from tupa.core.tests.factories import worker_in
from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import Municipality
from tupa.statistics import engine
from tupa.statistics.indicators.base import UNKNOWN, Params
from tupa.statistics.returns import registry as returns
from tupa.statistics.returns.base import Line, Recipient, ReturnTemplate, Section
from tupa.statistics.tests.support import YEAR
from tupa.visitation.tests import scenario as meetings
from tupa.visitation.tests.support import t as meeting_t
from tupa.visitation.tests.support import visitation_form

pytestmark = pytest.mark.django_db

#: Outpatient clients by home municipality (no registered return breaks them down so).
BY_HOME = ReturnTemplate(
    id="test.by_home",
    version=1,
    recipient=Recipient.INTERNAL,
    title=_("Asiakkaat"),
    description="",
    outgoing=False,
    sections=(Section(_("Asiakkaat"), (Line("outpatient.clients", 1, ("municipality",)),)),),
)


def _name(world: dict[str, Any]) -> None:
    """The world's municipalities with real names: Lahti (Lahtis), Hollola (Hollola)."""
    with scopes_disabled():
        Municipality.objects.filter(pk=world["lahti"].pk).update(name_fi="Lahti", name_sv="Lahtis")
        Municipality.objects.filter(pk=world["hollola"].pk).update(
            name_fi="Hollola", name_sv="Hollola"
        )


def _year(world: dict[str, Any], **kwargs: Any) -> Params:
    return Params(world["org"].pk, dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31), **kwargs)


def test_a_breakdown_by_home_municipality_is_labelled_in_the_readers_language(
    world: dict[str, Any],
) -> None:
    """support.build_world: six Lahti clients in crisis work and one in Jussi-työ (7), two
    Hollola clients (2), nobody without a home (0): 9 in all. In Finnish and then in Swedish
    the same values and figures, and the same content hash; only Lahti's label differs."""
    _name(world)
    lahti, hollola = str(world["lahti"].pk), str(world["hollola"].pk)
    with override("fi"):
        fi = engine.run(BY_HOME, _year(world))
    with override("sv"):
        sv = engine.run(BY_HOME, _year(world))
    fi_table, sv_table = fi.lines()[0].table, sv.lines()[0].table
    assert fi_table.rows[:2] == [(hollola, "Hollola"), (lahti, "Lahti")]
    assert sv_table.rows[:2] == [(hollola, "Hollola"), (lahti, "Lahtis")]
    assert [v for v, _label in sv_table.rows] == [hollola, lahti, UNKNOWN]
    for table in (fi_table, sv_table):
        assert (table.cell(lahti), table.cell(hollola), table.cell(UNKNOWN)) == (7, 2, 0)
        assert table.total == 9
    assert fi_table.figures() == sv_table.figures()
    assert fi.content_hash() == sv.content_hash()


def test_the_municipality_report_has_the_same_hash_in_finnish_and_swedish(
    world: dict[str, Any],
) -> None:
    """Hollola's report (its two crisis-work clients): the same content hash however read."""
    _name(world)
    template = returns.get("municipality.yearly")
    params = _year(world, municipality_id=world["hollola"].pk)
    with override("fi"):
        fi = engine.run(template, params)
    with override("sv"):
        sv = engine.run(template, params)
    assert fi.content_hash() == sv.content_hash()


def test_the_catalogue_and_the_municipality_report_name_lahti_in_swedish(
    client: Client, world: dict[str, Any]
) -> None:
    """The catalogue's row of Lahti's report and the report's heading, in Finnish, then in
    Swedish."""
    _name(world)
    login_verified(client, world["director"])
    report = reverse("statistics:return", args=["municipality.yearly", YEAR, "991"])
    catalogue = client.get(reverse("statistics:index"), {"vuosi": YEAR}).content.decode()
    assert "Lahti" in catalogue and "Lahtis" not in catalogue
    assert client.get(report).context["subject"].label == "Lahti"
    client.post(reverse("set_language"), {"language": "sv", "next": "/"})
    catalogue = client.get(reverse("statistics:index"), {"vuosi": YEAR}).content.decode()
    assert "Lahtis" in catalogue
    response = client.get(report)
    assert response.headers["Content-Language"] == "sv"
    assert response.context["subject"].label == "Lahtis"
    assert "Lahtis" in response.content.decode()


MEETING_NOW = meeting_t(2026, 6, 15, 12)


def test_the_meeting_report_names_the_payer_in_each_readers_language(client: Client) -> None:
    """``tupa/visitation/tests/scenario.py``'s Q1 2026: Lahti 7 meetings, Hollola 2. The
    internal meeting report by paying municipality rendered in Finnish and then in Swedish in
    the same process: "Lahti", then "Lahtis", the same figures and content hash (no label of
    the first language is kept for the second)."""
    with time_machine.travel(MEETING_NOW, tick=False):
        form = visitation_form()
        member = worker_in(form)
        meetings.build(form, member)
    with scopes_disabled():
        lahti = Municipality.objects.get(code="398")
        hollola = Municipality.objects.get(code="098")
        Municipality.objects.filter(pk=lahti.pk).update(name_sv="Lahtis")
    login_verified(client, member)
    url = reverse("statistics:return", args=["internal.visitation", 2026, form.slug])
    query = {"alku": "2026-01-01", "loppu": "2026-03-31"}

    def payer_table(response: Any) -> Any:
        return next(
            cl.table
            for cl in response.context["computed"].lines()
            if cl.line.breakdown == ("payer_municipality", "outcome_group")
        )

    with time_machine.travel(MEETING_NOW, tick=False):
        fi = client.get(url, query)
        client.post(reverse("set_language"), {"language": "sv", "next": "/"})
        sv = client.get(url, query)
    assert sv.headers["Content-Language"] == "sv"
    fi_rows, sv_rows = dict(payer_table(fi).rows), dict(payer_table(sv).rows)
    assert (fi_rows[str(lahti.pk)], fi_rows[str(hollola.pk)]) == ("Lahti", "Hollola")
    assert (sv_rows[str(lahti.pk)], sv_rows[str(hollola.pk)]) == ("Lahtis", "Hollola")
    for response in (fi, sv):
        table = payer_table(response)
        assert (table.values[("row", str(lahti.pk))], table.values[("row", str(hollola.pk))]) == (
            7,
            2,
        )
    assert "Lahtis" in sv.content.decode() and "Lahtis" not in fi.content.decode()
    assert fi.context["computed"].content_hash() == sv.context["computed"].content_hash()
