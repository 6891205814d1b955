"""Quality self-evaluation pages under /palaute/<slug>/laatu/ (rule ``surveys.quality.manage``).

The unit's evaluations, the criteria sets (the organisation's, maintained from any unit where the
user holds the rule), and the evaluation form with the previous year's rating beside each
criterion. A save based on an older version shows a friendly conflict message and keeps what was
typed (409). No person data is shown, so nothing is access-logged.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tupa.access import surveys as access
from tupa.access.marks import object_scoped, user_of
from tupa.core.conflicts import VersionConflict
from tupa.core.forms import Submitted, form_page, form_status, saved_redirect, submit
from tupa.organisations.models import ServiceForm
from tupa.surveys.models import CriteriaSet, Criterion, SelfEvaluation
from tupa.surveys.quality import selectors, services
from tupa.surveys.quality.forms import (
    CriteriaSetForm,
    CriterionForm,
    EvaluationForm,
    EvaluationStartForm,
    evaluation_initial,
)


def _form(request: HttpRequest, slug: str) -> ServiceForm:
    return access.form_access(request, slug, action=access.QUALITY).obj


def index_url(service_form: ServiceForm) -> str:
    return reverse("surveys:quality_index", args=[service_form.slug])


def evaluation_url(evaluation: SelfEvaluation) -> str:
    return reverse("surveys:quality_evaluation", args=[evaluation.service_form.slug, evaluation.pk])


def _set_url(service_form: ServiceForm, set_pk: int) -> str:
    return reverse("surveys:quality_set", args=[service_form.slug, set_pk])


def _criteria_set(service_form: ServiceForm, pk: int) -> CriteriaSet:
    found = CriteriaSet.objects.filter(organisation_id=service_form.organisation_id, pk=pk).first()
    if found is None:
        raise Http404
    return found


@object_scoped
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest, slug: str) -> HttpResponse:
    """The unit's evaluations by year, and a new one (set × year)."""
    service_form = _form(request, slug)
    user = user_of(request)
    sets = CriteriaSet.objects.filter(
        organisation_id=service_form.organisation_id, active=True
    ).order_by("name", "pk")
    form = EvaluationStartForm(
        request.POST or None, sets=sets, initial={"year": timezone.localdate().year}
    )
    saved = saved_redirect(
        request,
        form,
        lambda data: services.evaluation_start(
            actor=user,
            service_form=service_form,
            criteria_set=data["criteria_set"],
            year=data["year"],
        ),
        next_url=evaluation_url,
    )
    return saved or form_page(
        request,
        "surveys/quality/index.html",
        form,
        {
            "service_form": service_form,
            "evaluations": list(selectors.evaluations_of(service_form)),
            "has_sets": sets.exists(),
        },
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def criteria_sets(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's criteria sets, and a new one."""
    service_form = _form(request, slug)
    user = user_of(request)
    form = CriteriaSetForm(request.POST or None)
    saved = saved_redirect(
        request,
        form,
        lambda data: services.criteria_set_create(
            actor=user, name=data["name"], source=data["source"], edition=data["edition"]
        ),
        next_url=lambda created: _set_url(service_form, created.pk),
    )
    return saved or form_page(
        request,
        "surveys/quality/sets.html",
        form,
        {
            "service_form": service_form,
            "sets": list(selectors.criteria_sets(service_form.organisation_id)),
        },
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def criteria_set(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One criteria set: its name and source, its criteria, and a new criterion."""
    service_form = _form(request, slug)
    found = _criteria_set(service_form, pk)
    user = user_of(request)
    set_form = CriteriaSetForm(
        request.POST if "save_set" in request.POST else None,
        initial={
            "name": found.name,
            "source": found.source,
            "edition": found.edition,
            "active": found.active,
        },
        prefix="set",
    )
    criterion_form = CriterionForm(
        request.POST if "add_criterion" in request.POST else None, prefix="new"
    )
    if request.method == "POST":
        done: Submitted[object]
        if "save_set" in request.POST:
            done = submit(
                set_form,
                lambda data: services.criteria_set_update(
                    actor=user,
                    criteria_set=found,
                    name=data["name"],
                    source=data["source"],
                    edition=data["edition"],
                    active=data["active"],
                ),
            )
        else:
            done = submit(
                criterion_form,
                lambda data: services.criterion_add(
                    actor=user,
                    criteria_set=found,
                    code=data["code"],
                    text=data["text"],
                    order=data.get("order"),
                ),
            )
        if done.ok:
            messages.success(request, _("Tallennettu."))
            return HttpResponseRedirect(request.path)
    return render(
        request,
        "surveys/quality/set_detail.html",
        {
            "service_form": service_form,
            "criteria_set": found,
            "criteria": list(found.criteria.order_by("order", "pk")),
            "set_form": set_form,
            "form": criterion_form if criterion_form.is_bound else set_form,
            "criterion_form": criterion_form,
        },
        status=400 if request.method == "POST" else 200,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def criterion_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    service_form = _form(request, slug)
    criterion = (
        Criterion.objects.filter(pk=pk, criteria_set__organisation_id=service_form.organisation_id)
        .select_related("criteria_set")
        .first()
    )
    if criterion is None:
        raise Http404
    user = user_of(request)
    form = CriterionForm(
        request.POST or None,
        initial={"code": criterion.code, "text": criterion.text, "order": criterion.order},
    )
    saved = saved_redirect(
        request,
        form,
        lambda data: services.criterion_update(
            actor=user,
            criterion=criterion,
            code=data["code"],
            text=data["text"],
            order=data.get("order") or 0,
        ),
        next_url=_set_url(service_form, criterion.criteria_set_id),
    )
    return saved or form_page(
        request,
        "surveys/quality/criterion_form.html",
        form,
        {"service_form": service_form, "criterion": criterion},
    )


def _evaluation(service_form: ServiceForm, pk: int) -> SelfEvaluation:
    found = selectors.evaluation_of(service_form, pk)
    if found is None:
        raise Http404
    return found


@object_scoped
@require_http_methods(["GET", "POST"])
def evaluation(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Rate each criterion beside last year's rating; the summary; save (version-checked)."""
    service_form = _form(request, slug)
    found = _evaluation(service_form, pk)
    user = user_of(request)
    found_rows, previous = selectors.rows(found)
    criteria = [r.criterion for r in found_rows]
    if request.method == "POST" and found.status == SelfEvaluation.Status.OPEN:
        form = EvaluationForm(request.POST, criteria=criteria)
        done = submit(
            form,
            lambda data: services.evaluation_save(
                actor=user,
                evaluation=found,
                version=data["version"],
                ratings=form.ratings(),
                summary=data["summary"],
            ),
        )
        if done.ok:
            messages.success(request, _("Arviointi on tallennettu."))
            return HttpResponseRedirect(evaluation_url(found))
        if done.conflict is not None:
            # What was typed stays on the form (moved on to the stored version), beside the
            # ratings stored now.
            found = done.conflict.current
            found_rows, previous = selectors.rows(found)
    else:
        form = EvaluationForm(
            initial=evaluation_initial(found_rows, version=found.version, summary=found.summary),
            criteria=criteria,
        )
    return render(
        request,
        "surveys/quality/evaluation.html",
        {
            "service_form": service_form,
            "evaluation": found,
            "previous": previous,
            "rows": form.bound_rows(found_rows),
            "counts": selectors.summary_counts(found_rows),
            "form": form,
            "editable": found.status == SelfEvaluation.Status.OPEN,
        },
        status=form_status(form),
    )


@object_scoped
@require_POST
def evaluation_complete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    service_form = _form(request, slug)
    found = _evaluation(service_form, pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        services.evaluation_complete(actor=user_of(request), evaluation=found, version=version)
    except VersionConflict:
        messages.error(
            request,
            _(
                "Arviointia on muutettu sillä välin. Tarkista tiedot ja merkitse valmiiksi uudelleen."
            ),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Arviointi on merkitty valmiiksi."))
    return HttpResponseRedirect(evaluation_url(found))


@object_scoped
@require_GET
def evaluation_print(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A read-only page of the evaluation (for the unit's meeting and printing)."""
    service_form = _form(request, slug)
    found = _evaluation(service_form, pk)
    found_rows, previous = selectors.rows(found)
    return render(
        request,
        "surveys/quality/evaluation_print.html",
        {
            "service_form": service_form,
            "evaluation": found,
            "previous": previous,
            "rows": found_rows,
            "counts": selectors.summary_counts(found_rows),
        },
    )
