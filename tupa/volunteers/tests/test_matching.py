"""The Mieskaveri matching workflow (VOL-06), volunteer ↔ family links (VOL-14) and the REP-05
counts, computed by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import (
    ParticipantFactory,
    client_in,
    org_role_user,
    worker_in,
)
from tupa.statistics.engine import run_indicator
from tupa.statistics.indicators import volunteers as volunteer_indicators
from tupa.statistics.indicators.base import Params
from tupa.volunteers.matching import selectors as matching_selectors
from tupa.volunteers.matching import services as matching_services
from tupa.volunteers.models import (
    CaseStatus,
    CheckResult,
    MatchingCase,
    RoleKind,
    Status,
    Volunteer,
)
from tupa.volunteers.register import services as register_services
from tupa.volunteers.screening import services as screening_services

from .support import (
    active_volunteer,
    coordinator_of,
    family_coordinator,
    new_volunteer,
    volunteer_form,
    waiting_case,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 6, 15, 12), tick=False), scopes_disabled():
        yield


def _messages(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(m for ms in error.value.message_dict.values() for m in ms)


def _family(form: Any, *, boy_born: dt.date | None = dt.date(2019, 5, 1)) -> tuple[Any, Any]:
    """A mother's episode in the Mieskaveri form, with her boy; returns (episode, boy)."""
    _mother, episode = client_in(form)
    boy = ParticipantFactory.create(
        episode=episode, role="child", person__birth_date=boy_born, person__first_names="Poika"
    )
    return episode, boy


@pytest.fixture
def world() -> dict[str, Any]:
    form = volunteer_form(name="Mieskaveritoiminta")
    coordinator = family_coordinator(form)
    episode, boy = _family(form)
    return {
        "form": form,
        "coordinator": coordinator,
        "episode": episode,
        "boy": boy,
        "friend": active_volunteer(coordinator, form, first="Matti", post_office="Lahti"),
    }


def _waiting_case(w: dict[str, Any], *, episode: Any = None, boy: Any = None) -> MatchingCase:
    return waiting_case(
        w["coordinator"],
        episode or w["episode"],
        boy or w["boy"],
        wishes="Liikunnallinen kaveri",
        family_situation="Äiti ja kaksi lasta",
    )


def test_the_whole_case_from_application_to_a_successful_end(world: dict[str, Any]) -> None:
    c, friend = world["coordinator"], world["friend"]
    case = _waiting_case(world)
    assert [
        v.pk for v in matching_selectors.match_candidates(case=case, on=dt.date(2026, 5, 1))
    ] == [friend.pk]
    match = matching_services.volunteer_match(
        actor=c,
        case=case,
        volunteer=friend,
        started_on=dt.date(2026, 5, 1),
        note_for_volunteer="Poika pitää jalkapallosta. Tapaamiset lauantaisin.",
    )
    matching_services.activity_add(actor=c, match=match, date=dt.date(2026, 5, 9), note="Uimahalli")
    matching_services.follow_up_add(
        actor=c,
        case=case,
        date=dt.date(2026, 5, 30),
        note="Hyvin alkanut",
        next_due_on=dt.date(2026, 8, 30),
    )
    # Matched: he is no longer a candidate for another family.
    assert matching_selectors.match_candidates(case=case, on=dt.date(2026, 6, 1)) == []
    with pytest.raises(ValidationError) as error:
        matching_services.case_end(
            actor=c, case=case, ended_on=dt.date(2026, 4, 30), reason="muutto", successful=True
        )
    assert "ennen kaverisuhteen alkua (1.5.2026)" in _messages(error)
    matching_services.case_end(
        actor=c, case=case, ended_on=dt.date(2026, 6, 10), reason="muutto", successful=True
    )
    case.refresh_from_db()
    match.refresh_from_db()
    assert case.status == CaseStatus.ENDED and case.successful is True
    assert match.ended_on == dt.date(2026, 6, 10)
    assert [(s.status, s.changed_on) for s in case.steps.all()] == [
        (CaseStatus.APPLIED, dt.date(2026, 4, 10)),
        (CaseStatus.INTAKE, dt.date(2026, 4, 20)),
        (CaseStatus.WAITING, dt.date(2026, 4, 21)),
        (CaseStatus.MATCHED, dt.date(2026, 5, 1)),
        (CaseStatus.ENDED, dt.date(2026, 6, 10)),
    ]


