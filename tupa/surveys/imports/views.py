"""The answer import's pages (rule ``surveys.manage`` on the form): upload, map and dry run,
commit. Between the steps the file's text waits in the user's session (never on disk) and is
removed when the import is stored or cancelled."""

from __future__ import annotations

import base64
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from tupa.access import surveys as access
from tupa.access.marks import object_scoped, user_of
from tupa.core.forms import form_page, saved_redirect, submit
from tupa.organisations.models import ServiceForm
from tupa.surveys.imports import parsing, selectors, services
from tupa.surveys.imports.forms import MappingForm, UploadForm
from tupa.surveys.models import QuestionnaireVersion
from tupa.surveys.recording import items_of

SESSION_KEY = "surveys_import"


def _pending(
    request: HttpRequest, service_form: ServiceForm
) -> tuple[dict[str, Any], QuestionnaireVersion, parsing.Parsed] | None:
    data = request.session.get(SESSION_KEY)
    if not data or data.get("form") != service_form.pk:
        return None
    version = selectors.importable_versions(service_form).filter(pk=data["version"]).first()
    if version is None:
        return None
    raw = base64.b64decode(data["file"])
    return data, version, parsing.parse(raw)


@object_scoped
@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest, slug: str) -> HttpResponse:
    service_form = access.form_access(request, slug, action=access.MANAGE).obj
    versions = selectors.importable_versions(service_form)
    form = UploadForm(request.POST or None, request.FILES or None, versions=versions)

    def read(data: dict[str, Any]) -> parsing.Parsed:
        raw = data["file"].read(parsing.MAX_BYTES + 1)
        try:
            parsed = parsing.parse(raw)
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from error
        request.session[SESSION_KEY] = {
            "form": service_form.pk,
            "version": data["version"].pk,
            "file": base64.b64encode(raw).decode("ascii"),
            "name": str(data["file"].name)[:200],
            "mapping": {
                str(k): v
                for k, v in services.guess_mapping(items_of(data["version"]), parsed.header).items()
            },
        }
        return parsed

    saved = saved_redirect(
        request,
        form,
        read,
        next_url=reverse("surveys:import_mapping", args=[service_form.slug]),
    )
    return saved or form_page(
        request,
        "surveys/imports/upload.html",
        form,
        {
            "service_form": service_form,
            "batches": list(selectors.batches_of(service_form)[:20]),
            "file_was_sent": request.method == "POST" and bool(form.errors),
        },
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def import_mapping(request: HttpRequest, slug: str) -> HttpResponse:
    service_form = access.form_access(request, slug, action=access.MANAGE).obj
    pending = _pending(request, service_form)
    if pending is None:
        messages.info(request, _("Aloita tuonti valitsemalla tiedosto."))
        return HttpResponseRedirect(reverse("surveys:import_new", args=[service_form.slug]))
    data, version, parsed = pending
    if request.method == "POST" and "peru" in request.POST:
        request.session.pop(SESSION_KEY, None)
        messages.info(request, _("Tuonti peruttiin; mitään ei tallennettu."))
        return HttpResponseRedirect(reverse("surveys:import_new", args=[service_form.slug]))
    items = items_of(version)
    initial = {f"col_{k}": v for k, v in data["mapping"].items()}
    form = MappingForm(request.POST or None, header=parsed.header, items=items, initial=initial)
    plan: services.Plan | None = None
    status = 200
    if request.method == "POST" and form.is_valid():
        mapping = form.mapping()
        data["mapping"] = {str(k): v for k, v in mapping.items()}
        request.session[SESSION_KEY] = data
        try:
            plan = services.plan_import(version, parsed, mapping)
        except ValidationError as error:
            form.add_error(None, error)
            status = 400
        if plan is not None and "tallenna" in request.POST:
            done = submit(
                form,
                lambda _data: services.import_commit(
                    actor=user_of(request),
                    version=version,
                    service_form=service_form,
                    file_name=data["name"],
                    parsed=parsed,
                    mapping=mapping,
                ),
            )
            if done.ok:
                request.session.pop(SESSION_KEY, None)
                messages.success(
                    request,
                    ngettext(
                        "Tuotiin %(n)s vastaus kyselyyn %(name)s.",
                        "Tuotiin %(n)s vastausta kyselyyn %(name)s.",
                        len(plan.rows),
                    )
                    % {"n": len(plan.rows), "name": version.questionnaire.name},
                )
                return HttpResponseRedirect(
                    reverse("surveys:results", args=[version.questionnaire_id])
                )
            status = 400
        elif plan is not None and plan.errors:
            status = 400
    return render(
        request,
        "surveys/imports/mapping.html",
        {
            "service_form": service_form,
            "version": version,
            "file_name": data["name"],
            "form": form,
            "plan": plan,
            "row_count": len(parsed.rows),
            "sample": parsed.rows[:3],
            "header": parsed.header,
        },
        status=status,
    )
