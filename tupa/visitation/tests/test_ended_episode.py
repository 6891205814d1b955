"""An order of an ended episode: it may be corrected as history, but it does not run on after the
episode (no validity past its end, no meetings after it), as on recording a new one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

from tupa.core.tests.factories import worker_in
from tupa.episodes.models import Episode
from tupa.visitation import services
from tupa.visitation.models import Meeting

from .support import family, make_order, parties, visitation_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

ENDED_ON = dt.date(2026, 6, 10)


@pytest.fixture
def world() -> dict:
    form = visitation_form()
    member = worker_in(form)
    episode, people = family(form)
    order = make_order(member, episode, people, valid_until=None)
    with scopes_disabled():
        Episode.objects.filter(pk=episode.pk).update(
            status=Episode.Status.ENDED, end_date=ENDED_ON, end_reason="other"
        )
        order.refresh_from_db()
        order.episode.refresh_from_db()
    return {"member": member, "order": order, "people": people}


def test_order_update_cannot_run_past_the_episode(world: dict) -> None:
    order = world["order"]
    with scopes_disabled():
        with pytest.raises(ValidationError) as exc:
            services.order_update(
                actor=world["member"],
                order=order,
                version=order.version,
                parties=parties(world["people"]),
                valid_until=dt.date(2027, 12, 31),
            )
        assert "valid_until" in exc.value.message_dict
        # Ending it by the episode's end is the correction that is allowed.
        services.order_update(
            actor=world["member"],
            order=order,
            version=order.version,
            parties=parties(world["people"]),
            valid_until=ENDED_ON,
        )


def test_no_meetings_after_the_episode_ended(world: dict) -> None:
    order = world["order"]
    with scopes_disabled():
        with pytest.raises(ValidationError) as exc:
            services.meetings_schedule(
                actor=world["member"],
                order=order,
                first_day=dt.date(2026, 6, 20),
                time=dt.time(17),
                count=3,
            )
        assert "first_day" in exc.value.message_dict
        # A past meeting within the episode can still be recorded as history …
        created = services.meetings_schedule(
            actor=world["member"],
            order=order,
            first_day=dt.date(2026, 5, 27),
            time=dt.time(17),
            count=3,
        )
        # … but the series stops at the episode's end.
        assert [m.starts_at.date() for m in created] == [dt.date(2026, 5, 27), ENDED_ON]
        with pytest.raises(ValidationError) as exc:
            services.meeting_update(
                actor=world["member"],
                meeting=created[0],
                version=created[0].version,
                starts_at=Meeting.objects.get(pk=created[0].pk).starts_at + dt.timedelta(weeks=3),
                duration_minutes=60,
            )
        assert "start_date" in exc.value.message_dict


@pytest.fixture
def running() -> dict:
    form = visitation_form()
    member = worker_in(form)
    episode, people = family(form)
    order = make_order(member, episode, people, valid_until=None)
    with scopes_disabled():
        meetings = services.meetings_schedule(
            actor=member, order=order, first_day=dt.date(2026, 6, 20), time=dt.time(17), count=3
        )
        order.refresh_from_db()
    return {"member": member, "order": order, "people": people, "meetings": meetings}


def test_ending_an_order_early_leaves_no_meetings_after_it(running: dict) -> None:
    """The court ends the order on 30.6.: the meetings of 4.7. and 18.7. must not stay planned
    (and be recorded as having taken place, and billed, without an order)."""
    order, member = running["order"], running["member"]
    with scopes_disabled():
        with pytest.raises(ValidationError) as exc:
            services.order_update(
                actor=member,
                order=order,
                version=order.version,
                parties=parties(running["people"]),
                valid_until=dt.date(2026, 6, 30),
            )
        assert "valid_until" in exc.value.message_dict
        # Cancelled by us first, the order can end early …
        for meeting in running["meetings"][1:]:
            services.meeting_record_outcome(
                actor=member, meeting=meeting, version=meeting.version, outcome="cancelled_us"
            )
        order.refresh_from_db()
        services.order_update(
            actor=member,
            order=order,
            version=order.version,
            parties=parties(running["people"]),
            valid_until=dt.date(2026, 6, 30),
        )
        # … and a meeting after its end does not become one that took place.
        late = Meeting.objects.get(pk=running["meetings"][1].pk)
        with pytest.raises(ValidationError) as exc:
            services.meeting_record_outcome(
                actor=member, meeting=late, version=late.version, outcome="cancelled_visiting"
            )
        assert "outcome" in exc.value.message_dict
