"""The results pages of a questionnaire and their exports (rule ``surveys.results.view``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tupa.access import policy
from tupa.access import surveys as access
from tupa.access.marks import login_only, object_scoped, user_of
from tupa.audit.models import Action
from tupa.audit.services import record_access
from tupa.core import svg
from tupa.core.spreadsheets import csv_response, xlsx_response
from tupa.core.suppression import SHOWN
from tupa.organisations.models import ServiceForm
from tupa.people.models import Person
from tupa.surveys.models import Questionnaire
from tupa.surveys.results import exports, outcome, selectors, suppression
from tupa.surveys.results.forms import ResultsFilterForm, period_label, period_of


def _log(
    request: HttpRequest, shown: Iterable[tuple[Person, str, int | None]], action: str
) -> None:
    """One access-log row per person whose linked free text is shown (fail closed)."""
    for person, basis, episode_id in shown:
        record_access(
            request=request, subjects=[person], action=action, basis=basis, episode_id=episode_id
        )


def _context(
    request: HttpRequest, pk: int
) -> tuple[Questionnaire, list[ServiceForm], ResultsFilterForm, dt.date, dt.date, int | None]:
    questionnaire = access.questionnaire_access(request, pk, action=access.RESULTS).obj
    forms = selectors.forms_with_results(user_of(request), questionnaire)
    if not forms:
        raise Http404
    versions = selectors.versions_of(questionnaire)
    form = ResultsFilterForm(
        request.GET or None,
        version_numbers=[v.number for v in versions],
        initial={"vuosi": timezone.localdate().year},
    )
    start, end, version = period_of(form)
    return questionnaire, forms, form, start, end, version


@login_only
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The questionnaires whose results the user may read, and the forms they may import into."""
    user = user_of(request)
    policy.require(user, access.OPEN)
    questionnaires = list(
        access.questionnaires_visible_to(user, access.RESULTS)
        .filter(archived=False)
        .select_related("service_form")
        .order_by("service_form__name", "name", "pk")
    )
    return render(
        request,
        "surveys/results/index.html",
        {
            "questionnaires": questionnaires,
            "import_forms": list(access.forms_for(user, access.MANAGE)),
        },
    )


@object_scoped
@require_GET
def results(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire, forms, form, start, end, version = _context(request, pk)
    user = user_of(request)
    figures = selectors.results_for(
        user=user, questionnaire=questionnaire, forms=forms, start=start, end=end, version=version
    )
    if questionnaire.service_form_id is None:
        # An organisation-wide questionnaire: only the forms that have something to show.
        figures.forms = [f for f in figures.forms if f.respondents or f.invitations]
    change = None
    if questionnaire.is_outcome_measure:
        change = outcome.outcome_results(
            questionnaire,
            forms=forms,
            start=start,
            end=end,
            suppressed=any(not access.may_see_small_cells(user, f) for f in forms),
        )
    _log(request, figures.shown_persons, Action.VIEW)
    change_chart = None
    if change is not None and not change.total.withheld:
        change_chart = svg.bars(
            _("Pistemuutoksen jakauma"),
            [
                (p.label, None if p.state != SHOWN else p.count, p.display)
                for p in change.total.histogram
            ],
        )
    return render(
        request,
        "surveys/results/results.html",
        {
            "questionnaire": questionnaire,
            "filter_form": form,
            "form": form,
            "results": figures,
            "change": change,
            "change_chart": change_chart,
            "period": period_label(start, end),
            "query": request.GET.urlencode(),
            "threshold": suppression.threshold(),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _file_name(questionnaire: Questionnaire, start: dt.date, end: dt.date, kind: str) -> str:
    name = slugify(questionnaire.name)[:40] or "kysely"
    return f"{name}-{kind}-{start:%Y%m%d}-{end:%Y%m%d}"


def _answers_export(
    request: HttpRequest,
    pk: int,
    write: Callable[[exports.AnswerTable, list[tuple[str, str]]], bytes],
    respond: Callable[[bytes, str], HttpResponse],
    suffix: str,
) -> HttpResponse:
    """The answer table as a file: ``write`` makes it, ``respond`` sends it as ``*suffix``."""
    questionnaire, forms, _form, start, end, version = _context(request, pk)
    table = exports.answer_table(
        user=user_of(request),
        questionnaire=questionnaire,
        forms=forms,
        start=start,
        end=end,
        version=version,
    )
    _log(request, table.shown_persons, Action.EXPORT)
    data = write(table, exports.export_meta(questionnaire, start, end, version))
    return respond(data, _file_name(questionnaire, start, end, "vastaukset") + suffix)


@object_scoped
@require_GET
def answers_csv(request: HttpRequest, pk: int) -> HttpResponse:
    return _answers_export(request, pk, exports.answers_csv, csv_response, ".csv")


@object_scoped
@require_GET
def answers_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    return _answers_export(request, pk, exports.answers_xlsx, xlsx_response, ".xlsx")


@object_scoped
@require_GET
def summary_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The aggregate figures, always suppressed (it leaves the unit)."""
    questionnaire, forms, _form, start, end, version = _context(request, pk)
    figures = selectors.results_for(
        user=user_of(request),
        questionnaire=questionnaire,
        forms=forms,
        start=start,
        end=end,
        version=version,
        suppress=lambda _f: True,
        with_charts=False,
    )
    change = None
    if questionnaire.is_outcome_measure:
        change = outcome.outcome_results(
            questionnaire, forms=forms, start=start, end=end, suppressed=True
        )
    data = exports.summary_csv(
        figures, change, exports.export_meta(questionnaire, start, end, version)
    )
    return csv_response(data, _file_name(questionnaire, start, end, "yhteenveto") + ".csv")
