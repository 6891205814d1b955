"""The annual plan's pages (ADR 0030): the year's plan, adding, editing, assessing and removing a
goal, and copying last year's unfinished goals into the year.

Every staff member of the organisation reads the plan (:func:`may_view_plan`, 404 for others).
A goal is kept — edited, assessed, removed — by its service form's lead, and every goal by the
executive director (:mod:`tupa.access.planning`); to anyone else a goal's pages answer 404, as
does a goal of another organisation. The plan names no person and holds no client data, so the
pages write no access events. The views decide nothing themselves: they ask the access module
and leave the writing to :mod:`tupa.planning.services`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tupa.access.fetch import service_form_or_404
from tupa.access.marks import login_only, object_scoped, organisation_id_of, user_of
from tupa.access.planning import may_keep, may_keep_any, may_keep_goals_of, may_view_plan
from tupa.core.forms import conflict_of, form_page, saved_redirect
from tupa.organisations.models import ServiceForm, WorkingGroup

from . import selectors, services
from .forms import (
    ASSOCIATION,
    GoalAddForm,
    GoalAssessForm,
    GoalEditForm,
    GoalRemovalForm,
    Owner,
    association_owner,
    owner_of_form,
    owner_of_group,
)
from .models import FIRST_YEAR, LAST_YEAR, AnnualGoal, GoalStatus

#: The query parameters of the year's plan: one service form (its slug) and one theme (its
#: code, or :data:`NO_THEME` for the goals under no theme).
FORM_PARAM = "tyomuoto"
THEME_PARAM = "painopiste"
NO_THEME = "muu"
#: The add page's parameter that preselects a working group or the association (an owner key).
OWNER_PARAM = "omistaja"
#: The statuses whose goals are unfinished at the year's end (copied into the next year).
UNFINISHED = (GoalStatus.PLANNED, GoalStatus.IN_PROGRESS)


# --------------------------------------------------------------------------- helpers


def _year_or_404(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    return year


def _plan_url(year: int, goal: AnnualGoal | None = None) -> str:
    url = reverse("planning:year", args=[year])
    return f"{url}#tavoite-{goal.pk}" if goal is not None else url


def _kept_goal_or_404(request: HttpRequest, pk: int) -> AnnualGoal:
    """The goal ``pk`` of the user's organisation if the user keeps it
    (:func:`~tupa.access.planning.may_keep`), or 404 — "not yours" looks like "not found"."""
    goal = (
        AnnualGoal.objects.filter(pk=pk, organisation_id=organisation_id_of(request))
        .select_related("service_form", "working_group", "theme", "assessed_by")
        .first()
    )
    if goal is None or not may_keep(user_of(request), goal):
        raise Http404
    return goal


def _service_forms(organisation_id: int) -> list[ServiceForm]:
    return list(ServiceForm.objects.filter(organisation_id=organisation_id).order_by("name", "pk"))


def _owners(request: HttpRequest) -> list[Owner]:
    """Whose goals the user may add: the active service forms they keep, and for the executive
    director also the association itself and its working groups."""
    user = user_of(request)
    organisation_id = organisation_id_of(request)
    forms = [
        form
        for form in _service_forms(organisation_id)
        if form.active and may_keep_goals_of(user, form)
    ]
    owners = [owner_of_form(form) for form in forms]
    if may_keep_goals_of(user, None):
        groups = WorkingGroup.objects.filter(organisation_id=organisation_id).order_by("name")
        owners = [association_owner(), *owners, *(owner_of_group(g) for g in groups)]
    return owners


def _owner_of(plan: selectors.OwnerPlan) -> Owner:
    if plan.service_form is not None:
        return owner_of_form(plan.service_form)
    if plan.working_group is not None:
        return owner_of_group(plan.working_group)
    return association_owner()


def _add_url(year: int, owner: Owner) -> str:
    url = reverse("planning:add", args=[year])
    if owner.service_form is not None:
        return f"{url}?{urlencode({FORM_PARAM: owner.service_form.slug})}"
    return f"{url}?{urlencode({OWNER_PARAM: owner.key})}"


# --------------------------------------------------------------------------- the year's plan


@login_only
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """This year's plan (the filters carried along)."""
    if not may_view_plan(user_of(request)):
        raise Http404
    url = reverse("planning:year", args=[timezone.localdate().year])
    query = request.GET.urlencode()
    return HttpResponseRedirect(f"{url}?{query}" if query else url)


@dataclass(frozen=True)
class Section:
    """One owner's part of the year's plan, and where the user adds to it ("": they do not)."""

    plan: selectors.OwnerPlan
    add_url: str


@dataclass(frozen=True)
class SummaryRow:
    label: Any
    counts: list[int]
    total: int


def _summary(goals: list[AnnualGoal]) -> list[SummaryRow]:
    """The theme × status table, with a total row (empty when there are no goals)."""
    rows = [
        SummaryRow(row.label, [row.count(status) for status in selectors.STATUS_ORDER], row.total)
        for row in selectors.theme_summary(goals)
    ]
    if rows:
        totals = [sum(row.counts[i] for row in rows) for i in range(len(selectors.STATUS_ORDER))]
        rows.append(SummaryRow(_("Yhteensä"), totals, len(goals)))
    return rows


