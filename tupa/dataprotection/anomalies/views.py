"""The DPO's weekly anomaly list (/lokit/poikkeamat/) and the handling of a finding.

The page shows what the access log shows — the staff member, the time, the subject as type and
id, the action's basis — and never a client's name or restricted fields. Like the access-log
browser, opening it is not an access-log event (it shows no person data); the handling is
recorded in the append-only :class:`~tupa.audit.models.AnomalyReview` table (who, when, note;
a new review supersedes, nothing is updated or deleted). Everybody but the DPO gets 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tupa.access import policy
from tupa.access.marks import login_only, organisation_id_of, user_of
from tupa.accounts.models import User
from tupa.audit import selectors
from tupa.audit.views import PAGE_SIZE
from tupa.core.wallclock import HELSINKI
from tupa.dataprotection.anomalies.config import anomaly_settings
from tupa.dataprotection.anomalies.forms import (
    STATUS_ALL,
    STATUS_HANDLED,
    STATUS_OPEN,
    AnomalyFilterForm,
    AnomalyReviewForm,
)
from tupa.dataprotection.anomalies.rules import Finding, find_anomalies
from tupa.dataprotection.anomalies.services import anomaly_review_record, reviews_of
from tupa.dataprotection.anomalies.weeks import last_full_week, week_bounds, week_label

ACTION = "audit.anomalies"
FILTERS = ("week", "status")
#: How many subjects one finding lists before "and N more".
SUBJECTS_SHOWN = 5
TEMPLATE = "audit/anomalies.html"


class _Subject:
    """What :func:`selectors.subject_labels` needs of an event."""

    def __init__(self, subject_type_id: int, subject_id: str) -> None:
        self.subject_type_id = subject_type_id
        self.subject_id = subject_id


def anchor_of(key: str) -> str:
    """The page anchor of a finding (keys are ``[a-z0-9_:-]``)."""
    return "h-" + key.replace(":", "-").replace("_", "-")


def _findings(organisation_id: int, week: tuple[int, int]) -> list[Finding]:
    start, end = week_bounds(*week)
    return find_anomalies(organisation_id=organisation_id, start=start, end=end, now=timezone.now())


def _access_log_link(finding: Finding) -> str:
    params: dict[str, Any] = {
        "user": finding.user_id,
        "date_from": finding.first_at.astimezone(HELSINKI).date().isoformat(),
        "date_to": finding.last_at.astimezone(HELSINKI).date().isoformat(),
    }
    if len(finding.subjects) == 1 and finding.reads:
        params["subject_type"], params["subject_id"] = finding.subjects[0]
    return f"{reverse('audit:access_log')}?{urlencode(params)}"


def _render(
    request: HttpRequest,
    *,
    form: AnomalyFilterForm,
    week: tuple[int, int] | None,
    status: str,
    bound: AnomalyReviewForm | None = None,
    http_status: int = 200,
) -> HttpResponse:
    organisation_id = organisation_id_of(request)
    context: dict[str, Any] = {"form": form, "page": None, "week": None}
    if week is None:
        return render(request, TEMPLATE, context, status=http_status)
    findings = _findings(organisation_id, week)
    reviews = reviews_of(organisation_id=organisation_id, keys=[f.key for f in findings])
    users = {
        u.pk: u
        for u in User.objects.filter(
            organisation_id=organisation_id, pk__in={f.user_id for f in findings}
        )
    }
    labels = selectors.subject_labels(
        [_Subject(ct, pk) for f in findings for ct, pk in f.subjects[:SUBJECTS_SHOWN]],  # type: ignore[misc]
        organisation_id=organisation_id,
    )
    counts = {STATUS_OPEN: 0, STATUS_HANDLED: 0}
    rows = []
    label = week_label(*week)
    for finding in findings:
        history = reviews.get(finding.key, [])
        handled = bool(history) and history[0].handled
        counts[STATUS_HANDLED if handled else STATUS_OPEN] += 1
        if (status == STATUS_OPEN and handled) or (status == STATUS_HANDLED and not handled):
            continue
        anchor = anchor_of(finding.key)
        if bound is not None and bound.data.get("key") == finding.key:
            review_form = bound
        else:
            review_form = AnomalyReviewForm(
                initial={"week": label, "status": status, "key": finding.key},
                auto_id=f"id_%s_{anchor}",
            )
        rows.append(
            {
                "finding": finding,
                "anchor": anchor,
                "user": users.get(finding.user_id),
                "subjects": [
                    f"{selectors.subject_type_label(ContentType.objects.get_for_id(ct))}: "
                    + labels.get((ct, pk), f"#{pk}")
                    for ct, pk in finding.subjects[:SUBJECTS_SHOWN]
                ],
                "more_subjects": max(0, len(finding.subjects) - SUBJECTS_SHOWN),
                "handled": handled,
                "history": history,
                "form": review_form,
                "log_url": _access_log_link(finding),
            }
        )
    year, number = week
    monday, _end = week_bounds(year, number)
    previous = (monday.date() - dt.timedelta(days=7)).isocalendar()
    following = (monday.date() + dt.timedelta(days=7)).isocalendar()
    page_number: Any = request.GET.get("page")
    for index, row in enumerate(rows):
        if bound is not None and row["form"] is bound:  # show the page with the form to fix
            page_number = index // PAGE_SIZE + 1
    context.update(
        {
            "page": Paginator(rows, PAGE_SIZE).get_page(page_number),
            "bound": bound,
            "week": label,
            "week_number": number,
            "week_year": year,
            "week_start": monday.date(),
            "week_end": monday.date() + dt.timedelta(days=6),
            "status": status,
            "counts": counts,
            "total": len(findings),
            "previous_url": "?"
            + urlencode({"week": week_label(previous[0], previous[1]), "status": status}),
            "following_url": "?"
            + urlencode({"week": week_label(following[0], following[1]), "status": status}),
            "settings": anomaly_settings(),
            "status_all": STATUS_ALL,
        }
    )
    return render(request, TEMPLATE, context, status=http_status)


def _default_week() -> tuple[int, int]:
    return last_full_week(timezone.localdate())


@login_only
@require_GET
def anomaly_list(request: HttpRequest) -> HttpResponse:
    """The findings of one ISO week (default: the last full week), open / handled / all."""
    policy.require(user_of(request), ACTION)
    data = request.GET if any(name in request.GET for name in FILTERS) else None
    form = AnomalyFilterForm(data, default_week=_default_week())
    if form.is_bound and not form.is_valid():
        return _render(request, form=form, week=None, status=STATUS_OPEN)
    week, status = form.values()
    return _render(request, form=form, week=week, status=status)


@login_only
@require_POST
def anomaly_review(request: HttpRequest) -> HttpResponse:
    """Mark one finding handled (or reopen it) with a note; the list again after."""
    user = user_of(request)
    policy.require(user, ACTION)
    organisation_id = organisation_id_of(request)
    anchor = anchor_of(str(request.POST.get("key", ""))[:200])
    form = AnomalyReviewForm(request.POST, auto_id=f"id_%s_{anchor}")
    form.is_valid()
    week = form.cleaned_data.get("week")
    key = form.cleaned_data.get("key")
    if week is None or not key:
        raise Http404
    status = form.cleaned_data.get("status") or STATUS_OPEN
    finding = next((f for f in _findings(organisation_id, week) if f.key == key), None)
    if finding is None:
        raise Http404
    handled = request.POST.get("handled", "1") != "0"
    filters = AnomalyFilterForm({"week": week_label(*week), "status": status}, default_week=week)
    filters.is_valid()
    if "note" in form.errors:
        return _render(request, form=filters, week=week, status=status, bound=form, http_status=400)
    try:
        anomaly_review_record(
            actor=user, finding=finding, note=form.cleaned_data["note"], handled=handled
        )
    except ValidationError as exc:
        for message in exc.message_dict.get("note", exc.messages):
            form.add_error("note", message)
        return _render(request, form=filters, week=week, status=status, bound=form, http_status=400)
    messages.success(
        request,
        _("Havainto merkittiin käsitellyksi.") if handled else _("Havainto avattiin uudelleen."),
    )
    query = urlencode({"week": week_label(*week), "status": status})
    return HttpResponseRedirect(f"{reverse('audit:anomalies')}?{query}#{anchor_of(finding.key)}")
