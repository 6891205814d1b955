"""``tupa``: the organisation, the navigation (the user's service forms and the registered links)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from tupa.access import policy
from tupa.core import registry
from tupa.organisations.selectors import service_forms_of

from .reports import is_visible


def _nav_links(user: Any) -> list[dict[str, Any]]:
    links = []
    for link in registry.nav_links.all():
        if not is_visible(user, link.visible):
            continue
        links.append(
            {"url": reverse(link.url_name), "label": link.title, "url_name": link.url_name}
        )
    return links


def tupa(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    organisation = (
        getattr(user, "organisation", None) if user is not None and user.is_authenticated else None
    )
    nav_forms: list[Any] = []
    nav_links: list[dict[str, Any]] = []
    nav_organisation = False
    nav_visible = bool(
        user is not None
        and user.is_authenticated
        and (not settings.TUPA_REQUIRE_2FA or getattr(user, "is_verified", lambda: False)())
    )
    if nav_visible and organisation is not None:
        nav_forms = service_forms_of(user=user)  # type: ignore[arg-type]
        nav_links = _nav_links(user)
        # The structure page's own rule: an account whose memberships have all ended gets a 404.
        nav_organisation = bool(policy.decide(user, "organisation.view"))  # type: ignore[arg-type]
    return {
        "tupa_organisation": organisation,
        "tupa_organisation_name": (
            organisation.name if organisation else settings.TUPA_ORGANISATION_NAME
        ),
        "tupa_nav_service_forms": nav_forms,
        "tupa_nav_visible": nav_visible,
        "tupa_nav_links": nav_links,
        "tupa_nav_organisation": nav_organisation,
        "tupa_demo": settings.TUPA_DEMO,
        "tupa_require_2fa": settings.TUPA_REQUIRE_2FA,
    }