def _owners_with_goals_to_copy(organisation_id: int, year: int) -> set[int | None]:
    """The service forms (None: the association and the working groups) whose unfinished goals
    of the year before ``year`` are not yet in ``year``'s plan — what the carry-over would copy,
    by the same rule (owner and text). Two queries."""
    goals: QuerySet[AnnualGoal] = AnnualGoal.objects.filter(organisation_id=organisation_id)
    unfinished = goals.filter(year=year - 1, status__in=UNFINISHED).values_list(
        "service_form_id", "working_group_id", "text"
    )
    there = set(goals.filter(year=year).values_list("service_form_id", "working_group_id", "text"))
    return {
        form_id for form_id, group_id, text in unfinished if (form_id, group_id, text) not in there
    }


def _may_add_to(user: Any, plan: selectors.OwnerPlan) -> bool:
    """Whether the user adds goals to ``plan``'s owner: one they keep, and a service form only
    while it is active (the add page offers no other)."""
    form = plan.service_form
    return may_keep_goals_of(user, form) and (form is None or form.active)


@login_only
@require_GET
def year_plan(request: HttpRequest, year: int) -> HttpResponse:
    """The year's goals by owner and theme, with a theme × status summary and the filters."""
    user = user_of(request)
    if not may_view_plan(user):
        raise Http404
    year = _year_or_404(year)
    organisation_id = organisation_id_of(request)
    forms = _service_forms(organisation_id)
    themes = list(selectors.themes_for_year(organisation_id, year))

    chosen_form = next((f for f in forms if f.slug == request.GET.get(FORM_PARAM)), None)
    theme_code = request.GET.get(THEME_PARAM, "")
    if theme_code not in {t.code for t in themes} | {NO_THEME}:
        theme_code = ""
    goals_qs = selectors.goals_of_year(
        organisation_id,
        year,
        service_form_ids=[chosen_form.pk] if chosen_form is not None else None,
    )
    if theme_code == NO_THEME:
        goals_qs = goals_qs.filter(theme__isnull=True)
    elif theme_code:
        goals_qs = goals_qs.filter(theme__code=theme_code)
    goals = list(goals_qs)

    plans = selectors.grouped(goals)
    # Adding needs an active service form the user keeps, or the director's own goals.
    keeps_any = may_keep_goals_of(user, None) or any(
        form.active and may_keep_goals_of(user, form) for form in forms
    )
    kept_goal_ids = {goal.pk for goal in goals if may_keep(user, goal)}
    sections = [
        Section(
            plan,
            _add_url(year, _owner_of(plan)) if _may_add_to(user, plan) else "",
        )
        for plan in plans
    ]
    carry_from: list[dict[str, Any]] = []
    if keeps_any and year - 1 >= FIRST_YEAR:
        unfinished = _owners_with_goals_to_copy(organisation_id, year)
        if None in unfinished and may_keep_goals_of(user, None):
            carry_from.append({"slug": "", "label": _("Koko yhdistys ja työryhmät")})
        carry_from.extend(
            {"slug": form.slug, "label": form.name}
            for form in forms
            if form.pk in unfinished and may_keep_goals_of(user, form)
        )

    filters = {
        key: value
        for key, value in (
            (FORM_PARAM, chosen_form.slug if chosen_form else ""),
            (THEME_PARAM, theme_code),
        )
        if value
    }
    query = f"?{urlencode(filters)}" if filters else ""
    return render(
        request,
        "planning/year.html",
        {
            "year": year,
            "previous_year": year - 1 if year - 1 >= FIRST_YEAR else None,
            "next_year": year + 1 if year + 1 <= LAST_YEAR else None,
            "query": query,
            "sections": sections,
            "goal_count": len(goals),
            "statuses": [(status.value, status.label) for status in selectors.STATUS_ORDER],
            "summary": _summary(goals),
            "forms": forms,
            "themes": themes,
            "chosen_form": chosen_form,
            "theme_code": theme_code,
            "no_theme": NO_THEME,
            "filtered": bool(filters),
            "keeps_any": keeps_any,
            "kept_goal_ids": kept_goal_ids,
            "carry_from": carry_from,
        },
    )


# --------------------------------------------------------------------------- one goal


