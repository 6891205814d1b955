"""The lead's queue of reused records whose contact data wait for a confirmation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access.contact import confirmable_hold, hold_queue_access
from tupa.access.marks import object_scoped, user_of
from tupa.core.forms import form_page, saved_redirect
from tupa.organisations.models import Municipality

from .. import selectors, services
from ..forms import HoldConfirmForm
from ..models import Person
from ._common import _log_persons


def _differing_message(differing: list[tuple[str, Any]]) -> str:
    done = _("Asiakkuus vahvistettu: työmuoto näkee nyt henkilön tallennetut yhteystiedot.")
    if not differing:
        return done
    shown = []
    for name, value in differing:
        if name == "municipality":
            value = Municipality.objects.filter(pk=value).first() or value
        label = getattr(Person._meta.get_field(name), "verbose_name", name)
        shown.append(f"{label}: {value}")
    listed = "; ".join(shown)
    return " ".join(
        [
            done,
            _(
                "Yhteydenotossa annetut tiedot poikkeavat tallennetuista (%(fields)s). "
                "Tarkista asiakkaalta, kumpi on oikein, ja korjaa tarvittaessa."
            )
            % {"fields": listed},
        ]
    )


@object_scoped
@require_GET
def hold_queue(request: HttpRequest) -> HttpResponse:
    """Open holds of the forms the user leads, each with its confirmation form."""
    hold_queue_access(request)
    user = user_of(request)
    holds = list(selectors.hold_queue(user=user))
    confirmed = selectors.holds_confirmed(user=user)
    _log_persons(request, [h.person for h in [*holds, *confirmed]], "list")
    return render(
        request,
        "people/hold_queue.html",
        {
            "rows": [(hold, HoldConfirmForm(prefix=f"h{hold.pk}")) for hold in holds],
            "confirmed": confirmed,
        },
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def hold_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    hold = confirmable_hold(request, pk)
    form = HoldConfirmForm(request.POST or None, prefix=f"h{hold.pk}")
    saved = saved_redirect(
        request,
        form,
        lambda data: services.hold_confirm(actor=user, hold=hold, note=data["note"]),
        next_url=lambda differing: _confirmed(request, differing),
    )
    if saved is not None:
        return saved
    _log_persons(request, [hold.person], "view")
    return form_page(request, "people/hold_confirm.html", form, {"hold": hold})


def _confirmed(request: HttpRequest, differing: list[tuple[str, Any]]) -> str:
    """The message after a confirmation, and the way back to the queue."""
    messages.success(request, _differing_message(differing))
    return reverse("people:hold_queue")
