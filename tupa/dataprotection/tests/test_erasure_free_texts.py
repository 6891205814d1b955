"""A granted erasure (GDPR art. 17) leaves no free text about the person.

``data_to_remove()`` promises the removal of "asiakaskirjausten ja liitteiden sisältö sekä muut
vapaat tekstit"; ``erasure_execute`` clears the person, aliases, relationships, households,
restrictions and consent scopes. Pinned here: the person's *other* free texts — the texts of
the episodes that are hers alone (in the rows and in their change history) and her linked
feedback answers — do not survive the execution either; the texts of an episode she shares with
other participants are kept, and only after the DPO has confirmed that (the association's
decision, docs/security.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from tupa.core.tests.factories import EpisodeFactory, ParticipantFactory
from tupa.core.tests.helpers import login_verified
from tupa.dataprotection.erasure import services as erasure
from tupa.dataprotection.erasure import texts as erasure_texts
from tupa.episodes.models import (
    BasicFormDefinition,
    Episode,
    ExternalReferral,
    Goal,
    NetworkMeeting,
    Participant,
    Referral,
)
from tupa.people.models import Alias
from tupa.scheduling.models import Appointment, AppointmentType, PlaceKind
from tupa.surveys.models import Answer, Channel, Response
from tupa.surveys.recording import clean_answers, response_record
from tupa.surveys.tests.support import published_questionnaire
from tupa.volunteers.models.matching import MatchingCase

from .support import NOW, granted_erasure

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

SECRET = "Maija Poistettava"


def _execute(world: dict[str, Any]) -> None:
    item = granted_erasure(world)
    with scope(organisation=world["org"].pk):
        _item, executed = erasure.erasure_execute(actor=world["dpo"], request=item)
    assert executed


def test_goal_text_of_the_erased_persons_episode_does_not_survive(world: dict[str, Any]) -> None:
    with scopes_disabled():
        episode = Participant.objects.get(person=world["free"]).episode
        Goal.objects.create(
            episode=episode, text=f"{SECRET} haluaa oppia rajaamaan", created_by=world["dpo"]
        )
    _execute(world)
    with scopes_disabled():
        texts = list(Goal.objects.filter(episode=episode).values_list("text", flat=True))
    assert not any(SECRET in t for t in texts)


def test_linked_feedback_text_of_the_erased_person_does_not_survive(world: dict[str, Any]) -> None:
    with scopes_disabled():
        episode = Participant.objects.get(person=world["free"]).episode
        form = episode.service_form
        version = published_questionnaire(form, actor=world["dpo"], name="Palaute")
        cleaned, errors = clean_answers(
            version, {"overall": "4", "free": f"Olen {SECRET}, kiitos avusta"}
        )
        assert not errors
        response, _created = response_record(
            version=version,
            service_form=form,
            channel=Channel.PAPER,
            answers=cleaned,
            submission_key="audit-erasure-1",
            anonymous=False,
            episode=episode,
            person=world["free"],
            recorded_by=world["dpo"],
        )
    _execute(world)
    with scopes_disabled():
        texts = list(Answer.objects.filter(response=response).values_list("text", flat=True))
        still_linked = Response.objects.filter(pk=response.pk, person=world["free"]).exists()
    assert not any(SECRET in (t or "") for t in texts), (still_linked, texts)


# --------------------------------------------------------------------------- sole and shared


def _own_episode(world: dict[str, Any]) -> Episode:
    with scopes_disabled():
        episode = Participant.objects.get(person=world["free"]).episode
    assert erasure_texts.episode_texts([world["free"].pk])[0].sole  # hers alone
    return episode


def _fill_sole_episode(world: dict[str, Any], episode: Episode) -> dict[str, Any]:
    """Write the secret into the free texts of the catalogue's main kinds (every app)."""
    dpo, form = world["dpo"], episode.service_form
    with scopes_disabled():
        definition = BasicFormDefinition.objects.create(
            organisation=world["org"],
            service_form=form,
            title="Perustiedot",
            fields=[
                {"code": "tilanne", "label": "Tilanne", "type": "text"},
                {
                    "code": "syy",
                    "label": "Syy",
                    "type": "choice",
                    "options": [{"code": "tuki", "label": "Tuki"}],
                },
            ],
        )
        episode.summary = f"{SECRET} muutti kaupunkiin"
        episode.referral_contact = f"{SECRET}n sosiaalityöntekijä"
        episode.basic_form = {
            "definition_id": definition.pk,
            "version": definition.version,
            "answers": {"tilanne": f"{SECRET} on väsynyt", "syy": "tuki"},
        }
        episode.save()
        rows = {
            "goal": Goal.objects.create(episode=episode, text=f"{SECRET} lepää", created_by=dpo),
            "meeting": NetworkMeeting.objects.create(
                episode=episode,
                held_on=dt.date(2026, 2, 1),
                notes=f"{SECRET} kertoi",
                external_participants=f"{SECRET}n äiti",
                created_by=dpo,
            ),
            "referral": Referral.objects.create(
                organisation=world["org"],
                from_episode=episode,
                to_service_form=world["shelter"],
                person=world["free"],
                reason=f"{SECRET} tarvitsee turvaa",
                created_by=dpo,
            ),
            "external": ExternalReferral.objects.create(
                episode=episode,
                service_name="Neuvola",
                referred_on=dt.date(2026, 2, 2),
                note=f"{SECRET} ohjattiin",
                created_by=dpo,
            ),
            "appointment": Appointment.objects.create(
                organisation=world["org"],
                service_form=form,
                episode=episode,
                type=AppointmentType.HOME_VISIT,
                place_kind=PlaceKind.CLIENT_HOME,
                starts_at=NOW,
                ends_at=NOW + dt.timedelta(hours=1),
                organiser=dpo,
                created_by=dpo,
                note=f"Ovikoodi {SECRET}",
                outcome_note=f"{SECRET} oli kotona",
            ),
            "case": MatchingCase.objects.create(
                organisation=world["org"],
                service_form=form,
                episode=episode,
                applied_on=dt.date(2026, 2, 3),
                status_since=dt.date(2026, 2, 3),
                family_situation=f"{SECRET} yksinhuoltaja",
            ),
        }
        rows["goal"].text = f"{SECRET} lepää ja ulkoilee"
        rows["goal"].save()  # a second historical row with the secret
    return rows


