"""The configuration admin: administrators only, after the second factor, via Tupa's own login."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from tupa.access import policy


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
        from tupa.accounts import lockout_admin

        return [*lockout_admin.urls(self), *super().get_urls()]

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[Any]:
        """Django's list, plus the login lockouts under the accounts app."""
        from tupa.accounts import lockout_admin

        app_list = super().get_app_list(request, app_label)
        entry = lockout_admin.app_list_entry(request, self)
        if entry is not None:
            for app in app_list:
                if app["app_label"] == "accounts":
                    app["models"].append(entry)
                    app["models"].sort(key=lambda m: str(m["name"]))
                    break
        return app_list

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
