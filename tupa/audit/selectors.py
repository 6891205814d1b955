"""Reads for the access log and the change history of organisational data.

Both pages show metadata only: who did what to which object and when. Neither ever reads the
content of a client case.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from tupa.audit.models import AccessEvent
from tupa.core.wallclock import HELSINKI

# --- Periods -----------------------------------------------------------------------------------


def period_bounds(
    date_from: dt.date | None, date_to: dt.date | None
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Inclusive local (Helsinki) dates → half-open aware datetime range [start, end)."""
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=HELSINKI) if date_from else None
    end = (
        dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=HELSINKI)
        if date_to
        else None
    )
    return start, end


# --- Access log --------------------------------------------------------------------------------


def access_events(
    *,
    organisation_id: int,
    user: Any = None,
    subject_type: ContentType | None = None,
    subject_id: str = "",
    action: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    **_ignored: Any,
) -> QuerySet[AccessEvent]:
    """The organisation's access events matching the filters, newest first.

    The organisation filter is explicit (in addition to the django-scopes scope), so the
    queryset stays correct when it is evaluated lazily, e.g. while streaming a CSV export.
    """
    with scopes_disabled():
        qs = AccessEvent.objects.filter(organisation_id=organisation_id)
    if user is not None:
        qs = qs.filter(user=user)
    if subject_type is not None:
        qs = qs.filter(subject_type=subject_type)
        if subject_id:
            qs = qs.filter(subject_id=subject_id)
    if action:
        qs = qs.filter(action=action)
    start, end = period_bounds(date_from, date_to)
    if start is not None:
        qs = qs.filter(occurred_at__gte=start)
    if end is not None:
        qs = qs.filter(occurred_at__lt=end)
    return qs.select_related("user", "subject_type").order_by("-occurred_at", "-id")


def _user_label(user: Any) -> str:
    full_name = user.get_full_name()
    return f"{full_name} ({user.username})" if full_name else str(user.username)


def subject_labels(
    events: Iterable[AccessEvent], *, organisation_id: int
) -> dict[tuple[int, str], str]:
    """Readable names for the subjects of ``events``: one query per subject model, at most.

    Staff subjects get their name. Other subject kinds show their type and id until they
    define a label here (the Person model will, so a data-subject request can be answered).
    """
    user_model = get_user_model()
    user_ct = ContentType.objects.get_for_model(user_model)
    user_ids = {e.subject_id for e in events if e.subject_type_id == user_ct.pk}
    labels: dict[tuple[int, str], str] = {}
    numeric = [int(pk) for pk in user_ids if pk.isdigit()]
    if numeric:
        for u in user_model._default_manager.filter(
            pk__in=numeric, organisation_id=organisation_id
        ):
            labels[(user_ct.pk, str(u.pk))] = _user_label(u)
    return labels


def subject_type_label(ct: ContentType) -> str:
    model = ct.model_class()
    return str(model._meta.verbose_name).capitalize() if model is not None else ct.model


# --- Change history ----------------------------------------------------------------------------

#: Bookkeeping columns that change on every save and say nothing to the reader.
DIFF_EXCLUDED_FIELDS = frozenset({"created_at", "updated_at"})

#: Attributes tried, in order, to name an object without touching the database.
_LABEL_ATTRIBUTES = ("name", "name_fi", "title", "year")


@dataclass(frozen=True)
class HistorySource:
    """One history-tracked model and how its history rows are limited to one organisation."""

    key: str  # "app_label.modelname"
    model: type[models.Model]
    history_model: type[models.Model]
    org_filter: Callable[[int], Q]

    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name_plural).capitalize()


def _organisation_filter(model: type[models.Model]) -> Callable[[int], Q] | None:
    """How to keep only rows of one organisation, or ``None`` when the model has no owner."""
    from tupa.organisations.models import Organisation

    if issubclass(model, Organisation):
        return lambda org_id: Q(id=org_id)
    concrete = {f.name: f for f in model._meta.concrete_fields}
    org_field = concrete.get("organisation")
    if org_field is not None and org_field.related_model is Organisation:
        return lambda org_id: Q(organisation_id=org_id)
    # A child row (e.g. a budget line) owned through a foreign key to an organisational row.
    # The parent's *history* table is used, so lines of a since-deleted parent still match.
    for f in model._meta.concrete_fields:
        parent = f.related_model if f.is_relation else None
        if parent is None or not isinstance(parent, type):
            continue
        if not any(pf.name == "organisation" for pf in parent._meta.concrete_fields):
            continue
        return _child_filter(parent, f.attname)
    return None


