"""The outpatient indicators against a hand-computed scenario (period 1.1.–30.6.2026, Helsinki).

Service forms of the organisation: A and B (outpatient), G (a group form: never counted here).
Another organisation has an outpatient form X with the same kinds of record: never counted.

Persons: mum (female, 1.5.1990, Lahti), kid (male, 10.3.2015, Lahti), kid2 (left E1 20.12.2025),
dad (male, 2.2.1985, Hollola), teen (female, 1.3.2008: 17 until 28.2.2026, 18 from 1.3.),
aliases "Enq" (no birth year, in an enquiry) and "Anon" (female, born 2012).

Episodes of A: E1 ended (1.9.2025–15.2.2026, social services; mum client, kid child, kid2 child
left 20.12.2025, dad partner); E2 active from 1.3.2026 (self; mum client: mum's second episode);
E3 active from 20.1.2026 (another service form; teen client); E4 an enquiry (alias Enq); E5
ended 31.12.2025 (dad); E6 starts 1.7.2026 (dad); E7 active from 1.4.2026 (self; alias Anon).
Of B: E8 active from 1.2.2026 (police; dad). Of G: E9 (kid). Of X: EX (a person of X's org).

Clients (outpatient.clients): A mum (E1: continuing, adult, social services, Lahti), kid (E1:
continuing, child, Lahti), teen (E3: new, 17 on 20.1. → child, other service form, no
municipality), Anon (E7: new, 2026 − 2012 = 14 → child, self); B dad (E8: new, adult, police,
Hollola) → 5; A 4, B 1; adults 2, children 3; female 3, male 2; new 3, continuing 2.
Not counted: kid2 (left), dad in E1 (partner) and E5/E6 (outside), Enq (enquiry), E9, EX.

Appointments: a1 A/E1 office, own, happened 1.1. 00:30 (UTC 31.12.) → January; a2 A/E1 home
visit happened 31.12.2025 23:30 → outside; a3 A/E3 remote happened 30.6. 23:30 → June; a4 A/E3
happened 1.7. 00:15 → outside; a5 A/E2 no-show 10.3.; a6 A/E2 cancelled by client 17.3.; a7 A
team meeting without episode happened 2.2. → not a visit; a8 B/E8 office happened 10.2.; a11
A/E1 no-show 20.1.; G and X each a happened appointment 10.2. → never counted.
Visits 3 (a1, a3, a8): office 2, remote 1; own 2, other 1; January, February, June 1 each;
Lahti (E1's client mum) 1. No-shows 2 (a5 March, a11 January), both Lahti.

Journal: n1 A/E1 phone 15.1. (marked: mum); n2 A/E4 advice 3.2.; n3 A/E1 individual meeting
10.2. corrected as n3b family meeting 11.2. (marked: mum, kid) → only n3b; n4 A/E1 note; n5 the
outcome entry of a1 (linked); n6 the outcome entry of a3, corrected in the journal as n6b
(intake) → still a3's; n7 B/E8 crisis help 30.6. 23:59 (no marks); n8 A/E1 phone 31.12.2025
23:59 → outside; n11 A/E3 individual meeting 5.4. (marked: teen, then 18); n12 A/E3 phone 20.2.
(marked: teen, then 17); G and X phone entries → never counted.
Contacts 6 (n1, n2, n3b, n7, n11, n12): A 5, B 1; phone 2, advice, family meeting, crisis help,
individual meeting 1 each; remote 3, own 2, other 1; January 1, February 3, April 1, June 1;
Lahti 2 (n1, n3b: E1's client mum).

Work done = visits + contacts = 9: a1 individual meeting (n5's type; E1 on 1.1.: mum, kid, dad
→ child), a3 intake (n6b's type; teen 18 → adults), a8 individual meeting (no entry; dad →
adults), n1 adults, n2 unknown (Enq has no birth year), n3b child, n7 adults, n11 adults, n12
child → individual meeting 3, phone 2, intake, advice, family meeting, crisis help 1 each;
child 3, adults 5, unknown 1; A 7, B 2.
Children met: kid (a1, n3b) and teen (n12) → 2: male 1, female 1; Lahti 1, unknown 1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from tupa.core.tests.factories import (
    EpisodeFactory,
    OrganisationFactory,
    ParticipantFactory,
    PersonFactory,
    ServiceFormFactory,
    UserFactory,
)
from tupa.core.tests.helpers import rolled_back_world
from tupa.core.wallclock import HELSINKI
from tupa.episodes.models import Entry, Episode, Participant, ReferralSource
from tupa.organisations.models import Municipality, ServiceForm
from tupa.people.models import Alias, Person
from tupa.scheduling.models import Appointment, AppointmentType, Outcome, PlaceKind
from tupa.statistics.engine import run_indicator
from tupa.statistics.indicators import outpatient, registry
from tupa.statistics.indicators.base import UNKNOWN, Indicator, Params, Result
from tupa.statistics.indicators.reads import one_run
from tupa.statistics.tests.properties import assert_consistent, nonzero

pytestmark = pytest.mark.django_db

START, END = dt.date(2026, 1, 1), dt.date(2026, 6, 30)
ALL = (
    outpatient.CLIENTS,
    outpatient.VISITS,
    outpatient.NO_SHOWS,
    outpatient.CONTACTS,
    outpatient.WORK_DONE,
    outpatient.CHILDREN_MET,
)


def t(y: int, m: int, d: int, h: int = 10, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=HELSINKI)


def _municipality(code: str, name: str) -> Municipality:
    m, _created = Municipality.objects.get_or_create(
        code=code, defaults={"name_fi": name, "name_sv": name}
    )
    return m


class _Builder:
    def __init__(self, org: Any) -> None:
        self.org = org
        self.user = UserFactory.create(organisation=org)

    def episode(
        self,
        form: ServiceForm,
        *,
        status: str = Episode.Status.ACTIVE,
        start: dt.date | None,
        end: dt.date | None = None,
        referral: str = ReferralSource.SELF,
    ) -> Episode:
        return EpisodeFactory.create(  # type: ignore[no-any-return]
            service_form=form,
            organisation=form.organisation,
            status=status,
            start_date=start,
            end_date=end,
            end_reason=Episode.EndReason.PLANNED_END if end else "",
            referral_source=referral,
            created_by=self.user,
        )

    def join(self, episode: Episode, who: Person | Alias, role: str = "client", **kw: Any) -> Any:
        if isinstance(who, Alias):
            return ParticipantFactory.create(
                episode=episode, person=None, alias=who, role=role, **kw
            )
        return ParticipantFactory.create(episode=episode, person=who, role=role, **kw)

    def appointment(
        self,
        form: ServiceForm,
        episode: Episode | None,
        start: dt.datetime,
        outcome: str = Outcome.HAPPENED,
        type: str = AppointmentType.OFFICE_MEETING,
        place: str = PlaceKind.OWN_PREMISES,
        entry: Entry | None = None,
    ) -> Appointment:
        return Appointment.objects.create(
            organisation=form.organisation,
            service_form=form,
            episode=episode,
            type=type,
            place_kind=place,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            organiser=self.user,
            created_by=self.user,
            outcome=outcome,
            journal_entry=entry,
        )

    def entry(
        self,
        episode: Episode,
        type: str,
        at: dt.datetime,
        place: str = Entry.Place.OWN_PREMISES,
        marked: tuple[Participant, ...] = (),
        supersedes: Entry | None = None,
    ) -> Entry:
        entry = Entry.objects.create(
            episode=episode,
            type=type,
            occurred_at=at,
            place=place,
            author=self.user,
            text="Keksitty kirjaus.",
            supersedes=supersedes,
            correction_reason="Korjaus" if supersedes else "",
        )
        entry.participants.set(marked)
        return entry


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """Built once for the module, rolled back at its end; each test runs in a savepoint."""
    with rolled_back_world(django_db_blocker):
        with scopes_disabled():
            org = OrganisationFactory.create()
            form_a = ServiceFormFactory.create(organisation=org, name="A (Lapsityö)")
            form_b = ServiceFormFactory.create(organisation=org, name="B (Jussi-työ)")
            form_g = ServiceFormFactory.create(
                organisation=org, name="G (ryhmä)", kind=ServiceForm.Kind.GROUP
            )
            other_org = OrganisationFactory.create()
            form_x = ServiceFormFactory.create(organisation=other_org, name="X")
            lahti = _municipality("398", "Lahti")
            hollola = _municipality("098", "Hollola")
            b = _Builder(org)

            def person(gender: str, born: dt.date, home: Municipality | None = None) -> Person:
                return PersonFactory.create(  # type: ignore[no-any-return]
                    organisation=org, gender=gender, birth_date=born, municipality=home
                )

            mum = person("female", dt.date(1990, 5, 1), lahti)
            kid = person("male", dt.date(2015, 3, 10), lahti)
            kid2 = person("female", dt.date(2017, 6, 1), lahti)
            dad = person("male", dt.date(1985, 2, 2), hollola)
            teen = person("female", dt.date(2008, 3, 1))
            enq = Alias.objects.create(
                organisation=org, label="Enq", service_form=form_a, created_by=b.user
            )
            anon = Alias.objects.create(
                organisation=org,
                label="Anon",
                service_form=form_a,
                gender="female",
                birth_year=2012,
                created_by=b.user,
            )

            e1 = b.episode(
                form_a,
                status=Episode.Status.ENDED,
                start=dt.date(2025, 9, 1),
                end=dt.date(2026, 2, 15),
                referral=ReferralSource.SOCIAL_SERVICES,
            )
            p_mum = b.join(e1, mum)
            p_kid = b.join(e1, kid, "child", joined_on=dt.date(2025, 9, 1))
            b.join(e1, kid2, "child", joined_on=dt.date(2025, 9, 1), left_on=dt.date(2025, 12, 20))
            b.join(e1, dad, "partner")
            e2 = b.episode(form_a, start=dt.date(2026, 3, 1))
            b.join(e2, mum)
            e3 = b.episode(
                form_a, start=dt.date(2026, 1, 20), referral=ReferralSource.OTHER_SERVICE_FORM
            )
            p_teen = b.join(e3, teen, joined_on=dt.date(2026, 1, 20))
            e4 = b.episode(form_a, status=Episode.Status.ENQUIRY, start=None)
            b.join(e4, enq)
            e5 = b.episode(
                form_a,
                status=Episode.Status.ENDED,
                start=dt.date(2025, 1, 1),
                end=dt.date(2025, 12, 31),
            )
            b.join(e5, dad)
            e6 = b.episode(form_a, start=dt.date(2026, 7, 1))
            b.join(e6, dad)
            e7 = b.episode(form_a, start=dt.date(2026, 4, 1))
            b.join(e7, anon)
            e8 = b.episode(form_b, start=dt.date(2026, 2, 1), referral=ReferralSource.POLICE)
            b.join(e8, dad)
            e9 = b.episode(form_g, start=dt.date(2026, 1, 1))
            b.join(e9, kid)
            bx = _Builder(other_org)
            ex = bx.episode(form_x, start=dt.date(2026, 1, 1))
            bx.join(ex, PersonFactory.create(organisation=other_org, municipality=lahti))

            # Journal (outcome entries first: the appointments link them).
            n5 = b.entry(e1, Entry.Type.INDIVIDUAL_MEETING, t(2026, 1, 1, 0, 30))
            n6 = b.entry(e3, Entry.Type.PHONE, t(2026, 6, 30, 23, 30), place=Entry.Place.REMOTE)
            b.entry(e3, Entry.Type.INTAKE, t(2026, 6, 30, 23, 30), supersedes=n6)
            b.entry(e1, Entry.Type.PHONE, t(2026, 1, 15), Entry.Place.REMOTE, marked=(p_mum,))
            b.entry(e4, Entry.Type.ADVICE, t(2026, 2, 3), Entry.Place.REMOTE)
            n3 = b.entry(e1, Entry.Type.INDIVIDUAL_MEETING, t(2026, 2, 10), marked=(p_mum, p_kid))
            b.entry(
                e1, Entry.Type.FAMILY_MEETING, t(2026, 2, 11), marked=(p_mum, p_kid), supersedes=n3
            )
            b.entry(e1, Entry.Type.NOTE, t(2026, 2, 12))
            b.entry(e8, Entry.Type.CRISIS_HELP, t(2026, 6, 30, 23, 59), Entry.Place.OTHER)
            b.entry(e1, Entry.Type.PHONE, t(2025, 12, 31, 23, 59), Entry.Place.REMOTE)
            b.entry(e3, Entry.Type.INDIVIDUAL_MEETING, t(2026, 4, 5), marked=(p_teen,))
            b.entry(e3, Entry.Type.PHONE, t(2026, 2, 20), Entry.Place.REMOTE, marked=(p_teen,))
            b.entry(e9, Entry.Type.PHONE, t(2026, 2, 1), Entry.Place.REMOTE)
            bx.entry(ex, Entry.Type.PHONE, t(2026, 2, 1), Entry.Place.REMOTE)

            # Appointments.
            b.appointment(form_a, e1, t(2026, 1, 1, 0, 30), entry=n5)  # a1
            b.appointment(
                form_a, e1, t(2025, 12, 31, 23, 30), type=AppointmentType.HOME_VISIT
            )  # a2
            b.appointment(
                form_a,
                e3,
                t(2026, 6, 30, 23, 30),
                type=AppointmentType.REMOTE,
                place=PlaceKind.OTHER,
                entry=n6,
            )  # a3
            b.appointment(form_a, e3, t(2026, 7, 1, 0, 15))  # a4
            b.appointment(form_a, e2, t(2026, 3, 10), Outcome.NO_SHOW)  # a5
            b.appointment(form_a, e2, t(2026, 3, 17), Outcome.CANCELLED_BY_CLIENT)  # a6
            b.appointment(form_a, None, t(2026, 2, 2), type=AppointmentType.OTHER)  # a7
            b.appointment(form_b, e8, t(2026, 2, 10))  # a8
            b.appointment(form_a, e1, t(2026, 1, 20), Outcome.NO_SHOW)  # a11
            b.appointment(form_g, e9, t(2026, 2, 10))
            bx.appointment(form_x, ex, t(2026, 2, 10))
        yield {
            "org": org,
            "a": form_a,
            "b": form_b,
            "x": form_x,
            "lahti": lahti,
            "hollola": hollola,
        }


def _run(world: dict[str, Any], indicator: Indicator, **kw: Any) -> Result:
    return run_indicator(indicator, Params(world["org"].pk, START, END, **kw))


def _by(result: Result, key: str) -> dict[str, int]:
    return {k[0]: v for k, v in result.by(key).items() if v}


def _run_period(indicator: Indicator, org_id: int, period: tuple[dt.date, dt.date]) -> Result:
    """``indicator`` of any organisation over ``period``, its breakdowns checked to add up."""
    result = run_indicator(indicator, Params(org_id, period[0], period[1]))
    assert_consistent(result)
    return result


def test_registered_and_applies_to_outpatient_forms_only(world: dict[str, Any]) -> None:
    for indicator in ALL:
        assert registry.get(indicator.id) is indicator
        assert indicator.applies(world["a"])
    with scopes_disabled():
        group = ServiceFormFactory.create(kind=ServiceForm.Kind.GROUP)
    assert not any(indicator.applies(group) for indicator in ALL)


def test_clients_by_hand(world: dict[str, Any]) -> None:
    result = _run(world, outpatient.CLIENTS)
    a, b = str(world["a"].pk), str(world["b"].pk)
    assert result.total == 5
    assert _by(result, "service_form") == {a: 4, b: 1}
    assert _by(result, "adult_child") == {"adult": 2, "child": 3}
    assert _by(result, "gender") == {"female": 3, "male": 2}
    assert _by(result, "new_or_continuing") == {"new": 3, "continuing": 2}
    assert _by(result, "referral_source") == {
        "social_services": 2,
        "other_service_form": 1,
        "self": 1,
        "police": 1,
    }
    assert _by(result, "municipality") == {
        str(world["lahti"].pk): 2,
        str(world["hollola"].pk): 1,
        UNKNOWN: 2,
    }
    # mum is counted once (E1, the earlier one), with E1's continuing status.
    mum = [u for u in result.units if u.values[2] == "female" and u.values[1] == "adult"]
    assert len(mum) == 1
    assert mum[0].values[3] == "continuing"
    # An unlinked alias is a client without a person.
    assert sum(1 for u in result.units if u.person_id is None) == 1


def test_clients_municipality_filter(world: dict[str, Any]) -> None:
    result = _run(world, outpatient.CLIENTS, municipality_id=world["lahti"].pk)
    assert result.total == 2
    assert _by(result, "adult_child") == {"adult": 1, "child": 1}


def test_clients_of_one_form_and_a_narrow_period(world: dict[str, Any]) -> None:
    # March: E1 has ended (15.2.); mum is E2's (new in March), teen continues (18 on 1.3.).
    result = run_indicator(
        outpatient.CLIENTS,
        Params(
            world["org"].pk,
            dt.date(2026, 3, 1),
            dt.date(2026, 3, 31),
            service_form_ids=(world["a"].pk,),
        ),
    )
    assert result.total == 2
    assert _by(result, "new_or_continuing") == {"new": 1, "continuing": 1}
    assert _by(result, "adult_child") == {"adult": 2}


def test_visits_and_no_shows_by_hand(world: dict[str, Any]) -> None:
    visits = _run(world, outpatient.VISITS)
    assert visits.total == 3
    assert _by(visits, "service_form") == {str(world["a"].pk): 2, str(world["b"].pk): 1}
    assert _by(visits, "type") == {"office_meeting": 2, "remote": 1}
    assert _by(visits, "place_kind") == {"own": 2, "other": 1}
    assert _by(visits, "month") == {"2026-01": 1, "2026-02": 1, "2026-06": 1}
    assert all(u.episode_id is not None for u in visits.units)
    assert _run(world, outpatient.VISITS, municipality_id=world["lahti"].pk).total == 1
    no_shows = _run(world, outpatient.NO_SHOWS)
    assert no_shows.total == 2
    assert _by(no_shows, "month") == {"2026-01": 1, "2026-03": 1}
    assert _run(world, outpatient.NO_SHOWS, municipality_id=world["lahti"].pk).total == 2


def test_visits_no_shows_and_work_done_read_the_appointments_once_in_a_run(
    world: dict[str, Any],
) -> None:
    """STEA's return counts visits, no-shows and work done from the same appointments: in one
    run they are read once, both outcomes together, and the figures stay those counted alone."""
    counted = (outpatient.VISITS, outpatient.NO_SHOWS, outpatient.WORK_DONE)
    alone = {indicator.id: _run(world, indicator).total for indicator in counted}
    with one_run(), CaptureQueriesContext(connection) as ctx:
        together = {indicator.id: _run(world, indicator).total for indicator in counted}
    # The appointments' own reads (not the contact entries' link to them, nor a correction's).
    reads = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith('SELECT "scheduling_appointment"') and '"outcome"' in q["sql"]
    ]
    assert len(reads) == 1, reads
    # By hand (the fixture): 3 held, 2 no-shows, 3 held + 6 contact entries of work done.
    assert (
        together
        == alone
        == {
            outpatient.VISITS.id: 3,
            outpatient.NO_SHOWS.id: 2,
            outpatient.WORK_DONE.id: 9,
        }
    )


def test_contacts_by_hand(world: dict[str, Any]) -> None:
    result = _run(world, outpatient.CONTACTS)
    assert result.total == 6
    assert _by(result, "service_form") == {str(world["a"].pk): 5, str(world["b"].pk): 1}
    assert _by(result, "type") == {
        "phone": 2,
        "advice": 1,
        "family_meeting": 1,
        "crisis_help": 1,
        "individual_meeting": 1,
    }
    assert _by(result, "place") == {"remote": 3, "own": 2, "other": 1}
    assert _by(result, "month") == {"2026-01": 1, "2026-02": 3, "2026-04": 1, "2026-06": 1}
    assert _run(world, outpatient.CONTACTS, municipality_id=world["lahti"].pk).total == 2


def test_work_done_is_visits_and_contacts_once(world: dict[str, Any]) -> None:
    result = _run(world, outpatient.WORK_DONE)
    assert result.total == 9
    assert result.total == _run(world, outpatient.VISITS).total + (
        _run(world, outpatient.CONTACTS).total
    )
    assert _by(result, "work_type") == {
        "individual_meeting": 3,
        "phone": 2,
        "intake": 1,
        "advice": 1,
        "family_meeting": 1,
        "crisis_help": 1,
    }
    assert _by(result, "met") == {"child": 3, "adults": 5, UNKNOWN: 1}
    assert _by(result, "service_form") == {str(world["a"].pk): 7, str(world["b"].pk): 2}


def test_children_met_by_hand(world: dict[str, Any]) -> None:
    result = _run(world, outpatient.CHILDREN_MET)
    assert result.total == 2
    assert _by(result, "gender") == {"male": 1, "female": 1}
    assert _by(result, "municipality") == {str(world["lahti"].pk): 1, UNKNOWN: 1}
    assert _run(world, outpatient.CHILDREN_MET, municipality_id=world["lahti"].pk).total == 1


def test_another_organisations_data_is_never_counted(world: dict[str, Any]) -> None:
    """Even if another organisation's form were passed in, its records stay out."""
    forms = (world["a"].pk, world["b"].pk, world["x"].pk)
    for indicator in ALL:
        leaky = indicator.units(Params(world["org"].pk, START, END, service_form_ids=forms))
        plain = _run(world, indicator)
        assert sum(u.weight for u in leaky) == plain.total, indicator.key


