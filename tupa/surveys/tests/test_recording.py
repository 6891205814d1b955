"""The one write path of an answer set (tupa.surveys.recording)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

from tupa.core.tests.factories import EpisodeFactory, PersonFactory, ServiceFormFactory, worker_in
from tupa.surveys.models import Answer, Channel, Response
from tupa.surveys.recording import clean_answers, response_record
from tupa.surveys.tests.support import published_questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():  # type: ignore[no-untyped-def]
    form = ServiceFormFactory.create()
    worker = worker_in(form)
    return form, worker, published_questionnaire(form, actor=worker)


def _raw(**values: object) -> dict[str, object]:
    return {"overall": "4", **values}


def test_clean_answers_reports_each_wrong_item_and_keeps_the_rest(setting) -> None:  # type: ignore[no-untyped-def]
    _form, _worker, version = setting
    cleaned, errors = clean_answers(
        version,
        {
            "overall": "",
            "recommend": "11",
            "mood": "2",
            "helped": "maybe",
            "best": ["a", "b"],
            "topics": ["a", "c", "a"],
            "free": "  kiitos  ",
        },
    )
    assert set(errors) == {"overall", "recommend", "helped", "best"}
    assert cleaned["mood"].number == 2
    assert cleaned["topics"].choices == ("a", "c")
    assert cleaned["free"].text == "kiitos"


def test_a_draft_may_leave_required_items_empty(setting) -> None:  # type: ignore[no-untyped-def]
    _form, _worker, version = setting
    _cleaned, errors = clean_answers(version, {"mood": "3"}, enforce_required=False)
    assert errors == {}


def test_anonymous_response_keeps_only_the_month_and_no_link(setting) -> None:  # type: ignore[no-untyped-def]
    form, _worker, version = setting
    cleaned, errors = clean_answers(version, _raw(topics=["b", "c"], helped="yes"))
    assert errors == {}
    response, created = response_record(
        version=version,
        service_form=form,
        channel=Channel.LINK,
        answers=cleaned,
        submission_key="k1",
        anonymous=True,
        submitted_on=dt.date(2026, 5, 17),
    )
    assert created
    assert response.submitted_on == dt.date(2026, 5, 1)
    assert (response.episode_id, response.person_id, response.invitation_id) == (None, None, None)
    with scopes_disabled():
        rows = sorted(
            (a.item.code, a.choice.value if a.choice else None, a.number)
            for a in Answer.objects.filter(response=response)
        )
    assert rows == [
        ("helped", None, 1),
        ("overall", None, 4),
        ("topics", "b", None),
        ("topics", "c", None),
    ]


def test_a_double_submit_stores_one_answer_set(setting) -> None:  # type: ignore[no-untyped-def]
    form, _worker, version = setting
    cleaned, _ = clean_answers(version, _raw())
    first, _ = response_record(
        version=version,
        service_form=form,
        channel=Channel.LINK,
        answers=cleaned,
        submission_key="same",
        anonymous=True,
    )
    again, created = response_record(
        version=version,
        service_form=form,
        channel=Channel.LINK,
        answers=cleaned,
        submission_key="same",
        anonymous=True,
    )
    assert not created and again.pk == first.pk
    with scopes_disabled():
        assert Response.objects.count() == 1


def test_refusals(setting) -> None:  # type: ignore[no-untyped-def]
    form, worker, version = setting
    cleaned, _ = clean_answers(version, _raw())
    episode = EpisodeFactory.create(service_form=form)
    with pytest.raises(ValidationError):  # a link on an anonymous answer
        response_record(
            version=version,
            service_form=form,
            channel=Channel.LINK,
            answers=cleaned,
            submission_key="a",
            anonymous=True,
            episode=episode,
        )
    with pytest.raises(ValidationError):  # paper without the transcriber
        response_record(
            version=version,
            service_form=form,
            channel=Channel.PAPER,
            answers=cleaned,
            submission_key="b",
            anonymous=False,
            episode=episode,
            person=PersonFactory.create(organisation=form.organisation),
        )
    empty, _ = clean_answers(version, {}, enforce_required=False)
    with pytest.raises(ValidationError):  # nothing answered
        response_record(
            version=version,
            service_form=form,
            channel=Channel.PAPER,
            answers=empty,
            submission_key="c",
            anonymous=True,
            recorded_by=worker,
        )
