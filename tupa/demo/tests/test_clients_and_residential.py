"""The demo clients and the residential demo, read from the whole demo.

``manage.py build_demo`` builds the whole demo once for the package, with "today" pinned
(``whole_demo`` in conftest.py, rolled back afterwards); each test runs in a savepoint inside
it, so neither sees what the other wrote.

- The clients (issue 3, item 11) cover every client form, go through the services and are
  idempotent.
- The residential demo (issue 4, item 10): the demo's history of both units, no double booking. The
  test checks the shape of the data against what the demo promises, then builds it again on
  top of the whole demo and checks that nothing changed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone
from django_scopes import scope

from tupa.access.clients import episodes_visible_to
from tupa.accounts.models import User
from tupa.core.wallclock import HELSINKI, local_date
from tupa.demo import residential as demo
from tupa.demo.calendar import history_start
from tupa.demo.clients import TARGET_PERSONS, Counts, build_demo_clients
from tupa.demo.tests.conftest import NOW, WholeDemo
from tupa.episodes.models import Assignment, Entry, Episode, Participant, Referral
from tupa.organisations.models import Organisation, ServiceForm
from tupa.people.models import Alias, Person, Restriction
from tupa.residential.models import (
    LineContact,
    PaymentCommitment,
    Place,
    ShelterClientData,
    ShiftNote,
    Stay,
    StayMember,
    TurnAway,
)
from tupa.residential.stays import selectors

# Reads the whole demo, which runs on SQLite (make test runs it there only, ADR 0012), built once
# on one pytest-xdist worker (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.demo_build, pytest.mark.xdist_group("demo")]

MODELS: list[Any] = [
    Place,
    Stay,
    StayMember,
    TurnAway,
    LineContact,
    PaymentCommitment,
    ShelterClientData,
    ShiftNote,
    Person,
    Episode,
]


def _local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(HELSINKI)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@dataclass(frozen=True)
class ClientsDemo:
    organisation: Organisation
    clients: Counts
    #: the largest primary key of each model right after the clients were built (conftest.py)
    after_clients: Mapping[str, int]
    #: what the residential builder added to the whole demo (its line of build_demo's output)
    residential: str


@pytest.fixture
def clients_demo(demo_at_now: WholeDemo) -> ClientsDemo:
    """The organisation, its clients and the rest of the whole demo, at ``NOW``."""
    return ClientsDemo(
        organisation=demo_at_now.organisation,
        clients=demo_at_now.clients,
        after_clients=demo_at_now.after_clients,
        residential=demo_at_now.summary("Asumispalvelut:"),
    )


def test_demo_clients_cover_every_client_form_and_are_idempotent(
    clients_demo: ClientsDemo,
) -> None:
    org, counts = clients_demo.organisation, clients_demo.clients
    # The domain builders after the clients add persons, episodes, entries, referrals and
    # aliases of their own (the residential and visitation demos' families and the shelter's
    # anonymous clients, the Mieskaveri families, the journal entries of appointments and group
    # sessions): the client demo's rows are those up to the high-water marks taken right after
    # it (conftest.py), i.e. what this test saw when it built the organisation and clients alone.
    marks = clients_demo.after_clients

    def theirs(model: Any) -> Any:
        return model.objects.filter(pk__lte=marks[model._meta.label])

    with scope(organisation=org.pk):
        persons = theirs(Person).count()
        episodes = theirs(Episode).count()
        assert persons == counts.persons >= TARGET_PERSONS
        assert episodes == counts.episodes
        forms_with_clients = set(theirs(Episode).values_list("service_form__slug", flat=True))
        assert {
            "ensikoti",
            "baby-blues",
            "peukaloinen",
            "turvakoti",
            "avokriisityo",
            "jussi-tyo",
            "lapsityo",
            "alvari",
            "tapaamispaikka",
            "ero-lapsiperheessa",
        } <= forms_with_clients
        statuses = set(theirs(Episode).values_list("status", flat=True))
        assert {"active", "ended", "waiting"} <= statuses
        # Today's queues: clients waiting for a first meeting, a referral not yet answered.
        waiting = theirs(Episode).filter(status="waiting")
        assert sorted(waiting.values_list("service_form__slug", flat=True)) == [
            "avokriisityo",
            "avokriisityo",
            "jussi-tyo",
        ]
        (proposed,) = theirs(Referral).filter(status="proposed")
        assert proposed.to_service_form.slug == "avokriisityo"
        assert proposed.from_episode.status == "active"
        assert theirs(Entry).count() == counts.entries > episodes
        accepted = list(theirs(Referral).filter(status="accepted").select_related("to_episode"))
        assert len(accepted) == counts.referrals > 0
        # Each referral was sent and accepted when the shelter stay ended, not when the demo
        # was built: the episode it opened opened on acceptance, spread over the history.
        today = timezone.localdate()
        for r in accepted:
            assert r.created_at < r.decided_at == r.to_episode.opened_at
            assert local_date(r.decided_at) < today
        assert len({r.decided_at.year for r in accepted}) >= 2
        assert theirs(Alias).count() == 6
        assert theirs(Alias).filter(person__isnull=False).count() == 3
        assert theirs(Restriction).filter(kind="turvakielto").count() == counts.restrictions > 0
        # Demo identity codes use DVV's test range 900–999 only: never a real person's code
        # (checked on every person of the whole demo, not only the client demo's).
        codes = [c for c in Person.objects.values_list("hetu", flat=True) if c]
        assert codes and all(900 <= int(code[7:10]) <= 999 for code in codes)
        whole = (Person.objects.count(), Episode.objects.count())
    assert build_demo_clients(organisation=org) is None  # again, on top of the whole demo
    with scope(organisation=org.pk):
        assert (Person.objects.count(), Episode.objects.count()) == whole


def test_residential_demo_is_realistic_consistent_and_idempotent(
    clients_demo: ClientsDemo,
) -> None:
    org = clients_demo.organisation
    summary = clients_demo.residential
    assert summary.startswith("Asumispalvelut:")
    today = NOW.date()
    with scope(organisation=org.pk):
        forms = {
            sf.slug: sf for sf in ServiceForm.objects.filter(slug__in=[demo.SHELTER, demo.ENSIKOTI])
        }
        before = _counts()
        for slug, places in ((demo.SHELTER, 5), (demo.ENSIKOTI, 6)):
            _check_unit(forms[slug], places=places, today=today)
        _check_ensikoti_specifics(forms[demo.ENSIKOTI], today=today)
        _check_shelter_specifics(forms[demo.SHELTER], today=today)
    # Second run, on top of the whole demo: nothing is added or changed.
    with override_settings(TUPA_REQUIRE_2FA=False):
        assert demo.build(organisation=org) is None
    with scope(organisation=org.pk):
        assert _counts() == before


def _check_unit(form: ServiceForm, *, places: int, today: dt.date) -> None:
    assert list(Place.objects.filter(service_form=form).values_list("name", flat=True)) == [
        f"Perhepaikka {i}" for i in range(1, places + 1)
    ]
    stays = list(Stay.objects.filter(place__service_form=form).order_by("arrived_at"))
    assert len(stays) > (100 if places == 5 else 20)
    # No double booking: a place holds one stay at a time, a family is in one place at a time.
    for key in ("place_id", "episode_id"):
        grouped: dict[int, list[Stay]] = defaultdict(list)
        for stay in stays:
            grouped[getattr(stay, key)].append(stay)
        for rows in grouped.values():
            for earlier, later in pairwise(rows):
                assert earlier.departed_at is not None
                assert earlier.departed_at <= later.arrived_at
    # Every member inside their stay.
    for member in StayMember.objects.filter(stay__in=stays).select_related("stay"):
        stay = member.stay
        assert stay.arrived_at <= member.arrived_at
        if stay.departed_at is not None:
            assert member.departed_at is not None
            assert member.departed_at <= stay.departed_at
    # Open stays today, with active episodes; finished ones have a destination.
    open_stays = [s for s in stays if s.departed_at is None]
    assert 1 <= len(open_stays) <= places
    assert all(s.episode.status == Episode.Status.ACTIVE for s in open_stays)
    assert all(s.destination for s in stays if s.departed_at is not None and not _moved(s))
    # The demo's history from 1 January two years back (the places full from its first day),
    # across year boundaries.
    assert _local(stays[0].arrived_at).date() <= history_start(today)
    assert any(
        _local(s.arrived_at).year < _local(s.departed_at).year
        for s in stays
        if s.departed_at is not None
    )
    # Last year's care days and occupancy.
    last_year = (dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31))
    ledger = selectors.ledger_for_service_form(
        service_form=form, period_start=last_year[0], period_end=last_year[1]
    )
    expected_payer = "state" if form.slug == demo.SHELTER else "municipality"
    assert ledger.total > 0 and set(ledger.by_payer) == {expected_payer}
    assert len(ledger.by_month) == 12
    occupancy = selectors.occupancy_period(service_form=form, start=last_year[0], end=last_year[1])
    assert occupancy.occupancy_percent is not None
    assert 65 <= occupancy.occupancy_percent <= 92
    assert TurnAway.objects.filter(service_form=form, reason=TurnAway.Reason.NO_PLACE).exists()
    assert ShiftNote.objects.filter(
        service_form=form, shift_date__gte=today - dt.timedelta(days=2)
    ).exists()


def _days(stay: Stay) -> int:
    assert stay.departed_at is not None
    return (stay.departed_at - stay.arrived_at).days


def _moved(stay: Stay) -> bool:
    return Stay.objects.filter(moved_from=stay).exists()


def _check_shelter_specifics(form: ServiceForm, *, today: dt.date) -> None:
    stays = Stay.objects.filter(place__service_form=form)
    assert stays.filter(moved_from__isnull=False).exists()
    lengths = sorted(_days(s) for s in stays.filter(departed_at__isnull=False))
    assert lengths[-1] <= 61
    assert 7 <= lengths[len(lengths) // 2] <= 25  # median about two weeks or more
    night = [s for s in stays if not 7 <= _local(s.arrived_at).hour < 21]
    assert len(night) > len(stays) // 4
    # Someone came later (a child the next day).
    assert (
        StayMember.objects.filter(stay__place__service_form=form)
        .exclude(arrived_at__in=stays.values("arrived_at"))
        .exists()
    )
    # THL data: most persons of last year's stays have it, a few are missing on purpose.
    participants = Participant.objects.filter(
        stay_memberships__stay__place__service_form=form,
        stay_memberships__stay__arrived_at__year=today.year - 1,
    ).distinct()
    with_data = participants.filter(shelter_data__isnull=False).count()
    assert 0 < participants.count() - with_data < with_data
    assert ShelterClientData.objects.exclude(violence_forms=[]).exists()
    assert LineContact.objects.filter(service_form=form).count() > 365


def _check_ensikoti_specifics(form: ServiceForm, *, today: dt.date) -> None:
    stays = Stay.objects.filter(place__service_form=form)
    assert all(s.payer is not None for s in stays)
    pregnant = stays.filter(started_in_pregnancy=True)
    assert pregnant.exists()
    # A baby born during a stay that started in pregnancy arrives after the birth.
    babies = StayMember.objects.filter(
        stay__place__service_form=form, participant__person__birth_date__isnull=False
    ).select_related("stay", "participant__person")
    born_during = [
        m
        for m in babies
        if m.participant.person is not None
        and m.participant.person.birth_date is not None
        and _local(m.stay.arrived_at).date() < m.participant.person.birth_date
        and m.participant.person.birth_date <= _local(m.arrived_at).date()
    ]
    assert born_during
    lengths = [
        _days(s)
        for s in stays.filter(departed_at__isnull=False, moved_from__isnull=True)
        if not _moved(s)
    ]
    assert min(lengths) >= 28 and max(lengths) <= 186
    # Payment commitments cover the stays, except one late renewal (a gap on purpose).
    commitments = list(PaymentCommitment.objects.filter(episode__service_form=form))
    assert {c.payer.name for c in commitments} == {demo.WELLBEING_COUNTY}
    uncovered = 0
    for stay in stays.filter(departed_at__isnull=False):
        assert stay.departed_at is not None
        day = _local(stay.arrived_at).date()
        while day < _local(stay.departed_at).date():
            if not any(c.episode_id == stay.episode_id and c.covers(day) for c in commitments):
                uncovered += 1
            day += dt.timedelta(days=1)
    assert 0 < uncovered <= 15


def test_demo_names_workers_and_opens_shelter_families_to_lapsityo_only_by_assignment(
    clients_demo: ClientsDemo,
) -> None:
    """The named workers of the demo (CLI-16): the responsible workers add no access (each is a
    member of the episode's own form); the one grant across forms is Lapsityö's worker on some
    shelter families with children, and she sees exactly the shelter episodes whose naming is in
    force today — no other shelter family."""
    org, counts = clients_demo.organisation, clients_demo.clients
    today = NOW.date()
    with scope(organisation=org.pk):
        named = list(Assignment.objects.select_related("user", "episode__service_form"))
        primary = [a for a in named if a.is_primary]
        across = [a for a in named if not a.is_primary]
        assert len(primary) == counts.responsible_workers > 100
        assert len(across) == counts.co_workers > 0
        for a in primary:
            assert (
                a.user.memberships.active(today)
                .filter(service_form=a.episode.service_form)
                .exists()
            ), a
        assert {(a.user.username, a.episode.service_form.slug) for a in across} == {
            ("lapsityo", "turvakoti")
        }
        assert all(a.episode.participants.filter(role="child").exists() for a in across)
        in_force = {
            a.episode_id
            for a in across
            if a.valid_from <= today and (a.valid_until is None or a.valid_until >= today)
        }
        assert in_force
        lapsityo = User.objects.get(username="lapsityo")
        seen = episodes_visible_to(user=lapsityo).filter(service_form__slug="turvakoti")
        assert set(seen.values_list("pk", flat=True)) == in_force


def test_demo_has_a_reused_record_waiting_for_the_alvari_lead(
    clients_demo: ClientsDemo, client: Any
) -> None:
    """The demo's Alvari enquiry that reused an Avokriisityö client's record (ADR 0028): the
    Alvari worker reads the phone typed at the intake, the Avokriisityö worker the stored
    address, and ero.esihenkilo confirms her from "Vahvistettavat asiakkaat"."""
    from django.urls import reverse

    from tupa.access.contact import withheld_contact
    from tupa.core.tests.helpers import login_verified
    from tupa.people.models import ContactHold

    org = clients_demo.organisation
    with scope(organisation=org.pk):
        hold = ContactHold.objects.select_related("person", "service_form").get()
        alvari, avokriisi, lead = (
            User.objects.get(username=name) for name in ("alvari", "avokriisi", "ero.esihenkilo")
        )
        assert hold.service_form.slug == "alvari" and hold.confirmed_at is None
        assert hold.given == {"phone": "000 000 0002 (keksitty)"}
        assert withheld_contact(user=alvari, persons=[hold.person]).keys() == {hold.person_id}
        assert not withheld_contact(user=avokriisi, persons=[hold.person])
    page = reverse("people:detail", args=[hold.person_id])
    login_verified(client, alvari)
    html = client.get(page).content.decode()
    assert "000 000 0002 (keksitty)" in html and "Keksitty kuja 3 B 12" not in html
    login_verified(client, avokriisi)
    assert "Keksitty kuja 3 B 12" in client.get(page).content.decode()
    login_verified(client, lead)
    assert str(hold.person) in client.get(reverse("people:hold_queue")).content.decode()
