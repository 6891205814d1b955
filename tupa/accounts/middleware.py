"""Session lifetime, two-factor enforcement and the log of refused requests.

``SessionTimeoutMiddleware`` sits right after Django's ``AuthenticationMiddleware``: it ends a
session that has been idle longer than ``TUPA_SESSION_IDLE_TIMEOUT`` (30 min) or that started
longer ago than ``TUPA_SESSION_ABSOLUTE_TIMEOUT`` (12 h).

``TwoFactorRequiredMiddleware`` sits after ``OTPMiddleware`` and ``LoginRequiredMiddleware``:
when ``TUPA_REQUIRE_2FA`` is on, a logged-in user who has not passed the second factor may only
reach views marked :func:`tupa.access.marks.two_factor_exempt`.

``PortalReachMiddleware`` sits right after ``LoginRequiredMiddleware``: it answers 404 to a
volunteer login on every URL outside the volunteer portal, and to a staff login on the portal,
before any view runs (:func:`tupa.access.volunteer_portal.may_reach` decides).

``RefusedRequestLogMiddleware`` records refused requests in the security event log.

``LoginRequiredMiddleware`` is Django's (every view private unless marked public), except that an
htmx request without a login — a fragment a page asks for after loading, e.g. the dashboard's
overview panel, when the session ended in another tab — is sent to the login page as a whole
page (``HX-Redirect``), as an expired session is, instead of the login form being swapped into
the fragment's place.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import (
    LoginRequiredMiddleware as DjangoLoginRequiredMiddleware,
)
from django.contrib.messages.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from tupa.access import volunteer_portal
from tupa.core.htmx import is_htmx

from . import security
from .services import user_has_second_factor

Handler = Callable[[HttpRequest], HttpResponse]

#: Session keys (Unix timestamps as floats).
SESSION_AUTH_AT = "tupa_auth_at"
SESSION_SEEN_AT = "tupa_seen_at"
#: The last-activity stamp is rewritten at most this often, so that every request does not
#: cause a session write; the idle timeout is therefore exact to within this many seconds.
TOUCH_INTERVAL_SECONDS = 60


def mark_session_start(request: HttpRequest) -> None:
    """Record the start of an authenticated session (called by the login view)."""
    now = time.time()
    request.session[SESSION_AUTH_AT] = now
    request.session[SESSION_SEEN_AT] = now


def redirect_with_next(
    request: HttpRequest, url_name: str, *, keep_path: bool = True
) -> HttpResponse:
    """Redirect to ``url_name``; a GET request's own path travels along as ``next``.

    For htmx requests the redirect is done by the client (``HX-Redirect``) so that the whole
    page, not a fragment, is replaced.
    """
    url = reverse(url_name)
    htmx = is_htmx(request)
    # An htmx request's own path is a fragment, not a page to come back to.
    if keep_path and request.method == "GET" and not htmx:
        url = f"{url}?{urlencode({'next': request.get_full_path()})}"
    if htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Django's, with htmx requests redirected by the client (see the module docstring)."""

    # The stubs say a redirect; an htmx request gets a 204 with ``HX-Redirect`` instead.
    def handle_no_permission(  # type: ignore[override]
        self, request: HttpRequest, view_func: Any
    ) -> HttpResponse:
        if is_htmx(request):
            return redirect_with_next(request, "accounts:login")
        return super().handle_no_permission(request, view_func)


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            expired = self._check(request)
            if expired:
                return expired
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        session = request.session
        now = time.time()
        auth_at = _as_float(session.get(SESSION_AUTH_AT))
        seen_at = _as_float(session.get(SESSION_SEEN_AT))
        if auth_at is None or seen_at is None:
            # A session created without the login view (e.g. the test client's force_login):
            # its lifetime starts now.
            mark_session_start(request)
            return None
        idle = settings.TUPA_SESSION_IDLE_TIMEOUT.total_seconds()
        absolute = settings.TUPA_SESSION_ABSOLUTE_TIMEOUT.total_seconds()
        if now - seen_at > idle or now - auth_at > absolute:
            return self._expire(request)
        if now - seen_at >= TOUCH_INTERVAL_SECONDS:
            session[SESSION_SEEN_AT] = now
        return None

    def _expire(self, request: HttpRequest) -> HttpResponse:
        logout(request)
        response = redirect_with_next(request, "accounts:login")
        # MessageMiddleware runs after this middleware, so the message is stored directly.
        storage = default_storage(request)
        storage.add(
            messages.INFO,
            _(
                "Istunto vanhentui, koska et ollut aktiivinen tai istunto oli kestänyt "
                "liian kauan. Kirjaudu uudelleen."
            ),
        )
        storage.update(response)
        return response


def _as_float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def is_two_factor_exempt(view_func: Callable[..., Any]) -> bool:
    for candidate in (
        view_func,
        getattr(view_func, "view_class", None),
        getattr(view_func, "cls", None),
    ):
        if candidate is not None and getattr(candidate, "tupa_two_factor_exempt", False):
            return True
    return False


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if not settings.TUPA_REQUIRE_2FA:
            return None
        user = request.user
        if not user.is_authenticated:
            return None  # LoginRequiredMiddleware and the views themselves handle anonymous users
        if getattr(user, "is_verified", lambda: False)():
            return None
        if is_two_factor_exempt(view_func):
            return None
        target = "accounts:verify" if user_has_second_factor(user=user) else "accounts:setup"  # type: ignore[arg-type]
        return redirect_with_next(request, target)


class PortalReachMiddleware:
    """The one gate between the volunteer portal and the rest of Tupa (docs/volunteer-portal.md).

    Runs as ``process_view`` (the URL is resolved, no view has run): a refusal is a plain 404
    rendered by the 404 handler, and ``RefusedRequestLogMiddleware`` records it for the DPO.
    An unresolvable URL is a 404 anyway. A volunteer login's front page (``/``) leads to the
    portal's home instead (:func:`~tupa.access.volunteer_portal.front_page_of`).
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        match = getattr(request, "resolver_match", None)
        view_name = match.view_name if match is not None else ""
        front = volunteer_portal.front_page_of(request.user, view_name, request.method or "")
        if front is not None:
            return HttpResponseRedirect(reverse(front))
        if not volunteer_portal.may_reach(request.user, view_name, view_func):
            raise Http404
        return None


class RefusedRequestLogMiddleware:
    """Record a logged-in user's refused request (403/404 from a Tupa page) for the DPO.

    Runs on the way out, after the view's transaction has ended, and writes one row per refusal
    (user, time, path without the query string, status, view); nothing on any other response.
    Fail-safe: a failed write is logged and the response is returned unchanged
    (:mod:`tupa.accounts.security`).
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if security.is_refused_request(request, response.status_code):
            security.record_refused(request=request, status_code=response.status_code)
        return response
