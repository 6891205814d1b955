"""The security event log: recording failed logins, lockouts and refused requests, and reading it.

What is recorded (``SecurityEvent``, append-only; docs/security.md "Security events"):

- ``login_failed`` — every failed password step (django's ``user_login_failed`` signal, which
  django-axes also listens to), including attempts while the username is locked;
- ``second_factor_failed`` — a wrong or throttled authenticator or recovery code;
- ``locked_out`` — the attempt that locks a username (django-axes' ``user_locked_out``);
- ``lockout_lifted`` — an administrator lifted a lockout, with the reason
  (:func:`tupa.accounts.services.lockout_lift`);
- ``refused`` — a logged-in user's request to a Tupa page answered 403 or 404
  (:class:`tupa.accounts.middleware.RefusedRequestLogMiddleware`).

Never recorded: passwords or codes, query strings, and what was typed into the username field
unless it names an existing account (a password typed into the wrong field would otherwise be
kept). Attempts at unknown usernames are kept without a name and without an organisation.

Failed logins, lockouts and refusals are recorded **fail-safe**: a failed write is logged (without
personal data) and the response goes on unchanged, because these requests showed no data and
turning a logging fault into a failing login or error page would protect nothing. The lifting of
a lockout is **fail-closed**: the lift and its record are one transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

import structlog
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q, QuerySet, Sum
from django.http import HttpRequest
from django.utils import timezone

from tupa.access.marks import access_class

from .models import SecurityEvent, User

logger = logging.getLogger("tupa.security")

Kind = SecurityEvent.Kind

#: Status codes of a refused request: "not yours" (404, also for ids that do not exist) and 403.
REFUSED_STATUSES = frozenset({403, 404})
#: Only pages behind the login are watched; the public pages and the admin are not.
WATCHED_ACCESS_CLASSES = frozenset({"login_only", "object_scoped"})


def request_id(request: HttpRequest | None = None) -> str:
    """The request's id (``RequestIdMiddleware``), also when only the log context has it."""
    value = getattr(request, "request_id", "") if request is not None else ""
    if not value:
        value = structlog.contextvars.get_contextvars().get("request_id", "")
    return str(value or "")[:64]


def _write(**fields: Any) -> None:
    """Insert one event; never raises (fail-safe), see the module docstring."""
    try:
        # A savepoint: on PostgreSQL a failed insert must not poison the request's transaction.
        with transaction.atomic():
            SecurityEvent.objects.create(**fields)
    except Exception:  # deliberately fail-safe: the fault is logged, the response goes on
        logger.warning(
            "security event could not be recorded",
            exc_info=True,  # the formatter keeps only the exception's class name
            extra={"event_type": str(fields.get("kind", ""))},
        )


def account_for_username(username: Any) -> User | None:
    """The account with exactly this username, or None (nothing else is looked up)."""
    if not isinstance(username, str) or not username or len(username) > 150:
        return None
    return User._default_manager.filter(username=username).first()


def _account_fields(username: Any) -> dict[str, Any]:
    user = account_for_username(username)
    if user is None:
        return {"user": None, "organisation_id": None}
    return {"user": user, "organisation_id": user.organisation_id}


# --- recording --------------------------------------------------------------------------------


def record_login_failed(*, request: HttpRequest | None, username: Any) -> None:
    _write(kind=Kind.LOGIN_FAILED, request_id=request_id(request), **_account_fields(username))


def record_locked_out(*, request: HttpRequest | None, username: Any) -> None:
    _write(kind=Kind.LOCKED_OUT, request_id=request_id(request), **_account_fields(username))


def record_second_factor_failed(*, user: User) -> None:
    _write(
        kind=Kind.SECOND_FACTOR_FAILED,
        user=user,
        organisation_id=user.organisation_id,
        request_id=request_id(),
    )


def record_account_reset(*, request: HttpRequest, kind: str, user: User) -> None:
    """An administrator set ``user``'s password or deleted a second-factor device.

    Fail-closed, unlike the failed logins: the event is written in the request's transaction
    (``ATOMIC_REQUESTS``), so a change that cannot be recorded does not happen either.
    """
    SecurityEvent.objects.create(
        kind=kind,
        user=user,
        actor=request.user if request.user.is_authenticated else None,
        organisation_id=user.organisation_id,
        request_id=request_id(request),
    )