def _dump(model: Any, pks: list[int]) -> str:
    rows = [str(list(model._base_manager.filter(pk__in=pks).values()))]
    if hasattr(model, "history"):
        rows.append(str(list(model.history.filter(id__in=pks).values())))
    return "\n".join(rows)


def test_sole_episode_texts_are_cleared_and_purged_from_the_history(
    world: dict[str, Any],
) -> None:
    episode = _own_episode(world)
    rows = _fill_sole_episode(world, episode)
    item = granted_erasure(world)
    with scope(organisation=world["org"].pk):
        item, executed = erasure.erasure_execute(actor=world["dpo"], request=item)
    assert executed
    with scopes_disabled():
        episode.refresh_from_db()
        assert (episode.summary, episode.referral_contact) == ("", "")
        assert episode.basic_form["answers"] == {"tilanne": "", "syy": "tuki"}  # codes stay
        for row in rows.values():
            row.refresh_from_db()
        assert rows["goal"].text == erasure_texts.PLACEHOLDER_TEXT == "Poistettu"  # required
        assert rows["referral"].reason == "Poistettu"
        assert (rows["meeting"].notes, rows["meeting"].external_participants) == ("", "")
        assert rows["external"].note == "" and rows["external"].service_name == "Neuvola"
        assert (rows["appointment"].note, rows["appointment"].outcome_note) == ("", "")
        assert rows["case"].family_situation == ""
        dump = "\n".join(
            [_dump(Episode, [episode.pk])] + [_dump(type(r), [r.pk]) for r in rows.values()]
        )
        # One historical row records the cleared state, by the DPO.
        goal_history = list(Goal.history.filter(id=rows["goal"].pk))
        assert [(h.text, h.history_user) for h in goal_history] == [("Poistettu", world["dpo"])]
    assert SECRET not in dump
    summary = item.execution_summary
    # summary+contact, the basic-form answer, goal, meeting, referral, external, appointment, case
    assert summary["episode_texts"] == 8
    assert summary["sole_episodes"] == 1 and summary["shared_episodes_kept"] == 0
    assert summary["episode_text_history"] >= 7


