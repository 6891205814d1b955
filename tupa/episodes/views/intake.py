"""Intake: open an episode for a new person or an anonymous client, children along in one go."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tupa.access.episodes import person_access
from tupa.access.fetch import Granted, service_form_or_404
from tupa.access.marks import object_scoped, user_of
from tupa.core.forms import apply_errors
from tupa.people.models import Person

from .. import services
from ..forms.intake import ChildFormSet, IntakeForm
from . import episode_url
from ._common import _log


@object_scoped
@require_http_methods(["GET", "POST"])
def open_episode(request: HttpRequest, slug: str) -> HttpResponse:
    """Open an episode for a new person or an anonymous client, children along in one go."""
    user = user_of(request)
    service_form = service_form_or_404(request, slug)
    found = _existing_person(request)
    existing = found.obj if found is not None else None
    post = request.POST if request.method == "POST" else None
    initial: dict[str, Any] = {}
    if existing is None and service_form.anonymous_allowed:
        initial["mode"] = IntakeForm.MODE_ALIAS  # e.g. the shelter: anonymous first
    form = IntakeForm(post, existing=existing, initial=initial)
    children = ChildFormSet(post, prefix="lapset")
    if post is not None and form.is_valid() and children.is_valid():
        anonymous = form.cleaned_data["mode"] == IntakeForm.MODE_ALIAS
        subject = form.subject()
        parent_last = subject.last_name if isinstance(subject, Person | services.NewPerson) else ""
        rows = [
            row.child(anonymous=anonymous, parent_last_name=parent_last)
            for row in children
            if row.has_content()
        ]
        try:
            episode = services.episode_intake(
                actor=user,
                service_form=service_form,
                client=subject,
                role=form.cleaned_data["role"],
                violence_role=form.cleaned_data.get("violence_role") or "",
                children=rows,
                child_violence_role=form.cleaned_data.get("child_violence_role") or "",
                **form.episode_kwargs(),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Asiakkuus on avattu."))
            return HttpResponseRedirect(episode_url(episode))
    if found is not None:
        _log(request, [found.obj], basis=found.basis)
    return render(
        request,
        "episodes/open.html",
        {"service_form": service_form, "form": form, "children": children, "existing": existing},
    )


def _existing_person(request: HttpRequest) -> Granted[Person] | None:
    """``?henkilo=<id>``: a person the user may already see (else 404, never a hint)."""
    raw = request.GET.get("henkilo") or request.POST.get("henkilo")
    if not raw:
        return None
    try:
        pk = int(raw)
    except ValueError as exc:
        raise Http404 from exc
    return person_access(request, pk)