def test_a_volunteer_without_a_valid_check_is_never_matched(world: dict[str, Any]) -> None:
    c, form = world["coordinator"], world["form"]
    case = _waiting_case(world)
    friend = world["friend"]
    # An "este" seen later makes his latest check unfit.
    screening_services.record_check_add(
        actor=c,
        volunteer=friend,
        seen_on=dt.date(2026, 5, 2),
        issued_on=dt.date(2026, 4, 24),
        seen_by=c,
        result=CheckResult.UNFIT,
    )
    assert matching_selectors.match_candidates(case=case, on=dt.date(2026, 5, 3)) == []
    with pytest.raises(ValidationError) as error:
        matching_services.volunteer_match(
            actor=c, case=case, volunteer=friend, started_on=dt.date(2026, 5, 3)
        )
    assert "Vapaaehtoista ei voi yhdistää: hänellä ei ole voimassa olevaa rikostaustan" in (
        _messages(error)
    )
    # A newcomer who never had a check is refused too (and is not active either).
    newcomer = new_volunteer(c, form, first="Uuno")
    with pytest.raises(ValidationError) as error:
        matching_services.volunteer_match(
            actor=c, case=case, volunteer=newcomer, started_on=dt.date(2026, 5, 3)
        )
    assert "rikostaustan tarkistusta" in _messages(error)
    case.refresh_from_db()
    assert case.status == CaseStatus.WAITING and not hasattr(case, "match")


