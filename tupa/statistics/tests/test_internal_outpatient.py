"""Every outpatient form's own statistics (``internal.outpatient``, *Avopalvelun tilastot*,
issue 11): the figures of STEA's outpatient report for a form whatever funds it, unsuppressed,
to the form's members and the executive director.

The organisation is :func:`.support.build_world`'s (Avokriisityö and Jussi-työ, both
STEA-funded in 2025) with a Lapsityö form that no grant funds, built with the outpatient
indicator tests' builder. Lapsityö in 2025 (the report over 1.1.–31.12.2025, Helsinki):

Clients (outpatient.clients): mum (female, 1.5.1990) in E1 (from 1.9.2024, social services) →
adult, continuing; kid (male, 10.3.2015, E1's child since 1.9.2024) → child, continuing,
social services; dad (male, 2.2.1985) in E2 (from 1.3.2025, police) → adult, new; teen
(female, 1.6.2008) in E3 (from 1.2.2025, self; 16 that day) → child, new. Not counted: old
(E4 ended 31.12.2024) and the enquiry E5 (no start). → 4: adults 2 (female 1, male 1),
children 2 (male 1, female 1); new 2 (an adult and a child), continuing 2 (an adult and a
child); referred by social services 2, the police 1, self 1.

Appointments: a1 E1 office meeting, own premises, held 10.3.; a2 E1 home visit, client's home,
held 15.4.; a3 E2 remote, other place, held 20.4.; a4 E2 no-show 5.5.; a5 E3 cancelled by the
client 6.5.; a6 E1 held 2.1.2026 (outside); a7 E1 no-show 31.12.2024 (outside); a8 a team
meeting without an episode held 10.6. (not a visit). → visits 3: March 1, April 2; office
meeting, home visit, remote 1 each; own premises, client's home, other 1 each. No-shows 1 (May).

Journal: n1 E1 phone 12.2., n2 E3 family meeting 3.6., n3 E1 note 4.6. (a note is no contact)
→ contacts 2: phone 1, family meeting 1.

Groups: a Lapsityö programme whose one session (12.3.) mum and kid attended → participants 2:
an adult and a child.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tables import Table
from tupa.core.tests.factories import PersonFactory, ServiceFormFactory, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.episodes.models import Entry, Episode, ReferralSource
from tupa.organisations.models import ServiceForm
from tupa.programmes.tests.support import add_member, add_session, programme
from tupa.programmes.tests.support import record as record_attendance
from tupa.scheduling.models import AppointmentType, Outcome, PlaceKind
from tupa.statistics import engine
from tupa.statistics.indicators.base import Params
from tupa.statistics.returns import registry as returns
from tupa.statistics.returns.base import Period, Recipient

from .support import YEAR, build_world
from .test_indicators_outpatient import _Builder, t

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("returns_due")]

TEMPLATE = "internal.outpatient"
WHOLE_YEAR = {"alku": f"{YEAR}-01-01", "loppu": f"{YEAR}-12-31"}


def _url(slug: str, template: str = TEMPLATE) -> str:
    return reverse("statistics:return", args=[template, YEAR, slug])


def _tables(response: Any) -> dict[tuple[str, tuple[str, ...]], Table]:
    return {
        (cl.indicator.id, cl.line.breakdown): cl.table
        for cl in response.context["computed"].lines()
    }


def _lapsityo(world: dict[str, Any]) -> dict[str, Any]:
    """The Lapsityö form of the module docstring, its members and records."""
    org = world["org"]
    form = ServiceFormFactory.create(
        kind=ServiceForm.Kind.OUTPATIENT,
        name="Lapsityö",
        slug="lapsityo",
        organisation=org,
        area__organisation=org,
    )
    worker = worker_in(form)
    b = _Builder(org)
    with scopes_disabled():

        def person(gender: str, born: dt.date) -> Any:
            return PersonFactory.create(organisation=org, gender=gender, birth_date=born)

        mum, kid = person("female", dt.date(1990, 5, 1)), person("male", dt.date(2015, 3, 10))
        dad, teen = person("male", dt.date(1985, 2, 2)), person("female", dt.date(2008, 6, 1))
        e1 = b.episode(form, start=dt.date(2024, 9, 1), referral=ReferralSource.SOCIAL_SERVICES)
        p_mum = b.join(e1, mum)
        p_kid = b.join(e1, kid, "child", joined_on=dt.date(2024, 9, 1))
        e2 = b.episode(form, start=dt.date(2025, 3, 1), referral=ReferralSource.POLICE)
        b.join(e2, dad)
        e3 = b.episode(form, start=dt.date(2025, 2, 1), referral=ReferralSource.SELF)
        b.join(e3, teen)
        e4 = b.episode(
            form, status=Episode.Status.ENDED, start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31)
        )
        b.join(e4, person("female", dt.date(1980, 1, 1)))
        e5 = b.episode(form, status=Episode.Status.ENQUIRY, start=None)
        b.join(e5, person("female", dt.date(1995, 1, 1)))

        b.appointment(form, e1, t(2025, 3, 10))  # a1
        b.appointment(
            form,
            e1,
            t(2025, 4, 15),
            type=AppointmentType.HOME_VISIT,
            place=PlaceKind.CLIENT_HOME,
        )  # a2
        b.appointment(
            form, e2, t(2025, 4, 20), type=AppointmentType.REMOTE, place=PlaceKind.OTHER
        )  # a3
        b.appointment(form, e2, t(2025, 5, 5), Outcome.NO_SHOW)  # a4
        b.appointment(form, e3, t(2025, 5, 6), Outcome.CANCELLED_BY_CLIENT)  # a5
        b.appointment(form, e1, t(2026, 1, 2))  # a6
        b.appointment(form, e1, t(2024, 12, 31, 12), Outcome.NO_SHOW)  # a7
        b.appointment(form, None, t(2025, 6, 10), type=AppointmentType.OTHER)  # a8

        b.entry(e1, Entry.Type.PHONE, t(2025, 2, 12), Entry.Place.REMOTE)  # n1
        b.entry(e3, Entry.Type.FAMILY_MEETING, t(2025, 6, 3))  # n2
        b.entry(e1, Entry.Type.NOTE, t(2025, 6, 4))  # n3

    group = programme(form, worker, name="Lapsityön ryhmä", starts_on=dt.date(2025, 3, 1))
    member = add_member(group, worker, p_mum, p_kid)
    session = add_session(group, worker, t(2025, 3, 12))
    record_attendance(session, worker, {member: "present"})
    return {
        "form": form,
        "worker": worker,
        "lead": worker_in(form, role=Role.LEAD),
        "builder": b,
    }


@pytest.fixture
def world() -> dict[str, Any]:
    world = build_world()
    return {**world, "lapsityo": _lapsityo(world)}


def test_an_internal_report_of_every_outpatient_form() -> None:
    """Registered as the other internal reports are: never sent, any date range, the form's
    statistics right, and no grant deciding it (it is every outpatient form's, whatever funds
    it)."""
    template = returns.get(TEMPLATE)
    assert template in returns.latest()
    assert template.recipient == Recipient.INTERNAL
    assert template.outgoing is False and template.sendable is False
    assert template.period == Period.RANGE
    assert template.visible == "statistics.form.view"
    assert template.granted_by is None and template.available_in is None
    kinds = {kind for kind in ServiceForm.Kind if template.applies(ServiceForm(kind=kind))}
    assert kinds == {ServiceForm.Kind.OUTPATIENT}


def test_its_lines_are_those_of_steas_outpatient_report() -> None:
    """No counting of its own: every line is an indicator version STEA's outpatient report
    counts, broken down by dimensions that report uses."""
    stea = returns.get("stea.outpatient", 1)
    stea_indicators = {(line.indicator, line.version) for _i, line in stea.lines()}
    stea_dimensions = {d for _i, line in stea.lines() for d in line.breakdown}
    lines = [line for _i, line in returns.get(TEMPLATE).lines()]
    assert {(line.indicator, line.version) for line in lines} == stea_indicators
    assert {d for line in lines for d in line.breakdown} <= stea_dimensions
    wanted = {
        ("outpatient.clients", ("adult_child", "gender")),
        ("outpatient.clients", ("adult_child", "new_or_continuing")),
        ("outpatient.clients", ("referral_source",)),
        ("outpatient.visits", ("type",)),
        ("outpatient.visits", ("place_kind",)),
        ("outpatient.no_shows", ("month",)),
        ("programmes.participants", ("adult_child",)),
    }
    assert wanted <= {(line.indicator, line.breakdown) for line in lines}


def test_lapsityo_figures_by_hand(client: Client, world: dict[str, Any]) -> None:
    """The module docstring's figures, none suppressed though all are under five."""
    lapsityo = world["lapsityo"]
    login_verified(client, lapsityo["lead"])
    response = client.get(_url("lapsityo"), WHOLE_YEAR)
    assert response.status_code == 200
    assert response.context["suppressed"] is False
    f = _tables(response)

    clients = f[("outpatient.clients", ("adult_child", "gender"))]
    assert clients.total == 4
    assert clients.cell("adult", "female") == 1 and clients.cell("adult", "male") == 1
    assert clients.cell("child", "male") == 1 and clients.cell("child", "female") == 1
    new = f[("outpatient.clients", ("adult_child", "new_or_continuing"))]
    assert new.cell("adult", "new") == 1 and new.cell("child", "new") == 1
    assert new.cell("adult", "continuing") == 1 and new.cell("child", "continuing") == 1
    assert new.values[("col", "new")] == 2
    referrals = f[("outpatient.clients", ("referral_source",))]
    assert referrals.cell("social_services") == 2
    assert referrals.cell("police") == 1 and referrals.cell("self") == 1
    assert referrals.total == 4

    by_month = f[("outpatient.visits", ("month",))]
    assert by_month.total == 3
    assert by_month.cell("2025-03") == 1 and by_month.cell("2025-04") == 2
    by_type = f[("outpatient.visits", ("type",))]
    assert [by_type.cell(v) for v in ("office_meeting", "home_visit", "remote")] == [1, 1, 1]
    assert by_type.total == 3
    by_place = f[("outpatient.visits", ("place_kind",))]
    assert [by_place.cell(v) for v in ("own", "client_home", "other")] == [1, 1, 1]
    assert by_place.cell("partner") == 0
    no_shows = f[("outpatient.no_shows", ("month",))]
    assert no_shows.total == 1 and no_shows.cell("2025-05") == 1
    contacts = f[("outpatient.contacts", ("type",))]
    assert contacts.total == 2
    assert contacts.cell("phone") == 1 and contacts.cell("family_meeting") == 1

    groups = f[("programmes.participants", ("adult_child",))]
    assert groups.total == 2
    assert groups.cell("adult") == 1 and groups.cell("child") == 1

    # Without a range the report is the URL's year: the same figures.
    default = _tables(client.get(_url("lapsityo")))
    assert {k: v.total for k, v in default.items()} == {k: v.total for k, v in f.items()}


