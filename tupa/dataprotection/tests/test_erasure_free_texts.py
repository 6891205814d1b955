"""A granted erasure (GDPR art. 17) leaves no free text about the person.

``data_to_remove()`` promises the removal of "asiakaskirjausten ja liitteiden sisältö sekä muut
vapaat tekstit"; ``erasure_execute`` clears the person, aliases, relationships, households,
restrictions and consent scopes. Pinned here (not pinned before): the person's *other* free
texts — the goals of her own episode and her linked feedback answers — do not survive the
execution either.
"""

from __future__ import annotations

from typing import Any

import pytest
from django_scopes import scope, scopes_disabled

from tupa.dataprotection.erasure import services as erasure
from tupa.episodes.models import Goal, Participant
from tupa.surveys.models import Answer, Channel, Response
from tupa.surveys.recording import clean_answers, response_record
from tupa.surveys.tests.support import published_questionnaire

from .support import granted_erasure

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

SECRET = "Maija Poistettava"


def _execute(world: dict[str, Any]) -> None:
    item = granted_erasure(world)
    with scope(organisation=world["org"].pk):
        _item, executed = erasure.erasure_execute(actor=world["dpo"], request=item)
    assert executed


@pytest.mark.xfail(
    strict=True,
    reason="not built: erasure leaves the free texts of the person's episodes (goals, network "
    "meetings, basic forms), which family members may share (docs/security.md)",
)
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
