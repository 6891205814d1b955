"""The personal iCal feed: the settings page and the public feed by secret token."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_scopes import scope, scopes_disabled

from tupa.access import policy
from tupa.access.marks import object_scoped, public, user_of
from tupa.scheduling import ical, selectors, services
from tupa.scheduling.models import CalendarFeedToken

# --------------------------------------------------------------------------- iCal feed


@object_scoped
@require_http_methods(["GET", "POST"])
def feed_settings(request: HttpRequest) -> HttpResponse:
    """The user's own feed page: create, regenerate or revoke the secret address."""
    user = user_of(request)
    policy.require(user, "client_work.access")
    new_url = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "regenerate":
            token = services.feed_token_regenerate(actor=user)
            new_url = request.build_absolute_uri(reverse("scheduling:feed", args=[token]))
        elif action == "revoke":
            if services.feed_token_revoke(actor=user):
                messages.success(request, _("Kalenterisyöte on poistettu käytöstä."))
            return HttpResponseRedirect(reverse("scheduling:feed_settings"))
        else:
            raise Http404
    active = CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).first()
    return render(
        request,
        "scheduling/feed_settings.html",
        {"active": active, "new_url": new_url},
    )


@public
@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    if len(token) > 100:
        raise Http404
    digest = services.hash_token(token)
    with scopes_disabled():
        row = (
            CalendarFeedToken.objects.select_related("user")
            .filter(token_hash=digest, revoked_at__isnull=True)
            .first()
        )
    if row is None or not row.user.is_active or row.user.organisation_id != row.organisation_id:
        raise Http404
    user = row.user
    with scope(organisation=row.organisation_id):
        if not policy.decide(user, "client_work.access"):
            raise Http404
        CalendarFeedToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        # What her calendar shows, and no more: "Varattu" stays "Varattu" (no names are in
        # the feed, so nothing of ``page.to_log`` is shown or logged).
        page = selectors.present(viewer=user, appointments=selectors.feed_appointments(user=user))
        body = ical.build_feed(
            owner_id=user.pk,
            items=page.items,
            host=request.get_host().split(":")[0],
            language=user.preferred_language or "fi",
        )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "no-store"
    response["Content-Disposition"] = 'inline; filename="tupa.ics"'
    return response
