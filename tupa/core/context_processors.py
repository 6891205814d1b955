from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tupa.access import policy
from tupa.organisations.selectors import service_forms_of

#: Extra navigation entries, each shown only to users whom the policy allows the action.
NAV_LINKS = [
    ("episodes:caseload", "client_work.access", _("Asiakkuudet")),
    ("people:search", "client_work.access", _("Haku")),
    ("scheduling:my_calendar", "client_work.access", _("Kalenteri")),
    ("accounts:staff_list", "account.view", _("Henkilöstö")),
    ("finance:budget", "budget.view", _("Talousarvio")),
    ("audit:access_log", "audit.browse", _("Käyttöloki")),
    ("rights:person_lookup", "audit.browse", _("Tietosuojapyynnöt")),
    ("audit:changes", "history.browse", _("Muutoshistoria")),
    ("audit:security_events", "audit.security_events", _("Turvallisuustapahtumat")),
    ("audit:anomalies", "audit.anomalies", _("Poikkeamat")),
    ("organisations:registers", "data_protection.registers.view", _("Rekisteriselosteet")),
    ("admin:index", "configuration.manage", _("Asetukset")),
]


def _nav_links(user: Any) -> list[dict[str, Any]]:
    links = []
    for url_name, action, label in NAV_LINKS:
        if not policy.decide(user, action):
            continue
        links.append({"url": reverse(url_name), "label": label, "url_name": url_name})
    return links


def tupa(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    organisation = (
        getattr(user, "organisation", None) if user is not None and user.is_authenticated else None
    )
    nav_forms: list[Any] = []
    nav_links: list[dict[str, Any]] = []
    nav_visible = bool(
        user is not None
        and user.is_authenticated
        and (not settings.TUPA_REQUIRE_2FA or getattr(user, "is_verified", lambda: False)())
    )
    if nav_visible and organisation is not None:
        nav_forms = service_forms_of(user=user)  # type: ignore[arg-type]
        nav_links = _nav_links(user)
    return {
        "tupa_organisation": organisation,
        "tupa_organisation_name": (
            organisation.name if organisation else settings.TUPA_ORGANISATION_NAME
        ),
        "tupa_nav_service_forms": nav_forms,
        "tupa_nav_visible": nav_visible,
        "tupa_nav_links": nav_links,
        "tupa_demo": settings.TUPA_DEMO,
        "tupa_require_2fa": settings.TUPA_REQUIRE_2FA,
    }
