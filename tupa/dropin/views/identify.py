"""ANO-05: a visitor who wants personal support becomes an identified client, by consent."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tupa.access.dropin import identify_targets
from tupa.access.marks import object_scoped, user_of
from tupa.core.forms import saved_redirect
from tupa.dropin import services
from tupa.dropin.forms import IdentifyForm
from tupa.dropin.views.common import house_or_404

# --------------------------------------------------------------------------- ANO-05


@object_scoped
@require_http_methods(["GET", "POST"])
def identify(request: HttpRequest, slug: str) -> HttpResponse:
    """ANO-05: a visitor who wants personal support becomes an identified client, by consent."""
    service_form = house_or_404(request, slug)
    user = user_of(request)
    targets = identify_targets(user)
    if request.method == "POST":
        form = IdentifyForm(request.POST, targets=targets)
    else:
        form = IdentifyForm(targets=targets, initial={"target_service_form": service_form.pk})
    saved = saved_redirect(
        request,
        form,
        lambda data: services.visitor_identify(
            actor=user,
            service_form=service_form,
            target_service_form=data["target_service_form"],
            first_names=data["first_names"],
            last_name=data["last_name"],
            birth_date=data["birth_date"],
            hetu=data["hetu"],
            consent=data["consent"],
        ),
        next_url=lambda record: reverse("episodes:detail", args=[record.episode_id]),
        success=_(
            "Asiakkuus avattu kävijän suostumuksella. Aiemmat nimettömät käynnit eivät muuttuneet."
        ),
        denied_as_404=True,
    )
    return saved or render(
        request, "dropin/identify.html", {"service_form": service_form, "form": form}
    )
