"""The anomaly rules over the access log (tupa/dataprotection/anomalies/, docs/security.md).

Hand-built fixtures: each rule fires on a constructed case and stays quiet on normal work (a
worker reading her own form's client in the daytime, a 24 h shelter worker at night, a
handful of reads). The rules read the period in a constant number of queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from tupa.access.policy import Basis
from tupa.accounts.models import Membership, Role, User
from tupa.audit.models import AccessEvent, Action, AnomalyRule
from tupa.core.tests.factories import (
    AreaFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipantFactory,
    PersonFactory,
    ServiceFormFactory,
    TeamFactory,
    UserFactory,
    client_in,
    org_role_user,
    worker_in,
)
from tupa.core.wallclock import HELSINKI
from tupa.dataprotection import anomalies
from tupa.episodes.models import Assignment, BreakGlass, Episode, Referral
from tupa.organisations.models import Organisation, ServiceForm
from tupa.people.models import Alias, Consent, Person, Restriction

pytestmark = pytest.mark.django_db

WEEK = (2026, 10)  # Monday 2.3.2026 – Sunday 8.3.2026
NOW = dt.datetime(2026, 3, 20, 12, 0, tzinfo=HELSINKI)


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    """A moment in March 2026, Helsinki time."""
    return dt.datetime(2026, 3, day, hour, minute, second, tzinfo=HELSINKI)


def read(
    user: User,
    subject: Any,
    when: dt.datetime,
    *,
    basis: str = Basis.MEMBERSHIP,
    action: str = Action.VIEW,
    episode: Episode | None = None,
) -> AccessEvent:
    ct = ContentType.objects.get_for_model(subject)
    with scopes_disabled():
        (event,) = AccessEvent.objects.bulk_create(
            [
                AccessEvent(
                    organisation_id=user.organisation_id,
                    user=user,
                    subject_type=ct,
                    subject_id=str(subject.pk),
                    episode_id=episode.pk if episode is not None else None,
                    action=action,
                    basis=str(basis),
                    occurred_at=when,
                )
            ]
        )
    return event


def findings(org: Organisation, rule: str | None = None, **config: Any) -> list[anomalies.Finding]:
    start, end = anomalies.week_bounds(*WEEK)
    found = anomalies.find_anomalies(
        organisation_id=org.pk,
        start=start,
        end=end,
        now=NOW,
        config=replace(anomalies.DEFAULTS, **config),
    )
    return [f for f in found if rule is None or f.rule == rule]


#: When the fixtures' memberships and assignments are recorded: before the week read. The rule
#: judges a read by what was recorded at its moment (``period.py``), so a fixture made at the
#: real "now" (after March 2026) would back nothing.
RECORDED = dt.datetime(2026, 2, 1, 9, 0, tzinfo=HELSINKI)


@pytest.fixture
def world() -> dict[str, Any]:
    with time_machine.travel(RECORDED, tick=False):
        return build_world()


def build_world() -> dict[str, Any]:
    """Two forms, their workers, clients and the DPO (the ``world`` fixture)."""
    org = OrganisationFactory()
    area = AreaFactory(organisation=org)
    team = TeamFactory(organisation=org, area=area)
    avokriisi = ServiceFormFactory(organisation=org, area=area, team=team, slug="avokriisi")
    shelter = ServiceFormFactory(
        organisation=org,
        area=area,
        team=team,
        slug="turvakoti",
        open_24h=True,
        kind=ServiceForm.Kind.RESIDENTIAL,
        violence_work="victim",
    )
    day_worker = worker_in(avokriisi, first_name="Päivi", last_name="Mäkinen")
    shelter_worker = worker_in(shelter, first_name="Yrjö", last_name="Yövuoro")
    client, episode = client_in(avokriisi, last_name="Asiakas")
    resident, stay = client_in(shelter, last_name="Asukas")
    return {
        "org": org,
        "avokriisi": avokriisi,
        "shelter": shelter,
        "day_worker": day_worker,
        "shelter_worker": shelter_worker,
        "dpo": org_role_user(org, Role.DATA_PROTECTION_OFFICER),
        "client": client,
        "episode": episode,
        "resident": resident,
        "stay": stay,
    }


def test_normal_work_gives_no_findings(world: dict[str, Any]) -> None:
    # A worker reads her own form's client in the daytime, a few times; the 24 h shelter
    # worker reads a resident at night; the DPO reads on her organisation role.
    for hour in (9, 11, 14):
        read(world["day_worker"], world["client"], at(3, hour), episode=world["episode"])
    read(world["day_worker"], world["client"], at(4, 10))  # the person page: no episode
    read(world["shelter_worker"], world["resident"], at(4, 2, 30), episode=world["stay"])
    read(world["shelter_worker"], world["resident"], at(4, 23, 50))
    read(world["dpo"], world["client"], at(5, 13), basis=Basis.ORGANISATION_ROLE)
    assert findings(world["org"]) == []


# --- (a) reads without a current relationship ---------------------------------------------------


def test_a_read_outside_the_users_own_form_is_found(world: dict[str, Any]) -> None:
    # Recorded as "membership", but the day worker has no membership in the shelter.
    event = read(world["day_worker"], world["resident"], at(3, 10), episode=world["stay"])
    read(world["day_worker"], world["resident"], at(3, 11))  # same user, person and day
    (found,) = findings(world["org"], AnomalyRule.NO_RELATIONSHIP)
    assert found.user_id == world["day_worker"].pk
    assert found.subjects == ((event.subject_type_id, str(world["resident"].pk)),)
    assert found.reads == 2
    assert found.first_at == at(3, 10)
    assert found.key == (
        f"no_relationship:u{world['day_worker'].pk}:{event.subject_type_id}-"
        f"{world['resident'].pk}:2026-03-03"
    )
    # the key is stable: the same period gives the same finding again
    assert findings(world["org"], AnomalyRule.NO_RELATIONSHIP) == [found]


def test_an_ended_membership_no_longer_backs_a_read(world: dict[str, Any]) -> None:
    # The end is recorded on its last day, before the reads it ends (test_anomalies_recorded_basis
    # for an end recorded afterwards).
    with time_machine.travel(at(3, 8), tick=False), scopes_disabled():
        membership = Membership.objects.get(user=world["day_worker"])
        membership.valid_until = dt.date(2026, 3, 3)
        membership.save()
    read(world["day_worker"], world["client"], at(3, 15))  # the last day: fine
    read(world["day_worker"], world["client"], at(4, 9))  # the day after: no basis
    (found,) = findings(world["org"], AnomalyRule.NO_RELATIONSHIP)
    assert found.first_at == at(4, 9)


def test_assignment_consent_and_break_the_glass_back_reads_only_while_valid(
    world: dict[str, Any],
) -> None:
    org, worker, resident, stay = (
        world["org"],
        world["day_worker"],
        world["resident"],
        world["stay"],
    )
    with time_machine.travel(RECORDED, tick=False), scopes_disabled():
        Assignment.objects.create(
            episode=stay,
            user=worker,
            valid_from=dt.date(2026, 3, 2),
            valid_until=dt.date(2026, 3, 3),
            assigned_by=world["shelter_worker"],
        )
        Consent.objects.create(
            person=resident,
            purpose=Consent.Purpose.SHARING,
            recipient_service_form=world["avokriisi"],
            episode=stay,
            given_on=dt.date(2026, 3, 2),
            withdrawn_on=dt.date(2026, 3, 4),
            recorded_by=world["shelter_worker"],
        )
        BreakGlass.objects.create(
            user=worker,
            episode=stay,
            reason="Kiireellinen tilanne yöllä, ei muita tavoitettavissa",
            started_at=at(5, 20),
            expires_at=at(5, 22),
            reviewed_at=at(6, 9),
            reviewed_by=world["shelter_worker"],
        )
    read(worker, resident, at(3, 10), basis=Basis.ASSIGNMENT, episode=stay)  # backed
    read(worker, resident, at(4, 10), basis=Basis.ASSIGNMENT, episode=stay)  # ended the 3rd
    read(worker, resident, at(3, 12), basis=Basis.CONSENT)  # backed
    read(worker, resident, at(4, 12), basis=Basis.CONSENT)  # withdrawn the 4th
    read(worker, resident, at(5, 21), basis=Basis.BREAK_THE_GLASS, episode=stay)  # backed
    read(worker, resident, at(5, 23), basis=Basis.BREAK_THE_GLASS, episode=stay)  # expired
    read(worker, resident, at(6, 10), basis=Basis.NONE)  # never backed
    found = findings(org, AnomalyRule.NO_RELATIONSHIP)
    assert sorted((f.first_at, f.detail.split(".")[0]) for f in found) == [
        (at(4, 10), "Kirjattu peruste: asiakkuuteen nimetty työntekijä, asiakkaan suostumus"),
        (at(5, 23), "Kirjattu peruste: hätäkäyttö"),
        (at(6, 10), "Kirjattu peruste: ei perustetta"),
    ]
    assert [f.reads for f in sorted(found, key=lambda f: f.first_at)] == [2, 1, 1]


def test_organisation_role_referral_and_alias_bases(world: dict[str, Any]) -> None:
    org = world["org"]
    worker = world["day_worker"]
    # a worker without an organisation-wide role claims one: found
    read(worker, world["client"], at(3, 10), basis=Basis.ORGANISATION_ROLE)
    # a person referred to the worker's form (the referral inbox): backed once referred
    newcomer = PersonFactory(organisation=org, last_name="Uusi")
    with scopes_disabled():
        referral = Referral.objects.create(
            organisation=org,
            from_episode=world["stay"],
            to_service_form=world["avokriisi"],
            person=newcomer,
            reason="Jatkotyö avopalvelussa",
            created_by=world["shelter_worker"],
        )
        Referral.objects.filter(pk=referral.pk).update(created_at=at(4, 8))
        alias = Alias.objects.create(
            organisation=org,
            label="Asiakas A",
            service_form=world["avokriisi"],
            created_by=worker,
        )
    read(worker, newcomer, at(4, 7), basis=Basis.MEMBERSHIP)  # before the referral: found
    read(worker, newcomer, at(4, 9), basis=Basis.MEMBERSHIP)  # after it: backed
    read(worker, alias, at(4, 10), basis=Basis.MEMBERSHIP)  # the alias of her own form
    found = sorted(findings(org, AnomalyRule.NO_RELATIONSHIP), key=lambda f: f.first_at)
    assert [(f.first_at, f.reads) for f in found] == [(at(3, 10), 1), (at(4, 7), 1)]


def test_a_merged_persons_old_id_is_backed_by_the_surviving_record(world: dict[str, Any]) -> None:
    org = world["org"]
    duplicate = PersonFactory(organisation=org, last_name="Asiakas")
    with scopes_disabled():
        Person.objects.filter(pk=duplicate.pk).update(merged_into=world["client"])
    read(world["day_worker"], duplicate, at(3, 10))
    assert findings(org, AnomalyRule.NO_RELATIONSHIP) == []


# --- (b) night reads by day staff -----------------------------------------------------------------


def test_night_reads_by_day_staff_are_found_per_night(world: dict[str, Any]) -> None:
    worker, client = world["day_worker"], world["client"]
    read(worker, client, at(3, 23, 30))
    read(worker, client, at(4, 1, 15))  # the same night
    read(worker, client, at(4, 6, 59))  # still night
    read(worker, client, at(4, 7, 0))  # morning: not night
    read(worker, client, at(4, 21, 59))  # evening: not night
    (found,) = findings(world["org"], AnomalyRule.NIGHT_READ)
    assert found.key == f"night_read:u{worker.pk}:2026-03-03"
    assert found.reads == 3
    assert (found.first_at, found.last_at) == (at(3, 23, 30), at(4, 6, 59))
    assert found.detail == "Klo 23.30–06.59, 1 henkilö. 3 lukua."


def test_night_work_is_not_a_finding(world: dict[str, Any]) -> None:
    org = world["org"]
    # a day-form worker whose membership is marked as night work
    night_worker = UserFactory(organisation=org, last_name="Yökkö")
    with time_machine.travel(RECORDED, tick=False):
        MembershipFactory(
            user=night_worker, organisation=org, service_form=world["avokriisi"], night_shift=True
        )
    read(night_worker, world["client"], at(4, 3))
    # the 24 h shelter's worker, also when reading on another basis
    read(world["shelter_worker"], world["resident"], at(4, 2), episode=world["stay"])
    assert findings(org, AnomalyRule.NIGHT_READ) == []


def test_the_night_hours_come_from_the_settings(world: dict[str, Any]) -> None:
    read(world["day_worker"], world["client"], at(3, 21, 30))
    assert findings(world["org"], AnomalyRule.NIGHT_READ) == []
    (found,) = findings(world["org"], AnomalyRule.NIGHT_READ, night_start_hour=21)
    assert found.first_at == at(3, 21, 30)
    assert not findings(world["org"], AnomalyRule.NIGHT_READ, night_start_hour=0, night_end_hour=6)


# --- (c) many persons in a short time ------------------------------------------------------------


def _persons(org: Organisation, form: ServiceForm, n: int) -> list[Person]:
    persons = []
    for i in range(n):
        person, _episode = client_in(form, last_name=f"Monilukija{i}")
        persons.append(person)
    return persons


def test_more_than_thirty_persons_in_ten_minutes_is_a_finding(world: dict[str, Any]) -> None:
    org, worker = world["org"], world["day_worker"]
    persons = _persons(org, world["avokriisi"], 31)
    start = at(4, 10)
    events = [read(worker, p, start + dt.timedelta(seconds=15 * i)) for i, p in enumerate(persons)]
    # the same persons again a little later: the same burst, no new finding
    for i, p in enumerate(persons[:5]):
        read(worker, p, start + dt.timedelta(minutes=8, seconds=i))
    (found,) = findings(org, AnomalyRule.MANY_PERSONS)
    assert found.key == f"many_persons:u{worker.pk}:e{events[0].pk}"
    assert len(found.subjects) == 31
    assert found.reads == 36
    assert found.first_at == start


def test_thirty_persons_lists_and_slow_reading_are_not_findings(world: dict[str, Any]) -> None:
    org, worker = world["org"], world["day_worker"]
    persons = _persons(org, world["avokriisi"], 31)
    start = at(4, 10)
    for i, p in enumerate(persons[:30]):  # exactly the limit
        read(worker, p, start + dt.timedelta(seconds=10 * i))
    for p in persons:  # a client list logs every person shown
        read(worker, p, at(5, 10), action=Action.LIST)
    for i, p in enumerate(persons):  # 31 persons over more than an hour
        read(worker, p, at(6, 9) + dt.timedelta(minutes=2 * i))
    assert findings(org, AnomalyRule.MANY_PERSONS) == []
    # the limit and the window are settings
    assert len(findings(org, AnomalyRule.MANY_PERSONS, many_persons=29)) == 1
    assert len(findings(org, AnomalyRule.MANY_PERSONS, many_minutes=90)) == 1


# --- (d) break-the-glass not reviewed ------------------------------------------------------------


def _break_glass(world: dict[str, Any], started: dt.datetime, **kwargs: Any) -> BreakGlass:
    with scopes_disabled():
        return BreakGlass.objects.create(
            user=world["day_worker"],
            episode=world["stay"],
            reason="Asiakkaan turvallisuus, kiireellinen tilanne",
            started_at=started,
            expires_at=started + dt.timedelta(hours=2),
            **kwargs,
        )


def test_unreviewed_and_late_reviewed_break_the_glass_are_found(world: dict[str, Any]) -> None:
    lead = world["shelter_worker"]
    unreviewed = _break_glass(world, at(3, 10))
    late = _break_glass(world, at(3, 12), reviewed_by=lead, reviewed_at=at(6, 9))
    _break_glass(world, at(4, 10), reviewed_by=lead, reviewed_at=at(4, 15))  # in time
    _break_glass(world, at(2, 1) - dt.timedelta(days=7))  # another week
    found = findings(world["org"], AnomalyRule.BREAK_GLASS_UNREVIEWED)
    assert [f.key for f in found] == [
        f"break_glass_unreviewed:b{unreviewed.pk}",
        f"break_glass_unreviewed:b{late.pk}",
    ]
    episode_ct = ContentType.objects.get_for_model(Episode).pk
    assert found[0].subjects == ((episode_ct, str(world["stay"].pk)),)
    assert found[0].user_id == world["day_worker"].pk
    assert "ei tarkastettu" in found[0].detail
    assert "myöhässä" in found[1].detail
    # Finnish time, the Finnish way (fi_moment): no leading zero in the day or the month
    assert found[0].detail.startswith("Päättyi 3.3.2026 12.00;")
    assert found[1].detail.startswith("Tarkastettu myöhässä 6.3.2026 09.00.")


def test_a_break_the_glass_is_not_overdue_before_the_review_window_ends(
    world: dict[str, Any],
) -> None:
    _break_glass(world, at(8, 20))  # Sunday evening; NOW is 12 days later
    start, end = anomalies.week_bounds(*WEEK)
    early = at(9, 12)  # Monday noon: the 48 hours have not passed
    assert not [
        f
        for f in anomalies.find_anomalies(
            organisation_id=world["org"].pk, start=start, end=end, now=early
        )
        if f.rule == AnomalyRule.BREAK_GLASS_UNREVIEWED
    ]
    assert len(findings(world["org"], AnomalyRule.BREAK_GLASS_UNREVIEWED)) == 1


# --- (e) persons under turvakielto on another basis ---------------------------------------------


def _restrict(person: Person, creator: User, **kwargs: Any) -> Restriction:
    kwargs.setdefault("valid_from", dt.date(2026, 1, 1))
    with scopes_disabled():
        return Restriction.objects.create(
            person=person, kind=Restriction.Kind.TURVAKIELTO, created_by=creator, **kwargs
        )


def test_reads_of_a_restricted_person_on_another_basis_are_found(world: dict[str, Any]) -> None:
    org, worker, resident, stay = (
        world["org"],
        world["day_worker"],
        world["resident"],
        world["stay"],
    )
    _restrict(resident, world["shelter_worker"], lifted_on=dt.date(2026, 3, 6))
    with time_machine.travel(RECORDED, tick=False), scopes_disabled():  # recorded before the reads
        Consent.objects.create(
            person=resident,
            purpose=Consent.Purpose.SHARING,
            recipient_service_form=world["avokriisi"],
            episode=stay,
            given_on=dt.date(2026, 3, 1),
            recorded_by=world["shelter_worker"],
        )
    read(world["shelter_worker"], resident, at(3, 10), episode=stay)  # membership: fine
    event = read(worker, resident, at(3, 11), basis=Basis.CONSENT)  # found
    read(world["dpo"], resident, at(4, 11), basis=Basis.ORGANISATION_ROLE)  # found
    read(worker, resident, at(6, 11), basis=Basis.CONSENT)  # lifted on the 6th: fine
    found = findings(org, AnomalyRule.RESTRICTED_PERSON)
    assert [(f.user_id, f.first_at) for f in found] == [
        (worker.pk, at(3, 11)),
        (world["dpo"].pk, at(4, 11)),
    ]
    assert found[0].subjects == ((event.subject_type_id, str(resident.pk)),)
    assert found[0].detail == "Peruste: asiakkaan suostumus. 1 luku."
    assert findings(org, AnomalyRule.NO_RELATIONSHIP) == []  # each read had its basis


def test_a_child_covered_by_the_parents_restriction_counts(world: dict[str, Any]) -> None:
    # restrictions.py decides, including children covered through the household
    from tupa.people.models import Household, HouseholdMember

    org = world["org"]
    child = PersonFactory(organisation=org, birth_date=dt.date(2020, 5, 1), last_name="Asukas")
    ParticipantFactory(episode=world["stay"], person=child, role="child")
    _restrict(world["resident"], world["shelter_worker"], covers_household_children=True)
    with scopes_disabled():
        household = Household.objects.create(organisation=org, name="Perhe")
        HouseholdMember.objects.create(household=household, person=world["resident"])
        HouseholdMember.objects.create(household=household, person=child)
    read(world["dpo"], child, at(5, 10), basis=Basis.ORGANISATION_ROLE)
    (found,) = findings(org, AnomalyRule.RESTRICTED_PERSON)
    assert found.subjects[0][1] == str(child.pk)


# --- (f) the same family name [verify] ----------------------------------------------------------


def test_a_read_of_a_person_with_the_users_last_name_is_found(world: dict[str, Any]) -> None:
    org, worker = world["org"], world["day_worker"]  # Päivi Mäkinen
    relative, _episode = client_in(world["avokriisi"], last_name="mäkinen")
    double, _episode2 = client_in(world["avokriisi"], last_name="Virta-Mäkinen")
    read(worker, relative, at(3, 10))
    read(worker, relative, at(5, 10))  # the same week: the same finding
    read(worker, double, at(4, 10))
    read(worker, world["client"], at(4, 11))  # "Asiakas": no
    found = findings(org, AnomalyRule.SAME_SURNAME)
    assert [(f.subjects[0][1], f.reads) for f in found] == [
        (str(relative.pk), 2),
        (str(double.pk), 1),
    ]
    assert found[0].key.endswith(":2026-W10")
    assert "Mäkinen" not in found[0].detail and "mäkinen" not in found[0].detail


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ("Mäkinen", "MÄKINEN ", True),
        ("Virta-Mäkinen", "Mäkinen", True),
        ("af Forselles", "Forselles", True),
        ("Mäki", "Mäkinen", False),
        ("", "", False),
        ("Li-Ng", "Ng", False),  # parts of fewer than three letters are not compared
    ],
)
def test_surnames_match(a: str, b: str, expected: bool) -> None:
    assert anomalies.surnames_match(a, b) is expected


# --- weeks, settings and query count -------------------------------------------------------------


def test_weeks() -> None:
    assert anomalies.parse_week("2026-W10") == (2026, 10)
    assert anomalies.parse_week("2025-W53") is None  # 2025 has 52 weeks
    assert anomalies.parse_week("2026-W53") == (2026, 53)
    assert anomalies.parse_week("Kanervisto") is None
    assert anomalies.last_full_week(dt.date(2026, 3, 11)) == (2026, 10)
    assert anomalies.last_full_week(dt.date(2026, 1, 1)) == (2025, 52)
    start, end = anomalies.week_bounds(2026, 10)
    assert (start, end) == (at(2, 0), at(9, 0))


def test_settings_can_be_overridden_in_one_place(settings: Any) -> None:
    settings.TUPA_ANOMALY_SETTINGS = {"many_persons": 5, "night_start_hour": 23}
    config = anomalies.anomaly_settings()
    assert (config.many_persons, config.night_start_hour, config.night_end_hour) == (5, 23, 7)
    settings.TUPA_ANOMALY_SETTINGS = {"no_such_setting": 1}
    with pytest.raises(ValueError, match="no_such_setting"):
        anomalies.anomaly_settings()


def _busy_week(world: dict[str, Any], scale: int) -> None:
    """Every rule fires ``scale`` times or more, with more users, persons and events."""
    org = world["org"]
    for n in range(scale):
        worker = worker_in(world["avokriisi"], last_name=f"Sukunimi{n}")
        namesake, _e = client_in(world["avokriisi"], last_name=f"Sukunimi{n}")
        read(worker, namesake, at(3, 10))  # same surname
        read(worker, world["resident"], at(3, 11), episode=world["stay"])  # no relationship
        read(worker, world["client"], at(3, 23))  # night
        read(worker, world["resident"], at(4, 11), basis=Basis.BREAK_THE_GLASS)  # restricted
        with scopes_disabled():
            BreakGlass.objects.create(
                user=worker,
                episode=world["stay"],
                reason="Kiireellinen tilanne",
                started_at=at(4, 10, n),
                expires_at=at(4, 12),
            )
            Assignment.objects.create(
                episode=world["stay"],
                user=worker,
                valid_from=dt.date(2026, 3, 1),
                assigned_by=world["shelter_worker"],
            )
        read(worker, world["resident"], at(5, 10), basis=Basis.ASSIGNMENT)
    persons = _persons(org, world["avokriisi"], 31 * scale)
    for i, p in enumerate(persons):
        read(world["day_worker"], p, at(6, 9) + dt.timedelta(seconds=5 * i))


def test_the_rules_run_in_a_constant_number_of_queries(world: dict[str, Any]) -> None:
    _restrict(world["resident"], world["shelter_worker"])
    _busy_week(world, 1)
    ContentType.objects.get_for_models(Person, Alias, Episode)  # the cache, as in a running site
    with CaptureQueriesContext(connection) as small:
        few = findings(world["org"])
    _busy_week(world, 4)
    with CaptureQueriesContext(connection) as large:
        many = findings(world["org"])
    assert {f.rule for f in few} == {str(r) for r in AnomalyRule}
    assert len(many) > 3 * len(few) - 5
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(small.captured_queries) <= 20
