"""The volunteer portal's reach: what a volunteer's own login may open, and nothing else.

A login of the *volunteer* kind (:class:`tupa.accounts.models.UserKind`) belongs to one
volunteer (:class:`tupa.volunteers.models.PortalAccess`). The request gate
(:class:`tupa.accounts.middleware.PortalReachMiddleware`) asks :func:`may_reach` about every
resolved URL before any view runs, so this module is the one place that decides it:

- a volunteer login reaches the portal (namespace ``volunteer_portal``, ``/vapaaehtoinen/``), the
  second-factor and own-password pages (:data:`ACCOUNT_PAGES`) and the ``public`` pages that
  anyone reaches without logging in (login, logout, language, privacy notices, the accessibility
  statement); **every other URL answers 404**, the admin included — not 403, so that a volunteer
  cannot map what exists;
- a staff login gets 404 on every portal page (the portal shows one volunteer's own data to that
  volunteer; staff read volunteers in the register, with the access log).

Inside the portal the object rule is :func:`tupa.access.volunteers.portal_access` (the volunteer
behind the login whose access is in force, or 404); the portal's selectors read only that
volunteer's rows, so another volunteer's hours or profile answer 404 whatever id is typed.

This module sits in the accounts floor (the gate and the login flow use it), so it imports
nothing of the volunteer app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tupa.access import marks

#: The portal's URL namespace (mounted at ``/vapaaehtoinen/``).
PORTAL_NAMESPACE = "volunteer_portal"
PORTAL_HOME = "volunteer_portal:home"
PORTAL_ACCOUNT = "volunteer_portal:account"
#: The portal's set-password page of an activation link (``public``: reached before login).
PORTAL_ACTIVATE = "volunteer_portal:activate"
STAFF_HOME = "core:dashboard"
STAFF_ACCOUNT = "accounts:account"

#: Account pages a volunteer login uses as staff do: the second factor, recovery codes, own
#: password, logging out everywhere. Their redirects go to :func:`home_url_name` /
#: :func:`account_url_name`. (The staff account page ``accounts:account`` is not among them: the
#: portal has its own.)
ACCOUNT_PAGES = frozenset(
    {
        "accounts:verify",
        "accounts:setup",
        "accounts:recovery_codes",
        "accounts:recovery_codes_regenerate",
        "accounts:password_change",
        "accounts:logout_everywhere",
    }
)


def is_volunteer_login(user: Any) -> bool:
    """A logged-in volunteer's own login: it reaches the portal and nothing of the staff side."""
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "kind", "") == (
        "volunteer"
    )


def _in_portal(view_name: str) -> bool:
    return view_name.split(":", 1)[0] == PORTAL_NAMESPACE


def may_reach(user: Any, view_name: str, view: Callable[..., Any] | None = None) -> bool:
    """Whether ``user`` may open the URL resolved to ``view_name`` (else 404, before the view).

    A volunteer login: the portal, :data:`ACCOUNT_PAGES` and ``public`` views only. A staff
    login: everything but the portal (each view then decides with the policy as before).
    Anonymous users are left to the login requirement and the views.
    """
    if not getattr(user, "is_authenticated", False):
        return True
    if is_volunteer_login(user):
        if _in_portal(view_name) or view_name in ACCOUNT_PAGES:
            return True
        return view is not None and marks.access_class(view) == "public"
    return not _in_portal(view_name)


def front_page_of(user: Any, view_name: str, method: str) -> str | None:
    """Where a volunteer login's GET of Tupa's front page (``/``) goes instead: the portal's
    home. Everyone knows the front page exists, so leading there reveals nothing, and a
    volunteer who types the bare address or follows an old bookmark lands on their own pages
    rather than on "page not found". Every other case: None (:func:`may_reach` decides)."""
    if view_name == STAFF_HOME and method in ("GET", "HEAD") and is_volunteer_login(user):
        return PORTAL_HOME
    return None


def home_url_name(user: Any) -> str:
    """Where a login lands after logging in and after the second factor."""
    return PORTAL_HOME if is_volunteer_login(user) else STAFF_HOME


def account_url_name(user: Any) -> str:
    """The user's own account page (password, second factor, sessions)."""
    return PORTAL_ACCOUNT if is_volunteer_login(user) else STAFF_ACCOUNT
