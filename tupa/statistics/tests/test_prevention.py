"""Prevention work's indicators and STEA's report for a prevention grant (TPPH), against a
hand-computed fixture recorded through the register's services.

Fixture (``YEAR`` = 2025), organisation 1 (the statistics world, :mod:`.support`):

TPPH (prevention), activities — kind, role, professionals / citizens / children:
- a0 28.2. event, organised, 0 / 3 / 0 — just before the period March–April.
- a1 12.3. training, organised, 12 / 0 / 0 → 12.
- a2 20.3. event, co-organised, 2 / 30 / 15 → 47.
- a3 8.4. network meeting, took part, 6 / 0 / 0 → 6.
- a4 30.4.–2.5. fair (seminar), took part, 3 / 40 / 0 → 43: a multi-day activity counts once,
  in April, the month of its first day (not in May; a period of May alone does not count it).

March–April: 4 activities (March 2, April 2; training 1, event 1, network 1, seminar 1;
organised 1, co-organised 1, took part 2), reached 108 in 7 units (a zero count makes none):
professionals 23, citizens 70, children 15; March 59, April 49. The year: 5 activities,
reached 111 (citizens 73).

TPPH's materials: "Turvallisuuskortti" 5.3. 100 to a school, 15.4. 40 to a clinic and 1.5. 50
to a school (just after the period); "Juliste" 10.4. 3 to an event. March–April: 143 (the card
140, the poster 3; school 100, clinic 40, event 3; March 100, April 43). The year: 193.

Outside what the params select: a second prevention form of organisation 1, "Ehkäisevä työ 2"
(15.3. event 0 / 9 / 0, a brochure 20.3. 7 to a social office), counted only when the params
select all the organisation's forms; and organisation 2's prevention form (12.3. training
20 / 0 / 0, a material 12.3. 11 to a school), never counted for organisation 1.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role as UserRole
from tupa.core.suppression import PRIMARY, SECONDARY, SHOWN
from tupa.core.tests.factories import ServiceFormFactory, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.finance.models import Grant
from tupa.finance.tests.factories import stea_grant
from tupa.organisations.models import ServiceForm
from tupa.prevention import services
from tupa.prevention.models import Activity, ActivityKind, Material, RecipientKind, Role
from tupa.statistics import engine
from tupa.statistics.engine import run_indicator
from tupa.statistics.indicators import prevention
from tupa.statistics.indicators import registry as indicators
from tupa.statistics.indicators.base import Indicator, Params, Result
from tupa.statistics.indicators.reads import one_run
from tupa.statistics.returns import registry as returns
from tupa.statistics.services import states_for
from tupa.statistics.tests.properties import assert_consistent
from tupa.statistics.tests.support import YEAR, results_report
from tupa.statistics.views.catalogue import catalogue_rows, targets_without_report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("returns_due")]

ALL = (prevention.ACTIVITIES, prevention.REACHED, prevention.MATERIALS)
D = dt.date
SPRING = (D(YEAR, 3, 1), D(YEAR, 4, 30))
THE_YEAR = (D(YEAR, 1, 1), D(YEAR, 12, 31))
TITLE = "STEA: tuloksellisuusraportti (ehkäisevä työ)"


def _activity(
    form: ServiceForm,
    actor: Any,
    day: dt.date,
    kind: str,
    role: str,
    counts: tuple[int, int, int],
    ends_on: dt.date | None = None,
) -> None:
    professionals, citizens, children = counts
    services.activity_record(
        actor=actor,
        service_form=form,
        title=f"{kind} {day}",
        kind=kind,
        role=role,
        starts_on=day,
        ends_on=ends_on,
        professionals=professionals,
        citizens=citizens,
        children=children,
    )


def _deliver(
    form: ServiceForm, actor: Any, material: Material, day: dt.date, quantity: int, to: str
) -> None:
    services.delivery_record(
        actor=actor,
        service_form=form,
        material=material,
        date=day,
        quantity=quantity,
        recipient_kind=to,
        recipient="Testipaikka",
    )


@pytest.fixture
def tpph(world: dict[str, Any]) -> dict[str, Any]:
    """The statistics world with the prevention forms of the module's docstring."""
    org = world["org"]
    form = ServiceFormFactory.create(
        kind=ServiceForm.Kind.PREVENTION,
        name="Turvallisten perheiden Päijät-Häme",
        slug="tpph",
        organisation=org,
        area__organisation=org,
    )
    second = ServiceFormFactory.create(
        kind=ServiceForm.Kind.PREVENTION,
        name="Ehkäisevä työ 2",
        slug="ehkaiseva-2",
        organisation=org,
        area__organisation=org,
    )
    elsewhere = ServiceFormFactory.create(kind=ServiceForm.Kind.PREVENTION, slug="muualla")
    worker, lead = worker_in(form), worker_in(form, role=UserRole.LEAD)
    k, r = ActivityKind, Role
    _activity(form, worker, D(YEAR, 2, 28), k.EVENT, r.ORGANISED, (0, 3, 0))
    _activity(form, worker, D(YEAR, 3, 12), k.TRAINING, r.ORGANISED, (12, 0, 0))
    _activity(form, worker, D(YEAR, 3, 20), k.EVENT, r.CO_ORGANISED, (2, 30, 15))
    _activity(form, worker, D(YEAR, 4, 8), k.NETWORK, r.TOOK_PART, (6, 0, 0))
    _activity(
        form, worker, D(YEAR, 4, 30), k.SEMINAR, r.TOOK_PART, (3, 40, 0), ends_on=D(YEAR, 5, 2)
    )
    card = services.material_add(actor=worker, service_form=form, name="Turvallisuuskortti")
    poster = services.material_add(actor=worker, service_form=form, name="Juliste")
    _deliver(form, worker, card, D(YEAR, 3, 5), 100, RecipientKind.SCHOOL)
    _deliver(form, worker, card, D(YEAR, 4, 15), 40, RecipientKind.CLINIC)
    _deliver(form, worker, card, D(YEAR, 5, 1), 50, RecipientKind.SCHOOL)
    _deliver(form, worker, poster, D(YEAR, 4, 10), 3, RecipientKind.EVENT)

    other = worker_in(second)
    _activity(second, other, D(YEAR, 3, 15), k.EVENT, r.ORGANISED, (0, 9, 0))
    brochure = services.material_add(actor=other, service_form=second, name="Esite")
    _deliver(second, other, brochure, D(YEAR, 3, 20), 7, RecipientKind.SOCIAL)

    stranger = worker_in(elsewhere)
    _activity(elsewhere, stranger, D(YEAR, 3, 12), k.TRAINING, r.ORGANISED, (20, 0, 0))
    theirs = services.material_add(actor=stranger, service_form=elsewhere, name="Esite")
    _deliver(elsewhere, stranger, theirs, D(YEAR, 3, 12), 11, RecipientKind.SCHOOL)
    return {
        **world,
        "tpph": form,
        "second": second,
        "elsewhere": elsewhere,
        "tpph_worker": worker,
        "tpph_lead": lead,
        "card": card,
        "poster": poster,
    }