@login_only
@require_http_methods(["GET", "POST"])
def add(request: HttpRequest, year: int) -> HttpResponse:
    """Add a goal to the year's plan of a service form the user keeps (the executive director:
    also a working group's or the association's)."""
    user = user_of(request)
    if not may_keep_any(user):
        raise Http404
    year = _year_or_404(year)
    owners = _owners(request)
    if not owners:
        raise Http404
    themes = selectors.themes_for_year(organisation_id_of(request), year)
    if request.method == "POST":
        form = GoalAddForm(request.POST, owners=owners, themes=themes)
    else:
        wanted = request.GET.get(OWNER_PARAM, "")
        slug = request.GET.get(FORM_PARAM)
        if slug:
            wanted = next(
                (o.key for o in owners if o.service_form and o.service_form.slug == slug), ""
            )
        if len(owners) == 1:
            wanted = owners[0].key
        initial = {"owner": wanted} if wanted in {o.key for o in owners} else {}
        form = GoalAddForm(initial=initial, owners=owners, themes=themes)

    def save(data: dict[str, Any]) -> AnnualGoal:
        owner: Owner = data["owner"]
        return services.goal_add(
            actor=user,
            year=year,
            text=data["text"],
            theme=data["theme"],
            service_form=owner.service_form,
            working_group=owner.working_group,
        )

    saved = saved_redirect(
        request,
        form,
        save,
        next_url=lambda goal: _plan_url(goal.year, goal),
        success=_("Tavoite lisätty."),
        field_map={"service_form": "owner", "working_group": "owner"},
        denied_as_404=True,
    )
    return saved or form_page(
        request,
        "planning/goal_form.html",
        form,
        {"year": year, "goal": None, "back_url": _plan_url(year), "association": ASSOCIATION},
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a goal's theme, text or order."""
    goal = _kept_goal_or_404(request, pk)
    themes = selectors.themes_for_year(goal.organisation_id, goal.year)
    if request.method == "POST":
        form = GoalEditForm(request.POST, themes=themes)
    else:
        form = GoalEditForm(
            initial={
                "theme": goal.theme_id,
                "text": goal.text,
                "order": goal.order,
                "version": goal.version,
            },
            themes=themes,
        )
    saved = saved_redirect(
        request,
        form,
        lambda data: services.goal_update(
            actor=user_of(request),
            goal=goal,
            version=data["version"],
            theme=data["theme"],
            text=data["text"],
            order=data["order"],
        ),
        next_url=_plan_url(goal.year, goal),
        success=_("Tavoite tallennettu."),
        denied_as_404=True,
    )
    return saved or form_page(
        request,
        "planning/goal_form.html",
        form,
        {
            "year": goal.year,
            "goal": goal,
            "conflict": conflict_of(form) is not None,
            "back_url": _plan_url(goal.year, goal),
        },
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def assess(request: HttpRequest, pk: int) -> HttpResponse:
    """Record how a goal has gone: status, assessment, evidence."""
    goal = _kept_goal_or_404(request, pk)
    if request.method == "POST":
        form = GoalAssessForm(request.POST)
    else:
        form = GoalAssessForm(
            initial={
                "status": goal.status,
                "assessment": goal.assessment,
                "evidence": goal.evidence,
                "version": goal.version,
            }
        )
    saved = saved_redirect(
        request,
        form,
        lambda data: services.goal_assess(
            actor=user_of(request),
            goal=goal,
            version=data["version"],
            status=data["status"],
            assessment=data["assessment"],
            evidence=data["evidence"],
        ),
        next_url=_plan_url(goal.year, goal),
        success=_("Arvio tallennettu."),
        denied_as_404=True,
    )
    return saved or form_page(
        request,
        "planning/assess.html",
        form,
        {
            "goal": goal,
            "conflict": conflict_of(form) is not None,
            "back_url": _plan_url(goal.year, goal),
        },
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a goal added by mistake, with a reason kept in the change history."""
    goal = _kept_goal_or_404(request, pk)
    form = GoalRemovalForm(request.POST if request.method == "POST" else None)
    saved = saved_redirect(
        request,
        form,
        lambda data: services.goal_remove(actor=user_of(request), goal=goal, reason=data["reason"]),
        next_url=_plan_url(goal.year),
        success=_("Tavoite poistettu."),
        denied_as_404=True,
    )
    return saved or form_page(
        request,
        "planning/remove.html",
        form,
        {"goal": goal, "back_url": _plan_url(goal.year, goal)},
    )


# --------------------------------------------------------------------------- carry-over


@login_only
@require_POST
def carry_over(request: HttpRequest, year: int) -> HttpResponse:
    """Copy last year's unfinished goals of one owner (``tyomuoto``: a service form's slug; empty:
    the association's and the working groups') into ``year``'s plan."""
    user = user_of(request)
    year = _year_or_404(year)
    slug = request.POST.get(FORM_PARAM, "")
    service_form: ServiceForm | None = None
    if slug:
        service_form = service_form_or_404(request, slug, rule=may_keep_goals_of)
    elif not may_keep_goals_of(user, None):
        raise Http404
    try:
        copied = services.goals_carry_over(actor=user, year=year, service_form=service_form)
    except PermissionDenied:
        raise Http404 from None
    if copied:
        messages.success(
            request,
            ngettext(
                "%(count)d keskeneräinen tavoite kopioitu vuodelta %(year)d.",
                "%(count)d keskeneräistä tavoitetta kopioitu vuodelta %(year)d.",
                len(copied),
            )
            % {"count": len(copied), "year": year - 1},
        )
    else:
        messages.info(
            request,
            _("Vuodelta %(year)d ei ollut kopioitavia keskeneräisiä tavoitteita.")
            % {"year": year - 1},
        )
    url = _plan_url(year)
    if service_form is not None:
        url = f"{url}?{urlencode({FORM_PARAM: service_form.slug})}"
    return HttpResponseRedirect(url)
