"""The place calendar and the monthly occupancy chart, against a hand-computed October 2026.

Two family places p1, p2; the nights rule (a night counts for the date of its evening; a
same-day stay counts its one day). Daylight saving time ends on 25.10.2026 (a 25-hour day).

  stay 1  A  p1  2.10. 20:00 →  5.10. 10:00   nights 2., 3., 4.                  → p1: 3
  stay 2  B  p2  8.10. 12:00 → 20.10. 15:00   (moved) nights 8.–19.              → p2: 12
  stay 3  B  p1 20.10. 15:00 → 26.10. 10:00   nights 20.–25. (incl. the DST day) → p1: 6
  stay 4  C  p2 28.10. 10:00 → 28.10. 18:00   same-day stay: 28.                 → p2: 1
  stay 5  D  p2 30.10. 22:00 → open           30., 31. and all of November       → p2: 2 + 30

October: 62 place-days, occupied 3 + 6 + 12 + 1 + 2 = 24 → 24 × 100 / 62 = 38.709… → 38.7 %.
November: 60 place-days, occupied 30 (the open stay counts to the end of the month) → 50.0 %.
Seen on 15.11.2026 (issue 10: future nights are not used), November is counted to the last
complete night, 14.11.: 28 place-days, occupied 14 → 50.0 %, and 16 nights are expected.
September 2026: nothing → 0.0 %.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from tupa.accounts.models import Role
from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import (
    EpisodeFactory,
    ParticipantFactory,
    ServiceFormFactory,
    org_role_user,
    worker_in,
)
from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import ServiceForm
from tupa.residential.calendar import selectors as cal
from tupa.residential.calendar.charts import csp_safe_svg
from tupa.residential.models import Destination, PayerCategory, Stay, StayMember
from tupa.residential.stays import selectors, services

from .support import family, place, residential_form, t

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 15, 12, tzinfo=dt.UTC)


def _admit(member: Any, form: ServiceForm, code: str, arrived: dt.datetime, **kw: Any) -> Any:
    episode, members = family(form, children=kw.pop("children", 0))
    stay = services.stay_admit(
        actor=member,
        episode=episode,
        place=place(form, code),
        arrived_at=arrived,
        members=members,
        payer_category=PayerCategory.STATE,
    )
    return episode, members, stay


@pytest.fixture
def world() -> dict[str, Any]:
    form = residential_form(places=2, room_capacity=None)
    member = worker_in(form)
    _a, a_members, stay_a = _admit(member, form, "p1", t(2026, 10, 2, 20), children=1)
    services.stay_discharge(
        actor=member, stay=stay_a, departed_at=t(2026, 10, 5, 10), destination=Destination.HOME
    )
    _b, b_members, stay_b = _admit(member, form, "p2", t(2026, 10, 8, 12))
    stay_b2 = services.stay_move(
        actor=member, stay=stay_b, to_place=place(form, "p1"), at=t(2026, 10, 20, 15)
    )
    services.stay_discharge(
        actor=member, stay=stay_b2, departed_at=t(2026, 10, 26, 10), destination=Destination.HOME
    )
    _c, _c_members, stay_c = _admit(member, form, "p2", t(2026, 10, 28, 10))
    services.stay_discharge(
        actor=member, stay=stay_c, departed_at=t(2026, 10, 28, 18), destination=Destination.HOME
    )
    _d, d_members, _stay_d = _admit(member, form, "p2", t(2026, 10, 30, 22))
    return {"form": form, "member": member, "a": a_members, "b": b_members, "d": d_members}


# --------------------------------------------------------------------------- selectors


def test_monthly_occupancy_matches_the_hand_count_and_the_period_selector(
    world: dict[str, Any],
) -> None:
    form = world["form"]
    with scope(organisation=form.organisation):
        months = cal.occupancy_by_month(
            service_form=form, months=[(2026, 9), (2026, 10), (2026, 11)]
        )
        october = selectors.occupancy_period(
            service_form=form, start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31)
        )
    sept, oct_, nov = months
    assert (sept.place_days, sept.occupied_place_days, str(sept.occupancy_percent)) == (
        60,
        0,
        "0.0",
    )
    assert (oct_.place_days, oct_.occupied_place_days, str(oct_.occupancy_percent)) == (
        62,
        24,
        "38.7",
    )
    assert (nov.place_days, nov.occupied_place_days, str(nov.occupancy_percent)) == (60, 30, "50.0")
    assert october.occupied_place_days == oct_.occupied_place_days
    assert october.occupancy_percent == oct_.occupancy_percent


def test_months_back_crosses_the_year() -> None:
    assert cal.months_back(dt.date(2026, 2, 10), 4) == [
        (2025, 11),
        (2025, 12),
        (2026, 1),
        (2026, 2),
    ]


def test_calendar_cells_follow_the_nights_rule(world: dict[str, Any]) -> None:
    form = world["form"]
    with scope(organisation=form.organisation):
        calendar = cal.place_calendar(service_form=form, start=dt.date(2026, 10, 1), days=31)
    numbering = {s.pk: n for n, s in enumerate(calendar.stays, start=1)}
    assert len(numbering) == 5
    p1, p2 = calendar.rows

    def taken(row: cal.CalendarRow) -> dict[int, int]:
        return {
            day.day: numbering[cell.pk]
            for day, cell in zip(calendar.days, row.cells, strict=True)
            if cell is not None
        }

    assert taken(p1) == {**dict.fromkeys([2, 3, 4], 1), **dict.fromkeys(range(20, 26), 3)}
    assert taken(p2) == {**dict.fromkeys(range(8, 20), 2), 28: 4, 30: 5, 31: 5}


# --------------------------------------------------------------------------- views


def _outsiders(form: ServiceForm) -> dict[str, Any]:
    other_form = ServiceFormFactory.create(
        organisation=form.organisation, kind=ServiceForm.Kind.RESIDENTIAL
    )
    other_org_form = ServiceFormFactory.create(kind=ServiceForm.Kind.RESIDENTIAL)
    return {
        "other form worker": worker_in(other_form),
        "other organisation": worker_in(other_org_form),
        "admin": org_role_user(form.organisation, Role.ADMINISTRATOR),
        "dpo": org_role_user(form.organisation, Role.DATA_PROTECTION_OFFICER),
        "executive director": org_role_user(form.organisation, Role.EXECUTIVE_DIRECTOR),
    }


@time_machine.travel(NOW, tick=False)
def test_access_matrix(client: Client, world: dict[str, Any]) -> None:
    form = world["form"]
    urls = [
        reverse("residential:calendar", args=[form.slug]),
        reverse("residential:occupancy_chart", args=[form.slug]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    login_verified(client, world["member"])
    for url in urls:
        assert client.get(url).status_code == 200, url
    for label, user in _outsiders(form).items():
        client.logout()
        login_verified(client, user)
        for url in urls:
            assert client.get(url).status_code == 404, (label, url)
    # A non-residential form of which the user is a member is 404 too.
    outpatient = ServiceFormFactory.create(organisation=form.organisation)
    worker = worker_in(outpatient)
    client.logout()
    login_verified(client, worker)
    assert client.get(reverse("residential:calendar", args=[outpatient.slug])).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_calendar_names_visible_families_logs_them_and_hides_the_rest(
    client: Client, world: dict[str, Any]
) -> None:
    form = world["form"]
    # A stay in p1 in October whose episode belongs to another service form (misfiled): the
    # calendar shows the place as taken but does not name the family.
    other = ServiceFormFactory.create(organisation=form.organisation, kind="residential")
    hidden_episode = EpisodeFactory.create(service_form=other, organisation=form.organisation)
    hidden = ParticipantFactory.create(episode=hidden_episode, role="client")
    with scopes_disabled():
        stay = Stay.objects.create(
            organisation=form.organisation,
            episode=hidden_episode,
            place=place(form, "p1"),
            arrived_at=t(2026, 10, 10, 12),
            departed_at=t(2026, 10, 12, 12),
            payer_category=PayerCategory.STATE,
            created_by=world["member"],
        )
        StayMember.objects.create(
            stay=stay,
            participant=hidden,
            arrived_at=t(2026, 10, 10, 12),
            departed_at=t(2026, 10, 12, 12),
        )
    login_verified(client, world["member"])
    html = client.get(
        reverse("residential:calendar", args=[form.slug]), {"kuukausi": "2026-10"}
    ).content.decode()
    mother_a = world["a"][0].person
    assert f"{mother_a.first_names} {mother_a.last_name}" in html
    assert hidden.person.first_names not in html
    assert "Varattu" in html
    with scopes_disabled():
        logged = set(
            AccessEvent.objects.filter(user=world["member"]).values_list("subject_id", flat=True)
        )
    # The clients of the four visible families; children are not named, so not logged.
    expected = {str(world[k][0].person.pk) for k in ("a", "b", "d")}
    assert expected <= logged
    assert str(hidden.person.pk) not in logged
    assert len(logged) == 4  # a, b, c, d clients


@time_machine.travel(NOW, tick=False)
def test_bad_month_parameter_falls_back_to_the_current_month(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["member"])
    url = reverse("residential:calendar", args=[world["form"].slug])
    for bad in ("2026-13", "x", "1999-01", ""):
        response = client.get(url, {"kuukausi": bad})
        assert response.status_code == 200
        assert "marraskuu 2026" in response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_chart_is_csp_safe_and_the_table_has_the_numbers(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["member"])
    response = client.get(
        reverse("residential:occupancy_chart", args=[world["form"].slug]),
        {"kuukausi": "2026-11"},
    )
    html = response.content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "style=" not in svg
    assert "<style" not in svg
    assert 'role="img"' in svg
    assert re.search(r'data-figure="percent-2026-10">38,7 %<', html) or re.search(
        r'data-figure="percent-2026-10">38\.7 %<', html
    )
    assert 'data-figure="occupied-2026-11">14<' in html  # counted to 14.11., not to 30.11.
    assert 'data-figure="occupied-2025-12">0<' in html


def test_csp_safe_svg_turns_styles_into_attributes() -> None:
    raw = (
        '<?xml version="1.0"?>\n<svg width="10pt" height="5pt" viewBox="0 0 10 5">'
        "<defs><style>*{stroke-linejoin:round}</style></defs>"
        '<path d="M0 0" style="fill: #5b2a86; stroke: url(#x); position: absolute"/></svg>'
    )
    safe = csp_safe_svg(raw, title="Otsikko <b>", title_id="c1")
    assert safe.startswith('<svg viewBox="0 0 10 5" role="img" aria-labelledby="c1"')
    assert '<title id="c1">Otsikko &lt;b&gt;</title>' in safe
    assert 'fill="#5b2a86"' in safe
    assert 'stroke="url(#x)"' in safe
    assert "position" not in safe
    assert "<style" not in safe


@time_machine.travel(NOW, tick=False)
def test_calendar_and_chart_query_counts_are_flat(client: Client) -> None:
    counts: dict[str, list[int]] = {"calendar": [], "chart": []}
    for size in (2, 5):
        form = residential_form(places=size, room_capacity=None)
        member = worker_in(form)
        for i in range(1, size + 1):
            _admit(member, form, f"p{i}", t(2026, 11, i), children=1)
        client.logout()
        login_verified(client, member)
        for name in counts:
            url = reverse(
                f"residential:{'calendar' if name == 'calendar' else 'occupancy_chart'}",
                args=[form.slug],
            )
            # The access log reads its content type once per process (then cached): clear it,
            # so every measured request reads it and the counts do not depend on test order.
            ContentType.objects.clear_cache()
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts[name].append(len(queries))
    assert counts["calendar"][0] == counts["calendar"][1], counts
    assert counts["chart"][0] == counts["chart"][1], counts
