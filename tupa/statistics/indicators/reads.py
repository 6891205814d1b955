"""Reads that several indicators of one return share, made once per return.

Many lines of a return count the same records in different ways: THL's shelter return reads
the period's persons (:func:`~.residential.common.person_rows`) for three lines and the
residence chains for two, STEA's return reads the period's contact entries for three. A function
decorated with :func:`shared_read` is computed once per set of arguments while
:func:`one_run` is active — :func:`tupa.statistics.engine.run` wraps a whole return in it —
and as before, every time, outside it. The memory lives only as long as the run, so a figure is
never computed from data older than the run itself.

A read of values by key (each episode's participants …) decorated with :func:`shared_by_key`
is made once per key: a later call in the same run reads only the keys no earlier call asked
for.

Every return reads its organisation's service forms: :func:`candidate_forms` (the engine's
choice of each line's forms, the indicators that walk their forms, a return's checks) reads them
once per run.

A shared read's arguments must be hashable (a :class:`~.base.Params`, a string …), and its
callers must treat what it returns as read-only: the same object is handed to every indicator
of the run.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Final, ParamSpec, TypeVar

from django.db.models import Q

from tupa.core.shapes import Shape, Slots
from tupa.core.wallclock import day_bounds
from tupa.organisations.models import ServiceForm

if TYPE_CHECKING:
    from .base import Params

P = ParamSpec("P")
R = TypeVar("R")
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_memory: ContextVar[dict[tuple[Any, ...], Any] | None] = ContextVar(
    "statistics_shared_reads", default=None
)


@contextmanager
def one_run() -> Iterator[None]:
    """Within the block, each shared read is made once per arguments (nested blocks share the
    outermost block's memory)."""
    if _memory.get() is not None:
        yield
        return
    token = _memory.set({})
    try:
        yield
    finally:
        _memory.reset(token)


def shared_read(function: Callable[P, R]) -> Callable[P, R]:
    """Make ``function`` a read that one run makes once per arguments (see the module)."""

    @functools.wraps(function)
    def read(*args: P.args, **kwargs: P.kwargs) -> R:
        memory = _memory.get()
        if memory is None:
            return function(*args, **kwargs)
        key = (function, args, tuple(sorted(kwargs.items())))
        if key not in memory:
            memory[key] = function(*args, **kwargs)
        return memory[key]  # type: ignore[no-any-return]

    return read


def remember(read: Callable[..., R], *args: Any, value: R) -> None:
    """Tell the active run what ``read(*args)`` gives, when something else in it counted the
    same already (THL's statement counts the year-end check's numbers with its figures); no
    effect outside a run. ``read`` is a :func:`shared_read`."""
    memory = _memory.get()
    if memory is not None:
        memory[(read.__wrapped__, args, ())] = value  # type: ignore[attr-defined]


def shared_by_key(
    function: Callable[[set[K]], dict[K, V]],
) -> Callable[[Iterable[K]], dict[K, V]]:
    """Make ``function`` (keys → the values found for them) a read that one run makes once per
    key: the result holds the asked keys that have a value, from memory or read now."""

    @functools.wraps(function)
    def read(keys: Iterable[K]) -> dict[K, V]:
        wanted = set(keys)
        memory = _memory.get()
        if memory is None:
            return function(wanted)
        found, asked = memory.setdefault((shared_by_key, function), ({}, set()))
        if missing := wanted - asked:
            found.update(function(missing))
            asked |= missing
        return {key: found[key] for key in wanted if key in found}

    return read


#: The organisation's forms, in their usual order (the model's ordering).
_FORMS: Final = Shape(
    lambda s: ServiceForm.objects.filter(organisation_id=s.organisation),
    name="the organisation's service forms",
)


@shared_read
def _organisation_forms(organisation_id: int) -> tuple[ServiceForm, ...]:
    """The organisation's forms, in their usual order, as model instances; the query compiled
    once per connection (:mod:`tupa.core.shapes`: every return page reads them)."""
    return tuple(_FORMS.instances(organisation=organisation_id))


def candidate_forms(params: Params) -> list[ServiceForm]:
    """The service forms ``params`` is about (all of the organisation's when it names none), in
    the forms' usual order: the organisation's forms are read once per run."""
    forms = _organisation_forms(params.organisation_id)
    if not params.service_form_ids:
        return list(forms)
    wanted = set(params.service_form_ids)
    return [f for f in forms if f.pk in wanted]


def period_rows(shape: Shape, params: Params, **more: Any) -> list[tuple[Any, ...]]:
    """The rows of ``shape`` (:mod:`tupa.core.shapes`) for ``params``: its build function finds
    the organisation (``s.organisation``), the service forms (``s.forms``), the period's dates
    (``s.start``, ``s.end``, both inclusive) and the moments that fall on them
    (``s.lower`` ≤ moment < ``s.upper``, :func:`~tupa.core.wallclock.day_bounds`), and
    ``more``. A shape reads past the organisation scope, like every read of the statistics: its
    build function filters by the organisation itself."""
    lower, upper = day_bounds(params.start, params.end)
    return shape.rows(
        organisation=params.organisation_id,
        forms=params.service_form_ids,
        start=params.start,
        end=params.end,
        lower=lower,
        upper=upper,
        **more,
    )


def in_period(s: Slots, field: str) -> Q:
    """``field`` (a moment) falls on a date of the period: :meth:`Params.moments` for a shape's
    slots (:func:`period_rows`)."""
    return Q(**{f"{field}__gte": s.lower, f"{field}__lt": s.upper})