def record_refused(*, request: HttpRequest, status_code: int) -> None:
    user = request.user
    match = getattr(request, "resolver_match", None)
    _write(
        kind=Kind.REFUSED,
        user=user,
        organisation_id=getattr(user, "organisation_id", None),
        path=request.path[:500],  # never the query string
        status_code=status_code,
        view_name=(match.view_name if match is not None else "")[:200],
        request_id=request_id(request),
    )


def is_refused_request(request: HttpRequest, status_code: int) -> bool:
    """A logged-in user's request to a Tupa page (login_only or object_scoped) refused 403/404.

    URLs that resolve to no view (typing errors) and the CSRF failure page are left out.
    """
    if status_code not in REFUSED_STATUSES:
        return False
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if getattr(request, "tupa_csrf_failure", False):
        return False
    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    return access_class(match.func) in WATCHED_ACCESS_CLASSES


# --- signal receivers (connected in AccountsConfig.ready) --------------------------------------


def on_user_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # ``credentials`` has the password masked by Django already; only the username is read.
    username = credentials.get(settings.AXES_USERNAME_FORM_FIELD) or credentials.get("username")
    record_login_failed(request=request, username=username)


def on_user_locked_out(
    sender: Any, request: HttpRequest | None = None, username: Any = None, **kwargs: Any
) -> None:
    # django-axes sends this on the failure that reaches the limit and on every failure while the
    # lock holds (the cool-off restarts then); only the first is the lockout itself.
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is not None and failures > settings.AXES_FAILURE_LIMIT:
        return
    record_locked_out(request=request, username=username)


# --- reading ----------------------------------------------------------------------------------


def security_events(
    *,
    organisation_id: int,
    user: User | None = None,
    kind: str = "",
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> QuerySet[SecurityEvent]:
    """The organisation's events (and attempts at unknown usernames), newest first.

    ``user`` matches the account concerned and the administrator who acted. The organisation
    filter is explicit, so the queryset stays right when it is streamed lazily (CSV).
    """
    qs = SecurityEvent.objects.filter(
        Q(organisation_id=organisation_id) | Q(organisation__isnull=True, user__isnull=True)
    )
    if user is not None:
        qs = qs.filter(Q(user=user) | Q(actor=user))
    if kind:
        qs = qs.filter(kind=kind)
    if start is not None:
        qs = qs.filter(occurred_at__gte=start)
    if end is not None:
        qs = qs.filter(occurred_at__lt=end)
    return qs.select_related("user", "actor").order_by("-occurred_at", "-id")


@dataclass(frozen=True)
class Lockout:
    user: User
    failures: int
    last_failure: dt.datetime

    @property
    def locked_until(self) -> dt.datetime:
        return self.last_failure + cool_off()


def cool_off() -> dt.timedelta:
    value = settings.AXES_COOLOFF_TIME
    if isinstance(value, dt.timedelta):
        return value
    return dt.timedelta(hours=float(value or 0))


def current_lockouts(*, organisation_id: int | None) -> list[Lockout]:
    """Accounts locked right now (django-axes' rule: failures within the cool-off ≥ the limit).

    ``organisation_id=None`` (the platform operator) lists every organisation's accounts.
    Locks on usernames that belong to no account are not listed: there is nothing to unlock.
    """
    from axes.models import AccessAttempt

    threshold = timezone.now() - cool_off()
    rows = (
        AccessAttempt.objects.filter(attempt_time__gte=threshold)
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last_failure=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )
    by_username = {row["username"]: row for row in rows if row["username"]}
    users = User._default_manager.filter(username__in=by_username)
    if organisation_id is not None:
        users = users.filter(organisation_id=organisation_id)
    lockouts = [
        Lockout(
            user=u,
            failures=by_username[u.username]["failures"],
            last_failure=by_username[u.username]["last_failure"],
        )
        for u in users
    ]
    return sorted(lockouts, key=lambda lock: lock.last_failure, reverse=True)


def lockout_of(user: User) -> Lockout | None:
    for lock in current_lockouts(organisation_id=user.organisation_id):
        if lock.user.pk == user.pk:
            return lock
    return None
