"""Small-cell suppression of feedback results.

A question's answers by option are a one-way table with its total, suppressed by the ground
floor's rule (:func:`tupa.core.suppression.suppress`, the statistics' too): a part with a value
``0 < value < threshold`` is *primary* (shown as ``"< 5"``), and when the total is published,
more parts are hidden (*secondary*, ``"x"``) so that no hidden part can be recomputed from the
published ones nor pinned by their sum. What is the results' own is the threshold and the
anonymous responses' groups.

The threshold is the setting ``SURVEYS_SMALL_CELL`` (default 5).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from tupa.core import disclosure
from tupa.core import suppression as core
from tupa.core.suppression import DEFAULT_THRESHOLD, PRIMARY, SHOWN
from tupa.core.tables import TOTAL, Table


def threshold() -> int:
    """The smallest group that is shown (``SURVEYS_SMALL_CELL``)."""
    return int(getattr(settings, "SURVEYS_SMALL_CELL", DEFAULT_THRESHOLD))


def is_small(value: int, limit: int | None = None) -> bool:
    """Whether ``value`` is suppressed by itself; zero is not (nobody is singled out)."""
    return disclosure.is_small(value, threshold() if limit is None else limit)


#: What is shown beside an anonymous answer besides its service form, month and version: the
#: answers export has a column of each, the feedback list shows the channel.
ANONYMOUS_GROUP_FIELDS = ("channel", "measurement_point")


def anonymous_group(response: Mapping[str, Any]) -> tuple[Any, ...]:
    """The group an anonymous response is known by: its service form, its month (all that is
    kept of its day), its version (a new version starts on a known day) and
    :data:`ANONYMOUS_GROUP_FIELDS`."""
    return (
        response["service_form_id"],
        response["submitted_on"].strftime("%Y-%m"),
        response["version_id"],
        *(response[name] for name in ANONYMOUS_GROUP_FIELDS),
    )


def few_anonymous_responses(responses: Iterable[Mapping[str, Any]]) -> set[int]:
    """The ids of the anonymous responses too few in their group to show (their free texts on
    the results page and in the feedback list, their rows in the answers export).

    A form's total over the period asked for is not enough: an anonymous answer's month is
    shown beside it in the answers export and in the feedback list, and a period can be asked
    twice (January–April and January–March: what the first has more
    is April's). So the threshold holds in each group of :func:`anonymous_group`: the one
    anonymous answer of April stays hidden among March's five, whatever the period. Every view
    counts the same groups, whole (a filter by period or version takes or leaves a group
    whole), so that what one view withholds another does not show.

    ``responses`` are rows with ``id``, ``anonymous``, ``service_form_id``, ``submitted_on``,
    ``version_id``, ``channel`` and ``measurement_point``.
    """
    rows = [r for r in responses if r["anonymous"]]
    sizes = Counter(anonymous_group(r) for r in rows)
    return {r["id"] for r in rows if is_small(sizes[anonymous_group(r)])}


def one_way(cells: Sequence[int], total: int, limit: int | None = None) -> tuple[list[str], str]:
    """The states of a one-way table's cells and of its total (which is their sum).

    Example: cells 3, 10, 12 (total 25) → 3 primary, 10 secondary, 12 and 25 shown.
    """
    states = core.suppress(Table.one_way(cells, total), threshold() if limit is None else limit)
    return [states[("cell", str(i), "")] for i in range(len(cells))], states[TOTAL]


def display(value: int, state: str, limit: int | None = None) -> str:
    """A part as text: ``"< 5"``, ``"x"`` or the number (:func:`tupa.core.suppression.display`)."""
    return core.display(value, state, threshold() if limit is None else limit)


def count_text(value: int, *, suppressed: bool, limit: int | None = None) -> str:
    """A single count (no table around it) as shown: ``"< 5"`` when suppressed and small."""
    if suppressed and is_small(value, limit):
        return display(value, PRIMARY, limit)
    return str(value)


@dataclass
class Part:
    """One count of a table (a channel, a direction of change, a bin) and its state."""

    key: str
    label: str
    count: int
    state: str = SHOWN

    @property
    def display(self) -> str:
        return display(self.count, self.state)

    @property
    def hidden(self) -> bool:
        return self.state != SHOWN
