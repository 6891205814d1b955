"""Queries compiled once: a read whose SQL depends only on its shape, its values given per call.

Django builds and compiles a query's SQL anew every time it runs: on a return page that is a
third of the time its dozen queries take, more than PostgreSQL needs to run them (measured on
the federation-scale database, ``docs/performance.md``, seventeenth stop). Most hot reads have a
fixed shape — the same tables, joins, columns and conditions — and only their values change
(the organisation, the period's moments, the service forms).

A :class:`Shape` is such a read. Its ``build`` function writes the query with the ORM as any
other, but takes its values as *slots* (``s.organisation``, ``s.lower`` …): placeholders that
compile to a parameter. The first call on a database connection compiles the query; later calls
reuse the SQL and put their values in the slots' places. The rows come back as
``values_list`` gives them (the same converters run on them). A list value (``s.forms`` for
``(3, 5)``) is a list of slots: the query is compiled once per length (``__in``).

What must hold, and what checks it:

- The SQL may depend only on the shape: the ORM expressions, and the *types* and list lengths
  of the values (each combination is compiled apart). Nothing else a compilation could read
  (the active time zone or language, a setting) may change it. With
  ``settings.TUPA_VERIFY_SHAPES`` (on in the tests) a reuse compiles the query afresh as well
  and fails if the SQL or its parameters differ from the reused ones: the first reuse of each
  shape in each test, and again whenever the language, the time zone or the settings change
  (:func:`_unverified`).
- Moments and dates enter a shape only as slots: a compiled query with a date or a moment
  among its parameters (the build function read the clock) is refused, whether the clock is
  frozen (as in many tests) or not.
- A slot's value reaches the database adapted by its type, as the ORM adapts a field's value:
  moments and dates by the connection's operations (SQLite stores them as text), numbers, text
  and booleans as they are. ``None`` has no place in a slot (``IS NULL`` is a different shape).
- A shape reads past the organisation scope (django-scopes), as the statistics' reads do: its
  build function filters by the organisation itself.
- A connection keeps its own compiled queries (connections are per thread), at most
  :data:`PER_CONNECTION` of them; they go with it.

A shape whose query gives model instances (no ``values_list``) is read with
:meth:`Shape.instances`: the rows become instances, with their ``select_related`` rows attached,
by Django's own ``ModelIterable``, handed the compiled query (:class:`_Replay`). Used for the
reads most pages make: the signed-in user and her memberships, the episode or service form
of the access checks, and the episode page's and the return pages' own reads (ADR 0026,
second addendum).

Used by the statistics' shared reads, which every return page runs (``tupa/statistics``), and
by the episode page's flags of which lists have rows (``tupa/episodes/selectors.py``, ADR 0026
addendum).
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    Expression,
    Field,
    IntegerField,
    QuerySet,
)
from django.db.models.expressions import ExpressionList, Value
from django.db.models.lookups import Lookup
from django.db.models.query import ModelIterable
from django.db.models.sql.query import Query
from django.db.models.sql.where import WhereNode
from django.utils import timezone, translation
from django_scopes import scopes_disabled

#: Compiled queries kept per database connection (least recently used dropped first).
PER_CONNECTION: Final = 512

_FIELDS: Final[tuple[tuple[type, Callable[[], Field[Any, Any]]], ...]] = (
    (bool, BooleanField),  # before int: a bool is an int
    (int, IntegerField),
    (dt.datetime, DateTimeField),  # before date: a datetime is a date
    (dt.date, DateField),
    (str, CharField),
)


def _field_for(value: Any) -> Field[Any, Any]:
    for kind, field in _FIELDS:
        if isinstance(value, kind):
            return field()
    raise TypeError(f"a slot cannot hold {type(value).__name__} ({value!r})")


def _adapt(value: Any, connection: BaseDatabaseWrapper) -> Any:
    """``value`` as the ORM would hand it to the database for a field of its type."""
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return connection.ops.adapt_datefield_value(value)
    return value


@dataclass(frozen=True)
class _Ref:
    """A slot's place among a compiled query's parameters."""

    name: str
    index: int | None = None  # the position in a list value

    def value(self, values: dict[str, Any]) -> Any:
        value = values[self.name]
        return value if self.index is None else value[self.index]


class Slot(Expression):
    """A value of the call, compiled to one parameter (see the module)."""

    def __init__(self, ref: _Ref, output_field: Field[Any, Any]) -> None:
        super().__init__(output_field=output_field)
        self.ref = ref

    def __repr__(self) -> str:
        return f"Slot({self.ref.name!r}, {self.ref.index!r})"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        return "%s", [self.ref]

    @property
    def identity(self) -> tuple[Any, ...]:
        return (Slot, self.ref)


class Slots:
    """The slots of one call: an attribute per value (a list of slots for a list value)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = values

    def __getattr__(self, name: str) -> Any:
        try:
            value = self._values[name]
        except KeyError:
            raise AttributeError(f"this call has no value {name!r}") from None
        if isinstance(value, list | tuple):
            # One expression for the lookup (``__in`` of a relation would treat a plain list as
            # values to convert); an empty list stays a list: it matches nothing.
            slots = [Slot(_Ref(name, i), _field_for(v)) for i, v in enumerate(value)]
            return ExpressionList(*slots) if slots else []
        return Slot(_Ref(name), _field_for(value))


