"""The volunteer's own pages at /vapaaehtoinen/ (namespace ``volunteer_portal``).

Every page starts with :func:`tupa.access.volunteers.portal_access`: the volunteer behind the
login, or 404. No page takes a volunteer id; the one id a URL carries (an hours entry) is looked
up among that volunteer's own entries only. Each page that shows the volunteer's data writes an
access-log row with the basis ``self`` (docs/volunteer-portal.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access import volunteers as access
from tupa.access.fetch import Granted
from tupa.access.marks import object_scoped, public, two_factor_exempt, user_of
from tupa.accounts.selectors import two_factor_status
from tupa.core.forms import form_page, saved_redirect, submit
from tupa.volunteers.common import log_volunteers
from tupa.volunteers.hours import services as hours_services
from tupa.volunteers.models import Volunteer
from tupa.volunteers.portal import selectors, services
from tupa.volunteers.portal.forms import ActivationForm, ContactForm, OwnHoursForm


def _hours_url() -> str:
    return reverse("volunteer_portal:hours")


def _own_form_view(
    request: HttpRequest,
    granted: Granted[Volunteer],
    *,
    form: Any,
    service: Callable[[dict[str, Any]], Any],
    saved: str,
    done_url: str,
    context: dict[str, Any],
) -> HttpResponse:
    """A portal form: the volunteer's own write, where a refusal as "not yours" is 404 (like a
    page that is not theirs); saved, a confirmation ``saved`` and on to ``done_url``; otherwise
    the form again (400 when bound) and the access-log row of the volunteer's own data shown."""
    done = saved_redirect(
        request, form, service, next_url=done_url, success=saved, denied_as_404=True
    )
    if done is not None:
        return done
    log_volunteers(request, [granted.obj], basis=granted.basis)
    return form_page(request, "volunteers/portal/form.html", form, context)


@object_scoped
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    granted = access.portal_access(request)
    volunteer = granted.obj
    today = timezone.localdate()
    page = selectors.home_of(volunteer, on=today)
    log_volunteers(request, [volunteer], basis=granted.basis)
    return render(
        request,
        "volunteers/portal/home.html",
        {"page": page, "volunteer": volunteer, "today": today, "year_h": page.year_minutes / 60},
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest) -> HttpResponse:
    granted = access.portal_access(request)
    volunteer = granted.obj
    user = user_of(request)
    form = ContactForm(request.POST or None, instance=volunteer)
    return _own_form_view(
        request,
        granted,
        form=form,
        service=lambda data: services.own_contact_update(actor=user, volunteer=volunteer, **data),
        saved=_("Yhteystietosi on tallennettu."),
        done_url=reverse("volunteer_portal:home"),
        context={"heading": "contact"},
    )


@object_scoped
@require_GET
def hours(request: HttpRequest) -> HttpResponse:
    granted = access.portal_access(request)
    volunteer = granted.obj
    entries = list(selectors.own_hours(volunteer)[:500])
    log_volunteers(request, [volunteer], basis=granted.basis)
    return render(
        request,
        "volunteers/portal/hours.html",
        {
            "entries": entries,
            "own_login_id": request.user.pk,
            "total_h": sum(e.minutes for e in entries) / 60,
        },
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def hours_add(request: HttpRequest) -> HttpResponse:
    granted = access.portal_access(request)
    volunteer = granted.obj
    user = user_of(request)
    form = OwnHoursForm(
        request.POST or None,
        forms_qs=selectors.hours_forms(volunteer),
        initial={"date": timezone.localdate()},
    )
    return _own_form_view(
        request,
        granted,
        form=form,
        service=lambda data: hours_services.hours_add_own(actor=user, volunteer=volunteer, **data),
        saved=_("Toiminta on kirjattu."),
        done_url=_hours_url(),
        context={"heading": "hours_add"},
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def hours_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct an occasion the volunteer entered; another's entry (or a coordinator's) is 404."""
    granted = access.portal_access(request)
    volunteer = granted.obj
    user = user_of(request)
    entry = selectors.own_entry(volunteer, pk)
    if entry is None or entry.recorded_by_id != user.pk:
        raise Http404
    entry.volunteer = volunteer
    form = OwnHoursForm(
        request.POST or None,
        forms_qs=selectors.hours_forms(volunteer),
        initial={
            "service_form": entry.service_form_id,
            "kind": entry.kind,
            "date": entry.date,
            "starts": entry.starts,
            "ends": entry.ends,
        },
    )
    return _own_form_view(
        request,
        granted,
        form=form,
        service=lambda data: hours_services.hours_update_own(actor=user, entry=entry, **data),
        saved=_("Korjaus on tallennettu."),
        done_url=_hours_url(),
        context={"heading": "hours_edit", "entry": entry},
    )


@object_scoped
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    """The volunteer's own login: username, second factor, password, sessions."""
    access.portal_access(request)
    user = user_of(request)
    return render(
        request,
        "volunteers/portal/account.html",
        {"account_user": user, "two_factor": two_factor_status(user=user)},
    )


@two_factor_exempt
@public
@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The one-time activation link: the volunteer sets their first password, then logs in
    and enrols the authenticator app. An invalid or used link says so and nothing else."""
    user = services.activation_user(uidb64, token)
    if user is None:
        return render(request, "volunteers/portal/activate.html", {"invalid": True}, status=404)
    form = ActivationForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        # Not saved_redirect(): the old session ends between the save and the message.
        done = submit(
            form, lambda data: services.portal_activate(user=user, password=data["new_password1"])
        )
        if done.ok:
            if request.user.is_authenticated:
                auth_logout(request)
            messages.success(
                request,
                _("Salasana on asetettu. Kirjaudu sisään tunnuksella %(username)s.")
                % {"username": user.username},
            )
            return HttpResponseRedirect(reverse("accounts:login"))
    return form_page(request, "volunteers/portal/activate.html", form, {"username": user.username})