def _run(
    indicator: Indicator,
    world: dict[str, Any],
    period: tuple[dt.date, dt.date],
    forms: tuple[int, ...] = (),
) -> Result:
    params = Params(world["org"].pk, *period, service_form_ids=forms)
    result = run_indicator(indicator, params)
    assert_consistent(result)
    return result


# --------------------------------------------------------------------------- indicators


def test_the_indicators_are_registered_for_prevention_forms_only(tpph: dict[str, Any]) -> None:
    kinds = {"prevention.activities": "activity", "prevention.reached": "activity"}
    for indicator in ALL:
        assert indicators.get(indicator.id) is indicator
        assert indicator.version == 1 and indicator.records is True
        assert indicator.record_kind == kinds.get(indicator.id, "delivery")
        assert indicator.applies(tpph["tpph"]) and not indicator.applies(tpph["crisis"])
        for key in ("year", "month", "service_form"):
            indicator.dimension(key)  # KeyError fails the test


def test_activities_of_one_form(tpph: dict[str, Any]) -> None:
    r = _run(prevention.ACTIVITIES, tpph, SPRING, (tpph["tpph"].pk,))
    assert r.total == 4
    assert r.by("month") == {(f"{YEAR}-03",): 2, (f"{YEAR}-04",): 2}
    assert r.by("kind") == {
        ("event",): 1,
        ("seminar",): 1,
        ("training",): 1,
        ("workplace",): 0,
        ("visit",): 0,
        ("network",): 1,
        ("other",): 0,
    }
    assert r.by("role") == {("organised",): 1, ("co_organised",): 1, ("took_part",): 2}
    assert r.by("service_form") == {(str(tpph["tpph"].pk),): 4}
    assert all(u.episode_id is None and u.person_id is None for u in r.units)
    with scopes_disabled():
        titles = set(
            Activity.objects.filter(pk__in=[u.record_id for u in r.units]).values_list(
                "title", flat=True
            )
        )
    assert titles == {
        f"{k} {d}"
        for k, d in (
            ("training", D(YEAR, 3, 12)),
            ("event", D(YEAR, 3, 20)),
            ("network", D(YEAR, 4, 8)),
            ("seminar", D(YEAR, 4, 30)),
        )
    }