def _signature(values: dict[str, Any]) -> tuple[Any, ...]:
    """What of the values decides the SQL: their names, types and list lengths."""
    parts: list[Any] = []
    for name in sorted(values):
        value = values[name]
        if isinstance(value, list | tuple):
            parts.append((name, tuple(type(v) for v in value)))
        elif value is None:
            raise TypeError(f"a slot cannot hold None ({name!r})")
        else:
            parts.append((name, type(value)))
    return tuple(parts)


@dataclass(frozen=True)
class _Compiled:
    sql: str | None  # None: the query cannot match anything (an empty ``__in``)
    params: tuple[Any, ...]
    converters: dict[int, tuple[list[Any], Any]]
    #: The columns a row keeps when the compiler selected more for its own use (ordering).
    columns: int | None = None
    #: For a read of model instances: the compiler, which knows how rows become instances.
    compiler: Any = None


def compiled_on(connection: BaseDatabaseWrapper) -> OrderedDict[Any, _Compiled]:
    """The queries compiled on ``connection``, kept on it (they go when it goes: a compiled
    query refers to its connection, which a cache beside it would keep alive)."""
    cache: OrderedDict[Any, _Compiled] | None = getattr(connection, "_tupa_shapes", None)
    if cache is None:
        cache = OrderedDict()
        connection._tupa_shapes = cache  # type: ignore[attr-defined]
    return cache


class _Replay:
    """What Django's ``ModelIterable`` asks of a query's compiler, for a query compiled on an
    earlier call: the rows this call read, and how they become instances (the select, the
    related models, the annotations and the converters, as the first compilation left them)."""

    def __init__(self, compiler: Any, rows: Sequence[Any]) -> None:
        self.compiler = compiler
        self.rows = rows
        self.select = compiler.select
        self.klass_info = compiler.klass_info
        self.annotation_col_map = compiler.annotation_col_map

    def get_compiler(self, using: str | None = None) -> _Replay:  # as ``query.get_compiler``
        return self

    def execute_sql(self, *args: Any, **kwargs: Any) -> list[Sequence[Any]]:
        return [self.rows]

    def results_iter(self, results: Any) -> Any:
        return self.compiler.results_iter(results)


@dataclass
class _Read:
    """The part of a queryset ``ModelIterable`` reads, for a compiled query's rows."""

    model: Any
    db: str
    query: _Replay
    _known_related_objects: dict[Any, Any]