def test_episode_with_only_her_alias_is_hers_alone(world: dict[str, Any]) -> None:
    episode = _own_episode(world)
    with scopes_disabled():
        alias = Alias.objects.create(
            organisation=world["org"],
            label="M.",
            service_form=world["shelter"],
            person=world["free"],
            linked_at=NOW,
            link_reason="Sama henkilö",
            created_by=world["dpo"],
        )
        ParticipantFactory.create(episode=episode, person=None, alias=alias, role="child")
    (row,) = erasure_texts.episode_texts([world["free"].pk])
    assert row.sole and row.participants == 2


def _shared_episode(world: dict[str, Any]) -> tuple[Episode, Goal]:
    """An episode of the person and another client, with a goal that names the other."""
    with scopes_disabled():
        form = Participant.objects.get(person=world["free"]).episode.service_form
        shared = EpisodeFactory.create(service_form=form, service_task="own_activity")
        ParticipantFactory.create(episode=shared, person=world["free"])
        ParticipantFactory.create(
            episode=shared, person__first_names="Toinen", person__last_name="Osallistuja"
        )
        goal = Goal.objects.create(
            episode=shared, text="Toinen Osallistuja ja Maija sopivat", created_by=world["dpo"]
        )
    return shared, goal


def test_shared_episode_needs_the_confirmation_and_nothing_changes_without_it(
    world: dict[str, Any],
) -> None:
    own = _own_episode(world)
    with scopes_disabled():
        own_goal = Goal.objects.create(episode=own, text=f"{SECRET} oma", created_by=world["dpo"])
    _shared_episode(world)
    item = granted_erasure(world)
    with (
        scope(organisation=world["org"].pk),
        pytest.raises(ValidationError, match="yhteisiä asiakkuuksia") as refused,
    ):
        erasure.erasure_execute(actor=world["dpo"], request=item)
    assert "shared_texts_confirmed" in refused.value.message_dict
    with scopes_disabled():
        world["free"].refresh_from_db()
        assert world["free"].hetu == "020290-123B"  # not anonymised
        own_goal.refresh_from_db()
        assert own_goal.text == f"{SECRET} oma"  # the sole episode was not cleared either
        item.refresh_from_db()
        assert item.executed_at is None


def test_shared_episode_texts_are_kept_with_the_confirmation(world: dict[str, Any]) -> None:
    own = _own_episode(world)
    with scopes_disabled():
        own_goal = Goal.objects.create(episode=own, text=f"{SECRET} oma", created_by=world["dpo"])
    shared, goal = _shared_episode(world)
    rows = {r.episode_id: r for r in erasure_texts.episode_texts([world["free"].pk])}
    assert not rows[shared.pk].sole and rows[shared.pk].counts == {"Tavoitteet": 1}
    item = granted_erasure(world)
    with scope(organisation=world["org"].pk):
        item, executed = erasure.erasure_execute(
            actor=world["dpo"], request=item, shared_texts_confirmed=True
        )
    assert executed
    with scopes_disabled():
        goal.refresh_from_db()
        own_goal.refresh_from_db()
    assert goal.text == "Toinen Osallistuja ja Maija sopivat"  # the other's record: kept
    assert own_goal.text == "Poistettu"
    assert item.execution_summary["shared_episodes_kept"] == 1
    assert item.execution_summary["sole_episodes"] == 1
    assert item.execution_summary["episode_texts"] == 1