def test_a_multi_day_activity_counts_in_the_month_of_its_first_day(tpph: dict[str, Any]) -> None:
    """The fair of 30.4.–2.5. is April's; a period of May alone does not count it."""
    forms = (tpph["tpph"].pk,)
    spring_to_may = _run(prevention.ACTIVITIES, tpph, (D(YEAR, 3, 1), D(YEAR, 5, 31)), forms)
    assert spring_to_may.by("month")[(f"{YEAR}-05",)] == 0
    assert spring_to_may.by("month")[(f"{YEAR}-04",)] == 2
    may = (D(YEAR, 5, 1), D(YEAR, 5, 31))
    assert _run(prevention.ACTIVITIES, tpph, may, forms).total == 0
    assert _run(prevention.REACHED, tpph, may, forms).total == 0
    last_day = (D(YEAR, 4, 30), D(YEAR, 4, 30))
    assert _run(prevention.REACHED, tpph, last_day, forms).total == 43


def test_people_reached_of_one_form(tpph: dict[str, Any]) -> None:
    r = _run(prevention.REACHED, tpph, SPRING, (tpph["tpph"].pk,))
    assert r.total == 108
    assert len(r.units) == 7  # a zero count makes no unit
    assert r.by("audience") == {("professionals",): 23, ("citizens",): 70, ("children",): 15}
    assert r.by("month") == {(f"{YEAR}-03",): 59, (f"{YEAR}-04",): 49}
    by_kind = {k: n for (k,), n in r.by("kind").items() if n}
    assert by_kind == {"training": 12, "event": 47, "network": 6, "seminar": 43}
    assert r.by("kind", "audience")[("training", "professionals")] == 12
    assert r.by("role") == {("organised",): 12, ("co_organised",): 47, ("took_part",): 49}


def test_materials_of_one_form(tpph: dict[str, Any]) -> None:
    r = _run(prevention.MATERIALS, tpph, SPRING, (tpph["tpph"].pk,))
    card, poster = str(tpph["card"].pk), str(tpph["poster"].pk)
    assert r.total == 143  # the delivery of 1.5. is after the period
    assert r.by("material") == {(poster,): 3, (card,): 140}  # choices by name
    assert dict(prevention.MATERIAL.values(r.params)) == {
        poster: "Juliste",
        card: "Turvallisuuskortti",
    }
    recipients = {k: n for (k,), n in r.by("recipient_kind").items() if n}
    assert recipients == {"school": 100, "clinic": 40, "event": 3}
    assert r.by("month") == {(f"{YEAR}-03",): 100, (f"{YEAR}-04",): 43}
    year = _run(prevention.MATERIALS, tpph, THE_YEAR, (tpph["tpph"].pk,))
    assert year.total == 193 and year.by("material")[(card,)] == 190


def test_a_material_taken_out_of_distribution_still_counts(tpph: dict[str, Any]) -> None:
    services.material_set_active(actor=tpph["tpph_worker"], material=tpph["card"], active=False)
    r = _run(prevention.MATERIALS, tpph, SPRING, (tpph["tpph"].pk,))
    assert r.by("material")[(str(tpph["card"].pk),)] == 140


