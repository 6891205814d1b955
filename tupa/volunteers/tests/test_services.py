"""The volunteer rules as the services enforce them: lifecycle, screening, training, hours."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import org_role_user, worker_in
from tupa.volunteers import clock, rules
from tupa.volunteers.hours import services as hours_services
from tupa.volunteers.models import (
    ActivityKind,
    CheckResult,
    CourseKind,
    HoursEntry,
    RecordCheck,
    RoleKind,
    Status,
    StatusChange,
    Volunteer,
)
from tupa.volunteers.register import selectors as register_selectors
from tupa.volunteers.register import services as register_services
from tupa.volunteers.screening import selectors as screening_selectors
from tupa.volunteers.screening import services as screening_services
from tupa.volunteers.training import services as training_services

from .support import TODAY, coordinator_of, new_volunteer, screened_and_trained, volunteer_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 6, 15, 12), tick=False), scopes_disabled():
        yield


@pytest.fixture
def world() -> dict[str, Any]:
    form = volunteer_form(name="Mieskaveritoiminta")
    coordinator = coordinator_of(form)
    volunteer = new_volunteer(coordinator, form)
    return {"form": form, "coordinator": coordinator, "volunteer": volunteer}


def _messages(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(m for ms in error.value.message_dict.values() for m in ms)


# --------------------------------------------------------------------------- lifecycle


def test_a_new_volunteer_is_interested_with_one_task_and_a_dated_history(world: dict) -> None:
    v = world["volunteer"]
    assert v.status == Status.INTERESTED and v.status_since == dt.date(2026, 1, 10)
    assert [(a.role, a.service_form_id) for a in v.assignments.all()] == [
        (RoleKind.MIESKAVERI, world["form"].pk)
    ]
    assert list(StatusChange.objects.filter(volunteer=v).values_list("status", flat=True)) == [
        Status.INTERESTED
    ]


def test_the_whole_lifecycle_keeps_every_step_with_its_reason(world: dict) -> None:
    c, v, form = world["coordinator"], world["volunteer"], world["form"]
    screened_and_trained(c, v, form)
    for status, day, reason in [
        (Status.SCREENED, dt.date(2026, 3, 23), ""),
        (Status.ACTIVE, dt.date(2026, 4, 1), ""),
        (Status.PAUSED, dt.date(2026, 5, 1), "Muutto kesäksi"),
        (Status.ACTIVE, dt.date(2026, 6, 1), ""),
        (Status.ENDED, dt.date(2026, 6, 10), "Oma toive"),
    ]:
        register_services.volunteer_set_status(
            actor=c, volunteer=v, status=status, changed_on=day, reason=reason
        )
        v.refresh_from_db()
    steps = list(
        StatusChange.objects.filter(volunteer=v)
        .order_by("changed_on", "pk")
        .values_list("previous", "status", "reason")
    )
    assert steps[-3:] == [
        (Status.ACTIVE, Status.PAUSED, "Muutto kesäksi"),
        (Status.PAUSED, Status.ACTIVE, ""),
        (Status.ACTIVE, Status.ENDED, "Oma toive"),
    ]
    assert len(steps) == 7
    assert v.status == Status.ENDED and v.status_since == dt.date(2026, 6, 10)


def test_a_step_outside_the_lifecycle_is_refused(world: dict) -> None:
    with pytest.raises(ValidationError) as error:
        register_services.volunteer_set_status(
            actor=world["coordinator"],
            volunteer=world["volunteer"],
            status=Status.PAUSED,
            changed_on=TODAY,
        )
    assert "Tilasta kiinnostunut ei voi siirtyä tilaan tauolla" in _messages(error)


def test_pausing_and_ending_need_a_reason_and_no_date_in_the_future(world: dict) -> None:
    c, v = world["coordinator"], world["volunteer"]
    with pytest.raises(ValidationError) as error:
        register_services.volunteer_set_status(
            actor=c, volunteer=v, status=Status.ENDED, changed_on=TODAY
        )
    assert "syy" in _messages(error)
    with pytest.raises(ValidationError) as error:
        register_services.volunteer_set_status(
            actor=c, volunteer=v, status=Status.INTERVIEWED, changed_on=TODAY + dt.timedelta(1)
        )
    assert "tulevaisuudessa" in _messages(error)
    with pytest.raises(ValidationError) as error:
        register_services.volunteer_set_status(
            actor=c, volunteer=v, status=Status.INTERVIEWED, changed_on=dt.date(2026, 1, 1)
        )
    assert "ennen edellistä" in _messages(error)


# --------------------------------------------------------------------------- screening


def test_a_mieskaveri_cannot_be_active_without_a_valid_check_or_the_course(world: dict) -> None:
    c, v = world["coordinator"], world["volunteer"]
    register_services.volunteer_set_status(
        actor=c, volunteer=v, status=Status.INTERVIEWED, changed_on=dt.date(2026, 2, 1)
    )
    with pytest.raises(ValidationError) as error:
        register_services.volunteer_set_status(
            actor=c, volunteer=v, status=Status.ACTIVE, changed_on=TODAY
        )
    text = _messages(error)
    assert "rikostaustan tarkistusta" in text
    assert "Mieskaverien peruskoulutus" in text
    assert Volunteer.objects.get(pk=v.pk).status == Status.INTERVIEWED


def test_an_unfit_or_expired_check_does_not_let_a_volunteer_be_active(world: dict) -> None:
    c, v, form = world["coordinator"], world["volunteer"], world["form"]
    screened_and_trained(c, v, form)
    screening_services.record_check_add(
        actor=c,
        volunteer=v,
        seen_on=dt.date(2026, 4, 1),
        issued_on=dt.date(2026, 3, 25),
        seen_by=c,
        result=CheckResult.UNFIT,
    )
    with pytest.raises(ValidationError):
        register_services.volunteer_set_status(
            actor=c, volunteer=v, status=Status.ACTIVE, changed_on=TODAY
        )
    # A fit check seen 24 months ago has just expired (the setting, default 24).
    RecordCheck.objects.filter(volunteer=v).delete()
    screening_services.record_check_add(
        actor=c,
        volunteer=v,
        seen_on=dt.date(2024, 6, 15),
        issued_on=dt.date(2024, 6, 3),
        seen_by=c,
        result=CheckResult.FIT,
    )
    with pytest.raises(ValidationError):
        register_services.volunteer_set_status(
            actor=c, volunteer=v, status=Status.ACTIVE, changed_on=TODAY
        )
    with override_settings(TUPA_VOLUNTEER_RECORD_CHECK_MONTHS=36):
        register_services.volunteer_set_status(
            actor=c, volunteer=v, status=Status.ACTIVE, changed_on=TODAY
        )


def test_work_alone_with_children_needs_the_check_in_any_role(world: dict) -> None:
    c, form = world["coordinator"], world["form"]
    minder = new_volunteer(c, form, role=RoleKind.CHILDMINDER, first="Liisa")
    register_services.volunteer_set_status(
        actor=c, volunteer=minder, status=Status.INTERVIEWED, changed_on=dt.date(2026, 2, 1)
    )
    register_services.volunteer_set_status(
        actor=c, volunteer=minder, status=Status.ACTIVE, changed_on=TODAY
    )
    minder.refresh_from_db()
    # Active now; a new task alone with children is refused without a check.
    with pytest.raises(ValidationError) as error:
        register_services.assignment_add(
            actor=c,
            volunteer=minder,
            service_form=form,
            role=RoleKind.SARO,
            started_on=TODAY,
            alone_with_children=True,
        )
    assert "rikostaustan tarkistusta" in _messages(error)


def test_a_record_check_in_the_future_is_refused_and_holds_nothing_but_four_facts(
    world: dict,
) -> None:
    c, v = world["coordinator"], world["volunteer"]
    with pytest.raises(ValidationError) as error:
        screening_services.record_check_add(
            actor=c,
            volunteer=v,
            seen_on=TODAY + dt.timedelta(1),
            issued_on=TODAY,
            seen_by=c,
            result="fit",
        )
    assert "Otteen näkemispäivä ei voi olla tulevaisuudessa." in _messages(error)
    stored = {
        f.name
        for f in RecordCheck._meta.get_fields()
        if f.concrete and f.name not in {"id", "created_at", "updated_at", "organisation"}
    }
    assert stored == {"volunteer", "seen_on", "issued_on", "seen_by", "result", "recorded_by"}


def _check(
    world: dict, *, seen_on: dt.date, issued_on: dt.date | None, result: str = CheckResult.FIT
) -> RecordCheck:
    c, v = world["coordinator"], world["volunteer"]
    return screening_services.record_check_add(
        actor=c,
        volunteer=v,
        seen_on=seen_on,
        issued_on=issued_on,
        seen_by=c,
        result=result,
    )


def test_an_extract_is_accepted_six_months_to_the_day_after_its_issue_and_not_a_day_later(
    world: dict,
) -> None:
    # Issued 15.11.2025: six months to the day is 15.5.2026 (counted on a calendar).
    with pytest.raises(ValidationError) as error:
        _check(world, seen_on=dt.date(2026, 5, 16), issued_on=dt.date(2025, 11, 15))
    assert set(error.value.message_dict) == {"issued_on"}
    assert _messages(error) == (
        "Ote on annettu yli 6 kuukautta ennen kuin se nähtiin: 15.11.2025 annettu ote kelpaa "
        "15.5.2026 asti. Pyydä vapaaehtoiselta uusi ote."
    )
    assert not RecordCheck.objects.filter(volunteer=world["volunteer"]).exists()
    check = _check(world, seen_on=dt.date(2026, 5, 15), issued_on=dt.date(2025, 11, 15))
    check.refresh_from_db()
    assert (check.seen_on, check.issued_on) == (dt.date(2026, 5, 15), dt.date(2025, 11, 15))


def test_an_extract_issued_on_the_31st_is_good_to_the_end_of_a_shorter_month(world: dict) -> None:
    # 31.8.2025 + 6 months: February 2026 has 28 days, so the last day is 28.2.2026.
    with pytest.raises(ValidationError) as error:
        _check(world, seen_on=dt.date(2026, 3, 1), issued_on=dt.date(2025, 8, 31))
    assert "kelpaa 28.2.2026 asti" in _messages(error)
    _check(world, seen_on=dt.date(2026, 2, 28), issued_on=dt.date(2025, 8, 31))
    assert RecordCheck.objects.filter(volunteer=world["volunteer"]).count() == 1


def test_extract_usable_until_counts_six_calendar_months() -> None:
    assert rules.extract_usable_until(dt.date(2026, 1, 15)) == dt.date(2026, 7, 15)
    assert rules.extract_usable_until(dt.date(2025, 8, 31)) == dt.date(2026, 2, 28)
    assert rules.extract_usable_until(dt.date(2027, 8, 31)) == dt.date(2028, 2, 29)  # leap year
    assert rules.extract_usable_until(dt.date(2025, 12, 1)) == dt.date(2026, 6, 1)


def test_an_extract_issued_after_it_was_seen_is_refused(world: dict) -> None:
    with pytest.raises(ValidationError) as error:
        _check(world, seen_on=dt.date(2026, 6, 1), issued_on=dt.date(2026, 6, 2))
    assert error.value.message_dict == {
        "issued_on": ["Otteen antopäivä ei voi olla otteen näkemispäivän jälkeen."]
    }
    assert not RecordCheck.objects.filter(volunteer=world["volunteer"]).exists()
    _check(world, seen_on=dt.date(2026, 6, 1), issued_on=dt.date(2026, 6, 1))  # the same day


def test_a_new_check_needs_the_issue_date(world: dict) -> None:
    with pytest.raises(ValidationError) as error:
        _check(world, seen_on=dt.date(2026, 6, 1), issued_on=None)
    assert error.value.message_dict == {"issued_on": ["Anna otteen antopäivä."]}
    assert not RecordCheck.objects.filter(volunteer=world["volunteer"]).exists()


def test_the_database_refuses_an_issue_date_after_the_day_seen(world: dict) -> None:
    check = _check(world, seen_on=dt.date(2026, 6, 1), issued_on=dt.date(2026, 5, 20))
    with pytest.raises(IntegrityError), transaction.atomic():
        RecordCheck.objects.filter(pk=check.pk).update(issued_on=dt.date(2026, 6, 2))


def test_an_old_check_without_an_issue_date_still_counts(world: dict) -> None:
    c, v, form = world["coordinator"], world["volunteer"], world["form"]
    screened_and_trained(c, v, form)  # fit check seen 20.2.2026
    # As a check recorded before the issue date was kept: the column is empty.
    RecordCheck.objects.filter(volunteer=v).update(issued_on=None)
    check = RecordCheck.objects.get(volunteer=v)
    assert check.issued_on is None
    assert rules.check_is_valid(check, TODAY)
    assert rules.check_valid_until(check) == dt.date(2028, 2, 19)
    register_services.volunteer_set_status(
        actor=c, volunteer=v, status=Status.ACTIVE, changed_on=TODAY
    )
    assert Volunteer.objects.get(pk=v.pk).status == Status.ACTIVE
    assert v.pk not in {r.volunteer.pk for r in screening_selectors.rechecks_due(user=c, on=TODAY)}


def test_screened_needs_the_interview(world: dict) -> None:
    c, v = world["coordinator"], world["volunteer"]
    register_services.volunteer_set_status(
        actor=c, volunteer=v, status=Status.INTERVIEWED, changed_on=dt.date(2026, 2, 1)
    )
    with pytest.raises(ValidationError) as error:
        register_services.volunteer_set_status(
            actor=c, volunteer=v, status=Status.SCREENED, changed_on=TODAY
        )
    assert "yksilöhaastattelu" in _messages(error)


def test_rechecks_due_lists_missing_unfit_and_expiring_checks(world: dict) -> None:

    c, v, form = world["coordinator"], world["volunteer"], world["form"]
    screened_and_trained(c, v, form)  # fit check 20.2.2026: valid to 19.2.2028
    register_services.volunteer_set_status(
        actor=c, volunteer=v, status=Status.ACTIVE, changed_on=TODAY
    )
    no_check = new_volunteer(c, form, first="Pekka")
    register_services.volunteer_set_status(
        actor=c, volunteer=no_check, status=Status.INTERVIEWED, changed_on=dt.date(2026, 2, 1)
    )
    register_services.volunteer_set_status(
        actor=c, volunteer=no_check, status=Status.IN_TRAINING, changed_on=dt.date(2026, 2, 2)
    )
    interested = new_volunteer(c, form, first="Olli")  # not working yet: not listed
    due = screening_selectors.rechecks_due(user=c, on=TODAY)
    assert [r.volunteer.pk for r in due] == [no_check.pk]
    # 60 days before expiry the fit check appears too.
    later = dt.date(2028, 1, 1)
    assert {r.volunteer.pk for r in screening_selectors.rechecks_due(user=c, on=later)} == {
        v.pk,
        no_check.pk,
    }
    assert interested.pk not in {
        r.volunteer.pk for r in screening_selectors.rechecks_due(user=c, on=later)
    }


def test_check_validity_is_months_from_the_day_seen() -> None:
    check = RecordCheck(seen_on=dt.date(2026, 1, 31), result=CheckResult.FIT)
    assert rules.check_valid_until(check) == dt.date(2028, 1, 30)
    assert rules.check_is_valid(check, dt.date(2028, 1, 30))
    assert not rules.check_is_valid(check, dt.date(2028, 1, 31))
    assert not rules.check_is_valid(check, dt.date(2026, 1, 30))  # not yet seen


# --------------------------------------------------------------------------- training


def test_a_completion_before_the_course_is_refused(world: dict) -> None:
    c, v, form = world["coordinator"], world["volunteer"], world["form"]
    course = training_services.course_create(
        actor=c,
        service_form=form,
        kind=CourseKind.DOULA,
        name="Doulakurssi",
        starts_on=dt.date(2026, 4, 1),
        ends_on=dt.date(2026, 5, 1),
    )
    participant = training_services.participant_add(actor=c, course=course, volunteer=v)
    with pytest.raises(ValidationError) as error:
        training_services.participant_complete(
            actor=c, participant=participant, completed_on=dt.date(2026, 3, 31)
        )
    assert "Koulutusta ei voi suorittaa ennen kuin se alkaa (1.4.2026)." in _messages(error)
    with pytest.raises(ValidationError):
        training_services.session_add(actor=c, course=course, date=dt.date(2026, 5, 2), hours=3)
    session = training_services.session_add(
        actor=c, course=course, date=dt.date(2026, 4, 2), hours=3
    )
    training_services.attendance_set(actor=c, session=session, present=[v])
    other = new_volunteer(c, form, first="Ei-osallistuja")
    with pytest.raises(ValidationError):
        training_services.attendance_set(actor=c, session=session, present=[other])


# --------------------------------------------------------------------------- hours


def test_overlapping_hours_are_refused_with_the_clashing_times(world: dict) -> None:
    c, v, form = world["coordinator"], world["volunteer"], world["form"]
    day = dt.date(2026, 6, 1)
    hours_services.hours_add(
        actor=c,
        volunteer=v,
        service_form=form,
        kind=ActivityKind.OUTING,
        date=day,
        starts=dt.time(10),
        ends=dt.time(13),
    )
    with pytest.raises(ValidationError) as error:
        hours_services.hours_add(
            actor=c,
            volunteer=v,
            service_form=form,
            kind=ActivityKind.PHONE,
            date=day,
            starts=dt.time(12, 30),
            ends=dt.time(14),
        )
    assert "päällekkäin" in _messages(error) and "10.00–13.00" in _messages(error)
    # Back to back is fine.
    hours_services.hours_add(
        actor=c,
        volunteer=v,
        service_form=form,
        kind=ActivityKind.PHONE,
        date=day,
        starts=dt.time(13),
        ends=dt.time(13, 30),
    )
    assert sum(e.minutes for e in HoursEntry.objects.filter(volunteer=v)) == 210
    with pytest.raises(ValidationError):
        hours_services.hours_add(
            actor=c,
            volunteer=v,
            service_form=form,
            kind=ActivityKind.EVENT,
            date=TODAY + dt.timedelta(1),
            starts=dt.time(10),
            ends=dt.time(11),
        )


# --------------------------------------------------------------------------- who may write


def test_only_volunteer_coordinators_write(world: dict) -> None:
    form, v = world["form"], world["volunteer"]
    for user in [
        worker_in(form),
        worker_in(form, role=Role.LEAD),
        org_role_user(form.organisation, Role.EXECUTIVE_DIRECTOR),
        coordinator_of(volunteer_form(form.organisation)),
        coordinator_of(volunteer_form()),
    ]:
        with pytest.raises(PermissionDenied):
            register_services.volunteer_update(actor=user, volunteer=v, phone="040 1")
        with pytest.raises(PermissionDenied):
            new_volunteer(user, form)
    org_wide = org_role_user(form.organisation, Role.VOLUNTEER_COORDINATOR)
    register_services.volunteer_update(actor=org_wide, volunteer=v, phone="040 2")


# --------------------------------------------------------------------------- gaps: ending, DST


def test_ending_a_volunteer_ends_every_open_task_on_that_day(world: dict) -> None:
    coordinator, volunteer = world["coordinator"], world["volunteer"]
    other_form = volunteer_form(world["form"].organisation)
    register_services.assignment_add(
        actor=org_role_user(world["form"].organisation, Role.VOLUNTEER_COORDINATOR),
        volunteer=volunteer,
        service_form=other_form,
        role=RoleKind.CHILDMINDER,
        started_on=dt.date(2026, 2, 1),
    )
    # A task already ended earlier keeps its own end date.
    early = register_services.assignment_add(
        actor=coordinator,
        volunteer=volunteer,
        service_form=world["form"],
        role=RoleKind.OTHER,
        started_on=dt.date(2026, 1, 15),
    )
    register_services.assignment_end(
        actor=coordinator, assignment=early, ended_on=dt.date(2026, 1, 31)
    )
    register_services.volunteer_set_status(
        actor=coordinator,
        volunteer=volunteer,
        status=Status.ENDED,
        changed_on=dt.date(2026, 5, 20),
        reason="muutti pois",
    )
    ends = {a.role: a.ended_on for a in volunteer.assignments.all()}
    assert ends == {
        RoleKind.MIESKAVERI: dt.date(2026, 5, 20),
        RoleKind.CHILDMINDER: dt.date(2026, 5, 20),
        RoleKind.OTHER: dt.date(2026, 1, 31),
    }
    closed = volunteer.assignments.get(role=RoleKind.MIESKAVERI)
    assert closed.history.latest().history_change_reason == "Vapaaehtoinen lopetti"


def test_ending_before_a_task_starts_is_refused_and_changes_nothing(world: dict) -> None:
    coordinator, volunteer = world["coordinator"], world["volunteer"]
    register_services.assignment_add(
        actor=coordinator,
        volunteer=volunteer,
        service_form=world["form"],
        role=RoleKind.CHILDMINDER,
        started_on=dt.date(2026, 7, 1),
    )
    with pytest.raises(ValidationError) as error:
        register_services.volunteer_set_status(
            actor=coordinator,
            volunteer=volunteer,
            status=Status.ENDED,
            changed_on=dt.date(2026, 6, 1),
            reason="muutti pois",
        )
    assert "alkaa vasta 1.7.2026" in _messages(error)
    volunteer.refresh_from_db()
    assert volunteer.status == Status.INTERESTED
    assert not volunteer.assignments.filter(ended_on__isnull=False).exists()


def _hours(world: dict, day: dt.date, starts: dt.time, ends: dt.time) -> HoursEntry:
    return hours_services.hours_add(
        actor=world["coordinator"],
        volunteer=world["volunteer"],
        service_form=world["form"],
        kind=ActivityKind.CAMP,
        date=day,
        starts=starts,
        ends=ends,
    )


def test_hours_across_a_daylight_saving_night_count_the_real_time(world: dict) -> None:
    # By hand: 29.3.2026 clocks go 03.00 EET -> 04.00 EEST. 00.00 EET = 22.00 UTC (28.3),
    # 06.00 EEST = 03.00 UTC: five hours. 25.10.2026 clocks go 04.00 EEST -> 03.00 EET.
    # 00.00 EEST = 21.00 UTC (24.10), 06.00 EET = 04.00 UTC: seven hours.
    with time_machine.travel(dt.datetime(2026, 11, 1, 12), tick=False):
        spring = _hours(world, dt.date(2026, 3, 29), dt.time(0), dt.time(6))
        autumn = _hours(world, dt.date(2026, 10, 25), dt.time(0), dt.time(6))
        summer = _hours(world, dt.date(2026, 6, 1), dt.time(0), dt.time(6))
        # 02.30 EEST = 23.30 UTC, 04.30 EET = 02.30 UTC: three hours.
        repeat = _hours(world, dt.date(2026, 10, 25), dt.time(6, 30), dt.time(8))
        assert (spring.minutes, autumn.minutes, summer.minutes) == (300, 420, 360)
        assert repeat.minutes == 90
        assert clock.minutes_between(dt.date(2026, 10, 25), dt.time(2, 30), dt.time(4, 30)) == 180
        # A wall-clock time the spring night skipped is refused.
        with pytest.raises(ValidationError) as error:
            _hours(world, dt.date(2026, 3, 29), dt.time(3, 30), dt.time(5))
        assert "Kelloaikaa 03.30 ei ollut tuona päivänä" in _messages(error)
        assert (
            register_selectors.volunteer_profile(world["volunteer"]).hours_minutes
            == 300 + 420 + 360 + 90
        )


def test_a_correction_keeps_the_overlap_rule_and_the_history(world: dict) -> None:
    with time_machine.travel(dt.datetime(2026, 6, 15, 12), tick=False):
        first = _hours(world, dt.date(2026, 6, 1), dt.time(10), dt.time(12))
        second = _hours(world, dt.date(2026, 6, 1), dt.time(13), dt.time(14))
        with pytest.raises(ValidationError) as error:
            hours_services.hours_update(
                actor=world["coordinator"],
                entry=second,
                service_form=world["form"],
                kind=ActivityKind.CAMP,
                date=dt.date(2026, 6, 1),
                starts=dt.time(11),
                ends=dt.time(14),
            )
        assert "(10.00–12.00)" in _messages(error)
        second.refresh_from_db()
        assert second.starts == dt.time(13)
        hours_services.hours_update(
            actor=world["coordinator"],
            entry=second,
            service_form=world["form"],
            kind=ActivityKind.CAMP,
            date=dt.date(2026, 6, 1),
            starts=dt.time(12),
            ends=dt.time(15),
            reason="jatkui pidempään",
        )
        assert [h.ends for h in second.history.order_by("history_date")] == [
            dt.time(14),
            dt.time(15),
        ]
        outsider = worker_in(world["form"])
        with pytest.raises(PermissionDenied):
            hours_services.hours_delete(actor=outsider, entry=first, reason="x")
        with pytest.raises(ValidationError):
            hours_services.hours_delete(actor=world["coordinator"], entry=first, reason=" ")
        hours_services.hours_delete(
            actor=world["coordinator"], entry=first, reason="kaksoiskirjaus"
        )
        assert list(HoursEntry.objects.values_list("pk", flat=True)) == [second.pk]


# --------------------------------------------------------------------------- valid from a day


def test_a_record_check_must_be_valid_on_the_start_day_and_today(world: dict) -> None:
    """:func:`register_selectors.record_check_valid_from` (matches and family links). Today is
    15.6.2026; a fit check seen 20.2. and an unfit one seen 2.5."""
    v = world["volunteer"]
    valid_from = register_selectors.record_check_valid_from
    assert not valid_from(v, dt.date(2026, 3, 1))  # no check at all
    _check(world, seen_on=dt.date(2026, 2, 20), issued_on=dt.date(2026, 2, 15))
    assert not valid_from(v, dt.date(2026, 2, 19))  # not seen yet then
    assert valid_from(v, dt.date(2026, 2, 20)) and valid_from(v, dt.date(2026, 9, 1))
    _check(
        world, seen_on=dt.date(2026, 5, 2), issued_on=dt.date(2026, 4, 28), result=CheckResult.UNFIT
    )
    # Fit on 1.5., but the unfit one is the latest today: asking about 1.5. alone would allow it.
    assert not valid_from(v, dt.date(2026, 5, 1))
    assert not valid_from(v, dt.date(2026, 6, 15))


def test_a_record_check_expired_since_the_start_day_does_not_count(
    world: dict, settings: Any
) -> None:
    settings.TUPA_VOLUNTEER_RECORD_CHECK_MONTHS = 3  # seen 20.2. → valid to 19.5.2026
    v = world["volunteer"]
    _check(world, seen_on=dt.date(2026, 2, 20), issued_on=dt.date(2026, 2, 15))
    assert not register_selectors.record_check_valid_from(v, dt.date(2026, 5, 1))
    _check(world, seen_on=dt.date(2026, 6, 1), issued_on=dt.date(2026, 5, 28))  # renewed
    assert register_selectors.record_check_valid_from(v, dt.date(2026, 5, 1))