def test_a_child_under_four_is_a_warning_the_coordinator_confirms(world: dict[str, Any]) -> None:
    c = world["coordinator"]
    episode, toddler = _family(world["form"], boy_born=dt.date(2023, 1, 1))
    case = matching_services.case_open(actor=c, episode=episode, applied_on=dt.date(2026, 4, 10))
    kwargs = {
        "actor": c,
        "case": case,
        "intake_on": dt.date(2026, 4, 20),
        "child": toddler,
        "contact_with_men": True,
        "wishes": "Kaveri",
    }
    with pytest.raises(ValidationError) as error:
        matching_services.case_intake(**kwargs)
    messages = error.value.message_dict["confirm"]
    assert any("alle 4-vuotias (3 v)" in m for m in messages)
    assert any("yhteys isään" in m for m in messages)
    case.refresh_from_db()
    assert case.status == CaseStatus.APPLIED and case.intake_on is None
    matching_services.case_intake(**kwargs, confirm=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.INTAKE
    assert "alle 4-vuotias" in case.confirmed_warnings and case.confirmed_by == c


def test_a_four_year_old_without_male_contact_raises_no_warning() -> None:
    from tupa.volunteers import rules

    on = dt.date(2026, 4, 20)
    assert (
        rules.intake_warnings(
            child_born=dt.date(2022, 4, 20), child_known=True, contact_with_men=False, on=on
        )
        == []
    )
    assert rules.intake_warnings(
        child_born=dt.date(2022, 4, 21), child_known=True, contact_with_men=False, on=on
    )


def test_follow_ups_due_list(world: dict[str, Any]) -> None:
    c = world["coordinator"]
    case = _waiting_case(world)
    matching_services.volunteer_match(
        actor=c, case=case, volunteer=world["friend"], started_on=dt.date(2026, 5, 1)
    )
    cases = MatchingCase.objects.all()
    # No follow-up yet: due 30 days after the start (31.5.2026).
    assert matching_selectors.follow_ups_due(cases=cases, on=dt.date(2026, 5, 30)) == []
    [due] = matching_selectors.follow_ups_due(cases=cases, on=dt.date(2026, 5, 31))
    assert due.due_on == dt.date(2026, 5, 31)
    matching_services.follow_up_add(
        actor=c, case=case, date=dt.date(2026, 6, 1), next_due_on=dt.date(2026, 6, 14)
    )
    [due] = matching_selectors.follow_ups_due(cases=cases, on=dt.date(2026, 6, 15))
    assert due.due_on == dt.date(2026, 6, 14)
    with pytest.raises(ValidationError):
        matching_services.follow_up_add(
            actor=c, case=case, date=dt.date(2026, 6, 2), next_due_on=dt.date(2026, 6, 2)
        )


def test_only_the_coordinator_who_sees_the_family_manages_the_case(world: dict[str, Any]) -> None:
    form = world["form"]
    only_coordinator = coordinator_of(form)  # no client work in the form: sees no family
    for outsider in (
        only_coordinator,
        worker_in(form),  # client worker, not a coordinator
        org_role_user(form.organisation, Role.EXECUTIVE_DIRECTOR),
        coordinator_of(volunteer_form(form.organisation)),
    ):
        with pytest.raises(PermissionDenied):
            matching_services.case_open(
                actor=outsider, episode=world["episode"], applied_on=dt.date(2026, 4, 10)
            )
    case = _waiting_case(world)
    with pytest.raises(PermissionDenied):
        matching_services.volunteer_match(
            actor=only_coordinator,
            case=case,
            volunteer=world["friend"],
            started_on=dt.date(2026, 5, 1),
        )


def _rep05(
    organisation_id: int, start: dt.date, end: dt.date, form_ids: Iterable[int] = ()
) -> dict[str, int]:
    """The REP-05 figures as the reporting engine counts them (the one way to count; see
    ``docs/volunteers-statistics.md``), of ``form_ids`` or every form of the organisation."""
    params = Params(organisation_id, start, end, tuple(form_ids))
    ended = run_indicator(volunteer_indicators.MATCHES_ENDED, params)
    return {
        "processes": run_indicator(volunteer_indicators.MATCHES_STARTED, params).total,
        "ended": ended.total,
        "successes": ended.by("success")[("yes",)],
        "male_friends": run_indicator(volunteer_indicators.MALE_FRIENDS, params).total,
        "referred_families": run_indicator(volunteer_indicators.REFERRED_FAMILIES, params).total,
    }


def test_matching_counts_by_hand(world: dict[str, Any]) -> None:
    """REP-05 for 1.1.–30.6.2026, by hand:

    - family A applies 10.4., matched with Matti 1.5., ended 10.6. successfully;
    - family B applies 12.4., matched with Matti again 15.6. (open);
    - family C applies 15.4., matched with Pekka 5.5., ended 1.6. unsuccessfully;
    - family D applies 20.4., withdrawn 25.4. (never matched);
    - family A applies again... no: family E applied 20.12.2025 (before the period), matched with
      Pekka 2.6., open.
    processes (matches started in the period) = A, B, C, E = 4; ended = A, C = 2;
    successes = A = 1; male friends = Matti, Pekka = 2; referred families (applied in the
    period) = A, B, C, D = 4.
    """
    c, form, matti = world["coordinator"], world["form"], world["friend"]
    pekka = active_volunteer(c, form, first="Pekka", post_office="Lahti")

    def case_for(applied: dt.date) -> MatchingCase:
        episode, boy = _family(form)
        case = matching_services.case_open(actor=c, episode=episode, applied_on=applied)
        matching_services.case_intake(
            actor=c, case=case, intake_on=applied, child=boy, contact_with_men=False
        )
        return case

    def waiting(case: MatchingCase, on: dt.date) -> None:
        matching_services.case_set_status(
            actor=c, case=case, status=CaseStatus.WAITING, changed_on=on
        )

    a = case_for(dt.date(2026, 4, 10))
    waiting(a, dt.date(2026, 4, 10))
    matching_services.volunteer_match(
        actor=c, case=a, volunteer=matti, started_on=dt.date(2026, 5, 1)
    )
    matching_services.case_end(
        actor=c, case=a, ended_on=dt.date(2026, 6, 10), reason="x", successful=True
    )
    b = case_for(dt.date(2026, 4, 12))
    waiting(b, dt.date(2026, 4, 12))
    matching_services.volunteer_match(
        actor=c, case=b, volunteer=matti, started_on=dt.date(2026, 6, 15)
    )
    cc = case_for(dt.date(2026, 4, 15))
    waiting(cc, dt.date(2026, 4, 15))
    matching_services.volunteer_match(
        actor=c, case=cc, volunteer=pekka, started_on=dt.date(2026, 5, 5)
    )
    matching_services.case_end(
        actor=c, case=cc, ended_on=dt.date(2026, 6, 1), reason="ei synkannut", successful=False
    )
    d = case_for(dt.date(2026, 4, 20))
    matching_services.case_set_status(
        actor=c,
        case=d,
        status=CaseStatus.WITHDRAWN,
        changed_on=dt.date(2026, 4, 25),
        reason="muutti",
    )
    e = case_for(dt.date(2025, 12, 20))
    waiting(e, dt.date(2026, 1, 5))
    matching_services.volunteer_match(
        actor=c, case=e, volunteer=pekka, started_on=dt.date(2026, 6, 2)
    )

    counts = _rep05(form.organisation_id, dt.date(2026, 1, 1), dt.date(2026, 6, 30), [form.pk])
    assert counts == {
        "processes": 4,
        "ended": 2,
        "successes": 1,
        "male_friends": 2,
        "referred_families": 4,
    }
    # May only: matches started A, C = 2; ended none; friends Matti (A), Pekka (C) = 2;
    # no applications in May.
    may = _rep05(form.organisation_id, dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    assert may == {
        "processes": 2,
        "ended": 0,
        "successes": 0,
        "male_friends": 2,
        "referred_families": 0,
    }


def test_a_family_link_gives_a_note_for_the_volunteer_and_nothing_else(
    world: dict[str, Any],
) -> None:
    c, form = world["coordinator"], world["form"]
    doula = new_volunteer(c, form, role=RoleKind.OTHER, first="Dora")
    link = matching_services.family_link_add(
        actor=c,
        volunteer=doula,
        episode=world["episode"],
        role=RoleKind.OTHER,
        started_on=dt.date(2026, 6, 1),
        note_for_volunteer="Soita äidille maanantaina.",
    )
    assert link.note_for_volunteer == "Soita äidille maanantaina."
    with pytest.raises(ValidationError) as error:
        matching_services.family_link_update(
            actor=c, link=link, note_for_volunteer="", ended_on=dt.date(2026, 5, 1)
        )
    assert "ennen kuin se alkaa" in _messages(error)
    with pytest.raises(PermissionDenied):
        matching_services.family_link_add(
            actor=coordinator_of(form),  # no client work: may not link to a family
            volunteer=doula,
            episode=world["episode"],
            role=RoleKind.OTHER,
            started_on=dt.date(2026, 6, 1),
        )
    # The volunteer record has no path to the client record.
    related = {getattr(f.related_model, "__name__", "") for f in Volunteer._meta.get_fields()}
    assert "Person" not in related and "Episode" not in related


def test_counts_of_another_form_do_not_include_this_one(world: dict[str, Any]) -> None:
    c = world["coordinator"]
    case = _waiting_case(world)
    matching_services.volunteer_match(
        actor=c, case=case, volunteer=world["friend"], started_on=dt.date(2026, 5, 1)
    )
    other = volunteer_form(world["form"].organisation)
    period = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    org = world["form"].organisation_id
    assert set(_rep05(org, *period, [other.pk]).values()) == {0}
    assert _rep05(org, *period) == {
        "processes": 1,
        "ended": 0,
        "successes": 0,
        "male_friends": 1,
        "referred_families": 1,
    }


def test_a_friend_in_an_open_match_cannot_end_and_links_end_with_him(
    world: dict[str, Any],
) -> None:
    c, friend = world["coordinator"], world["friend"]
    case = _waiting_case(world)
    matching_services.volunteer_match(
        actor=c, case=case, volunteer=friend, started_on=dt.date(2026, 5, 1)
    )
    link = matching_services.family_link_add(
        actor=c,
        volunteer=friend,
        episode=world["episode"],
        role=RoleKind.MIESKAVERI,
        started_on=dt.date(2026, 5, 2),
    )
    with pytest.raises(ValidationError) as error:
        register_services.volunteer_set_status(
            actor=c,
            volunteer=friend,
            status=Status.ENDED,
            changed_on=dt.date(2026, 6, 1),
            reason="x",
        )
    assert f"käynnissä oleva kaverisuhde (prosessi {case.pk})" in _messages(error)
    matching_services.case_end(
        actor=c, case=case, ended_on=dt.date(2026, 5, 31), reason="x", successful=True
    )
    register_services.volunteer_set_status(
        actor=c, volunteer=friend, status=Status.ENDED, changed_on=dt.date(2026, 6, 1), reason="x"
    )
    link.refresh_from_db()
    assert link.ended_on == dt.date(2026, 6, 1)