def _child_filter(parent: type[models.Model], attname: str) -> Callable[[int], Q]:
    parent_history = _history_model(parent)

    def org_filter(org_id: int) -> Q:
        if parent_history is not None:
            owned = parent_history._default_manager.filter(organisation_id=org_id).values("id")
        else:
            owned = parent._base_manager.filter(organisation_id=org_id).values("pk")
        return Q(**{f"{attname}__in": owned})

    return org_filter


def _history_model(model: type[models.Model]) -> type[models.Model] | None:
    attr = getattr(model._meta, "simple_history_manager_attribute", None)
    if not attr:
        return None
    return getattr(model, attr).model  # type: ignore[no-any-return]


#: Apps whose change history the DPO and administrators may browse (no client data).
ORGANISATIONAL_APPS = frozenset({"organisations", "finance", "accounts"})


@functools.cache
def history_sources() -> tuple[HistorySource, ...]:
    """Every history-tracked model of Tupa that belongs to an organisation.

    Models without an organisational owner are left out (fail closed): they cannot be shown
    to one organisation without showing another's. Only organisational data is listed:
    client data (persons, episodes, …) has its own history, shown only to those who may see
    the client, so an app must be named in :data:`ORGANISATIONAL_APPS` to appear here.
    """
    sources = []
    for model in apps.get_models():
        if model._meta.app_label not in ORGANISATIONAL_APPS:
            continue
        history_model = _history_model(model)
        if history_model is None:
            continue
        org_filter = _organisation_filter(model)
        if org_filter is None:
            continue
        sources.append(HistorySource(model._meta.label_lower, model, history_model, org_filter))
    return tuple(sorted(sources, key=lambda s: s.verbose_name))


def history_model_choices() -> list[tuple[str, str]]:
    return [(s.key, s.verbose_name) for s in history_sources()]


@dataclass
class FieldChange:
    label: str
    old: Any
    new: Any


@dataclass
class ChangeEntry:
    when: dt.datetime
    kind: str  # "+" created, "~" changed, "-" deleted
    model_name: str
    object_id: str
    object_label: str
    user_label: str
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return str(
            {"+": _("luotu"), "~": _("muutettu"), "-": _("poistettu")}.get(self.kind, self.kind)
        )


def _history_rows(
    source: HistorySource,
    *,
    organisation_id: int,
    user_id: int | None,
    start: dt.datetime | None,
    end: dt.datetime | None,
) -> QuerySet[Any]:
    manager = source.history_model._default_manager
    qs = manager.filter(source.org_filter(organisation_id))
    if user_id is not None:
        qs = qs.filter(history_user_id=user_id)
    if start is not None:
        qs = qs.filter(history_date__gte=start)
    if end is not None:
        qs = qs.filter(history_date__lt=end)
    previous = (
        manager.filter(id=OuterRef("id"))
        .filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        )
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    return (
        qs.order_by()
        .annotate(
            history_source_key=Value(source.key, output_field=CharField()),
            object_id=Cast("id", output_field=CharField()),
            previous_id=Subquery(previous),
        )
        .values(
            "history_id",
            "history_date",
            "history_type",
            "history_user_id",
            "history_source_key",
            "object_id",
            "previous_id",
        )
    )


def change_rows(
    *,
    organisation_id: int,
    model: str = "",
    user: Any = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    **_ignored: Any,
) -> QuerySet[Any]:
    """One lazy, sliceable query over every history table: the rows to paginate.

    Each row is a dict (history_id, history_date, history_type, history_user_id, source,
    object_id, previous_id). Pass a page of them to :func:`change_entries`.
    """
    sources = [s for s in history_sources() if not model or s.key == model]
    if not sources:
        return AccessEvent.objects.none().values()  # type: ignore[return-value]
    start, end = period_bounds(date_from, date_to)
    user_id = user.pk if user is not None else None
    parts = [
        _history_rows(s, organisation_id=organisation_id, user_id=user_id, start=start, end=end)
        for s in sources
    ]
    first, rest = parts[0], parts[1:]
    combined = first.union(*rest, all=True) if rest else first
    return combined.order_by("-history_date", "-history_id")


def _cheap_label(obj: Any, users: dict[int, Any]) -> str:
    """Name an object (or historical record) from its own columns: no queries."""
    if hasattr(obj, "username"):
        full_name = f"{obj.first_name} {obj.last_name}".strip()
        return full_name or str(obj.username)
    user_id = getattr(obj, "user_id", None)
    if user_id is not None and user_id in users:
        return _user_label(users[user_id])
    for attr in _LABEL_ATTRIBUTES:
        value = getattr(obj, attr, None)
        if value not in (None, ""):
            return str(value)
    return f"#{obj.pk if not hasattr(obj, 'history_id') else obj.id}"


