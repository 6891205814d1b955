"""A sent return as it was sent, what has changed since, and its exports."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tupa.access import statistics as access
from tupa.access.marks import object_scoped, user_of
from tupa.core.dates import fi_date
from tupa.core.wallclock import fi_moment
from tupa.organisations.models import ServiceForm

from .. import plan_goals, services
from ..jobs import CONTENT_TYPES, Output, Progress
from ..models import Submission
from ..present import grant_targets_text, present
from ..returns import registry as returns
from ..returns.base import Recipient
from .returns import RENDER_STEPS, attachment, export_body


def _submission_or_404(request: HttpRequest, pk: int) -> Submission:
    user = user_of(request)
    submission = get_object_or_404(
        Submission.objects.select_related("submitted_by", "service_form", "municipality"),
        pk=pk,
        organisation_id=user.organisation_id,
    )
    try:
        template = returns.get(submission.template_id, submission.template_version)
    except KeyError:
        raise Http404 from None
    if not access.may_see_return(user, template, submission.service_form):
        raise Http404
    return submission


def _meta(submission: Submission) -> list[tuple[str, str]]:
    return [
        (
            _("Ilmoitus"),
            f"{submission.title} ({submission.template_id}@{submission.template_version})",
        ),
        (_("Vastaanottaja"), str(Recipient(submission.recipient).label)),
        *(
            [(_("Avustuskohde"), grants)]
            if (grants := grant_targets_text(submission.grant_targets))
            else []
        ),
        (_("Kausi"), f"{fi_date(submission.period_start)}–{fi_date(submission.period_end)}"),
        (_("Tiedot hetkellä"), fi_moment(submission.data_as_of)),
        (_("Lähetetty"), fi_moment(submission.submitted_at)),
        (_("Lähettäjä"), submission.submitted_by.get_full_name()),
        (_("Tiiviste (SHA-256)"), submission.content_hash),
    ]


@object_scoped
@require_GET
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The frozen figures, and the difference view when today's data give other figures."""
    submission = _submission_or_404(request, pk)
    sent = services.frozen(submission)
    now = services.recompute(submission)
    states = services.states_from_json(submission.suppression, sent)
    goals, goal_changes = _goals(submission)
    return render(
        request,
        "statistics/submission.html",
        {
            "submission": submission,
            "plan_goals": goals,
            "goals_year": submission.period_start.year,
            "goal_changes": goal_changes,
            "sections": present(sent, states, drillable=False),
            "meta": _meta(submission),
            "changes": services.changes(sent, now),
            "reproduces": now.content_hash() == submission.content_hash,
            "threshold": submission.suppression_threshold,
            "targets_now": _targets_now(submission),
        },
    )


def _goals(
    submission: Submission,
) -> tuple[plan_goals.FormGoals | None, list[plan_goals.Changed]]:
    """The goals sent with a return that shows them, by theme (None: sent before they were
    kept), and those changed in the plan since."""
    template = returns.get(submission.template_id, submission.template_version)
    if not template.has_plan_goals:
        return plan_goals.FormGoals([]), []
    sent = plan_goals.sent(submission)
    if sent is None:
        return None, []
    return plan_goals.by_theme(sent), plan_goals.changes(sent, plan_goals.today(submission))


def _targets_now(submission: Submission) -> str:
    """The register's grant targets of the sent report today, when they differ from those it
    was sent with ("" when they do not, or when it was sent before they were kept)."""
    if submission.grant_targets is None or submission.service_form_id is None:
        return ""
    template = returns.get(submission.template_id, submission.template_version)
    forms = template.forms(ServiceForm.objects.filter(pk=submission.service_form_id))
    now = services.grant_targets(template.grants_for(forms.get(), submission.period_start.year))
    if now == submission.grant_targets:
        return ""
    return grant_targets_text(now) or _("ei avustusta")


def submission_output(submission: Submission, fmt: str, progress: Progress | None = None) -> Output:
    """The sent return's export in ``fmt``, as it was sent (the direct download and a
    background job both make it here)."""
    if fmt not in RENDER_STEPS:
        raise Http404
    progress = progress or Progress()
    progress.plan(1 + RENDER_STEPS[fmt])
    progress.begin(_("Haetaan lähetetyt luvut"))
    sent = services.frozen(submission)
    progress.advance()
    body = export_body(
        sent,
        services.states_from_json(submission.suppression, sent),
        title=submission.title,
        subject_label=submission.title,
        meta=_meta(submission),
        fmt=fmt,
        progress=progress,
        goals=plan_goals.sent(submission),
    )
    name = f"{submission.template_id}-{submission.period_start:%Y}-lahetetty-{submission.pk}.{fmt}"
    return Output(body, name, CONTENT_TYPES[fmt])


@object_scoped
@require_GET
def submission_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    submission = _submission_or_404(request, pk)
    return attachment(submission_output(submission, fmt))
