"""Helpers shared by the volunteer screens."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from tupa.access.policy import Basis
from tupa.audit.models import Action
from tupa.audit.services import record_access
from tupa.core.forms import form_page, saved_redirect

#: The page of one form (a heading chosen by ``heading``) that most volunteer writes use.
SIMPLE_FORM = "volunteers/simple_form.html"


def log_volunteers(
    request: HttpRequest, volunteers: Iterable[Any], *, basis: Basis, action: str = Action.VIEW
) -> None:
    """One access-log row per volunteer shown (fail closed, like client data)."""
    subjects = list(volunteers)
    if subjects:
        record_access(request=request, subjects=subjects, action=action, basis=basis)


def volunteer_url(pk: int) -> str:
    return reverse("volunteers:detail", args=[pk])


def course_url(pk: int) -> str:
    return reverse("volunteers:course_detail", args=[pk])


def form_view(
    request: HttpRequest,
    *,
    form: Any,
    service: Callable[[dict[str, Any]], Any],
    done_url: Callable[[Any], str],
    context: dict[str, Any],
    template: str = SIMPLE_FORM,
    shown: Iterable[Any] = (),
    basis: Basis | None = None,
) -> HttpResponse:
    """The bind → service → redirect step of a volunteer form page, in one place.

    A POST runs ``service`` (:func:`tupa.core.forms.saved_redirect`); when it ran, the browser
    goes to ``done_url(what it returned)``. Otherwise (a GET, or a refusal now shown on the
    form) the page is rendered with ``form`` and ``context`` (:func:`~tupa.core.forms.form_page`),
    and the volunteers it shows (``shown``, read only then) are access-logged with ``basis`` —
    not on a successful POST, which shows nothing.
    """
    saved = saved_redirect(request, form, service, next_url=done_url)
    if saved is not None:
        return saved
    if basis is not None:
        log_volunteers(request, shown, basis=basis)
    return form_page(request, template, form, context)
