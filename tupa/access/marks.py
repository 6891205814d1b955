"""How each URL is protected. Every view is marked with exactly one of these decorators.

The URL-inventory test walks the URL configuration and fails on any view that is not
classified, so a new page cannot be added without deciding who may reach it.

- ``public``: reachable without logging in (login page, health check, language switch).
- ``login_only``: any logged-in, verified staff member of the organisation; shows no client data.
- ``object_scoped``: the view asks ``tupa.access.policy`` about the specific object and answers
  404 when the object exists but is not the user's.
- ``two_factor_exempt``: additionally reachable by a logged-in user who has not yet passed the
  second factor (the 2FA set-up and verification steps, logout).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest

if TYPE_CHECKING:
    from tupa.accounts.models import User

AccessClass = Literal["public", "login_only", "object_scoped"]
F = TypeVar("F", bound=Callable[..., Any])

ATTRIBUTE = "tupa_access"


def _mark(view: F, access: AccessClass) -> F:
    setattr(view, ATTRIBUTE, access)
    return view


def public(view: F) -> F:
    return _mark(login_not_required(view), "public")


def login_only(view: F) -> F:
    return _mark(view, "login_only")


def object_scoped(view: F) -> F:
    return _mark(view, "object_scoped")


def two_factor_exempt(view: F) -> F:
    view.tupa_two_factor_exempt = True  # type: ignore[attr-defined]
    return view


def access_class(view: Callable[..., Any]) -> AccessClass | None:
    """The access class of a view function or class-based view."""
    for candidate in (view, getattr(view, "view_class", None), getattr(view, "cls", None)):
        if candidate is not None and hasattr(candidate, ATTRIBUTE):
            return getattr(candidate, ATTRIBUTE)  # type: ignore[no-any-return]
    return None


def user_of(request: HttpRequest) -> User:
    """The authenticated staff user of ``request`` (the login middleware guarantees one)."""
    return cast("User", request.user)


def organisation_id_of(request: HttpRequest) -> int:
    """The user's organisation id, or 404 for a user without one (the policy refuses those)."""
    organisation_id = getattr(request.user, "organisation_id", None)
    if organisation_id is None:
        raise Http404
    return int(organisation_id)
