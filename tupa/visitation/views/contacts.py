"""The contact log of an order (calls and messages with the parties)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tupa.access.marks import object_scoped, user_of
from tupa.access.visitation import order_access
from tupa.core.forms import saved_redirect
from tupa.visitation import services
from tupa.visitation.forms import ContactForm
from tupa.visitation.views.common import order_form_page, order_url, partners_of

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
    saved = saved_redirect(
        request,
        form,
        lambda data: services.contact_add(
            actor=user_of(request),
            order=order,
            contacted_on=data["contacted_on"],
            channel=data["channel"],
            summary=data["summary"],
            party=data["party"],
            partner=data["partner"],
            other=data["other"],
        ),
        next_url=order_url(order.pk) + "#yhteydenpito",
    )
    return saved or order_form_page(
        request,
        order,
        parties,
        basis=granted.basis,
        template="visitation/contact_form.html",
        form=form,
    )
