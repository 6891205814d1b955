"""The federation-scale generator at a tiny scale: valid rows, returns that compute, idempotent."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from tupa.demo.federation_scale import build_federation, slug_for
from tupa.episodes.models import Entry, Episode, Participant
from tupa.organisations.models import Organisation, ServiceForm
from tupa.residential.models import Stay, StayMember
from tupa.scheduling.models import Appointment, Outcome
from tupa.statistics import engine
from tupa.statistics.engine import Computed
from tupa.statistics.indicators.base import Params
from tupa.statistics.returns import registry as returns
from tupa.statistics.tests.properties import counted_both_ways
from tupa.visitation.models import Meeting, MeetingOrder

pytestmark = pytest.mark.django_db

TINY = {"years": 2, "scale": 0.02, "seed": 3}


def _total(computed: Computed, indicator_id: str) -> int:
    line = next(cl for cl in computed.lines() if cl.indicator.id == indicator_id)
    return line.table.total


def test_tiny_federation_is_valid_and_built_once() -> None:
    year = timezone.localdate().year - 1
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    first = build_federation(organisations=1, **TINY)  # type: ignore[arg-type]
    assert first.created == [slug_for(1)]
    second = build_federation(organisations=2, **TINY)  # type: ignore[arg-type]
    assert second.created == [slug_for(2)] and second.existing == [slug_for(1)]
    with scopes_disabled():
        rows = {
            model: model.objects.count() for model in (Episode, Stay, StayMember, Entry, Meeting)
        }
    again = build_federation(organisations=2, **TINY)  # type: ignore[arg-type]
    assert again.created == [] and again.existing == [slug_for(1), slug_for(2)]

    with scopes_disabled():
        assert rows == {model: model.objects.count() for model in rows}, "a second run added rows"
        org = Organisation.objects.get(slug=slug_for(1))
        shelter = ServiceForm.objects.get(organisation=org, slug="turvakoti")

        # THL's shelter return: the engine counts what the generator says it made.
        thl = engine.run(returns.get("thl.shelter"), Params(org.pk, start, end, (shelter.pk,)))
        clients = _total(thl, "shelter.clients")
        days = _total(thl, "shelter.residence_days")
        assert clients > 0 and days > 0
        assert clients == first.by_year[(year, "shelter_clients")]
        assert days == first.by_year[(year, "shelter_days")]
        # Counted by the database (PostgreSQL, ADR 0027) and by the units: every figure the
        # same, in both organisations, last year and this one (open stays count to yesterday).
        for built in Organisation.objects.filter(slug__in=[slug_for(1), slug_for(2)]):
            form = ServiceForm.objects.get(organisation=built, slug="turvakoti")
            for y in (year, year + 1):
                params = Params(built.pk, dt.date(y, 1, 1), dt.date(y, 12, 31), (form.pk,))
                counted_both_ways(returns.get("thl.shelter"), params)

        # STEA's outpatient report over the organisation's outpatient forms (its grant targets
        # in the grants register, every year of the window).
        template = returns.get("stea.outpatient")
        outpatient = template.forms(ServiceForm.objects.filter(organisation=org, kind="outpatient"))
        assert outpatient.exists() and all(template.available_for(f, year) for f in outpatient)
        stea = engine.run(template, Params(org.pk, start, end))
        assert _total(stea, "outpatient.clients") > 0
        assert _total(stea, "outpatient.visits") > 0

        # Every episode has its client; ended ones have their end.
        main_roles = {Participant.Role.CLIENT, Participant.Role.EXPECTANT_PARENT}
        with_client = set(
            Participant.objects.filter(role__in=main_roles).values_list("episode_id", flat=True)
        )
        assert set(Episode.objects.values_list("pk", flat=True)) <= with_client
        assert not Episode.objects.filter(status="ended", end_date__isnull=True).exists()

        # A family place holds one stay at a time; members stay inside their stay; nobody is
        # in two places at once.
        by_place: dict[int, list[Stay]] = defaultdict(list)
        for stay in Stay.objects.order_by("arrived_at"):
            by_place[stay.place_id].append(stay)
        for stays in by_place.values():
            for earlier, later in itertools.pairwise(stays):
                assert earlier.departed_at is not None
                assert earlier.departed_at <= later.arrived_at
        far = timezone.now() + dt.timedelta(days=3650)
        by_person: dict[tuple[int | None, int | None], list[tuple[dt.datetime, dt.datetime]]]
        by_person = defaultdict(list)
        for member in StayMember.objects.select_related("stay", "participant"):
            stay = member.stay
            assert stay.arrived_at <= member.arrived_at
            assert member.departed_at == stay.departed_at
            key = (member.participant.person_id, member.participant.alias_id)
            by_person[key].append((member.arrived_at, member.departed_at or far))
        for periods in by_person.values():
            periods.sort()
            for (_a, left), (came, _d) in itertools.pairwise(periods):
                assert left <= came

        # What the services would check, on a sample of each kind of row.
        for model in (Episode, Participant, Stay, StayMember, Entry, Appointment, MeetingOrder):
            for obj in model.objects.order_by("pk")[:25]:
                obj.full_clean()
        for meeting in Meeting.objects.exclude(outcome="").order_by("pk")[:25]:
            meeting.full_clean()
        # An appointment's outcome has its journal entry, in the appointment's episode.
        settled = Appointment.objects.exclude(outcome=Outcome.PLANNED)
        assert settled.exists()
        assert not settled.filter(journal_entry__isnull=True).exists()
        for appointment in settled.select_related("journal_entry")[:25]:
            assert appointment.journal_entry is not None
            assert appointment.journal_entry.episode_id == appointment.episode_id
