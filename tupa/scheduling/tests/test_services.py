"""Appointment services: planning, series, conflict warnings, outcome → one journal entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope

from tupa.core.conflicts import VersionConflict
from tupa.core.tests.factories import EpisodeFactory, ServiceFormFactory, worker_in
from tupa.episodes.models import Entry
from tupa.scheduling import services
from tupa.scheduling.models import (
    Appointment,
    AppointmentSeries,
    Booking,
    Outcome,
    PlaceKind,
)

from .support import NOW, World, t, world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def w() -> Iterator[World]:
    data = world()
    with scope(organisation=data.form.organisation_id):
        yield data


def plan(w: World, start: dt.datetime, minutes: int = 60, **kwargs: object) -> list[Appointment]:
    values: dict[str, object] = {
        "actor": w.worker,
        "service_form": w.form,
        "episode": w.episode,
        "starts_at": start,
        "ends_at": start + dt.timedelta(minutes=minutes),
        "type": "home_visit",
        "place_kind": PlaceKind.CLIENT_HOME,
    }
    values.update(kwargs)
    return services.appointment_create(**values)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- planning


def test_plan_a_weekly_series_stores_one_row_per_occurrence(w: World) -> None:
    rows = plan(
        w,
        t(2026, 10, 19, 10),
        repeat=services.Recurrence("weekly", count=3),
        co_workers=[w.colleague],
    )
    assert len(rows) == 3
    series = AppointmentSeries.objects.get()
    assert {r.series_id for r in rows} == {series.pk}
    # 19.10. (EEST) 07:00 UTC, 26.10. and 2.11. (EET) 08:00 UTC: 10:00 local each time.
    assert [r.starts_at.astimezone(dt.UTC).hour for r in rows] == [7, 8, 8]
    assert all(list(r.co_workers.all()) == [w.colleague] for r in rows)
    assert all(r.organiser == w.worker and r.outcome == Outcome.PLANNED for r in rows)


def test_an_occurrence_changes_alone(w: World) -> None:
    rows = plan(w, t(2026, 11, 23, 10), repeat=services.Recurrence("weekly", count=3))
    middle = rows[1]
    services.appointment_update(
        actor=w.worker,
        appointment=middle,
        version=middle.version,
        starts_at=t(2026, 12, 1, 14),
        ends_at=t(2026, 12, 1, 15),
        type="office_meeting",
        place_kind=PlaceKind.OWN_PREMISES,
        room=w.room,
    )
    rows = list(Appointment.objects.order_by("starts_at"))
    assert [r.starts_at for r in rows] == [
        t(2026, 11, 23, 10),
        t(2026, 12, 1, 14),
        t(2026, 12, 7, 10),
    ]
    assert [r.type for r in rows] == ["home_visit", "office_meeting", "home_visit"]
    # A stale version is refused.
    with pytest.raises(VersionConflict) as excinfo:
        services.appointment_update(
            actor=w.worker,
            appointment=middle,
            version=middle.version,
            starts_at=t(2026, 12, 1, 15),
            ends_at=t(2026, 12, 1, 16),
            type="office_meeting",
            place_kind=PlaceKind.OWN_PREMISES,
        )
    assert excinfo.value.version == middle.version + 1


def test_validation_messages_are_finnish(w: World) -> None:
    other_form = ServiceFormFactory.create(organisation=w.form.organisation)
    foreign_episode = EpisodeFactory.create(
        service_form=other_form, organisation=w.form.organisation
    )
    with pytest.raises(ValidationError) as excinfo:
        plan(
            w,
            t(2026, 11, 24, 10),
            minutes=13 * 60,
            episode=foreign_episode,
            place_kind=PlaceKind.PARTNER,
            room=w.room,
            co_workers=[w.worker],
        )
    errors = excinfo.value.message_dict
    assert errors["ends_at"] == ["Tapaaminen voi kestää enintään 12 tuntia."]
    assert errors["episode"] == ["Asiakkuuden on oltava tämän työmuodon asiakkuus."]
    assert errors["partner"] == ["Valitse yhteistyötaho, jonka tiloissa tapaaminen on."]
    assert errors["room"] == ["Tila valitaan vain omissa tiloissa pidettävälle tapaamiselle."]
    assert errors["co_workers"] == ["Vastuutyöntekijä ei voi olla oma työparinsa."]
    assert not Appointment.objects.exists()


def test_appointment_dates_lie_in_2000_to_2100(w: World) -> None:
    """Impossible dates were accepted silently (issue 10; tupa/core/dates.py)."""
    message = ["Anna päivämäärä väliltä 1.1.2000–31.12.2100."]
    for start in (t(1066, 10, 14, 10), t(1999, 12, 31, 10), t(2101, 1, 1, 10)):
        with pytest.raises(ValidationError) as excinfo:
            plan(w, start)
        assert excinfo.value.message_dict["starts_at"] == message
    with pytest.raises(ValidationError) as excinfo:
        plan(w, t(2100, 12, 1, 10), repeat=services.Recurrence("weekly", until=dt.date(2101, 1, 5)))
    assert excinfo.value.message_dict["repeat_until"] == message
    assert not Appointment.objects.exists()
    (row,) = plan(w, t(2026, 11, 24, 10))
    with pytest.raises(ValidationError) as excinfo:
        services.appointment_update(
            actor=w.worker,
            appointment=row,
            version=row.version,
            starts_at=t(1066, 10, 14, 10),
            ends_at=t(1066, 10, 14, 11),
            type=row.type,
            place_kind=row.place_kind,
        )
    assert excinfo.value.message_dict["starts_at"] == message


def test_only_members_plan(w: World) -> None:
    outsider = worker_in(ServiceFormFactory.create(organisation=w.form.organisation))
    with pytest.raises(services.AppointmentPermissionDenied):
        plan(w, t(2026, 11, 24, 10), actor=outsider)


# --------------------------------------------------------------------------- conflicts


def test_conflicts_are_warnings_that_can_be_confirmed(w: World) -> None:
    plan(w, t(2026, 11, 24, 10), place_kind=PlaceKind.OWN_PREMISES, room=w.room)
    # Same worker 10:30–11:30 overlaps; 11:00–12:00 only touches and is fine.
    assert plan(w, t(2026, 11, 24, 11), episode=None)
    with pytest.raises(services.ConflictsFound) as excinfo:
        plan(w, t(2026, 11, 24, 10, 30), episode=None)
    messages = [c.message for c in excinfo.value.conflicts]
    assert len(messages) == 2  # the 10:00 and the 11:00 appointments
    assert all("Wilma Työntekijä" in m for m in messages)
    assert Appointment.objects.count() == 2
    plan(w, t(2026, 11, 24, 10, 30), episode=None, confirm_conflicts=True)
    assert Appointment.objects.count() == 3


def test_co_worker_and_room_conflicts(w: World) -> None:
    plan(w, t(2026, 11, 25, 9), co_workers=[w.colleague])
    with pytest.raises(services.ConflictsFound) as excinfo:
        plan(w, t(2026, 11, 25, 9, 30), actor=w.colleague, organiser=w.colleague, episode=None)
    assert [c.kind for c in excinfo.value.conflicts] == ["worker"]
    assert "Kalle Kollega" in excinfo.value.conflicts[0].message
    # The room is booked for a birthday party 13–16 (a Booking, not an appointment).
    Booking.objects.create(
        organisation=w.form.organisation,
        room=w.room,
        kind=Booking.Kind.BIRTHDAY_PARTY,
        starts_at=t(2026, 11, 25, 13),
        ends_at=t(2026, 11, 25, 16),
        title="Synttärit",
        created_by=w.lead,
    )
    with pytest.raises(services.ConflictsFound) as excinfo:
        plan(
            w,
            t(2026, 11, 25, 15),
            actor=w.lead,
            organiser=w.lead,
            place_kind=PlaceKind.OWN_PREMISES,
            room=w.room,
        )
    (conflict,) = excinfo.value.conflicts
    assert conflict.message == (
        "Tila Neuvotteluhuone on jo varattu ke 25.11.2026 13:00–16:00 (syntymäpäiväjuhlat)."
    )


def test_cancelled_appointments_do_not_reserve(w: World) -> None:
    (first,) = plan(w, t(2026, 11, 26, 10))
    services.appointment_record_outcome(
        actor=w.worker, appointment=first, outcome=Outcome.CANCELLED_BY_CLIENT
    )
    assert plan(w, t(2026, 11, 26, 10))


def test_series_conflicts_are_reported_per_occurrence(w: World) -> None:
    plan(w, t(2026, 12, 7, 10), episode=None)  # on the third Monday of the series
    with pytest.raises(services.ConflictsFound) as excinfo:
        plan(w, t(2026, 11, 23, 10), repeat=services.Recurrence("weekly", count=4))
    (conflict,) = excinfo.value.conflicts
    assert conflict.starts_at == t(2026, 12, 7, 10)
    assert not AppointmentSeries.objects.exists()  # nothing was written


# --------------------------------------------------------------------------- outcome → journal


def test_happened_writes_one_journal_entry(w: World) -> None:
    (a,) = plan(w, t(2026, 11, 18, 13), minutes=75, co_workers=[w.colleague])
    services.appointment_record_outcome(
        actor=w.worker, appointment=a, outcome=Outcome.HAPPENED, note="Käytiin läpi arkea."
    )
    a.refresh_from_db()
    entry = Entry.objects.get()
    assert a.journal_entry == entry and a.outcome == Outcome.HAPPENED
    assert entry.episode == w.episode
    assert entry.type == Entry.Type.HOME_VISIT
    assert entry.place == Entry.Place.CLIENT_HOME
    assert entry.duration_minutes == 75
    assert entry.occurred_at == t(2026, 11, 18, 13)
    assert entry.author == w.worker
    assert list(entry.co_workers.all()) == [w.colleague]
    assert entry.text == "Kotikäynti 18.11.2026 13:00–14:15 toteutui.\n\nKäytiin läpi arkea."


def test_correcting_the_outcome_corrects_the_same_entry(w: World) -> None:
    (a,) = plan(w, t(2026, 11, 18, 13))
    services.appointment_record_outcome(actor=w.worker, appointment=a, outcome=Outcome.HAPPENED)
    first = Entry.objects.get()
    services.appointment_record_outcome(actor=w.worker, appointment=a, outcome=Outcome.NO_SHOW)
    a.refresh_from_db()
    assert Entry.objects.count() == 2
    current = Entry.objects.get(superseded_by__isnull=True)
    assert current.supersedes == first
    assert current.correction_reason == "Tapaamisen lopputulosta muutettu"
    assert current.type == Entry.Type.NOTE and current.duration_minutes is None
    assert current.text == "Kotikäynti 18.11.2026 13:00–14:00 ei toteutunut: asiakas ei saapunut."
    assert a.journal_entry == current
    # Recording the same outcome again writes nothing.
    services.appointment_record_outcome(actor=w.worker, appointment=a, outcome=Outcome.NO_SHOW)
    assert Entry.objects.count() == 2
    # Another worker (not the author, not a lead) may not correct it; the lead may.
    with pytest.raises(ValidationError):
        services.appointment_record_outcome(
            actor=w.colleague, appointment=a, outcome=Outcome.HAPPENED
        )
    services.appointment_record_outcome(actor=w.lead, appointment=a, outcome=Outcome.HAPPENED)
    assert Entry.objects.filter(superseded_by__isnull=True).count() == 1
    assert Entry.objects.count() == 3


def test_future_appointments_can_be_cancelled_but_not_marked_happened(w: World) -> None:
    (a,) = plan(w, t(2026, 11, 27, 10))
    for outcome in (Outcome.HAPPENED, Outcome.NO_SHOW):
        with pytest.raises(ValidationError) as excinfo:
            services.appointment_record_outcome(actor=w.worker, appointment=a, outcome=outcome)
        assert "vasta alkaneen" in str(excinfo.value)
    services.appointment_record_outcome(
        actor=w.worker, appointment=a, outcome=Outcome.CANCELLED_BY_US, note="Sairastuminen."
    )
    entry = Entry.objects.get()
    assert entry.occurred_at == NOW  # the journal takes no future times: the moment of recording
    assert entry.text.startswith("Kotikäynti 27.11.2026 10:00–11:00 peruttu: työntekijä perui.")
    with pytest.raises(ValidationError):
        services.appointment_record_outcome(actor=w.worker, appointment=a, outcome="planned")


def test_appointment_without_episode_writes_no_entry(w: World) -> None:
    (a,) = plan(w, t(2026, 11, 18, 9), episode=None, type="other")
    services.appointment_record_outcome(actor=w.worker, appointment=a, outcome=Outcome.HAPPENED)
    assert not Entry.objects.exists()
    a.refresh_from_db()
    assert a.outcome == Outcome.HAPPENED and a.journal_entry is None


# --------------------------------------------------------------------------- feed tokens


def test_feed_token_is_hashed_and_regenerating_revokes_the_old(w: World) -> None:
    from tupa.scheduling.models import CalendarFeedToken

    first = services.feed_token_regenerate(actor=w.worker)
    row = CalendarFeedToken.objects.get()
    assert row.token_hash == services.hash_token(first) and first not in row.token_hash
    second = services.feed_token_regenerate(actor=w.worker)
    assert first != second
    assert CalendarFeedToken.objects.filter(revoked_at__isnull=True).get().token_hash == (
        services.hash_token(second)
    )
    assert services.feed_token_revoke(actor=w.worker) == 1
    assert services.feed_token_revoke(actor=w.worker) == 0


def test_an_ended_episode_takes_appointments_only_up_to_its_end(w: World) -> None:
    w.episode.status = "ended"
    w.episode.end_date = dt.date(2026, 11, 10)
    w.episode.end_reason = "planned_end"
    w.episode.save()
    assert plan(w, t(2026, 11, 10, 9))  # the last day is fine (recorded afterwards)
    with pytest.raises(ValidationError) as excinfo:
        plan(w, t(2026, 11, 11, 9))
    assert excinfo.value.message_dict["episode"] == [
        "Asiakkuus on päättynyt: tapaamisen on oltava ennen päättymispäivää."
    ]
