"""Staff: a service form's kiosks (namespace ``surveys``, rule ``surveys.manage`` on the form).

A kiosk's device link is shown once, when the kiosk is made or its link replaced: only the hash
is stored. Deactivating a kiosk makes its link show the "no longer in use" page.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from tupa.access import surveys as access
from tupa.access.marks import object_scoped, user_of
from tupa.core.forms import submit
from tupa.organisations.models import ServiceForm
from tupa.surveys.answering import selectors, services
from tupa.surveys.answering.forms import KioskForm
from tupa.surveys.models import Kiosk

TEMPLATE = "surveys/answering/kiosks.html"


def _device_link(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("answer:kiosk", kwargs={"token": token}))


def _page(
    request: HttpRequest,
    service_form: ServiceForm,
    *,
    form: KioskForm | None = None,
    new_link: str = "",
    new_kiosk: Kiosk | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    questionnaires = selectors.kiosk_questionnaires(service_form)
    return render(
        request,
        TEMPLATE,
        {
            "service_form": service_form,
            "kiosks": list(selectors.kiosks_of(service_form)),
            "form": form or KioskForm(questionnaires=questionnaires),
            "new_link": new_link,
            "new_kiosk": new_kiosk,
            "error": error,
        },
        status=status,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def kiosks(request: HttpRequest, slug: str) -> HttpResponse:
    """The form's kiosks and a form to make one (its link is shown once, on this page)."""
    service_form = access.form_access(request, slug, action=access.MANAGE).obj
    if request.method != "POST":
        return _page(request, service_form)
    form = KioskForm(request.POST, questionnaires=selectors.kiosk_questionnaires(service_form))
    done = submit(
        form,
        lambda data: services.kiosk_create(
            actor=user_of(request), service_form=service_form, **data
        ),
        denied_as_404=True,
    )
    if not done.ok or done.value is None:
        return _page(request, service_form, form=form, status=400)
    kiosk, token = done.value
    return _page(request, service_form, new_link=_device_link(request, token), new_kiosk=kiosk)


@object_scoped
@require_POST
def kiosk_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    kiosk = access.kiosk_access(request, pk).obj
    services.kiosk_deactivate(actor=user_of(request), kiosk=kiosk)
    return HttpResponseRedirect(reverse("surveys:kiosks", kwargs={"slug": kiosk.service_form.slug}))


@object_scoped
@require_POST
def kiosk_relink(request: HttpRequest, pk: int) -> HttpResponse:
    """A new device link (the old one stops working); shown once."""
    kiosk = access.kiosk_access(request, pk).obj
    try:
        token = services.kiosk_relink(actor=user_of(request), kiosk=kiosk)
    except ValidationError as error:
        return _page(request, kiosk.service_form, error=" ".join(error.messages), status=400)
    return _page(
        request, kiosk.service_form, new_link=_device_link(request, token), new_kiosk=kiosk
    )
