"""The feedback indicators of the statistics engine (tupa.statistics.indicators.surveys) and
STEA's results report version 2 that uses them."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django_scopes import scopes_disabled

from tupa.core.tests.factories import ServiceFormFactory, client_in, worker_in
from tupa.organisations.models import ServiceForm
from tupa.statistics.engine import run
from tupa.statistics.indicators import registry
from tupa.statistics.indicators import surveys as ind
from tupa.statistics.indicators.base import Params
from tupa.statistics.indicators.computing import compute
from tupa.statistics.indicators.reads import one_run
from tupa.statistics.returns import registry as returns
from tupa.statistics.tests.properties import assert_consistent
from tupa.surveys.models import Channel, Invitation, ItemKind, MeasurementPoint, Target
from tupa.surveys.recording import clean_answers, response_record
from tupa.surveys.tests.support import invitation_for, published_questionnaire

pytestmark = pytest.mark.django_db

YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def _answer(version: Any, form: Any, day: dt.date, channel: str = Channel.KIOSK, **kw: Any) -> None:
    raw = kw.pop("raw", {"overall": "4"})
    cleaned, _errors = clean_answers(version, raw, enforce_required=False)
    response_record(
        version=version,
        service_form=form,
        channel=channel,
        answers=cleaned,
        submission_key=uuid.uuid4().hex,
        anonymous="episode" not in kw,
        submitted_on=day,
        **kw,
    )


@pytest.fixture
def world() -> dict[str, Any]:
    form = ServiceFormFactory.create(name="Perhetupa", kind=ServiceForm.Kind.DROP_IN)
    worker = worker_in(form)
    clients = published_questionnaire(form, actor=worker, name="Asiakaspalaute")
    partners = published_questionnaire(
        form, actor=worker, name="Lähettäjäkysely", target=Target.REFERRER
    )
    # Clients: 3 by kiosk in 2026, 1 on paper in 2026, 1 by kiosk in 2025.
    for month in (1, 2, 3):
        _answer(clients, form, dt.date(2026, month, 5))
    _answer(clients, form, dt.date(2026, 4, 5), Channel.PAPER, recorded_by=worker)
    _answer(clients, form, dt.date(2025, 12, 5))
    # Partners: 2 by link.
    for month in (5, 6):
        _answer(partners, form, dt.date(2026, month, 1), Channel.LINK)
    # Invitations in 2026: 2 answered, 1 open, 1 cancelled.
    with scopes_disabled():
        for status in ("answered", "answered", "open", "cancelled"):
            invitation, _token = invitation_for(partners, form, actor=worker)
            Invitation.objects.filter(pk=invitation.pk).update(
                status=status, created_at=dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC)
            )
    return {"form": form, "worker": worker, "clients": clients, "partners": partners}


def _params(world: dict[str, Any]) -> Params:
    return Params(world["form"].organisation_id, *YEAR, (world["form"].pk,))


def test_every_feedback_indicator_is_registered() -> None:
    for indicator in ind.ALL:
        assert registry.get(indicator.id, indicator.version) is indicator


def test_responses_by_group_and_channel(world: dict[str, Any]) -> None:
    result = compute(ind.RESPONSES, _params(world))
    assert_consistent(result)
    assert result.total == 6
    assert result.by("channel")[("kiosk",)] == 3
    assert result.by("channel")[("paper",)] == 1
    assert result.by("channel")[("link",)] == 2
    clients = compute(ind.CLIENT_FEEDBACK, _params(world))
    assert_consistent(clients)
    assert clients.total == 4
    partners = compute(ind.PARTNER_FEEDBACK, _params(world))
    assert partners.by("questionnaire") == {
        (str(world["clients"].questionnaire_id),): 0,
        (str(world["partners"].questionnaire_id),): 2,
    }


def test_the_response_groups_read_the_answers_once_in_a_run(
    world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    """STEA's return has a line per respondent group: in one run they share one read of the
    period's answers (alone, each reads them), and count the same."""
    params = _params(world)
    groups = (
        ind.RESPONSES,
        ind.CLIENT_FEEDBACK,
        ind.PARTNER_FEEDBACK,
        ind.VOLUNTEER_FEEDBACK,
        ind.STAFF_FEEDBACK,
    )
    with django_assert_num_queries(len(groups)):
        alone = {g.id: compute(g, params).total for g in groups}
    with one_run(), django_assert_num_queries(1):
        together = {g.id: compute(g, params).total for g in groups}
    # By hand (the fixture): 6 answers in 2026, 4 of them by clients, 2 by partners.
    assert (
        together
        == alone
        == {
            "surveys.responses": 6,
            "surveys.client_feedback": 4,
            "surveys.partner_feedback": 2,
            "surveys.volunteer_feedback": 0,
            "surveys.staff_feedback": 0,
        }
    )