def _open_detail(client: Client, world: dict[str, Any], item: Any) -> str:
    """The DPO reaches the request's page through the exact lookup; its address."""
    login_verified(client, world["dpo"])
    assert (
        client.post(reverse("rights:person_lookup"), {"identifier": "020290-123B"}).status_code
        == 200
    )
    return reverse("rights:erasure_detail", kwargs={"pk": world["free"].pk, "request_pk": item.pk})


def test_execution_page_lists_shared_episodes_and_asks_for_the_confirmation(
    client: Client, world: dict[str, Any]
) -> None:
    _shared, goal = _shared_episode(world)
    item = granted_erasure(world)
    detail = _open_detail(client, world, item)
    page = client.get(detail).content.decode()
    assert "Yhteiset asiakkuudet, joissa on vapaita tekstejä" in page
    assert "Tavoitteet: 1" in page
    assert 'name="shared_texts_confirmed"' in page
    # Never the texts or the other participants' names.
    assert "sopivat" not in page and "Osallistuja" not in page
    # Without the second confirmation: refused, what was ticked stays ticked.
    response = client.post(detail, {"action": "execute", "confirm": "on"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Vahvista, että yhteisten asiakkuuksien tekstit on tarkastettu" in page
    assert 'name="confirm" required id="id_confirm" checked' in page  # kept as ticked
    with scopes_disabled():
        item.refresh_from_db()
        assert item.executed_at is None
    response = client.post(
        detail, {"action": "execute", "confirm": "on", "shared_texts_confirmed": "on"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        item.refresh_from_db()
        goal.refresh_from_db()
    assert item.executed_at is not None
    assert item.execution_summary["shared_episodes_kept"] == 1
    assert goal.text == "Toinen Osallistuja ja Maija sopivat"
    page = client.get(detail).content.decode()
    assert "Yhteiset asiakkuudet, joiden tekstit säilytettiin vahvistuksella" in page


def test_no_shared_texts_no_second_checkbox(client: Client, world: dict[str, Any]) -> None:
    item = granted_erasure(world)
    detail = _open_detail(client, world, item)
    page = client.get(detail).content.decode()
    assert "Toteuta poisto" in page
    assert "shared_texts_confirmed" not in page
    assert "Yhteiset asiakkuudet, joissa" not in page


def test_a_supervised_meetings_place_elsewhere_is_cleared(world: dict[str, Any]) -> None:
    """A meeting "elsewhere than the meeting place" names where it was held — a home, say —
    so its place is one of the episode's free texts: cleared on an episode that is hers alone."""
    from tupa.visitation.models import Meeting, MeetingOrder
    from tupa.visitation.tests.support import municipality

    episode = _own_episode(world)
    with scopes_disabled():
        order = MeetingOrder.objects.create(
            organisation=world["org"],
            episode=episode,
            basis="court_decision",
            basis_date=dt.date(2026, 1, 2),
            meeting_type="supervised",
            valid_from=dt.date(2026, 1, 5),
            payer_municipality=municipality("398", "Lahti"),
            created_by=world["dpo"],
        )
        meeting = Meeting.objects.create(
            organisation=world["org"],
            order=order,
            starts_at=NOW,
            duration_minutes=120,
            location=f"{SECRET}n koti, Kuusitie 3",
        )
    item = granted_erasure(world)
    with scope(organisation=world["org"].pk):
        erasure.erasure_execute(actor=world["dpo"], request=item)
    with scopes_disabled():
        meeting.refresh_from_db()
        assert meeting.location == ""
        assert SECRET not in _dump(Meeting, [meeting.pk])
