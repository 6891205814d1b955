"""Break-the-glass: ask for emergency access, and the lead's review queue."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access import clients
from tupa.access.episodes import (
    break_glass_review_access,
    break_glass_target,
    may_use_client_screens,
    reviewable_break_glass,
)
from tupa.access.marks import login_only, object_scoped, user_of
from tupa.core.forms import apply_errors, saved_redirect

from .. import selectors, services
from ..forms.emergency import BreakGlassForm, BreakGlassReviewForm
from . import episode_url


@object_scoped
@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest, pk: int) -> HttpResponse:
    """Emergency access to an episode the user knows by its number.

    Shows nothing about the episode before access is granted — not even its service form — and
    is no oracle of which numbers exist (issue 10): for staff doing client work, the page is the
    same for any number they cannot see (another unit's episode, one behind the wall, another
    organisation's, or none at all), and a reason given for one they may not open gets the same
    refusal (404, the form kept) as one given for a number that does not exist. Staff without
    client work get 404 for every number; who can already see the episode goes to it.
    """
    user = user_of(request)
    episode, basis = break_glass_target(request, pk)
    if episode is not None and basis is not None:
        return HttpResponseRedirect(episode_url(episode))
    if not may_use_client_screens(user):
        raise Http404
    form = BreakGlassForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        match = request.resolver_match
        try:
            if episode is None or not clients.may_break_glass(user=user, episode=episode):
                raise PermissionDenied
            item = services.break_glass_open(
                actor=user,
                episode=episode,
                reason=form.cleaned_data["reason"],
                hours=form.cleaned_data["hours"],
                request_id=str(getattr(request, "request_id", "") or ""),
                view_name=match.view_name if match else "",
            )
        except PermissionDenied:
            form.add_error(None, _("Poikkeuksellinen pääsy tähän asiakkuuteen ei ole mahdollinen."))
            status = 404
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.warning(
                request,
                _(
                    "Poikkeuksellinen pääsy on voimassa %(time)s asti. Käyttö kirjataan, ja "
                    "työmuodon esihenkilö tarkastaa sen."
                )
                % {"time": _local_time(item.expires_at)},
            )
            return HttpResponseRedirect(episode_url(episode))
    return render(
        request, "episodes/break_glass.html", {"episode_id": pk, "form": form}, status=status
    )


def _local_time(value: Any) -> str:
    local = timezone.localtime(value)
    return f"{local.day}.{local.month}.{local.year} {local:%H.%M}"


@login_only
@require_GET
def break_glass_queue(request: HttpRequest) -> HttpResponse:
    """The lead's review queue of emergency accesses to the forms they lead (no person data)."""
    break_glass_review_access(request)
    user = user_of(request)
    items = list(selectors.break_glass_review_queue(user=user))
    return render(
        request,
        "episodes/break_glass_queue.html",
        {
            "rows": [(item, BreakGlassReviewForm(prefix=f"b{item.pk}")) for item in items],
            "reviewed": selectors.break_glass_reviewed(user=user),
        },
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def break_glass_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    item = reviewable_break_glass(request, pk)
    form = BreakGlassReviewForm(request.POST or None, prefix=f"b{item.pk}")
    saved = saved_redirect(
        request,
        form,
        lambda data: services.break_glass_review(actor=user, item=item, note=data["note"]),
        next_url=reverse("episodes:break_glass_queue"),
        success=_("Poikkeuksellinen pääsy on tarkastettu."),
    )
    return saved or render(
        request, "episodes/break_glass_review.html", {"item": item, "form": form}
    )
