"""Writing the access log. Every read of personal data calls :func:`record_access`.

Fail closed: nothing here catches exceptions. The write happens in the request's transaction
(``ATOMIC_REQUESTS``), so if logging fails the view raises, the transaction rolls back and the
user sees an error page instead of data that was read without a log row.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.http import HttpRequest
from django_scopes import scopes_disabled

from tupa.audit.models import AccessEvent, Action

if TYPE_CHECKING:
    from tupa.accounts.models import User


class AuditError(Exception):
    """The access could not be logged; the caller must not show the data."""


def _distinct_subjects(subjects: Iterable[Any]) -> list[tuple[ContentType, str, Any]]:
    seen: set[tuple[int, str]] = set()
    result: list[tuple[ContentType, str, Any]] = []
    for subject in subjects:
        if subject is None or subject.pk is None:
            raise AuditError("cannot log access to an unsaved or missing subject")
        ct = ContentType.objects.get_for_model(subject, for_concrete_model=True)
        key = (ct.pk, str(subject.pk))
        if key in seen:
            continue
        seen.add(key)
        result.append((ct, str(subject.pk), subject))
    return result


def record_access_for_user(
    *,
    user: User,
    subjects: Iterable[Any],
    action: str,
    basis: str,
    reason: str = "",
    request_id: str = "",
    view_name: str = "",
    episode_id: int | None = None,
) -> None:
    """Write one :class:`AccessEvent` per distinct subject, for non-request contexts too.

    Used directly by exports and background tasks; :func:`record_access` fills ``request_id``
    and ``view_name`` from the request. An empty ``subjects`` writes nothing.
    """
    if action not in Action.values:
        raise AuditError(f"unknown access-log action {action!r}")
    if user is None or not getattr(user, "is_authenticated", False) or user.pk is None:
        raise AuditError("access must be logged for an authenticated user")
    organisation_id = user.organisation_id
    if organisation_id is None:
        raise AuditError("the user has no organisation; access cannot be logged")
    subjects_found = [(ct.pk, subject_id) for ct, subject_id, _ in _distinct_subjects(subjects)]
    if not subjects_found:
        return
    shared = {
        "organisation_id": organisation_id,
        "user_id": user.pk,
        "episode_id": episode_id,
        "action": str(action),
        "basis": str(basis),
        "reason": reason,
        "request_id": request_id,
        "view_name": view_name[:200],
    }
    _insert(shared, subjects_found)


def _insert(shared: dict[str, Any], subjects: list[tuple[int, str]]) -> None:
    """One row per subject: ``shared`` (column values by attribute name) and the subject."""
    if connection.vendor == "postgresql":
        _insert_postgresql(shared, subjects)
        return
    # The scope of the current request may be the user's organisation or a task without one;
    # the organisation is set explicitly, so writing needs no scope.
    with scopes_disabled():
        AccessEvent.objects.bulk_create(
            AccessEvent(subject_type_id=ct_id, subject_id=subject_id, **shared)
            for ct_id, subject_id in subjects
        )


def _insert_postgresql(shared: dict[str, Any], subjects: list[tuple[int, str]]) -> None:
    """The rows of one logged read as one ``INSERT … SELECT … FROM unnest(…)``: the values every
    row shares once, the subjects as two arrays, in the order given.

    A list page logs its 25–50 persons on every request; ``bulk_create`` bound ten parameters
    per row and built a model instance for each (5.0 ms for 40 rows at federation scale, 1.1 ms
    this way; docs/performance.md, fifth pass). The append-only triggers see the same INSERT.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            _postgresql_insert_sql(tuple(shared)),
            [*shared.values(), [ct for ct, _ in subjects], [sid for _, sid in subjects]],
        )


@cache
def _postgresql_insert_sql(shared: tuple[str, ...]) -> str:
    """The statement for the shared columns ``shared`` (attribute names), built once: columns and
    their types come from the model, so a renamed or retyped column cannot be missed."""
    meta = AccessEvent._meta
    quote = connection.ops.quote_name
    field = {field.attname: field for field in meta.concrete_fields}

    def typed(name: str, suffix: str = "") -> str:  # e.g. %s::bigint, %s::varchar(64)[]
        return f"%s::{field[name].db_type(connection)}{suffix}"

    columns = [*shared, "subject_type_id", "subject_id"]
    return (
        f"INSERT INTO {quote(meta.db_table)} "  # noqa: S608 (names and types from the model)
        f"({', '.join(quote(field[name].column) for name in columns)}) "
        f"SELECT {', '.join(typed(name) for name in shared)}, s.subject_type_id, s.subject_id "
        f"FROM unnest({typed('subject_type_id', '[]')}, {typed('subject_id', '[]')}) "
        "WITH ORDINALITY AS s(subject_type_id, subject_id, n) ORDER BY s.n"
    )


def record_access(
    *,
    request: HttpRequest,
    subjects: Iterable[Any],
    action: str,
    basis: str,
    reason: str = "",
    episode_id: int | None = None,
) -> None:
    """Log that ``request.user`` read ``subjects`` (one row per distinct subject).

    ``view_name`` is the resolver's view name (never the URL or its query string, which may
    contain search terms such as names or personal identity codes).
    """
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match is not None else ""
    record_access_for_user(
        user=request.user,  # type: ignore[arg-type]
        subjects=subjects,
        action=action,
        basis=basis,
        reason=reason,
        request_id=str(getattr(request, "request_id", "") or ""),
        view_name=view_name or "",
        episode_id=episode_id,
    )
