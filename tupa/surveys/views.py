"""A service form's feedback page (``/palaute/<slug>/``): the surveys pages of that form which the
user may open, grouped by what they are for (:mod:`tupa.surveys.navigation`). The service-form
page links here once; each page decides again (404 without its rule)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tupa.access.marks import object_scoped, user_of
from tupa.access.surveys import OPEN, form_access
from tupa.surveys import navigation


@object_scoped
@require_GET
def form_hub(request: HttpRequest, slug: str) -> HttpResponse:
    service_form = form_access(request, slug, action=OPEN).obj
    groups = navigation.form_pages(user_of(request), service_form)
    if not groups:
        raise Http404
    return render(request, "surveys/form.html", {"service_form": service_form, "groups": groups})
