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

from tupa.access import policy
from tupa.access.fetch import service_form_or_404
from tupa.access.marks import login_only, object_scoped, public, two_factor_exempt, user_of
from tupa.core.pdf import html_to_pdf, pdf_response
from tupa.dataprotection.pages import wants_pdf
from tupa.organisations.models import Organisation, ServiceForm

from . import conformity
from .assembly import describe, describe_all, profile_of, register_form, register_forms

REGISTERS_ACTION = "data_protection.registers.view"
CONFORMITY_ACTION = "data_protection.conformity.view"


def _organisation(request: HttpRequest) -> Organisation:
    organisation = getattr(request.user, "organisation", None)
    if organisation is None:
        raise Http404
    return organisation  # type: ignore[no-any-return]


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], filename: str
) -> HttpResponse:
    pdf = wants_pdf(request)
    context = {
        **context,
        "pdf": pdf,
        "base_template": "organisations/print_base.html" if pdf else "base.html",
        "generated_at": timezone.localtime(),
    }
    if pdf:
        html = render_to_string(template, context, request=request)
        return pdf_response(html_to_pdf(html), filename)
    return render(request, template, context)


# --------------------------------------------------------------------------- inside


@login_only
@require_GET
def register_list(request: HttpRequest) -> HttpResponse:
    policy.require(user_of(request), REGISTERS_ACTION)
    organisation = _organisation(request)
    profile = profile_of(organisation)
    descriptions = describe_all(organisation, internal=True, profile=profile)
    return render(
        request,
        "organisations/register_list.html",
        {
            "organisation": organisation,
            "descriptions": descriptions,
            "profile": profile,
            "may_see_conformity": bool(policy.decide(user_of(request), CONFORMITY_ACTION)),
        },
    )


@object_scoped
@require_GET
def register_detail(request: HttpRequest, slug: str) -> HttpResponse:
    service_form = service_form_or_404(request, slug, rule=REGISTERS_ACTION)
    if service_form.register == ServiceForm.Register.NONE:
        raise Http404
    description = describe(service_form, internal=True, organisation=service_form.organisation)
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
    policy.require(user_of(request), CONFORMITY_ACTION)
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
    forms = register_forms(org)
    return render(
        request,
        "organisations/register_public_list.html",
        {"organisation": org, "forms": forms, "profile": profile_of(org)},
    )


@public
@two_factor_exempt
@require_GET
def public_detail(request: HttpRequest, organisation: str, slug: str) -> HttpResponse:
    org = _public_organisation(organisation)
    service_form = register_form(org, slug)
    if service_form is None:
        raise Http404
    return render(
        request,
        "organisations/register_public_detail.html",
        {"d": describe(service_form, internal=False, organisation=org)},
    )
