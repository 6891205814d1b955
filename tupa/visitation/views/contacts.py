"""The contact log of an order (calls and messages with the parties)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tupa.access.marks import object_scoped, user_of
from tupa.access.visitation import order_access
from tupa.core.forms import apply_errors
from tupa.visitation import selectors, services
from tupa.visitation.forms import ContactForm
from tupa.visitation.views.common import log_access, order_url, partners_of

# --------------------------------------------------------------------------- contact log


@object_scoped
@require_http_methods(["GET", "POST"])
def contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    granted = order_access(request, pk)
    order = granted.obj
    parties = list(order.parties.all())
    form = ContactForm(
        request.POST or None,
        parties=parties,
        partners=partners_of(order.organisation_id),
        initial={"contacted_on": timezone.localdate()},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.contact_add(
                    actor=user_of(request),
                    order=order,
                    contacted_on=data["contacted_on"],
                    channel=data["channel"],
                    summary=data["summary"],
                    party=data["party"],
                    partner=data["partner"],
                    other=data["other"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                return HttpResponseRedirect(order_url(order.pk) + "#yhteydenpito")
        status = 400
    log_access(
        request,
        selectors.persons_of_parties(parties),
        basis=granted.basis,
        episode_id=order.episode_id,
    )
    return render(
        request,
        "visitation/contact_form.html",
        {"order": order, "form": form, "service_form": order.episode.service_form},
        status=status,
    )
