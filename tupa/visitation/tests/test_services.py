"""Orders, scheduling, outcomes, meeting records and the contact log: the services."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.core.conflicts import VersionConflict
from tupa.core.tests.factories import ServiceFormFactory, org_role_user, worker_in
from tupa.episodes.models import Entry
from tupa.visitation import services
from tupa.visitation.models import (
    Contact,
    Meeting,
    OrderParty,
    Outcome,
    PartyRole,
)

from .support import NOW, family, make_order, order_values, parties, t, visitation_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict:
    form = visitation_form()
    member = worker_in(form)
    episode, people = family(form, children=2)
    return {"form": form, "member": member, "episode": episode, "people": people}


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


@time_machine.travel(NOW, tick=False)
def test_order_create_with_parties(world: dict) -> None:
    order = make_order(world["member"], world["episode"], world["people"])
    with scopes_disabled():
        roles = sorted(OrderParty.objects.filter(order=order).values_list("role", flat=True))
    assert roles == ["child", "child", "resident_parent", "visiting_parent"]
    assert order.authority_label == "Testin käräjäoikeus"
    assert order.organisation_id == world["form"].organisation_id


@time_machine.travel(NOW, tick=False)
def test_order_validation_messages(world: dict) -> None:
    people = world["people"]
    with scopes_disabled(), pytest.raises(ValidationError) as exc:
        services.order_create(
            actor=world["member"],
            episode=world["episode"],
            parties=[(people["mother"], PartyRole.RESIDENT_PARENT)],
            **order_values(
                authority_name="",
                basis_date=dt.date(2026, 7, 1),
                valid_from=dt.date(2026, 5, 1),
                valid_until=dt.date(2026, 4, 1),
                interval_weeks=0,
                arrival_offset_minutes=200,
            ),
        )
    errors = _errors(exc)
    assert errors["authority"] == ["Valitse määrääjä tai kirjoita sen nimi."]
    assert errors["basis_date"] == ["Päätöksen päivä ei voi olla tulevaisuudessa."]
    assert errors["valid_until"] == ["Voimassaolo ei voi päättyä ennen kuin se alkaa."]
    assert errors["interval_weeks"] == ["Tiheyden on oltava 1–12 viikkoa."]
    assert errors["arrival_offset_minutes"] == ["Porrastuksen on oltava 0–120 minuuttia."]
    assert errors["parties"] == ["Merkitse ainakin yksi lapsi.", "Merkitse tapaajavanhempi."]


@time_machine.travel(NOW, tick=False)
def test_order_needs_membership_and_a_visitation_form(world: dict) -> None:
    director = org_role_user(world["form"].organisation, Role.EXECUTIVE_DIRECTOR)
    with pytest.raises(PermissionDenied):
        make_order(director, world["episode"], world["people"])
    other = ServiceFormFactory.create(organisation=world["form"].organisation)
    other_worker = worker_in(other)
    with pytest.raises(PermissionDenied):
        make_order(other_worker, world["episode"], world["people"])
    outpatient_episode, people = family(other)
    with pytest.raises(PermissionDenied):
        make_order(other_worker, outpatient_episode, people)


@time_machine.travel(NOW, tick=False)
def test_participant_of_another_episode_is_refused(world: dict) -> None:
    _other_episode, strangers = family(world["form"])
    mixed = {**world["people"], "father": strangers["father"]}
    with pytest.raises(ValidationError) as exc:
        make_order(world["member"], world["episode"], mixed)
    assert _errors(exc)["parties"] == ["Osapuolten on oltava tämän asiakkuuden osallistujia."]


@time_machine.travel(NOW, tick=False)
def test_order_update_changes_parties_and_checks_version(world: dict) -> None:
    order = make_order(world["member"], world["episode"], world["people"])
    people = world["people"]
    new_parties = [
        (people["mother"], PartyRole.VISITING_PARENT),
        (people["father"], PartyRole.RESIDENT_PARENT),
        (people["children"][0], PartyRole.CHILD),
    ]
    with scopes_disabled():
        updated = services.order_update(
            actor=world["member"],
            order=order,
            version=1,
            parties=new_parties,
            meeting_type="exchange",
        )
        assert updated.version == 2
        assert updated.meeting_type == "exchange"
        assert dict(
            OrderParty.objects.filter(order=order).values_list("participant_id", "role")
        ) == {
            people["mother"].pk: "visiting_parent",
            people["father"].pk: "resident_parent",
            people["children"][0].pk: "child",
        }
        with pytest.raises(VersionConflict) as exc:
            services.order_update(
                actor=world["member"], order=order, version=1, parties=new_parties
            )
    assert exc.value.version == 2


@time_machine.travel(NOW, tick=False)
def test_schedule_generates_skips_existing_and_respects_validity(world: dict) -> None:
    order = make_order(
        world["member"], world["episode"], world["people"], valid_until=dt.date(2026, 8, 31)
    )
    with scopes_disabled():
        created = services.meetings_schedule(
            actor=world["member"],
            order=order,
            first_day=dt.date(2026, 7, 2),
            time=dt.time(17),
            count=3,
        )
        # Every two weeks: 2.7., 16.7., 30.7.
        assert [m.starts_at for m in created] == [
            t(2026, 7, 2, 17),
            t(2026, 7, 16, 17),
            t(2026, 7, 30, 17),
        ]
        assert all(m.duration_minutes == 120 for m in created)
        again = services.meetings_schedule(
            actor=world["member"],
            order=order,
            first_day=dt.date(2026, 7, 16),
            time=dt.time(17),
            count=5,
        )
        # 16.7. and 30.7. exist, 13.8. and 27.8. are new, 10.9. is after the validity.
        assert [m.starts_at for m in again] == [t(2026, 8, 13, 17), t(2026, 8, 27, 17)]
        assert Meeting.objects.filter(order=order).count() == 5


@time_machine.travel(NOW, tick=False)
def test_schedule_validation(world: dict) -> None:
    order = make_order(
        world["member"], world["episode"], world["people"], valid_until=dt.date(2026, 7, 31)
    )
    with scopes_disabled():
        with pytest.raises(ValidationError) as exc:
            services.meetings_schedule(
                actor=world["member"],
                order=order,
                first_day=dt.date(2025, 12, 1),
                time=dt.time(17),
                count=2,
            )
        assert exc.value.message_dict == {
            "first_day": ["Päivän on oltava määräyksen voimassaoloaikana."]
        }
        with pytest.raises(ValidationError) as exc:
            services.meetings_schedule(
                actor=world["member"],
                order=order,
                first_day=dt.date(2026, 7, 2),
                time=dt.time(17),
                count=0,
            )
        assert exc.value.message_dict == {"count": ["Määrän on oltava 1–52."]}
        services.meetings_schedule(
            actor=world["member"],
            order=order,
            first_day=dt.date(2026, 7, 30),
            time=dt.time(17),
            count=2,
        )
        with pytest.raises(ValidationError) as exc:
            services.meetings_schedule(
                actor=world["member"],
                order=order,
                first_day=dt.date(2026, 7, 30),
                time=dt.time(17),
                count=2,
            )
        assert exc.value.message_dict == {
            "first_day": ["Valituille päiville on jo tapaamiset; uusia ei luotu."]
        }


def _one_meeting(world: dict, start: dt.datetime) -> Meeting:
    order = make_order(world["member"], world["episode"], world["people"])
    with scopes_disabled():
        return services.meetings_schedule(
            actor=world["member"],
            order=order,
            first_day=start.date(),
            time=start.time(),
            count=1,
        )[0]


@time_machine.travel(NOW, tick=False)
def test_meeting_update_moves_one_meeting(world: dict) -> None:
    meeting = _one_meeting(world, t(2026, 6, 20, 17))
    with scopes_disabled():
        moved = services.meeting_update(
            actor=world["member"],
            meeting=meeting,
            version=1,
            starts_at=t(2026, 6, 21, 10),
            duration_minutes=90,
            location="Kirjasto",
        )
        assert (moved.starts_at, moved.duration_minutes, moved.location, moved.version) == (
            t(2026, 6, 21, 10),
            90,
            "Kirjasto",
            2,
        )
        with pytest.raises(VersionConflict):
            services.meeting_update(
                actor=world["member"],
                meeting=meeting,
                version=1,
                starts_at=t(2026, 6, 22, 10),
                duration_minutes=90,
            )


@time_machine.travel(NOW, tick=False)
def test_interrupted_meeting_with_record_becomes_a_journal_entry(world: dict) -> None:
    meeting = _one_meeting(world, t(2026, 6, 13, 17))
    people = world["people"]
    with scopes_disabled():
        done = services.meeting_record_outcome(
            actor=world["member"],
            meeting=meeting,
            version=1,
            outcome=Outcome.INTERRUPTED,
            interruption_reason="intoxication",
            outcome_note="Tapaajavanhempi oli päihtynyt.",
            record_text="Tapaaminen keskeytettiin 20 minuutin jälkeen.",
            written_with_client=True,
            present=[people["father"], people["children"][0]],
        )
        entry = Entry.objects.get(pk=done.record_entry_id)
        assert entry.episode_id == world["episode"].pk
        assert entry.written_with_client is True
        assert entry.occurred_at == t(2026, 6, 13, 17)
        assert entry.duration_minutes == 120
        assert entry.author_id == world["member"].pk
        assert set(entry.participants.values_list("pk", flat=True)) == {
            people["father"].pk,
            people["children"][0].pk,
        }
        assert done.outcome_by_id == world["member"].pk
        # A second record is refused; changing the outcome to a cancellation too.
        with pytest.raises(ValidationError) as exc:
            services.meeting_record_outcome(
                actor=world["member"],
                meeting=done,
                version=done.version,
                outcome=Outcome.CANCELLED_US,
                record_text="Toinen kirjaus",
            )
    errors = exc.value.message_dict
    assert errors["record_text"] == ["Kirjauksen voi tehdä vain toteutuneesta tai keskeytetystä."]
    assert errors["outcome"] == [
        "Tapaamisesta on kirjaus, joten sen voi merkitä vain toteutuneeksi tai keskeytetyksi."
    ]


@time_machine.travel(NOW, tick=False)
def test_outcome_validation(world: dict) -> None:
    future = _one_meeting(world, t(2026, 6, 20, 17))
    with scopes_disabled():
        with pytest.raises(ValidationError) as exc:
            services.meeting_record_outcome(
                actor=world["member"], meeting=future, version=1, outcome=Outcome.TOOK_PLACE
            )
        assert exc.value.message_dict == {"outcome": ["Tapaaminen ei ole vielä alkanut."]}
        # A cancellation can be recorded in advance, and may be late.
        cancelled = services.meeting_record_outcome(
            actor=world["member"],
            meeting=future,
            version=1,
            outcome=Outcome.CANCELLED_RESIDENT,
            late_cancellation=True,
        )
        assert cancelled.late_cancellation is True
        with pytest.raises(ValidationError) as exc:
            services.meeting_record_outcome(
                actor=world["member"],
                meeting=future,
                version=2,
                outcome=Outcome.CANCELLED_US,
                late_cancellation=True,
            )
        assert exc.value.message_dict == {
            "late_cancellation": ["Myöhäisen peruutuksen voi merkitä vain perheen perumalle."]
        }
    order = future.order
    with scopes_disabled():
        past = services.meetings_schedule(
            actor=world["member"],
            order=order,
            first_day=dt.date(2026, 6, 1),
            time=dt.time(9),
            count=1,
        )[0]
        with pytest.raises(ValidationError) as exc:
            services.meeting_record_outcome(
                actor=world["member"],
                meeting=past,
                version=1,
                outcome=Outcome.NO_SHOW,
                no_show_role="foster_family",
            )
        assert exc.value.message_dict == {
            "no_show_role": ["Valitse jokin tämän määräyksen osapuolista."]
        }
        with pytest.raises(ValidationError) as exc:
            services.meeting_record_outcome(
                actor=world["member"],
                meeting=past,
                version=1,
                outcome=Outcome.INTERRUPTED,
                interruption_reason="other",
            )
        assert exc.value.message_dict == {
            "outcome_note": ["Kerro lyhyesti, miksi tapaaminen keskeytettiin."]
        }
        ok = services.meeting_record_outcome(
            actor=world["member"],
            meeting=past,
            version=1,
            outcome=Outcome.NO_SHOW,
            no_show_role="visiting_parent",
        )
        assert (ok.outcome, ok.no_show_role, ok.record_entry_id) == (
            "no_show",
            "visiting_parent",
            None,
        )


@time_machine.travel(NOW, tick=False)
def test_contact_log(world: dict) -> None:
    order = make_order(world["member"], world["episode"], world["people"])
    with scopes_disabled():
        party = order.parties.get(role=PartyRole.VISITING_PARENT)
        contact = services.contact_add(
            actor=world["member"],
            order=order,
            contacted_on=dt.date(2026, 6, 15),
            channel="phone",
            summary="Sovittiin ensimmäinen tapaaminen.",
            party=party,
        )
        assert Contact.objects.get().pk == contact.pk
        with pytest.raises(ValidationError) as exc:
            services.contact_add(
                actor=world["member"],
                order=order,
                contacted_on=dt.date(2026, 6, 16),
                channel="pigeon",
                summary=" ",
            )
    assert exc.value.message_dict == {
        "contacted_on": ["Päivä ei voi olla tulevaisuudessa."],
        "channel": ["Valitse yhteydenottotapa."],
        "party": ["Valitse osapuoli tai viranomainen tai kirjoita, kenen kanssa."],
        "summary": ["Kirjoita yhteenveto."],
    }


def test_parties_helper_roles() -> None:
    assert [r for _p, r in parties({"mother": 1, "father": 2, "children": [3]})] == [
        "resident_parent",
        "visiting_parent",
        "child",
    ]
