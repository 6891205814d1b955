"""Admission, members, moves and discharge (tupa.residential.stays.services)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scopes_disabled

from tupa.core.conflicts import VersionConflict
from tupa.core.tests.factories import ServiceFormFactory, UserFactory, worker_in
from tupa.episodes.models import Referral
from tupa.residential.models import Destination, PayerCategory, Stay, StayMember
from tupa.residential.stays import services

from .support import family, place, residential_form, t

pytestmark = pytest.mark.django_db

STATE = PayerCategory.STATE


@pytest.fixture
def form():  # type: ignore[no-untyped-def]
    return residential_form()


@pytest.fixture
def worker(form):  # type: ignore[no-untyped-def]
    return worker_in(form)


def admit(worker, form, code="p1", at=None, episode_members=None, **kw):  # type: ignore[no-untyped-def]
    episode, members = episode_members or family(form)
    return services.stay_admit(
        actor=worker,
        episode=episode,
        place=place(form, code),
        arrived_at=at or t(2026, 3, 1, 22),
        members=members,
        payer_category=kw.pop("payer_category", STATE),
        **kw,
    )


def members_of(stay: Stay) -> list[StayMember]:
    with scopes_disabled():
        return list(StayMember.objects.filter(stay=stay).order_by("pk"))


def test_admit_records_the_stay_and_every_member(form, worker) -> None:  # type: ignore[no-untyped-def]
    stay = admit(worker, form, at=t(2026, 3, 1, 2, 15))  # a night admission
    assert stay.is_open and stay.version == 1 and stay.created_by == worker
    assert stay.place.code == "p1"
    rows = members_of(stay)
    assert len(rows) == 2
    assert all(m.arrived_at == t(2026, 3, 1, 2, 15) and m.departed_at is None for m in rows)
    with scopes_disabled():
        assert stay.history.get().history_user == worker


def test_admit_needs_a_membership_in_the_service_form(form) -> None:  # type: ignore[no-untyped-def]
    outsider = worker_in(ServiceFormFactory.create(organisation=form.organisation))
    with pytest.raises(PermissionDenied):
        admit(outsider, form)
    with pytest.raises(PermissionDenied):
        admit(UserFactory.create(organisation=form.organisation), form)


def test_admit_refuses_a_place_of_another_form_and_foreign_participants(form, worker) -> None:  # type: ignore[no-untyped-def]
    other = residential_form(places=1, room_capacity=None)
    episode, members = family(form)
    with pytest.raises(ValidationError) as exc:
        services.stay_admit(
            actor=worker,
            episode=episode,
            place=place(other, "p1"),
            arrived_at=t(2026, 3, 1),
            members=members,
            payer_category=STATE,
        )
    assert exc.value.message_dict == {"place": ["Paikka ei kuulu asiakkuuden työmuotoon."]}
    _episode2, strangers = family(form)
    with pytest.raises(ValidationError) as exc:
        services.stay_admit(
            actor=worker,
            episode=episode,
            place=place(form, "p1"),
            arrived_at=t(2026, 3, 1),
            members=strangers,
            payer_category=STATE,
        )
    assert exc.value.message_dict == {"members": ["Henkilö ei ole tämän asiakkuuden osallistuja."]}


def test_no_double_booking_of_a_family_place(form, worker) -> None:  # type: ignore[no-untyped-def]
    first = admit(worker, form, at=t(2026, 3, 1, 22))
    with pytest.raises(ValidationError) as exc:
        admit(worker, form, at=t(2026, 3, 2, 3))
    assert exc.value.message_dict == {
        "place": ["Paikka Perhepaikka 1 on jo varattu valittuna aikana. Valitse toinen paikka."]
    }
    services.stay_discharge(
        actor=worker, stay=first, departed_at=t(2026, 3, 5, 10), destination=Destination.HOME
    )
    # A late entry that would overlap the closed stay is refused too …
    with pytest.raises(ValidationError):
        admit(worker, form, at=t(2026, 3, 4, 20))
    # … but the next family may arrive at the very moment the first one left.
    assert admit(worker, form, at=t(2026, 3, 5, 10)).is_open
    with scopes_disabled():
        assert Stay.objects.filter(place__code="p1", place__service_form=form).count() == 2


def test_a_family_is_in_one_place_at_a_time(form, worker) -> None:  # type: ignore[no-untyped-def]
    episode_members = family(form)
    admit(worker, form, "p1", episode_members=episode_members)
    with pytest.raises(ValidationError) as exc:
        admit(worker, form, "p2", at=t(2026, 3, 3), episode_members=episode_members)
    assert exc.value.message_dict == {
        "arrived_at": ["Asiakkuudella on jo asumisjakso tälle ajalle."]
    }


def test_a_room_takes_up_to_its_capacity_in_persons(form, worker) -> None:  # type: ignore[no-untyped-def]
    admit(worker, form, "room")  # 2 persons of 3
    with pytest.raises(ValidationError) as exc:
        admit(worker, form, "room", at=t(2026, 3, 2))
    assert exc.value.message_dict == {
        "place": ["Huoneessa Huone A on tilaa 1 henkilölle, mutta tulijoita on 2."]
    }
    assert admit(worker, form, "room", at=t(2026, 3, 2), episode_members=family(form, children=0))


def test_child_arrives_later_and_leaves_earlier(form, worker) -> None:  # type: ignore[no-untyped-def]
    episode, (mother, child) = family(form)
    stay = services.stay_admit(
        actor=worker,
        episode=episode,
        place=place(form, "p1"),
        arrived_at=t(2026, 3, 1, 22),
        members=[mother],
        payer_category=STATE,
    )
    with pytest.raises(ValidationError) as exc:
        services.stay_member_add(
            actor=worker, stay=stay, participant=child, arrived_at=t(2026, 3, 1)
        )
    assert exc.value.message_dict == {"arrived_at": ["Henkilö ei voi tulla ennen jakson alkua."]}
    member = services.stay_member_add(
        actor=worker, stay=stay, participant=child, arrived_at=t(2026, 3, 2, 18)
    )
    with pytest.raises(ValidationError):
        services.stay_member_add(
            actor=worker, stay=stay, participant=child, arrived_at=t(2026, 3, 3)
        )
    _other, (stranger, _c) = family(form)
    with pytest.raises(ValidationError):
        services.stay_member_add(
            actor=worker, stay=stay, participant=stranger, arrived_at=t(2026, 3, 3)
        )
    with pytest.raises(ValidationError) as exc:
        services.stay_member_depart(actor=worker, member=member, departed_at=t(2026, 3, 2, 17))
    assert exc.value.message_dict == {"departed_at": ["Lähdön on oltava tulon jälkeen."]}
    services.stay_member_depart(actor=worker, member=member, departed_at=t(2026, 3, 4, 9))
    with pytest.raises(ValidationError):
        services.stay_member_depart(actor=worker, member=member, departed_at=t(2026, 3, 4, 10))
    services.stay_discharge(
        actor=worker, stay=stay, departed_at=t(2026, 3, 5, 10), destination=Destination.RELATIVES
    )
    rows = {m.participant_id: m for m in members_of(stay)}
    assert rows[child.pk].departed_at == t(2026, 3, 4, 9)  # kept, not overwritten
    assert rows[mother.pk].departed_at == t(2026, 3, 5, 10)


def test_member_times_lie_within_the_stay(form, worker) -> None:  # type: ignore[no-untyped-def]
    stay = admit(worker, form)
    services.stay_discharge(
        actor=worker, stay=stay, departed_at=t(2026, 3, 5, 10), destination=Destination.HOME
    )
    member = members_of(stay)[0]
    member.departed_at = t(2026, 3, 6)
    with scopes_disabled(), pytest.raises(ValidationError) as exc:
        member.full_clean()
    assert "departed_at" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.stay_member_add(
            actor=worker, stay=stay, participant=family(form)[1][0], arrived_at=t(2026, 3, 6)
        )


def test_move_ends_one_stay_and_opens_the_next(form, worker) -> None:  # type: ignore[no-untyped-def]
    episode, (mother, child1, child2) = family(form, children=2)
    stay = services.stay_admit(
        actor=worker,
        episode=episode,
        place=place(form, "p1"),
        arrived_at=t(2026, 3, 1, 22),
        members=[mother, child1, child2],
        payer_category=PayerCategory.MUNICIPALITY,
    )
    left = members_of(stay)[2]
    services.stay_member_depart(actor=worker, member=left, departed_at=t(2026, 3, 2, 8))
    admit(worker, form, "p3", at=t(2026, 3, 1, 23))
    with pytest.raises(ValidationError):  # p3 is taken
        services.stay_move(actor=worker, stay=stay, to_place=place(form, "p3"), at=t(2026, 3, 3))
    with pytest.raises(VersionConflict):
        services.stay_move(
            actor=worker, stay=stay, to_place=place(form, "p2"), at=t(2026, 3, 3), version=7
        )
    moved = services.stay_move(
        actor=worker, stay=stay, to_place=place(form, "p2"), at=t(2026, 3, 3, 14), version=1
    )
    assert stay.departed_at == t(2026, 3, 3, 14) and stay.version == 2 and stay.destination == ""
    assert moved.moved_from == stay and moved.place.code == "p2"
    assert moved.arrived_at == t(2026, 3, 3, 14) and moved.is_open
    assert moved.payer_category == PayerCategory.MUNICIPALITY
    carried = members_of(moved)
    assert [m.participant_id for m in carried] == [mother.pk, child1.pk]  # child2 had left
    assert all(m.arrived_at == t(2026, 3, 3, 14) for m in carried)
    assert all(m.departed_at == t(2026, 3, 3, 14) for m in members_of(stay)[:2])
    with pytest.raises(ValidationError) as exc:  # the old stay is closed
        services.stay_move(actor=worker, stay=stay, to_place=place(form, "p4"), at=t(2026, 3, 4))
    assert exc.value.message_dict == {"departed_at": ["Jakso on jo päättynyt."]}


def test_discharge_with_destination_and_follow_on_referral(form, worker) -> None:  # type: ignore[no-untyped-def]
    stay = admit(worker, form)
    outpatient = ServiceFormFactory.create(organisation=form.organisation)
    person = members_of(stay)[0].participant.person
    with scopes_disabled():
        referral = Referral.objects.create(
            organisation=form.organisation,
            from_episode=stay.episode,
            to_service_form=outpatient,
            person=person,
            reason="Jatkotuki avopalvelussa",
            created_by=worker,
        )
        other_episode = family(form)[0]
        foreign = Referral.objects.create(
            organisation=form.organisation,
            from_episode=other_episode,
            to_service_form=outpatient,
            person=person,
            reason="Toinen",
            created_by=worker,
        )
    with pytest.raises(ValidationError) as exc:
        services.stay_discharge(
            actor=worker, stay=stay, departed_at=t(2026, 3, 5), destination="moon"
        )
    assert exc.value.message_dict == {"destination": ["Valitse, minne perhe lähti."]}
    with pytest.raises(ValidationError):
        services.stay_discharge(
            actor=worker,
            stay=stay,
            departed_at=t(2026, 3, 5),
            destination=Destination.HOME,
            follow_on_referral=foreign,
        )
    with pytest.raises(ValidationError) as exc:
        services.stay_discharge(
            actor=worker, stay=stay, departed_at=t(2026, 3, 1, 21), destination=Destination.HOME
        )
    assert exc.value.message_dict == {"departed_at": ["Lähdön on oltava tulon jälkeen."]}
    with pytest.raises(VersionConflict):
        services.stay_discharge(
            actor=worker,
            stay=stay,
            departed_at=t(2026, 3, 5),
            destination=Destination.HOME,
            version=2,
        )
    services.stay_discharge(
        actor=worker,
        stay=stay,
        departed_at=t(2026, 3, 5, 10),
        destination=Destination.OWN_NEW_HOME,
        destination_note="Vuokra-asunto",
        follow_on_referral=referral,
        version=1,
    )
    with scopes_disabled():
        saved = Stay.objects.get(pk=stay.pk)
    assert saved.departed_at == t(2026, 3, 5, 10) and saved.version == 2
    assert saved.destination == "own_new_home" and saved.follow_on_referral == referral
    assert all(m.departed_at == t(2026, 3, 5, 10) for m in members_of(stay))
    with pytest.raises(ValidationError):
        services.stay_discharge(
            actor=worker, stay=stay, departed_at=t(2026, 3, 6), destination=Destination.HOME
        )


def test_discharge_refused_before_a_member_arrives(form, worker) -> None:  # type: ignore[no-untyped-def]
    episode, (mother, child) = family(form)
    stay = services.stay_admit(
        actor=worker,
        episode=episode,
        place=place(form, "p1"),
        arrived_at=t(2026, 3, 1, 22),
        members=[mother],
        payer_category=STATE,
    )
    services.stay_member_add(actor=worker, stay=stay, participant=child, arrived_at=t(2026, 3, 3))
    with pytest.raises(ValidationError) as exc:
        services.stay_discharge(
            actor=worker, stay=stay, departed_at=t(2026, 3, 2), destination=Destination.HOME
        )
    assert exc.value.message_dict == {
        "departed_at": ["Jaksolle on kirjattu henkilö, joka tulee tämän ajan jälkeen."]
    }
