"""Due lists (tupa.surveys.schedules.selectors.due_list) and the contact-permission rule
(tupa.surveys.schedules.consent), with hand-computed expectations on fixed dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from tupa.audit.models import AccessEvent, Action
from tupa.core.tests.factories import (
    EpisodeFactory,
    ParticipantFactory,
    PersonFactory,
    ServiceFormFactory,
    worker_in,
)
from tupa.core.tests.helpers import login_verified
from tupa.episodes.models import Episode
from tupa.people.models import Consent
from tupa.programmes.models import GroupProgramme, Member
from tupa.surveys.models import Invitation, Schedule, Target, Trigger
from tupa.surveys.schedules import consent
from tupa.surveys.schedules.selectors import DueList, due_list
from tupa.surveys.tests.support import invitation_for, published_questionnaire
from tupa.volunteers.models import Volunteer
from tupa.volunteers.tests.support import coordinator_of, new_volunteer

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)


def schedule(
    form: Any, actor: Any, *, trigger: str, target: str = Target.ADULT, **kw: Any
) -> Schedule:
    version = published_questionnaire(
        form, actor=actor, name=f"Kysely {trigger} {target}", target=target
    )
    fields: dict[str, Any] = {
        "channel": Schedule.Channel.KIOSK
        if trigger == Trigger.CONTINUOUS
        else Schedule.Channel.LINK,
        "anonymous": True,
        "due_window_days": 30,
    }
    fields.update(kw)
    with scopes_disabled():
        return Schedule.objects.create(
            organisation_id=form.organisation_id,
            questionnaire=version.questionnaire,
            service_form=form,
            target=target,
            trigger=trigger,
            created_by=actor,
            **fields,
        )


def ended(
    form: Any, end: dt.date, *, first: str, role: str = "client", **episode: Any
) -> tuple[Any, Any]:
    """An ended episode of ``form`` with one person in ``role``."""
    ep = EpisodeFactory.create(
        service_form=form,
        organisation=form.organisation,
        status=Episode.Status.ENDED,
        start_date=end - dt.timedelta(days=100),
        opened_at=dt.datetime.combine(end - dt.timedelta(days=100), dt.time(9), tzinfo=dt.UTC),
        end_date=end,
        end_reason="planned_end",
        **episode,
    )
    person = PersonFactory.create(organisation=form.organisation, first_names=first)
    ParticipantFactory.create(episode=ep, person=person, role=role)
    return ep, person


def names(result: DueList, sched: Schedule) -> list[str]:
    group = next(g for g in result.groups if g.schedule.pk == sched.pk)
    return [row.name.split(", ")[1] for row in group.rows]


def group_of(result: DueList, sched: Schedule) -> Any:
    return next(g for g in result.groups if g.schedule.pk == sched.pk)


def run(user: Any, form: Any, today: dt.date = TODAY) -> DueList:
    with scope(organisation=form.organisation_id):
        return due_list(user=user, service_form=form, today=today)


@pytest.fixture
def form():  # type: ignore[no-untyped-def]
    return ServiceFormFactory.create()


@pytest.fixture
def worker(form):  # type: ignore[no-untyped-def]
    return worker_in(form)


# ----------------------------------------------------------------------- the permission rule


def _episode(flag: bool | None, on: dt.date | None = dt.date(2025, 1, 1)) -> Episode:
    return Episode(
        pk=1, contact_permission=flag, contact_permission_date=on if flag is not None else None
    )


def _consent(**kw: Any) -> Consent:
    values: dict[str, Any] = {"given_on": dt.date(2025, 1, 1), "episode_id": 1}
    values.update(kw)
    return Consent(purpose=Consent.Purpose.FOLLOW_UP, **values)


@pytest.mark.parametrize(
    ("flag", "consents", "expected"),
    [
        (True, [], True),  # the episode's flag only
        (None, [_consent()], True),  # a consent only
        (False, [_consent()], True),  # a later consent overrides the episode's "no"
        (None, [], False),  # nothing recorded
        (False, [], False),  # the episode says no
        (True, [_consent(withdrawn_on=dt.date(2026, 3, 1))], False),  # withdrawn
        (True, [_consent(valid_until=dt.date(2026, 1, 1))], False),  # expired
        (True, [_consent(withdrawn_on=dt.date(2026, 7, 1))], True),  # withdrawal later
        (
            True,
            [_consent(withdrawn_on=dt.date(2026, 3, 1)), _consent(given_on=dt.date(2026, 4, 1))],
            True,  # given again after the withdrawal
        ),
    ],
)
def test_the_contact_permission_rule(
    flag: bool | None, consents: list[Consent], expected: bool
) -> None:
    assert consent.decide(episode=_episode(flag), consents=consents, day=TODAY) is expected


def test_the_flag_counts_only_from_its_day() -> None:
    assert (
        consent.decide(episode=_episode(True, dt.date(2026, 7, 1)), consents=[], day=TODAY) is False
    )


def test_contact_allowed_reads_the_persons_follow_up_consents(form, worker) -> None:  # type: ignore[no-untyped-def]
    ep, person = ended(form, dt.date(2025, 6, 1), first="Aino", contact_permission=True)
    other_ep, _other = ended(form, dt.date(2025, 6, 1), first="Muu")
    with scopes_disabled():
        # A withdrawn consent of another episode does not count; a sharing consent never does.
        Consent.objects.create(
            person=person,
            purpose="follow_up",
            episode=other_ep,
            given_on=dt.date(2025, 1, 1),
            withdrawn_on=dt.date(2025, 2, 1),
            recorded_by=worker,
        )
        Consent.objects.create(
            person=person,
            purpose="sharing",
            episode=ep,
            given_on=dt.date(2025, 1, 1),
            withdrawn_on=dt.date(2025, 2, 1),
            recorded_by=worker,
        )
    assert consent.contact_allowed(episode=ep, person_id=person.pk, day=TODAY) is True
    with scopes_disabled():
        Consent.objects.create(
            person=person,
            purpose="follow_up",
            episode=None,
            given_on=dt.date(2025, 1, 1),
            withdrawn_on=dt.date(2026, 1, 1),
            recorded_by=worker,
        )
    assert consent.contact_allowed(episode=ep, person_id=person.pk, day=TODAY) is False


# ----------------------------------------------------------------------- the triggers


def test_episode_end_lists_the_window_and_leaves_out_the_invited(form, worker) -> None:  # type: ignore[no-untyped-def]
    sched = schedule(form, worker, trigger=Trigger.EPISODE_END)
    ep1, _p1 = ended(form, dt.date(2026, 6, 1), first="Aino")  # 14 days ago: due
    ParticipantFactory.create(
        episode=ep1,
        person=PersonFactory.create(organisation=form.organisation, first_names="Lapsi"),
        role="child",
    )
    ended(form, dt.date(2026, 5, 15), first="Reunalla")  # exactly 31 days ago: out
    ended(form, dt.date(2026, 5, 16), first="Rajalla")  # 30 days ago: due
    ended(form, dt.date(2026, 6, 16), first="Huomenna")  # in the future: out
    ep4, p4 = ended(form, dt.date(2026, 6, 10), first="Kutsuttu")
    ep5, p5 = ended(form, dt.date(2026, 6, 12), first="Peruttu")
    ep6, p6 = ended(form, dt.date(2026, 6, 12), first="Vastannut")
    EpisodeFactory.create(service_form=form, organisation=form.organisation)  # active: never
    version = sched.questionnaire.versions.get()
    invitation_for(version, form, actor=worker, schedule=sched, episode=ep4, person=p4)
    invitation_for(
        version, form, actor=worker, schedule=sched, episode=ep5, person=p5, status="cancelled"
    )
    invitation_for(
        version, form, actor=worker, schedule=sched, episode=ep6, person=p6, status="answered"
    )
    result = run(worker, form)
    assert names(result, sched) == ["Rajalla", "Aino", "Peruttu"]
    assert [row.due_on for row in group_of(result, sched).rows] == [
        dt.date(2026, 5, 16),
        dt.date(2026, 6, 1),
        dt.date(2026, 6, 12),
    ]


def test_targets_choose_the_participants(form, worker) -> None:  # type: ignore[no-untyped-def]
    children = schedule(form, worker, trigger=Trigger.EPISODE_END, target=Target.CHILD)
    parents = schedule(form, worker, trigger=Trigger.EPISODE_END, target=Target.PARENT)
    ep, _mother = ended(form, dt.date(2026, 6, 1), first="Äiti")
    for first, role in (("Lapsi", "child"), ("Isä", "partner")):
        ParticipantFactory.create(
            episode=ep,
            person=PersonFactory.create(organisation=form.organisation, first_names=first),
            role=role,
        )
    result = run(worker, form)
    assert names(result, children) == ["Lapsi"]
    assert sorted(names(result, parents)) == ["Isä", "Äiti"]


def test_victim_work_never_asks_the_one_who_used_violence(worker) -> None:  # type: ignore[no-untyped-def]
    victim = ServiceFormFactory.create(violence_work="victim")
    user = worker_in(victim)
    sched = schedule(victim, user, trigger=Trigger.EPISODE_END, target=Target.PARENT)
    ep, _p = ended(victim, dt.date(2026, 6, 1), first="Asiakas")
    ParticipantFactory.create(
        episode=ep,
        person=PersonFactory.create(organisation=victim.organisation, first_names="Käyttänyt"),
        role="partner",
        violence_role="used",
    )
    assert names(run(user, victim), sched) == ["Asiakas"]


def test_referrer_gets_one_row_per_episode_with_a_referrer(form, worker) -> None:  # type: ignore[no-untyped-def]
    sched = schedule(form, worker, trigger=Trigger.EPISODE_END, target=Target.REFERRER)
    ended(form, dt.date(2026, 6, 1), first="A", referral_contact="Sosiaalityöntekijä Keksitty")
    ended(form, dt.date(2026, 6, 2), first="B")  # no referrer recorded
    rows = group_of(run(worker, form), sched).rows
    assert [(r.recipient_label, r.person) for r in rows] == [("Sosiaalityöntekijä Keksitty", None)]


def test_months_after_lists_only_persons_with_a_valid_permission(form, worker) -> None:  # type: ignore[no-untyped-def]
    sched = schedule(
        form, worker, trigger=Trigger.MONTHS_AFTER_END, months_after=12, anonymous=False
    )
    end = dt.date(2025, 6, 1)  # due 1.6.2026, 14 days ago
    ended(form, end, first="Lupa", contact_permission=True, contact_permission_date=end)
    ended(form, end, first="Kielto", contact_permission=False, contact_permission_date=end)
    _e, withdrawn = ended(
        form, end, first="Peruttu", contact_permission=True, contact_permission_date=end
    )
    _e4, with_consent = ended(form, end, first="Suostumus")
    _e5, expired = ended(
        form, end, first="Vanhentunut", contact_permission=True, contact_permission_date=end
    )
    ended(form, dt.date(2025, 4, 1), first="Liian", contact_permission=True)  # due 1.4.2026: out
    with scopes_disabled():
        Consent.objects.create(
            person=withdrawn,
            purpose="follow_up",
            episode=_e,
            given_on=end,
            withdrawn_on=dt.date(2026, 3, 1),
            recorded_by=worker,
        )
        Consent.objects.create(
            person=with_consent, purpose="follow_up", episode=None, given_on=end, recorded_by=worker
        )
        Consent.objects.create(
            person=expired,
            purpose="follow_up",
            episode=_e5,
            given_on=end,
            valid_until=dt.date(2026, 1, 1),
            recorded_by=worker,
        )
    result = run(worker, form)
    assert sorted(names(result, sched)) == ["Lupa", "Suostumus"]
    assert group_of(result, sched).without_permission == 3
    assert {row.due_on for row in group_of(result, sched).rows} == {dt.date(2026, 6, 1)}


def _programme(form: Any, actor: Any, **dates: Any) -> GroupProgramme:
    with scopes_disabled():
        return GroupProgramme.objects.create(
            organisation=form.organisation,
            service_form=form,
            name=f"Ryhmä {dates}",
            type="closed",
            target_group="baby_parent",
            starts_on=dt.date(2026, 1, 1),
            created_by=actor,
            **dates,
        )


def _member(programme: GroupProgramme, first: str, actor: Any, **episode: Any) -> Any:
    ep = EpisodeFactory.create(
        service_form=programme.service_form, organisation=programme.organisation, **episode
    )
    person = PersonFactory.create(organisation=programme.organisation, first_names=first)
    participant = ParticipantFactory.create(episode=ep, person=person)
    child = ParticipantFactory.create(
        episode=ep,
        person=PersonFactory.create(
            organisation=programme.organisation, first_names=f"{first}n lapsi"
        ),
        role="child",
    )
    with scopes_disabled():
        Member.objects.create(
            programme=programme,
            participant=participant,
            child=child,
            joined_on=dt.date(2026, 1, 1),
            added_by=actor,
        )
    return ep, person


def test_group_period_end_and_aftercare(form, worker) -> None:  # type: ignore[no-untyped-def]
    group_end = schedule(form, worker, trigger=Trigger.GROUP_PERIOD_END, target=Target.PARENT)
    children = schedule(form, worker, trigger=Trigger.GROUP_PERIOD_END, target=Target.CHILD)
    aftercare = schedule(
        form, worker, trigger=Trigger.AFTERCARE_END, target=Target.PARENT, anonymous=False
    )
    ended_now = _programme(form, worker, ends_on=dt.date(2026, 6, 10))
    ended_long_ago = _programme(
        form, worker, ends_on=dt.date(2026, 3, 1), aftercare_until=dt.date(2026, 6, 5)
    )
    _member(ended_now, "Vanhempi", worker)
    _member(ended_long_ago, "Luvaton", worker)
    _member(
        ended_long_ago,
        "Luvallinen",
        worker,
        contact_permission=True,
        contact_permission_date=dt.date(2026, 1, 1),
    )
    result = run(worker, form)
    assert names(result, group_end) == ["Vanhempi"]
    assert names(result, children) == ["Vanhemmin lapsi"] or names(result, children) == [
        "Vanhempin lapsi"
    ]
    assert names(result, aftercare) == ["Luvallinen"]
    assert group_of(result, aftercare).without_permission == 1
    assert group_of(result, group_end).rows[0].programme == ended_now


def test_yearly_lists_active_volunteers_not_yet_invited_this_year(form, worker) -> None:  # type: ignore[no-untyped-def]
    sched = schedule(form, worker, trigger=Trigger.YEARLY, target=Target.VOLUNTEER)
    coordinator = coordinator_of(form)
    new_volunteer(coordinator, form, first="Aktiivi", last="Vapaa")
    invited = new_volunteer(coordinator, form, first="Kutsuttu", last="Vapaa")
    last_year = new_volunteer(coordinator, form, first="Viimevuonna", last="Vapaa")
    paused = new_volunteer(coordinator, form, first="Tauolla", last="Vapaa")
    with scopes_disabled():
        Volunteer.objects.exclude(pk=paused.pk).update(status="active")
        Volunteer.objects.filter(pk=paused.pk).update(status="paused")
    version = sched.questionnaire.versions.get()
    invitation_for(
        version, form, actor=worker, schedule=sched, volunteer=invited, status="answered"
    )
    old, _t = invitation_for(version, form, actor=worker, schedule=sched, volunteer=last_year)
    with scopes_disabled():
        Invitation.objects.filter(pk=old.pk).update(
            created_at=dt.datetime(2025, 5, 1, 12, tzinfo=dt.UTC)
        )
    assert names(run(worker, form), sched) == ["Aktiivi", "Viimevuonna"]


def test_continuous_and_manual_list_nobody_and_say_why(form, worker) -> None:  # type: ignore[no-untyped-def]
    kiosk = schedule(form, worker, trigger=Trigger.CONTINUOUS)
    manual = schedule(form, worker, trigger=Trigger.MANUAL, anonymous=False)
    ended(form, dt.date(2026, 6, 1), first="Aino")
    result = run(worker, form)
    for sched in (kiosk, manual):
        assert group_of(result, sched).rows == []
        assert str(group_of(result, sched).note)


def test_an_inactive_schedule_is_not_on_the_list(form, worker) -> None:  # type: ignore[no-untyped-def]
    schedule(form, worker, trigger=Trigger.EPISODE_END, active=False)
    ended(form, dt.date(2026, 6, 1), first="Aino")
    assert run(worker, form).groups == []


def test_only_visible_episodes_and_their_basis(form, worker) -> None:  # type: ignore[no-untyped-def]
    sched = schedule(form, worker, trigger=Trigger.EPISODE_END)
    ended(form, dt.date(2026, 6, 1), first="Aino")
    outsider = worker_in(ServiceFormFactory.create(organisation=form.organisation, area=form.area))
    assert names(run(outsider, form), sched) == []
    rows = run(worker, form).rows
    assert [str(r.basis) for r in rows] == ["membership"]


# ----------------------------------------------------------------------- the page


def test_due_page_lists_and_logs_each_person(client, form, worker) -> None:  # type: ignore[no-untyped-def]
    schedule(form, worker, trigger=Trigger.EPISODE_END)
    _ep, person = ended(form, dt.date(2026, 6, 1), first="Aino")
    login_verified(client, worker)
    with time_machine.travel(dt.datetime(2026, 6, 15, 9, tzinfo=dt.UTC)):
        response = client.get(reverse("surveys:due", args=[form.slug]))
    assert response.status_code == 200
    assert "Keksitty, Aino" in response.content.decode()
    with scopes_disabled():
        events = list(AccessEvent.objects.filter(user=worker, action=Action.LIST))
    assert [(e.subject_id, e.basis) for e in events] == [(str(person.pk), "membership")]


def test_due_page_is_404_for_a_worker_of_another_form_and_across_the_wall(client, form) -> None:  # type: ignore[no-untyped-def]
    victim = ServiceFormFactory.create(
        violence_work="victim", organisation=form.organisation, area=form.area
    )
    perpetrator = ServiceFormFactory.create(
        violence_work="perpetrator", organisation=form.organisation, area=form.area
    )
    jussi_worker = worker_in(perpetrator)
    login_verified(client, jussi_worker)
    assert client.get(reverse("surveys:due", args=[victim.slug])).status_code == 404
    assert client.get(reverse("surveys:due", args=[form.slug])).status_code == 404
    assert client.get(reverse("surveys:due", args=["ei-ole"])).status_code == 404


def test_due_list_queries_do_not_grow_with_rows(
    form, worker, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    schedule(form, worker, trigger=Trigger.EPISODE_END)
    schedule(form, worker, trigger=Trigger.EPISODE_END, target=Target.CHILD)
    schedule(form, worker, trigger=Trigger.MONTHS_AFTER_END, months_after=12, anonymous=False)
    schedule(form, worker, trigger=Trigger.GROUP_PERIOD_END, target=Target.PARENT)
    schedule(form, worker, trigger=Trigger.YEARLY, target=Target.VOLUNTEER)
    programme = _programme(form, worker, ends_on=dt.date(2026, 6, 10))
    coordinator = coordinator_of(form)
    for n in range(12):
        ep, _p = ended(form, dt.date(2026, 6, 1), first=f"Loppu{n}")
        ParticipantFactory.create(
            episode=ep, person=PersonFactory.create(organisation=form.organisation), role="child"
        )
        ended(form, dt.date(2025, 6, 1), first=f"Seuranta{n}", contact_permission=n % 2 == 0)
        _member(programme, f"Ryhmä{n}", worker)
        new_volunteer(coordinator, form, first=f"Vapaa{n}", last="Ehtoinen")
    with scopes_disabled():
        Volunteer.objects.update(status="active")
    worker = type(worker).objects.get(pk=worker.pk)  # a fresh user: nothing cached
    with django_assert_max_num_queries(12):
        result = run(worker, form)
    assert len(result.rows) == 12 + 12 + 6 + 12 + 12


def test_due_page_shows_names_only_and_its_queries_do_not_grow(
    client, form, worker, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    schedule(form, worker, trigger=Trigger.EPISODE_END)
    schedule(form, worker, trigger=Trigger.EPISODE_END, target=Target.CHILD)
    for n in range(8):
        ep, person = ended(form, dt.date(2026, 6, 1), first=f"Aino{n}")
        with scopes_disabled():
            person.phone = f"040 CANARY{n}"
            person.street_address = f"Kanarialintu {n}"
            person.save()
        ParticipantFactory.create(
            episode=ep,
            person=PersonFactory.create(organisation=form.organisation, first_names=f"Lapsi{n}"),
            role="child",
        )
    login_verified(client, worker)
    url = reverse("surveys:due", args=[form.slug])
    with (
        time_machine.travel(dt.datetime(2026, 6, 15, 9, tzinfo=dt.UTC)),
        django_assert_max_num_queries(20),
    ):
        response = client.get(url)
    body = response.content.decode()
    assert body.count("Luo kutsu") == 16
    assert "CANARY" not in body and "Kanarialintu" not in body
    with scopes_disabled():
        assert AccessEvent.objects.filter(user=worker, action=Action.LIST).count() == 16
