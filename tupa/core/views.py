"""The health check, the language switch and the generic error pages (the dashboard: tupa.home)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.i18n import set_language as django_set_language

from tupa.access.marks import public, two_factor_exempt


@public
@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers. Reveals nothing else."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # pragma: no cover - exercised only when the database is down
        return JsonResponse({"status": "error"}, status=503)
    return JsonResponse({"status": "ok"})


@public
@two_factor_exempt
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, limited to fi/sv/en; a logged-in user's choice is saved too."""
    language = request.POST.get("language", "")
    response = django_set_language(request)
    if language not in {code for code, _name in settings.LANGUAGES}:
        # Django accepts any language it has catalogues for (de, ru, …): keep only ours.
        response.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
        return response
    user = request.user
    if request.method == "POST" and user.is_authenticated and language != user.preferred_language:  # type: ignore[union-attr]
        # A queryset update: a language choice is not an organisational change worth a version.
        get_user_model()._default_manager.filter(pk=user.pk).update(preferred_language=language)
    return response


def _error(request: HttpRequest, status: int) -> HttpResponse:
    return render(request, "errors/error.html", {"status": status}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without the request context: a failing context processor must not hide the error.
    from django.template import loader

    template = loader.get_template("errors/500.html")
    return HttpResponse(template.render({}), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    # A stale form, not an access decision: kept out of the log of refused requests.
    request.tupa_csrf_failure = True  # type: ignore[attr-defined]
    return render(request, "errors/csrf.html", status=403)