def test_each_respondent_group_counts_only_its_own_questionnaires(world: dict[str, Any]) -> None:
    """The fixture's 6 answers of 2026 (4 clients, 2 partners) and, added here, a volunteers'
    questionnaire answered 3 times in 2026 (2 kiosk, 1 paper) and once in 2025, and a staff
    self-assessment answered twice in 2026 (link). By hand: volunteers 3 (kiosk 2, paper 1),
    staff 2 (link 2), clients still 4, partners still 2, all responses 6 + 3 + 2 = 11."""
    form, worker = world["form"], world["worker"]
    volunteers = published_questionnaire(
        form, actor=worker, name="Vapaaehtoisten kysely", target=Target.VOLUNTEER
    )
    staff = published_questionnaire(form, actor=worker, name="Itsearviointi", target=Target.STAFF)
    for month in (7, 8):
        _answer(volunteers, form, dt.date(2026, month, 3))
    _answer(volunteers, form, dt.date(2026, 9, 3), Channel.PAPER, recorded_by=worker)
    _answer(volunteers, form, dt.date(2025, 11, 3))
    for month in (10, 11):
        _answer(staff, form, dt.date(2026, month, 2), Channel.LINK)
    params = _params(world)
    results = {
        group.id: compute(group, params)
        for group in (
            ind.RESPONSES,
            ind.CLIENT_FEEDBACK,
            ind.PARTNER_FEEDBACK,
            ind.VOLUNTEER_FEEDBACK,
            ind.STAFF_FEEDBACK,
        )
    }
    for result in results.values():
        assert_consistent(result)
    assert {key: r.total for key, r in results.items()} == {
        "surveys.responses": 11,
        "surveys.client_feedback": 4,
        "surveys.partner_feedback": 2,
        "surveys.volunteer_feedback": 3,
        "surveys.staff_feedback": 2,
    }
    assert {k: v for k, v in results["surveys.volunteer_feedback"].by("channel").items() if v} == {
        ("kiosk",): 2,
        ("paper",): 1,
    }
    assert {k: v for k, v in results["surveys.staff_feedback"].by("channel").items() if v} == {
        ("link",): 2
    }
    by_questionnaire = results["surveys.volunteer_feedback"].by("questionnaire")
    assert by_questionnaire[(str(volunteers.questionnaire_id),)] == 3
    assert by_questionnaire[(str(staff.questionnaire_id),)] == 0


def test_version_2_lists_only_the_questionnaires_the_group_answers_in_the_form(
    world: dict[str, Any],
) -> None:
    """Added here, beside the fixture's client questionnaire (4 answers in 2026) and partner
    questionnaire of Perhetupa: the association's own client questionnaire (no service form,
    unanswered), another form's client questionnaire answered once for Perhetupa, another
    form's one not answered, an archived client questionnaire of Perhetupa, and a staff
    questionnaire of Perhetupa. By hand, Perhetupa's client feedback by questionnaire:
    version 1 lists all 7 of the organisation's questionnaires; version 2 lists Perhetupa's own
    (4), the association's (0) and the other form's answered one (1), total 5 in both."""
    form, worker = world["form"], world["worker"]
    org = form.organisation_id
    other = ServiceFormFactory.create(organisation_id=org, area__organisation_id=org)
    association = published_questionnaire(None, actor=worker, organisation_id=org, name="Yhteinen")
    elsewhere = published_questionnaire(other, actor=worker, name="Toisen palaute")
    published_questionnaire(other, actor=worker, name="Toisen vastaamaton")
    archived = published_questionnaire(form, actor=worker, name="Vanha palaute")
    published_questionnaire(form, actor=worker, name="Itsearviointi", target=Target.STAFF)
    with scopes_disabled():
        type(archived.questionnaire).objects.filter(pk=archived.questionnaire_id).update(
            archived=True
        )
    _answer(elsewhere, form, dt.date(2026, 6, 2))
    params = _params(world)
    old = compute(ind.CLIENT_FEEDBACK, params)
    new = compute(ind.CLIENT_FEEDBACK_2, params)
    assert_consistent(new)
    assert len(old.by("questionnaire")) == 7
    assert new.by("questionnaire") == {
        (str(world["clients"].questionnaire_id),): 4,
        (str(association.questionnaire_id),): 0,
        (str(elsewhere.questionnaire_id),): 1,
    }
    assert new.total == old.total == 5
    # The staff group's figure lists Perhetupa's staff questionnaire only, the partners' theirs.
    staff = compute(ind.STAFF_FEEDBACK_2, params).by("questionnaire")
    assert [label for (_key,), label in _labels(ind.STAFF_FEEDBACK_2, params, staff)] == [
        "Itsearviointi"
    ]
    partners = compute(ind.PARTNER_FEEDBACK_2, params).by("questionnaire")
    assert partners == {(str(world["partners"].questionnaire_id),): 2}