class Shape:
    """A read compiled once per connection and signature (see the module)."""

    def __init__(self, build: Callable[[Slots], QuerySet[Any, Any]], name: str = "") -> None:
        self.build = build
        self.name = name or getattr(build, "__qualname__", "shape")

    def __repr__(self) -> str:
        return f"Shape({self.name})"

    def _compile(self, values: dict[str, Any], connection: BaseDatabaseWrapper) -> _Compiled:
        with scopes_disabled():  # the build function filters by the organisation itself
            queryset = self.build(Slots(values))
        instances = queryset._iterable_class is ModelIterable
        prefetches = getattr(queryset, "_prefetch_related_lookups", ())
        if instances and (prefetches or getattr(queryset, "_known_related_objects", None)):
            raise TypeError(
                f"{self!r} reads instances with prefetches or through a related manager: "
                "a shape is one query (prefetch from its instances)"
            )
        if moments := _moments_in(queryset.query):
            # A moment or a date the build function read itself (``timezone.now()``,
            # ``localdate()``) would be compiled in and reused: it must be a slot.
            raise TypeError(
                f"{self!r} compiles a date or moment into its SQL ({moments[0]!r}): give it "
                "as a value of the call (a slot)"
            )
        compiler = queryset.query.get_compiler(connection=connection)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return _Compiled(None, (), {})
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        columns = compiler.col_count if compiler.has_extra_select else None
        return _Compiled(
            sql,
            tuple(params),
            compiler.get_converters(fields),
            columns,
            compiler if instances else None,
        )

    def rows(self, *, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[tuple[Any, ...]]:
        """The query's rows for ``values``, as ``values_list`` tuples."""
        connection = connections[using]
        compiled = self._compiled(values, connection)
        if compiled.compiler is not None:
            raise TypeError(f"{self!r} reads model instances: use .instances()")
        rows = self._fetch(compiled, values, connection)
        if not compiled.converters:
            return [tuple(row) for row in rows]
        return _converted(rows, compiled.converters, connection)

    def instances(self, *, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[Any]:
        """The query's model instances for ``values``, as iterating its queryset gives them."""
        connection = connections[using]
        compiled = self._compiled(values, connection)
        if compiled.sql is None:
            return []
        if compiled.compiler is None:
            raise TypeError(f"{self!r} reads values, not model instances: use .rows()")
        replay = _Replay(compiled.compiler, self._fetch(compiled, values, connection))
        read = _Read(compiled.compiler.query.model, using, replay, {})
        return list(ModelIterable(read))  # type: ignore[arg-type]

    def _compiled(self, values: dict[str, Any], connection: BaseDatabaseWrapper) -> _Compiled:
        cache = compiled_on(connection)
        key = (self, _signature(values))
        compiled = cache.get(key)
        if compiled is None:
            compiled = cache[key] = self._compile(values, connection)
            if len(cache) > PER_CONNECTION:
                cache.popitem(last=False)
        else:
            cache.move_to_end(key)
            if getattr(settings, "TUPA_VERIFY_SHAPES", False) and _unverified(connection, key):
                _verify(self, compiled, self._compile(values, connection))
        return compiled

    def _fetch(
        self, compiled: _Compiled, values: dict[str, Any], connection: BaseDatabaseWrapper
    ) -> Sequence[Any]:
        if compiled.sql is None:
            return []
        params = [
            _adapt(p.value(values), connection) if isinstance(p, _Ref) else p
            for p in compiled.params
        ]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows: Sequence[Any] = cursor.fetchall()
        if compiled.columns is not None:
            rows = [row[: compiled.columns] for row in rows]
        return rows


def _unverified(connection: BaseDatabaseWrapper, key: Any) -> bool:
    """Whether this reuse is still to be verified (``TUPA_VERIFY_SHAPES``), and if so, mark it
    verified: the first reuse of a shape and signature on ``connection`` since
    :func:`forget_verified`, and again whenever the language, the time zone or the settings
    (``override_settings``) differ from those it was verified in. Later reuses in the same
    circumstances would compile the same SQL again: a page sweep of the test suite reuses the
    same few shapes thousands of times."""
    verified: set[Any] | None = getattr(connection, "_tupa_verified", None)
    if verified is None:
        verified = set()
        connection._tupa_verified = verified  # type: ignore[attr-defined]
    circumstances = (
        key,
        translation.get_language(),
        timezone.get_current_timezone_name(),
        id(getattr(settings, "_wrapped", None)),
    )
    if circumstances in verified:
        return False
    verified.add(circumstances)
    return True


def forget_verified() -> None:
    """TEST-ONLY (conftest.py, before every test): verify each shape's first reuse again. The
    compiled queries stay on the connection, so the first reuse in a test compares them with
    a compilation made in this test's data, settings and clock. Only the calling thread's
    connections: a live server's thread (the browser journeys) verifies once per connection."""
    for connection in connections.all(initialized_only=True):
        verified = getattr(connection, "_tupa_verified", None)
        if verified is not None:
            verified.clear()


def _moments_in(node: Any) -> list[dt.date]:
    """The dates and moments written into a query as constants: in its conditions, its
    annotations and its subqueries (a slot's value is not one)."""
    if isinstance(node, dt.date):
        return [node]
    if isinstance(node, list | tuple):
        return [m for item in node for m in _moments_in(item)]
    if isinstance(node, Query):
        parts = [node.where, *node.annotations.values()]
        return [m for part in parts for m in _moments_in(part)]
    if isinstance(node, WhereNode):
        return _moments_in(node.children)
    if isinstance(node, Lookup):
        return _moments_in([node.lhs, node.rhs])
    if isinstance(node, Value):
        return _moments_in(node.value)
    inner = getattr(node, "query", None)  # Exists, Subquery, a queryset
    if isinstance(inner, Query):
        return _moments_in(inner)
    if hasattr(node, "get_source_expressions"):
        return _moments_in(node.get_source_expressions())
    return []


def _converted(
    rows: Sequence[Any],
    converters: dict[int, tuple[list[Any], Any]],
    connection: BaseDatabaseWrapper,
) -> list[tuple[Any, ...]]:
    """``rows`` through the columns' converters, as the ORM's compiler applies them."""
    result = []
    items = list(converters.items())
    for row in rows:
        values = list(row)
        for position, (functions, expression) in items:
            value = values[position]
            for function in functions:
                value = function(value, expression, connection)
            values[position] = value
        result.append(tuple(values))
    return result


def _verify(shape: Shape, reused: _Compiled, fresh: _Compiled) -> None:
    if (reused.sql, reused.params) != (fresh.sql, fresh.params):
        raise AssertionError(
            f"{shape!r} compiled to other SQL than the one reused: its SQL must depend only on "
            f"its shape.\nreused: {reused.sql} {reused.params}\nfresh: {fresh.sql} {fresh.params}"
        )