def test_the_organisations_forms_without_the_other_organisations(tpph: dict[str, Any]) -> None:
    """All organisation 1's forms: TPPH and the second prevention form count, organisation 2's
    form never does, not even when the params name it."""
    tpph_pk, second = str(tpph["tpph"].pk), str(tpph["second"].pk)
    activities = _run(prevention.ACTIVITIES, tpph, SPRING)
    assert activities.by("service_form") == {(second,): 1, (tpph_pk,): 4}  # by name
    reached = _run(prevention.REACHED, tpph, SPRING)
    assert reached.total == 108 + 9
    materials = _run(prevention.MATERIALS, tpph, SPRING)
    assert materials.total == 143 + 7
    assert len(prevention.MATERIAL.values(materials.params)) == 3  # the card, the poster, Esite
    named = (tpph["tpph"].pk, tpph["elsewhere"].pk)
    params = Params(tpph["org"].pk, *SPRING, service_form_ids=named)
    assert sum(u.weight for u in prevention.REACHED.units(params)) == 108
    assert sum(u.weight for u in prevention.MATERIALS.units(params)) == 143
    # Organisation 2 counts its own.
    theirs = Params(tpph["elsewhere"].organisation_id, *SPRING)
    assert run_indicator(prevention.REACHED, theirs).total == 20
    assert run_indicator(prevention.MATERIALS, theirs).total == 11


def test_materials_of_the_same_name_in_two_forms_are_told_apart(tpph: dict[str, Any]) -> None:
    services.material_add(actor=tpph["tpph_worker"], service_form=tpph["tpph"], name="Esite")
    params = Params(tpph["org"].pk, *SPRING, service_form_ids=(tpph["tpph"].pk, tpph["second"].pk))
    labels = [label for _pk, label in prevention.MATERIAL.values(params)]
    assert labels == [
        "Esite (Ehkäisevä työ 2)",
        "Esite (Turvallisten perheiden Päijät-Häme)",
        "Juliste",
        "Turvallisuuskortti",
    ]


def test_a_municipality_report_has_no_prevention_figures(tpph: dict[str, Any]) -> None:
    params = Params(tpph["org"].pk, *THE_YEAR, municipality_id=tpph["lahti"].pk)
    for indicator in ALL:
        assert run_indicator(indicator, params).total == 0, indicator.key


PERIODS = [
    SPRING,
    THE_YEAR,
    (D(YEAR, 4, 30), D(YEAR, 5, 1)),
    (D(YEAR, 2, 1), D(YEAR + 1, 1, 31)),
    (D(YEAR, 6, 1), D(YEAR, 6, 30)),
]


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: f"{p[0]}..{p[1]}")
@pytest.mark.parametrize("which", ["tpph", "all"])
def test_every_dimension_adds_up_to_the_total(
    tpph: dict[str, Any], period: tuple[dt.date, dt.date], which: str
) -> None:
    """Sum over every dimension = the total, and no unit has a value outside the choices
    (:func:`assert_consistent`), for every indicator, period and choice of forms; and the two
    readings of the activities agree with each other and with the records."""
    forms = (tpph["tpph"].pk,) if which == "tpph" else ()
    results = {indicator.id: _run(indicator, tpph, period, forms) for indicator in ALL}
    activities, reached = results["prevention.activities"], results["prevention.reached"]
    assert activities.by("month").keys() == reached.by("month").keys()
    months_with_activities = {k for k, n in activities.by("month").items() if n}
    months_with_people = {k for k, n in reached.by("month").items() if n}
    assert months_with_people <= months_with_activities


def test_one_query_per_indicator_and_one_for_both_readings_of_the_activities(
    tpph: dict[str, Any], django_assert_num_queries: Any
) -> None:
    params = Params(tpph["org"].pk, *SPRING, service_form_ids=(tpph["tpph"].pk, tpph["second"].pk))
    for indicator in ALL:
        with django_assert_num_queries(1):
            list(indicator.units(params))
    with one_run(), django_assert_num_queries(1):
        list(prevention.ACTIVITIES.units(params))
        list(prevention.REACHED.units(params))


# --------------------------------------------------------------------------- STEA's report


def _grant(tpph: dict[str, Any], **kwargs: Any) -> Grant:
    return stea_grant(
        tpph["tpph"],
        year_from=kwargs.pop("year_from", YEAR),
        target_name="TPPH",
        target_code="Ak 1006",
        **kwargs,
    )


