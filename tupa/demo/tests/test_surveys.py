"""The demo's feedback and outcomes (issue 13 item 11), read from the whole demo (built once for
the package by ``manage.py build_demo``, conftest.py): the questionnaires and their versions,
schedules and due lists with withdrawn permissions, the Perhetupa kiosk, a year of answers,
Vaikuttavuus esiin measurements, THL links and the quality self-evaluations — then built again
on top of it: nothing changes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from tupa.accounts.models import User
from tupa.demo import surveys as demo
from tupa.demo.surveys import answers, questionnaires
from tupa.demo.tests.conftest import WholeDemo
from tupa.episodes.models import Episode
from tupa.organisations.models import Organisation
from tupa.surveys.imports import parsing, services
from tupa.surveys.models import (
    Channel,
    CriteriaSet,
    Invitation,
    ItemKind,
    Kiosk,
    QuestionnaireVersion,
    Response,
    Schedule,
    SelfEvaluation,
    ThlFormGiven,
)
from tupa.surveys.outcomes.selectors import outcome_measures
from tupa.surveys.recording import items_of
from tupa.surveys.rendering import questions
from tupa.surveys.schedules.selectors import due_list, invitation_overview

# Reads the whole demo, which runs on SQLite (make test runs it there only, ADR 0012), built once
# on one pytest-xdist worker (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.demo_build, pytest.mark.xdist_group("demo")]

KEYS = {
    "ensikoti-loppu",
    "ensikoti-seuranta",
    "babyblues-loppu",
    "babyblues-lahettaja",
    "peukaloinen-loppu",
    "alvari-seuranta",
    "lapsityo-hymio",
    "doula-vuosi",
    "perhetupa-kioski",
    "vaikuttavuus-esiin",
}
SAMPLE = Path(settings.BASE_DIR) / "tupa" / "demo" / "data" / "surveys" / "webropol-esimerkki.csv"


@dataclass(frozen=True)
class SurveysDemo:
    organisation: Organisation
    #: what the surveys builder added to the whole demo (its line of build_demo's output)
    summary: str
    versions: dict[str, QuestionnaireVersion]


@pytest.fixture
def built(demo_at_now: WholeDemo) -> SurveysDemo:
    organisation = demo_at_now.organisation
    versions = questionnaires.build(organisation=organisation)  # the existing ones
    return SurveysDemo(organisation, demo_at_now.summary("Palaute: "), versions)


def test_the_build_says_what_it_added_and_a_second_run_adds_nothing(built: SurveysDemo) -> None:
    assert built.summary.startswith("Palaute: ")
    with scopes_disabled():
        rows = Response.objects.count() + Invitation.objects.count()
    assert demo.build(organisation=built.organisation) is None
    with scopes_disabled():
        assert Response.objects.count() + Invitation.objects.count() == rows
    assert "/vastaa/" not in built.summary  # no kiosk or invitation link in the output


def test_the_questionnaires_and_their_versions(built: SurveysDemo) -> None:
    versions = built.versions
    assert set(versions) == KEYS
    assert all(v.status == QuestionnaireVersion.Status.PUBLISHED for v in versions.values())
    ensikoti = versions["ensikoti-loppu"]
    assert ensikoti.number == 2
    v1 = ensikoti.questionnaire.versions.get(number=1)
    assert v1.status == QuestionnaireVersion.Status.RETIRED
    codes1 = [i.code for i in v1.items.all()]
    codes2 = [i.code for i in ensikoti.items.all()]
    assert set(codes2) - set(codes1) == {"child_wellbeing"}
    assert v1.items.get(code="felt_heard").text_fi != ensikoti.items.get(code="felt_heard").text_fi
    smiley = versions["lapsityo-hymio"]
    assert smiley.child_friendly
    kinds = [i.kind for i in smiley.items.all()]
    assert 4 <= kinds.count(ItemKind.SMILEY) <= 6 and kinds.count(ItemKind.TEXT) == 1
    assert versions["vaikuttavuus-esiin"].questionnaire.service_form is None
    with scope(organisation=built.organisation):
        for version in versions.values():
            assert questions(version, language="sv")  # renders in every language
            if not (version.child_friendly or version.questionnaire.builtin):
                assert len({i.kind for i in version.items.all()}) >= 4, version


def test_schedules_due_lists_and_withdrawn_permissions(built: SurveysDemo) -> None:
    versions, today = built.versions, timezone.localdate()
    with scope(organisation=built.organisation):
        made = Schedule.objects.filter(organisation=built.organisation)
        assert made.count() == 9 + 4
        assert made.get(trigger="continuous").channel == "kiosk"
        follow = made.get(questionnaire=versions["ensikoti-seuranta"].questionnaire)
        assert follow.months_after == 12
        assert not made.filter(questionnaire__is_outcome_measure=True, anonymous=True).exists()
        assert Invitation.objects.filter(status="open").count() >= 3
        ensikoti = made.get(questionnaire=versions["ensikoti-loppu"].questionnaire).service_form
        worker = User.objects.get(username="ensikoti")
        overview = invitation_overview(user=worker, service_form=ensikoti, today=today)
        assert overview.open and overview.reminders
        due = due_list(user=worker, service_form=ensikoti, today=today)
        assert due.rows, "the Ensikoti due list shows someone"
        follow_up = next(g for g in due.groups if g.schedule.trigger == "months_after")
        assert follow_up.without_permission >= 1, "a withdrawn permission drops off"
        doulas = due_list(
            user=User.objects.get(username="babyblues"),
            service_form=made.get(trigger="yearly").service_form,
            today=today,
        )
        assert any(row.volunteer is not None for row in doulas.rows)


def test_the_perhetupa_kiosk(built: SurveysDemo) -> None:
    with scopes_disabled():
        kiosk = Kiosk.objects.get()
    assert kiosk.service_form.slug == "perhetupa" and kiosk.active
    assert kiosk.questionnaire_id == built.versions["perhetupa-kioski"].questionnaire_id


def test_a_year_of_anonymous_answers(built: SurveysDemo) -> None:
    expected = sum(plan.count for plan in answers.PLANS.values())
    with scope(organisation=built.organisation):
        anonymous = Response.objects.filter(anonymous=True)
        assert anonymous.count() == expected == 265
        assert all(d.day == 1 for d in anonymous.values_list("submitted_on", flat=True))
        ensikoti = built.versions["ensikoti-loppu"].questionnaire
        assert anonymous.filter(version__questionnaire=ensikoti, version__number=1).count() == 8
        assert anonymous.filter(channel="kiosk").count() == 150


def test_the_sample_webropol_file_maps_and_reports_its_bad_row(built: SurveysDemo) -> None:
    version = built.versions["babyblues-loppu"]
    parsed = parsing.parse(SAMPLE.read_bytes())
    assert len(parsed.rows) == 12
    with scope(organisation=built.organisation):
        mapping = services.guess_mapping(items_of(version), parsed.header)
        codes = ["overall", "felt_heard", "mood_better", "heard_of", "recommend", "best", "improve"]
        assert sorted(c for c in mapping.values() if c) == sorted([services.DATE, *codes])
        plan = services.plan_import(version, parsed, mapping)
    assert [(e.row, e.message) for e in plan.errors] == [(10, "Valitse arvo väliltä 1–5.")]
    assert len(plan.rows) == 11


def test_outcome_measurements_and_the_shelters_thl_links(built: SurveysDemo) -> None:
    with scope(organisation=built.organisation):
        measured = Response.objects.filter(version=built.versions["vaikuttavuus-esiin"])
        assert measured.count() >= 30
        assert len(set(measured.values_list("episode_id", flat=True))) >= 20
        assert set(measured.values_list("channel", flat=True)) == {Channel.IN_PERSON, Channel.PAPER}
        assert not Response.objects.filter(service_form__slug="turvakoti").exists()
        assert ThlFormGiven.objects.filter(episode__service_form__slug="turvakoti").exists()
        assert Response.objects.filter(channel=Channel.ORAL, anonymous=False).exists()
        changes: Counter[str] = Counter()
        for episode in Episode.objects.filter(pk__in=measured.values("episode_id")):
            for group in outcome_measures(episode):
                if group.total_change is not None:
                    change = group.total_change
                    changes["up" if change > 0 else "down" if change < 0 else "same"] += 1
        assert changes["up"] > changes["same"] + changes["down"] >= 1


def test_quality_self_evaluations(built: SurveysDemo) -> None:
    with scope(organisation=built.organisation):
        assert CriteriaSet.objects.count() == 2
        done = SelfEvaluation.objects.filter(status="done").values_list(
            "service_form__slug", flat=True
        )
        assert sorted(done) == ["ensikoti", "turvakoti"]
        assert SelfEvaluation.objects.filter(status="open").count() == 2