def _labels(indicator: Any, params: Params, by: dict[Any, int]) -> list[tuple[Any, str]]:
    names = dict(indicator.dimension("questionnaire").values(params))
    return [(key, names[key[0]]) for key in by]


def test_stea_version_3_breaks_the_feedback_down_by_the_forms_own_questionnaires(
    world: dict[str, Any],
) -> None:
    """The latest STEA templates use the feedback groups' version 2; the rest is version 2's."""
    for template_id in ("stea.drop_in", "stea.outpatient", "stea.group", "stea.volunteer"):
        previous, latest = returns.get(template_id, 2), returns.get(template_id)
        assert latest.version == 3
        changed = [
            (a.indicator, a.version, b.version)
            for (_i, a), (_j, b) in zip(previous.lines(), latest.lines(), strict=True)
            if a != b
        ]
        assert changed and all(
            ind_id.endswith("_feedback") and (old, new) == (1, 2) for ind_id, old, new in changed
        )
    assert returns.get("stea.prevention").version == 2
    computed = run(returns.get("stea.drop_in"), _params(world))
    clients = next(cl for cl in computed.lines() if cl.indicator.id == "surveys.client_feedback")
    assert [label for _key, label in clients.table.rows] == ["Asiakaspalaute"]
    assert clients.table.total == 4


def test_invitations_answered_or_not(world: dict[str, Any]) -> None:
    result = compute(ind.INVITATIONS, _params(world))
    assert_consistent(result)
    assert result.by("answered") == {("yes",): 2, ("no",): 1}


def test_outcome_change_by_direction() -> None:
    form = ServiceFormFactory.create()
    worker = worker_in(form)
    version = published_questionnaire(
        form,
        actor=worker,
        items={"a": (ItemKind.SCALE5, False)},
        is_outcome_measure=True,
    )
    for first, last in (("1", "5"), ("3", "3"), ("4", "2")):
        person, episode = client_in(form)
        for point, value, month in (
            (MeasurementPoint.START, first, 2),
            (MeasurementPoint.END, last, 8),
        ):
            _answer(
                version,
                form,
                dt.date(2026, month, 1),
                Channel.IN_PERSON,
                raw={"a": value},
                episode=episode,
                person=person,
                measurement_point=point,
                recorded_by=worker,
            )
    result = compute(ind.OUTCOME_CHANGE, Params(form.organisation_id, *YEAR, (form.pk,)))
    assert_consistent(result)
    assert result.by("direction") == {("improved",): 1, ("unchanged",): 1, ("worsened",): 1}


def test_stea_version_2_counts_the_feedback_perspectives(world: dict[str, Any]) -> None:
    old = returns.get("stea.drop_in", 1)
    new = returns.get("stea.drop_in", 2)
    assert not any(line.indicator.startswith("surveys.") for s in old.sections for line in s.lines)
    computed = run(new, _params(world))
    figures = {
        (cl.line.indicator, cl.line.breakdown): cl.table.total
        for section in computed.sections
        for cl in section.lines
    }
    assert figures[("surveys.client_feedback", ("questionnaire",))] == 4
    assert figures[("surveys.partner_feedback", ("questionnaire",))] == 2
    assert figures[("surveys.invitations", ("answered",))] == 3
    lines = [
        line for s in new.sections for line in s.lines if line.indicator.startswith("surveys.")
    ]
    assert lines and all(line.provenance == "counted" for line in lines)