def test_the_figures_agree_with_steas_report_of_a_funded_form(world: dict[str, Any]) -> None:
    """Avokriisityö is STEA-funded: the lines both reports have show the same tables."""
    crisis = world["crisis"]
    params = Params(
        crisis.organisation_id, dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31), (crisis.pk,)
    )
    ours = engine.run(returns.get(TEMPLATE), params)
    stea = engine.run(returns.get("stea.outpatient", 1), params)
    theirs = {(cl.indicator.key, cl.line.breakdown): cl.table for cl in stea.lines()}
    shared = 0
    for cl in ours.lines():
        key = (cl.indicator.key, cl.line.breakdown)
        if key in theirs:
            assert cl.table.figures() == theirs[key].figures(), key
            shared += 1
    assert shared == 6  # clients by age and gender, by referral; visits by month, type, place;
    # contacts by type
    # The build_world clients of crisis work: six in Lahti and two in Hollola, all new in 2025.
    assert next(cl for cl in ours.lines()).table.total == 8


@pytest.mark.parametrize("who", ["worker", "lead", "director"])
def test_the_forms_members_and_the_director_open_it_and_find_it_listed(
    client: Client, world: dict[str, Any], who: str
) -> None:
    user = world["director"] if who == "director" else world["lapsityo"][who]
    login_verified(client, user)
    assert client.get(_url("lapsityo")).status_code == 200
    # STEA does not fund Lapsityö: its STEA report does not exist, this one does.
    assert client.get(_url("lapsityo", "stea.outpatient")).status_code == 404
    index = client.get(reverse("statistics:index"), {"vuosi": YEAR}).content.decode()
    assert _url("lapsityo") in index
    form_page = client.get(reverse("statistics:form_returns", args=["lapsityo"]), {"vuosi": YEAR})
    assert _url("lapsityo") in form_page.content.decode()