def _display(value: Any, model_field: Any, related_labels: dict[tuple[Any, Any], str]) -> Any:
    if value is None or value == "":
        return "—"
    if model_field.is_relation and model_field.related_model is not None:
        return related_labels.get((model_field.related_model, value), f"#{value}")
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("kyllä") if value else _("ei")
    if isinstance(value, dt.datetime):
        return value.astimezone(HELSINKI)
    return value


def change_entries(rows: Sequence[dict[str, Any]], *, organisation_id: int) -> list[ChangeEntry]:
    """Turn one page of :func:`change_rows` into entries with field-level diffs.

    Queries: one per history model present on the page, one for users, one per model
    referenced by a changed foreign key. Never one per row.
    """
    by_key = {s.key: s for s in history_sources()}
    wanted: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        wanted[row["history_source_key"]].add(row["history_id"])
        if row["previous_id"] is not None:
            wanted[row["history_source_key"]].add(row["previous_id"])
    records: dict[tuple[str, int], Any] = {}
    for key, ids in wanted.items():
        history_rows: Any = by_key[key].history_model._default_manager.filter(history_id__in=ids)
        for history_row in history_rows:
            records[(key, history_row.history_id)] = history_row

    # Field diffs, collecting foreign keys and users to resolve in bulk afterwards.
    diffs: dict[tuple[str, int], list[tuple[Any, Any, Any]]] = {}
    needed_users: set[int] = {row["history_user_id"] for row in rows if row["history_user_id"]}
    related: dict[Any, set[Any]] = defaultdict(set)
    user_model = get_user_model()
    for row in rows:
        key = row["history_source_key"]
        record: Any = records.get((key, row["history_id"]))
        if record is None:
            continue
        if getattr(record, "user_id", None) is not None:
            needed_users.add(record.user_id)
        previous: Any = records.get((key, row["previous_id"])) if row["previous_id"] else None
        if row["history_type"] != "~" or previous is None:
            diffs[(key, row["history_id"])] = []
            continue
        included = [
            f.name
            for f in previous.tracked_fields
            if f.editable and f.name not in DIFF_EXCLUDED_FIELDS and not f.many_to_many
        ]
        delta = record.diff_against(previous, included_fields=included)
        changes = []
        for change in delta.changes:
            model_field = by_key[key].model._meta.get_field(change.field)
            if model_field.is_relation and model_field.related_model is not None:
                for value in (change.old, change.new):
                    if value is not None:
                        if model_field.related_model is user_model:
                            needed_users.add(value)
                        else:
                            related[model_field.related_model].add(value)
            changes.append((model_field, change.old, change.new))
        diffs[(key, row["history_id"])] = changes

    users = {u.pk: u for u in user_model._default_manager.filter(pk__in=needed_users)}
    related_labels: dict[tuple[Any, Any], str] = {
        (user_model, pk): _user_label(u) for pk, u in users.items()
    }
    with scopes_disabled():
        for rel_model, pks in related.items():
            qs = rel_model._base_manager.filter(pk__in=pks)
            if any(f.name == "organisation" for f in rel_model._meta.concrete_fields):
                qs = qs.filter(organisation_id=organisation_id)
            for obj in qs:
                related_labels[(rel_model, obj.pk)] = _cheap_label(obj, users)

    entries = []
    for row in rows:
        key = row["history_source_key"]
        record = records.get((key, row["history_id"]))
        source = by_key[key]
        history_user = users.get(row["history_user_id"]) if row["history_user_id"] else None
        entries.append(
            ChangeEntry(
                when=row["history_date"],
                kind=row["history_type"],
                model_name=str(source.model._meta.verbose_name).capitalize(),
                object_id=row["object_id"],
                object_label=_cheap_label(record, users)
                if record is not None
                else f"#{row['object_id']}",
                user_label=_user_label(history_user)
                if history_user is not None
                else str(_("järjestelmä")),
                changes=[
                    FieldChange(
                        label=str(model_field.verbose_name).capitalize(),
                        old=_display(old, model_field, related_labels),
                        new=_display(new, model_field, related_labels),
                    )
                    for model_field, old, new in diffs.get((key, row["history_id"]), [])
                ],
            )
        )
    return entries
