"""The configuration admin: administrators only, after the second factor, via Tupa's own login.

Pages that are not model admins (the login lockouts of the accounts app) are registered by
their apps in :data:`tupa.core.registry.admin_extensions`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from tupa.access import policy
from tupa.core import registry


class TupaAdminSite(admin.AdminSite):
    site_header = "Tupa"
    site_title = "Tupa"
    index_title = "Asetukset"
    enable_nav_sidebar = False

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        if settings.TUPA_REQUIRE_2FA and not getattr(user, "is_verified", lambda: False)():
            return False
        if user.is_superuser and user.organisation_id is None:  # type: ignore[union-attr]
            return True  # platform operator created with createsuperuser
        return bool(policy.decide(user, "configuration.manage"))  # type: ignore[arg-type]

    def get_urls(self) -> list[Any]:
        extra = [url for ext in registry.admin_extensions for url in ext.urls(self)]
        return [*extra, *super().get_urls()]

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[Any]:
        """Django's list, plus the registered extra pages (the login lockouts) under their app."""
        app_list = super().get_app_list(request, app_label)
        for ext in registry.admin_extensions:
            entry = ext.app_list_entry(request, self)
            if entry is None:
                continue
            for app in app_list:
                if app["app_label"] == ext.app_label:
                    app["models"].append(entry)
                    app["models"].sort(key=lambda m: str(m["name"]))
                    break
        return app_list

    def password_change(  # type: ignore[override]
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """One way to change a password: Tupa's own page, where a wrong current password counts
        as a failed login (django-axes) and the other sessions end."""
        return HttpResponseRedirect(reverse("accounts:password_change"))

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        user = request.user
        if user.is_authenticated and (
            not settings.TUPA_REQUIRE_2FA or getattr(user, "is_verified", lambda: False)()
        ):
            # Fully logged in but not an administrator: refuse instead of sending them to the
            # login page, which would send them straight back here (a redirect loop).
            raise PermissionDenied
        return redirect_to_login(
            request.GET.get("next", reverse("admin:index")), reverse("accounts:login")
        )
