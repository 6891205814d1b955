"""Register descriptions (GDPR Art 30) and the conformity data, inside and outside the login.

- ``organisations:registers`` / ``register`` (``?muoto=pdf``) / ``conformity``: the
  administrator and the data-protection officer (policy ``data_protection.registers.view`` and
  ``data_protection.conformity.view``); everybody else 404.
- ``privacy:list`` / ``privacy:detail``: the public privacy notice (*tietosuojaseloste*) of
  each service form that keeps a register, without login. It shows organisational data only:
  the generated text without the settings' details or the service tasks in use, the
  administrator's prose and the published contacts. No PDF here: rendering costs too much to
  offer to anonymous callers.

No view reads a person, so none writes the access log.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET
from django_scopes import scopes_disabled

from tupa.access import policy
from tupa.access.marks import login_only, object_scoped, public, two_factor_exempt

from . import conformity, register
from .models import Organisation, RegisterDescription, ServiceForm

REGISTERS_ACTION = "data_protection.registers.view"
CONFORMITY_ACTION = "data_protection.conformity.view"


def _pdf(html: str, filename: str) -> HttpResponse:
    import weasyprint  # lazily: heavy import, needed only for downloads

    # PDF/UA-1: a tagged PDF with the document language, for assistive technology.
    pdf = weasyprint.HTML(string=html, base_url=None).write_pdf(pdf_variant="pdf/ua-1")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _wants_pdf(request: HttpRequest) -> bool:
    return request.GET.get("muoto") == "pdf"


def _organisation(request: HttpRequest) -> Organisation:
    organisation = getattr(request.user, "organisation", None)
    if organisation is None:
        raise Http404
    return organisation  # type: ignore[no-any-return]


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], filename: str
) -> HttpResponse:
    pdf = _wants_pdf(request)
    context = {
        **context,
        "pdf": pdf,
        "base_template": "organisations/print_base.html" if pdf else "base.html",
        "generated_at": timezone.localtime(),
    }
    if pdf:
        return _pdf(render_to_string(template, context, request=request), filename)
    return render(request, template, context)


# --------------------------------------------------------------------------- inside


@login_only
@require_GET
def register_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, REGISTERS_ACTION)  # type: ignore[arg-type]
    organisation = _organisation(request)
    profile = register.profile_of(organisation)
    with scopes_disabled():
        prose = {
            p.service_form_id: p
            for p in RegisterDescription.objects.filter(organisation=organisation)
        }
    descriptions = [
        register.describe(
            sf,
            internal=True,
            organisation=organisation,
            profile=profile,
            prose=prose.get(sf.pk),
        )
        for sf in register.register_forms(organisation)
    ]
    return render(
        request,
        "organisations/register_list.html",
        {
            "organisation": organisation,
            "descriptions": descriptions,
            "profile": profile,
            "may_see_conformity": bool(policy.decide(request.user, CONFORMITY_ACTION)),  # type: ignore[arg-type]
        },
    )


@object_scoped
@require_GET
def register_detail(request: HttpRequest, slug: str) -> HttpResponse:
    policy.require(request.user, REGISTERS_ACTION)  # type: ignore[arg-type]
    organisation = _organisation(request)
    service_form = (
        ServiceForm.objects.filter(organisation=organisation, slug=slug)
        .exclude(register=ServiceForm.Register.NONE)
        .first()
    )
    if service_form is None:
        raise Http404
    policy.require(request.user, REGISTERS_ACTION, service_form)  # type: ignore[arg-type]
    description = register.describe(service_form, internal=True)
    history = []
    if description.prose is not None:
        history = list(description.prose.history.select_related("history_user")[:10])
    return _render(
        request,
        "organisations/register_detail.html",
        {"d": description, "history": history},
        f"rekisteriseloste-{service_form.slug}.pdf",
    )


@login_only
@require_GET
def conformity_page(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, CONFORMITY_ACTION)  # type: ignore[arg-type]
    organisation = _organisation(request)
    context = {"organisation": organisation, **conformity.gather(organisation)}
    return _render(
        request,
        "organisations/conformity.html",
        context,
        f"vaatimustenmukaisuus-{timezone.localdate():%Y-%m-%d}.pdf",
    )


# --------------------------------------------------------------------------- public


def _public_organisation(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Http404
    return organisation


@public
@two_factor_exempt
@require_GET
def public_list(request: HttpRequest, organisation: str) -> HttpResponse:
    org = _public_organisation(organisation)
    forms = register.register_forms(org)
    return render(
        request,
        "organisations/register_public_list.html",
        {"organisation": org, "forms": forms, "profile": register.profile_of(org)},
    )


@public
@two_factor_exempt
@require_GET
def public_detail(request: HttpRequest, organisation: str, slug: str) -> HttpResponse:
    org = _public_organisation(organisation)
    with scopes_disabled():
        service_form = (
            ServiceForm.objects.filter(organisation=org, slug=slug)
            .exclude(register=ServiceForm.Register.NONE)
            .first()
        )
    if service_form is None:
        raise Http404
    return render(
        request,
        "organisations/register_public_detail.html",
        {"d": register.describe(service_form, internal=False)},
    )