@pytest.mark.parametrize("indicator", ALL, ids=lambda i: i.id)
def test_consistent(world: dict[str, Any], indicator: Indicator) -> None:
    assert_consistent(_run(world, indicator))
    assert_consistent(_run(world, indicator, municipality_id=world["hollola"].pk))


@pytest.mark.parametrize("indicator", ALL, ids=lambda i: i.id)
def test_query_count_is_flat(world: dict[str, Any], indicator: Indicator) -> None:
    with CaptureQueriesContext(connection) as ctx:
        _run(world, indicator)
    # resolving the forms (1) + the indicator's own reads (at most 7 with one correction step)
    # + the turvakielto read (protection.py: one query, nobody is protected here)
    assert len(ctx.captured_queries) <= 10, [q["sql"] for q in ctx.captured_queries]


def test_an_empty_period_counts_nothing(world: dict[str, Any]) -> None:
    for indicator in ALL:
        result = run_indicator(
            indicator, Params(world["org"].pk, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
        )
        assert result.total == 0, indicator.key


# Edges: month and quarter bounds in summer and winter time, new and continuing clients; each
# test builds its own organisation with only the few records its edge needs.

Y2026 = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


@pytest.fixture
def clinic() -> dict[str, Any]:
    with scopes_disabled():
        org = OrganisationFactory.create()
        form = ServiceFormFactory.create(organisation=org, name="Avokriisityö (reunat)")
    return {"org": org, "form": form, "b": _Builder(org)}


def test_outpatient_visits_at_month_ends_in_summer_and_winter_time(
    clinic: dict[str, Any],
) -> None:
    """31.3.2026 23:30 EEST → March; 1.4. 00:30 EEST (31.3. 21:30 UTC) → April and not in
    Q1; 31.10.2026 23:30 EET (after the clocks went back on 25.10.) → October; 1.11. 00:30 EET
    → November. The no-show of 29.3.2026 (the night summer time began) 04:30 → March."""
    b, form = clinic["b"], clinic["form"]
    with scopes_disabled():
        episode = b.episode(form, start=dt.date(2026, 1, 1))
        b.join(episode, PersonFactory.create(organisation=clinic["org"], gender="female"))
        for moment in (
            t(2026, 3, 31, 23, 30),
            t(2026, 4, 1, 0, 30),
            t(2026, 10, 31, 23, 30),
            t(2026, 11, 1, 0, 30),
        ):
            b.appointment(form, episode, moment)
        b.appointment(form, episode, t(2026, 3, 29, 4, 30), outcome=Outcome.NO_SHOW)
    year = _run_period(outpatient.VISITS, clinic["org"].pk, Y2026)
    assert nonzero(year.by("month")) == {
        ("2026-03",): 1,
        ("2026-04",): 1,
        ("2026-10",): 1,
        ("2026-11",): 1,
    }
    q1 = _run_period(
        outpatient.VISITS, clinic["org"].pk, (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    )
    assert q1.total == 1
    no_shows = _run_period(
        outpatient.NO_SHOWS, clinic["org"].pk, (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    )
    assert no_shows.total == 1


def test_outpatient_new_and_continuing_clients(clinic: dict[str, Any]) -> None:
    """Period 2026. The rule: once per person and form; "uusi, jos hänen asiakkuutensa alkoi
    kaudella"; breakdowns from the earlier-begun relationship; age on the first day of the
    period as a client.

    - ``returning``: an episode 2019–2020 (ended long ago), a new one from 1.2.2026 → new.
    - ``open``: an episode from 1.6.2024 still open, and a second one from 1.3.2026 (police)
      → once, continuing, referral of the 2024 episode (social services).
    - ``birthday``: born 10.6.2008, episode from 2025 → continuing, 17 on 1.1.2026 → child
      (though 18 from 10.6.).
    - ``adult_new``: born 10.1.2008, episode from 1.3.2026 → new, 18 on 1.3. → adult.
    - ``anon``: an alias without birth year → unknown age, new, counted as its own person.
    Persons 5: new 3, continuing 2; adults 3 (returning, open, adult_new), child 1, unknown 1.
    """
    b, form, org = clinic["b"], clinic["form"], clinic["org"]

    def person(born: dt.date) -> Any:
        return PersonFactory.create(organisation=org, gender="female", birth_date=born)

    with scopes_disabled():
        returning = person(dt.date(1980, 1, 1))
        old = b.episode(
            form,
            status=Episode.Status.ENDED,
            start=dt.date(2019, 3, 1),
            end=dt.date(2020, 5, 1),
        )
        b.join(old, returning)
        b.join(b.episode(form, start=dt.date(2026, 2, 1)), returning)

        opened = person(dt.date(1985, 1, 1))
        b.join(
            b.episode(form, start=dt.date(2024, 6, 1), referral=ReferralSource.SOCIAL_SERVICES),
            opened,
        )
        b.join(b.episode(form, start=dt.date(2026, 3, 1), referral=ReferralSource.POLICE), opened)

        b.join(b.episode(form, start=dt.date(2025, 9, 1)), person(dt.date(2008, 6, 10)))
        b.join(b.episode(form, start=dt.date(2026, 3, 1)), person(dt.date(2008, 1, 10)))

        alias = Alias.objects.create(
            organisation=org, service_form=form, label="Anon", created_by=b.user
        )
        b.join(b.episode(form, start=dt.date(2026, 4, 1)), alias)
    clients = _run_period(outpatient.CLIENTS, org.pk, Y2026)
    assert clients.total == 5
    assert clients.by("new_or_continuing") == {("new",): 3, ("continuing",): 2}
    assert clients.by("adult_child") == {("adult",): 3, ("child",): 1, ("unknown",): 1}
    assert nonzero(clients.by("new_or_continuing", "adult_child")) == {
        ("new", "adult"): 2,
        ("new", "unknown"): 1,
        ("continuing", "adult"): 1,
        ("continuing", "child"): 1,
    }
    assert nonzero(clients.by("referral_source")) == {
        ("self",): 4,
        ("social_services",): 1,
    }
