"""The coordinator's side of the portal: give, re-send and revoke a volunteer's own login,
from the volunteer's page (namespace ``volunteers``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tupa.access import volunteers as access
from tupa.access.marks import object_scoped, user_of
from tupa.core.forms import submit
from tupa.volunteers.common import log_volunteers, volunteer_url
from tupa.volunteers.portal import selectors, services
from tupa.volunteers.portal.forms import RevokeForm

ACTIONS = ("grant", "resend", "revoke")


@object_scoped
@require_http_methods(["GET", "POST"])
def portal_manage(request: HttpRequest, pk: int) -> HttpResponse:
    """The volunteer's portal login: its state, and the coordinator's grant / re-send / revoke."""
    granted = access.volunteer_access(request, pk, manage=True)
    volunteer = granted.obj
    user = user_of(request)
    portal = selectors.access_of(volunteer)
    form = RevokeForm(request.POST if request.POST.get("action") == "revoke" else None)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            raise Http404
        # Not saved_redirect(): three buttons, a refused link is said above the form, and the
        # page answers 400 after any refused POST.
        if action == "revoke":
            done = submit(
                form,
                lambda data: services.portal_revoke(actor=user, volunteer=volunteer, **data),
                denied_as_404=True,
            )
            if done.ok:
                messages.success(request, _("Tunnus on suljettu."))
                return HttpResponseRedirect(volunteer_url(volunteer.pk))
        else:
            send = services.portal_grant if action == "grant" else services.portal_send_link
            try:
                send(actor=user, volunteer=volunteer, absolute=request.build_absolute_uri)
            except PermissionDenied as denied:  # e.g. an ended volunteer: "not yours" is 404
                raise Http404 from denied
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                sent = (
                    _("Tunnus on avattu. Aktivointilinkki lähetettiin osoitteeseen %(email)s.")
                    if action == "grant"
                    else _("Uusi aktivointilinkki lähetettiin osoitteeseen %(email)s.")
                )
                messages.success(request, sent % {"email": volunteer.email})
                return HttpResponseRedirect(volunteer_url(volunteer.pk))
    log_volunteers(request, [volunteer], basis=granted.basis)
    return render(
        request,
        "volunteers/portal/manage.html",
        {
            "volunteer": volunteer,
            "portal": portal,
            "form": form,
            "error": error,
            "may_grant": access.may_grant_portal(user, volunteer),
        },
        status=400 if request.method == "POST" else 200,
    )
