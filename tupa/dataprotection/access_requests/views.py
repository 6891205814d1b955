"""Pages of the access-request workflow (URLs in ``rights_urls``, namespace ``rights``).

Created by the DPO for the person just found with the exact lookup; the request pages by the
DPO; the review page by the DPO or a worker of a unit whose data the draft holds (only that
unit's items, :func:`tupa.access.dataprotection.may_review`); everybody else 404. Every response
that shows a person writes the access log with the basis of the decision that let the user in.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_scopes import scopes_disabled

from tupa.access import dataprotection as access
from tupa.access import policy
from tupa.access.marks import login_only, object_scoped, user_of
from tupa.accounts.models import User
from tupa.audit.models import AccessRequest
from tupa.audit.services import record_access
from tupa.core.forms import saved_redirect
from tupa.dataprotection import access_requests as ar_services
from tupa.dataprotection.pages import dpo_decision, dpo_person

from .forms import STEP_FORMS, ItemDecisionForm, RequestCreateForm
from .frozen import frozen_letter


def dpo_request(request: HttpRequest, pk: int) -> tuple[AccessRequest, policy.Decision]:
    """The access request ``pk`` of the DPO's organisation with the DPO's decision, or 404."""
    decision = dpo_decision(request)
    with scopes_disabled():
        ar = (
            AccessRequest.objects.filter(
                pk=pk, organisation_id=user_of(request).organisation_id or 0
            )
            .select_related("person")
            .first()
        )
    if ar is None:
        raise Http404
    return ar, decision


def _request_url(pk: int) -> str:
    return reverse("rights:access_request", kwargs={"pk": pk})


def _take_step(
    step: str, *, actor: User, access_request: AccessRequest, data: dict[str, Any]
) -> None:
    """Take the workflow step ``step`` (a key of ``STEP_FORMS``) with its form's data."""
    if step == "verify":
        ar_services.identity_verify(
            actor=actor, access_request=access_request, method=data["method"]
        )
    elif step == "assemble":
        ar_services.draft_assemble(actor=actor, access_request=access_request)
    elif step == "dpo_review":
        ar_services.dpo_review_complete(
            actor=actor, access_request=access_request, note=data["note"]
        )
    elif step == "extend":
        ar_services.deadline_extend(actor=actor, access_request=access_request, **data)
    elif step == "decide":
        ar_services.decide(actor=actor, access_request=access_request, **data)
    elif step == "deliver":
        ar_services.deliver(actor=actor, access_request=access_request, method=data["method"])


def _attachment_count(ar: AccessRequest, draft: ar_services.Draft | None) -> int:
    """The attachments released: the frozen letter's once decided (``frozen``), else the draft's."""
    if ar.status in {ar.Status.DECIDED, ar.Status.DELIVERED}:
        letter = frozen_letter(ar)
        if letter is not None:
            return len(letter.attachment_ids)
    if draft is None or ar.outcome in {"", ar.Outcome.REFUSED}:
        return 0
    return len(draft.released_attachment_ids())


