"""Request-wide middleware: request ids, organisation scoping, no-store caching."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import structlog
from django.http import HttpRequest, HttpResponse
from django_scopes import scope, scopes_disabled

Handler = Callable[[HttpRequest], HttpResponse]


class RequestIdMiddleware:
    """Give every request an id; it is stored with each access-log event and log line."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        try:
            request_id = str(uuid.UUID(incoming))
        except ValueError:
            request_id = str(uuid.uuid4())
        request.request_id = request_id  # type: ignore[attr-defined]
        structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            response = self.get_response(request)
        finally:
            structlog.contextvars.unbind_contextvars("request_id")
        response["X-Request-ID"] = request_id
        return response


class OrganisationScopeMiddleware:
    """Activate the django-scopes scope of the user's organisation for the whole request.

    Anonymous requests get an empty scope (organisation=None matches nothing), so any scoped
    query made on a public page reads nothing instead of everything. The Django admin runs
    inside the same scope: an administrator sees only their own organisation.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        org_id = getattr(user, "organisation_id", None) if user is not None else None
        if user is not None and user.is_authenticated and org_id is not None:
            with scope(organisation=org_id):
                return self.get_response(request)
        if user is not None and user.is_authenticated and user.is_superuser:
            # A platform superuser without an organisation (created by createsuperuser) may
            # configure tenants in the admin; such accounts are not created by the product.
            with scopes_disabled():
                return self.get_response(request)
        with scope(organisation=[]):
            return self.get_response(request)


class NoStoreMiddleware:
    """Personal data must not be cached by browsers or proxies: ``no-store`` for logged-in pages."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store, max-age=0"
            response["Pragma"] = "no-cache"
        return response


class UserLanguageMiddleware:
    """A logged-in user's saved language wins over the browser's Accept-Language.

    Django's LocaleMiddleware reads the language cookie first, then the browser's
    Accept-Language. A Finnish worker with an English browser should still get Finnish (or
    whatever they chose last): when no language cookie is set, the user's
    ``preferred_language`` is activated and remembered in the cookie.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.utils import translation

        user = getattr(request, "user", None)
        chosen = None
        if (
            user is not None
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and getattr(user, "preferred_language", "")
        ):
            chosen = user.preferred_language
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen  # type: ignore[attr-defined]
        response = self.get_response(request)
        # Not over a cookie the response sets itself: a switch of language as the session's
        # first request (no cookie yet) is the user's new choice, not the saved one.
        if chosen is not None and settings.LANGUAGE_COOKIE_NAME not in response.cookies:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                chosen,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
            )
        return response