@pytest.mark.parametrize("who", ["jussi_worker", "finance"])
def test_another_forms_worker_and_finance_get_404_and_no_listing(
    client: Client, world: dict[str, Any], who: str
) -> None:
    login_verified(client, world[who])
    assert client.get(_url("lapsityo"), WHOLE_YEAR).status_code == 404
    line = reverse("statistics:drill", args=[TEMPLATE, YEAR, "lapsityo", 0])
    assert client.get(line).status_code == 404
    export = reverse("statistics:export", args=[TEMPLATE, YEAR, "lapsityo", "csv"])
    assert client.get(export).status_code == 404
    index = client.get(reverse("statistics:index"), {"vuosi": YEAR}).content.decode()
    assert _url("lapsityo") not in index


def test_the_catalogue_lists_it_for_every_outpatient_form(
    client: Client, world: dict[str, Any]
) -> None:
    """The director: all three outpatient forms, funded by STEA or not. A Jussi-työ worker:
    Jussi-työ's only."""
    login_verified(client, world["director"])
    index = client.get(reverse("statistics:index"), {"vuosi": YEAR}).content.decode()
    assert "Avopalvelun tilastot" in index
    for slug in ("avokriisityo", "jussi", "lapsityo"):
        assert _url(slug) in index, slug
    login_verified(client, world["jussi_worker"])
    index = client.get(reverse("statistics:index"), {"vuosi": YEAR}).content.decode()
    assert _url("jussi") in index
    assert _url("avokriisityo") not in index and _url("lapsityo") not in index


def test_query_count_does_not_grow_with_clients_and_visits(
    client: Client, world: dict[str, Any]
) -> None:
    lapsityo = world["lapsityo"]
    login_verified(client, lapsityo["worker"])
    url = f"{_url('lapsityo')}?{urlencode(WHOLE_YEAR)}"
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    b, form = lapsityo["builder"], lapsityo["form"]
    with scopes_disabled():
        for i in range(5):
            episode = b.episode(form, start=dt.date(YEAR, 4, 1 + i))
            b.join(episode, PersonFactory.create(organisation=form.organisation))
            b.appointment(form, episode, t(YEAR, 5, 1 + i))
            b.entry(episode, Entry.Type.PHONE, t(YEAR, 5, 1 + i, 12), Entry.Place.REMOTE)
    with CaptureQueriesContext(connection) as after:
        response = client.get(url)
    assert response.status_code == 200
    assert _tables(response)[("outpatient.visits", ("type",))].total == 3 + 5
    assert len(after) == len(before), (len(before), len(after))