@login_only
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    """The DPO's access requests with their deadlines; overdue ones highlighted."""
    decision = dpo_decision(request)
    rows = ar_services.requests_for_dpo(
        organisation_id=user_of(request).organisation_id  # type: ignore[arg-type]
    )
    today = timezone.localdate()
    if rows:
        record_access(
            request=request, subjects=[r.person for r in rows], action="list", basis=decision.basis
        )
    return render(
        request,
        "people/rights/access_request_list.html",
        {"rows": [(r, ar_services.is_overdue(r, today)) for r in rows], "today": today},
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest, pk: int) -> HttpResponse:
    person, decision = dpo_person(request, pk)
    form = RequestCreateForm(request.POST or None, initial={"received_on": timezone.localdate()})
    saved = saved_redirect(
        request,
        form,
        lambda data: ar_services.request_create(actor=user_of(request), person=person, **data),
        next_url=lambda ar: _request_url(ar.pk),
        success=_("Tietopyyntö on kirjattu."),
    )
    if saved is not None:
        return saved
    record_access(request=request, subjects=[person], action="view", basis=decision.basis)
    return render(
        request, "people/rights/access_request_create.html", {"person": person, "form": form}
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The request, its history and the form of its next step (DPO)."""
    ar, decision = dpo_request(request, pk)
    user = user_of(request)
    bound: dict[str, forms.Form] = {}
    if request.method == "POST":
        step = request.POST.get("step", "")
        form_class = STEP_FORMS.get(step)
        if form_class is None:
            raise Http404
        form = form_class(request.POST)
        bound[step] = form
        saved = saved_redirect(
            request,
            form,
            lambda data: _take_step(step, actor=user, access_request=ar, data=data),
            next_url=_request_url(ar.pk),
            success=_("Tallennettu."),
        )
        if saved is not None:
            return saved
    forms_by_step = {name: bound.get(name) or cls() for name, cls in STEP_FORMS.items()}
    draft = ar_services.build_draft(ar.person, ar) if ar.status != ar.Status.RECEIVED else None
    record_access(request=request, subjects=[ar.person], action="view", basis=decision.basis)
    with scopes_disabled():
        steps = list(ar.steps.select_related("actor", "service_form").order_by("occurred_at", "pk"))
    return render(
        request,
        "people/rights/access_request_detail.html",
        {
            "ar": ar,
            "forms": forms_by_step,
            "steps": steps,
            "draft": draft,
            "reviewed_units": ar_services.reviewed_units(ar),
            "attachment_count": _attachment_count(ar, draft),
            "overdue": ar_services.is_overdue(ar),
        },
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def request_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Review of the draft: the DPO (all items) or a worker of a unit (that unit's items)."""
    user = user_of(request)
    with scopes_disabled():
        ar = (
            AccessRequest.objects.filter(pk=pk, organisation_id=user.organisation_id or 0)
            .select_related("person")
            .first()
        )
    if ar is None:
        raise Http404
    dpo = access.is_dpo(user)
    if not dpo and ar.status != ar.Status.DRAFT:
        raise Http404
    draft = ar_services.build_draft(ar.person, ar)
    units = access.may_review(user, ar, draft.units)
    if not units:
        raise Http404
    error_form: tuple[str, forms.Form] | None = None
    if request.method == "POST":
        if "unit" in request.POST:
            try:
                unit_id = int(request.POST["unit"])
                ar_services.unit_review_complete(
                    actor=user, access_request=ar, service_form_id=unit_id
                )
            except (ValueError, ValidationError) as error:
                messages.error(
                    request, " ".join(getattr(error, "messages", [_("Tarkista tiedot")]))
                )
            else:
                messages.success(request, _("Yksikön tarkastus on kirjattu."))
            return redirect("rights:access_request_review", pk=ar.pk)
        key = request.POST.get("item", "")
        form = ItemDecisionForm(request.POST)
        saved = saved_redirect(
            request,
            form,
            lambda data: ar_services.item_decide(
                actor=user, access_request=ar, item_key=key, **data
            ),
            next_url=reverse("rights:access_request_review", args=[ar.pk])
            + "#k-"
            + key.replace(":", "-"),
            success=_("Tarkastuspäätös on kirjattu."),
        )
        if saved is not None:
            return saved
        error_form = (key, form)
    episodes = [e for e in draft.episodes if e.item.service_form_id in units]
    record_access(
        request=request, subjects=[ar.person], action="view", basis=access.review_basis(user)
    )
    reviewed = ar_services.reviewed_units(ar)
    my_units = sorted(
        ((uid, draft.units[uid], uid in reviewed) for uid in units & access.unit_form_ids(user)),
        key=lambda u: u[1],
    )
    return render(
        request,
        "people/rights/access_request_review.html",
        {
            "ar": ar,
            "episodes": episodes,
            "editable": ar.status == ar.Status.DRAFT,
            "error_form": error_form,
            "blank_form": ItemDecisionForm(),
            "my_units": my_units,
            "dpo": dpo,
        },
    )


@login_only
@require_GET
def review_inbox(request: HttpRequest) -> HttpResponse:
    """Access requests waiting for the review of the user's units."""
    user = user_of(request)
    basis = access.review_inbox_basis(user)
    if basis is None:
        raise Http404
    rows = ar_services.requests_to_review(user=user)
    if rows:
        record_access(
            request=request,
            subjects=[ar.person for ar, _units in rows],
            action="list",
            basis=basis,
        )
    return render(request, "people/rights/access_request_inbox.html", {"rows": rows})