def test_the_template_is_the_latest_stea_report_for_prevention_forms(
    tpph: dict[str, Any],
) -> None:
    template = returns.get("stea.prevention")
    assert template.key == "stea.prevention@2"  # version 2: the feedback by own questionnaires
    assert str(template.title) == TITLE
    assert template in list(returns.latest())
    assert template.visible == "statistics.form.view" and template.outgoing
    assert template.deadline_for(YEAR) == D(YEAR + 1, 3, 31)
    assert template.applies(tpph["tpph"]) and not template.applies(tpph["crisis"])
    # The same perspectives III–VI as the latest version of the other STEA reports.
    outpatient = returns.get("stea.outpatient")
    assert template.sections[2:] == outpatient.sections[2:]
    with scopes_disabled():
        form = template.forms(ServiceForm.objects.filter(pk=tpph["tpph"].pk)).get()
    assert not template.available_for(form, YEAR)  # no grant yet
    _grant(tpph)
    with scopes_disabled():
        form = template.forms(ServiceForm.objects.filter(pk=tpph["tpph"].pk)).get()
    assert template.available_for(form, YEAR) and not template.available_for(form, YEAR + 1)


def _figures(template_id: str, tpph: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Each volume line's figures by its row value ("" for the total), titled by its label."""
    template = returns.get(template_id)
    params = Params(tpph["org"].pk, *THE_YEAR, service_form_ids=(tpph["tpph"].pk,))
    computed = engine.run(template, params)
    out = {}
    for line in computed.sections[1].lines:
        t = line.table
        cells = {r: t.cell(r) for r, _label in t.rows} if t.ways == 1 else {}
        out[line.title] = {**{k: v for k, v in cells.items() if v}, "": t.total}
    return out


def test_the_stea_report_counts_the_hand_computed_figures(tpph: dict[str, Any]) -> None:
    """The year of TPPH alone (the second form and organisation 2 are not in it)."""
    figures = _figures("stea.prevention", tpph)
    card, poster = str(tpph["card"].pk), str(tpph["poster"].pk)
    assert figures == {
        "Tilaisuudet lajeittain": {"event": 2, "training": 1, "network": 1, "seminar": 1, "": 5},
        "Tilaisuudet kuukausittain": {
            f"{YEAR}-02": 1,
            f"{YEAR}-03": 2,
            f"{YEAR}-04": 2,
            "": 5,
        },
        "Tilaisuudet työmuodon osuuden mukaan": {
            "organised": 2,
            "co_organised": 1,
            "took_part": 2,
            "": 5,
        },
        "Tavoitetut kohderyhmittäin": {
            "professionals": 23,
            "citizens": 73,
            "children": 15,
            "": 111,
        },
        "Tavoitetut tilaisuuden lajin ja kohderyhmän mukaan": {"": 111},
        "Jaetut materiaalit materiaaleittain": {card: 190, poster: 3, "": 193},
        "Jaetut materiaalit vastaanottajittain": {
            "school": 150,
            "clinic": 40,
            "event": 3,
            "": 193,
        },
    }


def test_small_counts_of_people_are_suppressed_and_of_events_and_copies_not(
    tpph: dict[str, Any],
) -> None:
    """It leaves the association: people reached 1–4 are hidden ("< 5"), with a complementary
    figure so that the total does not give the small one away; zeros and the rest are shown.
    Events held and copies handed out single nobody out: shown as counted."""
    template = returns.get("stea.prevention")
    params = Params(tpph["org"].pk, *THE_YEAR, service_form_ids=(tpph["tpph"].pk,))
    computed = engine.run(template, params)
    states = states_for(computed)
    assert states is not None
    by_title = {line.title: states[line.index] for line in computed.lines()}
    recipients = by_title["Jaetut materiaalit vastaanottajittain"]
    assert set(recipients.values()) == {SHOWN}  # 3 copies to an event, shown
    kinds = by_title["Tilaisuudet lajeittain"]
    assert set(kinds.values()) == {SHOWN}  # 3 events, shown
    audience = by_title["Tavoitetut kohderyhmittäin"]
    both = by_title["Tavoitetut tilaisuuden lajin ja kohderyhmän mukaan"]
    hidden = {key: state for key, state in both.items() if state != SHOWN}
    assert PRIMARY in hidden.values() and SECONDARY in hidden.values()
    small = {key for key, state in hidden.items() if state == PRIMARY}
    table = next(
        cl.table
        for cl in computed.lines()
        if cl.title == ("Tavoitetut tilaisuuden lajin ja kohderyhmän mukaan")
    )
    # 23, 73, 15 by audience: nothing small, but a group total the two-way line hides to
    # protect its small cell is hidden here too (the same people), and only such a one.
    hidden_totals = {key[1] for key in hidden if key[0] == "col"}
    assert hidden_totals
    assert {key[1] for key, state in audience.items() if state != SHOWN} == hidden_totals
    assert PRIMARY not in audience.values()
    assert all(0 < table.values[key] < 5 for key in small)
    assert all(not 0 < table.values[key] < 5 for key, state in both.items() if state != PRIMARY)


def test_the_catalogue_lists_the_report_for_a_grant_and_no_longer_as_not_counted(
    client: Client, tpph: dict[str, Any]
) -> None:
    """TPPH's STEA grant now has its report in the catalogue (sent elsewhere, by the
    register); the general grant with no form is still the one Tupa does not count."""
    grant = _grant(tpph)
    results_report(grant, YEAR, done_on=D(YEAR + 1, 2, 27))
    with scopes_disabled():
        general = stea_grant(
            tpph["crisis"],
            year_from=YEAR,
            kind=Grant.Kind.STEA_GENERAL,
            target_name="Yhdistyksen yleisavustus",
            target_code="Ay 1001",
        )
        general.service_forms.clear()
    url = reverse("statistics:return", args=["stea.prevention", YEAR, "tpph"])
    with scopes_disabled():
        rows = catalogue_rows(tpph["director"], YEAR)
        targets = targets_without_report(tpph["org"].pk, YEAR)
    assert [(r["template"].id, r["key"]) for r in rows if r["key"] == "tpph"] == [
        ("stea.prevention", "tpph")
    ]
    assert [r["grant"] for r in targets] == [general]
    login_verified(client, tpph["director"])
    page = client.get(reverse("statistics:index"), {"vuosi": YEAR}).content.decode()
    row = re.search(rf'{url}".*?</tr>', page, re.S)
    assert row is not None and TITLE in page
    assert f"Lähetetty 27.2.{YEAR + 1} muualla (avustusrekisteri)" in row.group(0)
    table = re.search(r'data-table="other-targets".*?</table>', page, re.S)
    assert table is not None
    assert "Yhdistyksen yleisavustus" in table.group(0) and "TPPH" not in table.group(0)
    # The second prevention form has no grant: no report for it.
    assert reverse("statistics:return", args=["stea.prevention", YEAR, "ehkaiseva-2"]) not in page


def test_the_forms_members_open_the_report_suppressed(client: Client, tpph: dict[str, Any]) -> None:
    _grant(tpph)
    url = reverse("statistics:return", args=["stea.prevention", YEAR, "tpph"])
    login_verified(client, tpph["tpph_worker"])
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert TITLE in page and "TPPH (Ak 1006)" in page
    assert "&lt; 5" in page and "Tavoitetut kohderyhmittäin" in page
    assert url in client.get(reverse("statistics:index"), {"vuosi": YEAR}).content.decode()
    # Every figure's drill-down shows its breakdowns (and its records: see below).
    for index, _line in returns.get("stea.prevention").lines():
        drill = reverse("statistics:drill", args=["stea.prevention", YEAR, "tpph", index])
        assert client.get(drill).status_code == 200, index
    materials = reverse("statistics:drill", args=["stea.prevention", YEAR, "tpph", 5])
    body = client.get(materials, {"material": str(tpph["card"].pk)}).content.decode()
    assert "Turvallisuuskortti" in body and "190" in body
    # Its lead may send it; a worker of another form does not see it.
    login_verified(client, tpph["tpph_lead"])
    send = reverse("statistics:send", args=["stea.prevention", YEAR, "tpph"])
    assert client.post(send, {"note": "STEA"}).status_code == 302
    login_verified(client, tpph["worker"])
    assert client.get(url).status_code == 404
    # Not in a year the grant does not cover.
    login_verified(client, tpph["tpph_worker"])
    later = reverse("statistics:return", args=["stea.prevention", YEAR + 1, "tpph"])
    assert client.get(later).status_code == 404


def test_the_grants_page_lists_the_prevention_report(client: Client, tpph: dict[str, Any]) -> None:
    grant = _grant(tpph)
    login_verified(client, tpph["director"])
    page = client.get(reverse("finance:grant", args=[grant.pk])).content.decode()
    assert 'data-table="grant-reports"' in page and TITLE in page
    assert "Tupa ei laske tämän avustuskohteen tuloksellisuusraporttia" not in page
    assert reverse("statistics:return", args=["stea.prevention", YEAR, "tpph"]) in page


def test_the_annual_pack_and_the_overview_show_prevention_work(
    client: Client, tpph: dict[str, Any]
) -> None:
    from tupa.statistics.annual import pack

    with scopes_disabled():
        sections = pack(organisation_id=tpph["org"].pk, year=YEAR, threshold=5)
    section = next(s for s in sections if s.title == "Ehkäisevä työ")
    figures = {
        (line.indicator.id, f.form.slug): f.current for line in section.lines for f in line.figures
    }
    assert figures == {
        ("prevention.activities", "tpph"): 5,
        ("prevention.activities", "ehkaiseva-2"): 1,
        ("prevention.reached", "tpph"): 111,
        ("prevention.reached", "ehkaiseva-2"): 9,
        ("prevention.materials", "tpph"): 193,
        ("prevention.materials", "ehkaiseva-2"): 7,
    }
    # The annual report is public, but one event held singles out no one: shown whole.
    texts = {
        (line.indicator.id, f.form.slug): f.current_text
        for line in section.lines
        for f in line.figures
    }
    assert texts[("prevention.activities", "ehkaiseva-2")] == "1"
    login_verified(client, tpph["director"])
    page = client.get(reverse("statistics:overview")).content.decode()
    assert "Turvallisten perheiden Päijät-Häme" in page
    assert reverse("statistics:indicator", args=["prevention.activities", "tpph", 2026]) in page


def _drill(line: int) -> str:
    return reverse("statistics:drill", args=["stea.prevention", YEAR, "tpph", line])


def test_a_figures_drill_down_lists_its_activities_to_the_forms_members(
    client: Client, tpph: dict[str, Any]
) -> None:
    """Line 0 is the activities by kind: the one training of the year, linked to the register
    for a member of the form; the director, who reads the report, sees that it is there."""
    _grant(tpph)
    with scopes_disabled():
        training = Activity.objects.get(service_form=tpph["tpph"], kind="training")
    edit = reverse("prevention:activity_edit", args=["tpph", training.pk])
    login_verified(client, tpph["tpph_worker"])
    page = client.get(_drill(0), {"kind": "training"}).content.decode()
    assert "Tilaisuudet luvun takana" in page
    assert f'href="{edit}"' in page and f"training {D(YEAR, 3, 12)}" in page
    assert "näkevät vain työmuodon työntekijät" not in page
    login_verified(client, tpph["director"])
    page = client.get(_drill(0), {"kind": "training"}).content.decode()
    assert edit not in page and f"training {D(YEAR, 3, 12)}" not in page
    assert "Luvussa on mukana 1 kirjaus, jonka näkevät vain työmuodon työntekijät." in page


def test_a_material_figures_drill_down_lists_its_deliveries(
    client: Client, tpph: dict[str, Any]
) -> None:
    """Line 5 is the copies by material: the card's three deliveries of the year (100, 40, 50)."""
    _grant(tpph)
    login_verified(client, tpph["tpph_worker"])
    page = client.get(_drill(5), {"material": str(tpph["card"].pk)}).content.decode()
    rows = re.findall(r'<tr>\s*<td><a href="[^"]*materiaalit/[^"]*">([^<]+)</a>', page)
    assert rows == [f"5.3.{YEAR}", f"15.4.{YEAR}", f"1.5.{YEAR}"]
    assert (
        page.count("Turvallisuuskortti</td>") == 3 and "Koulu tai oppilaitos: Testipaikka" in page
    )


def test_the_drill_down_reads_its_records_in_one_query_however_many(
    client: Client, tpph: dict[str, Any]
) -> None:
    _grant(tpph)
    login_verified(client, tpph["tpph_worker"])
    client.get(_drill(0))

    with CaptureQueriesContext(connection) as few:
        client.get(_drill(0))
    for day in range(1, 11):
        _activity(
            tpph["tpph"], tpph["tpph_worker"], D(YEAR, 6, day), "event", "organised", (0, 5, 0)
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get(_drill(0)).content.decode()
    assert page.count('href="/ehkaiseva-tyo/tpph/') == 15
    assert len(many) == len(few)
