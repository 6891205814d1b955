"""Small-cell suppression of feedback results.

The rule is the statistics app's (:mod:`tupa.statistics.suppression`): a part with a value
``0 < value < threshold`` is *primary* (shown as ``"< 5"``), and when a one-way table's total is
published, one more part is hidden (*secondary*, ``"x"``) so that a primary cell cannot be
recomputed as the total minus the others — the smallest non-zero other cell, or else the total —,
and more while the hidden cells' sum (the total minus the shown ones) gives them away
(:func:`tupa.core.disclosure.exposed`: two "< 5"s that sum to 2 are 1 and 1).
The surveys app sits below the statistics app in the layers and cannot import it, so the
one-way case is written here; ``tests/test_results_suppression.py`` checks with random tables
that it gives exactly the states of :func:`tupa.statistics.suppression.suppress`.

The threshold is the setting ``SURVEYS_SMALL_CELL`` (default 5).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from tupa.core import disclosure

PRIMARY = "primary"
SECONDARY = "secondary"
SHOWN = "shown"

DEFAULT_THRESHOLD = 5


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
    limit = threshold() if limit is None else limit
    states = [PRIMARY if is_small(v, limit) else SHOWN for v in cells]
    total_state = PRIMARY if is_small(total, limit) else SHOWN
    hidden = [i for i, s in enumerate(states) if s != SHOWN]
    if total_state == SHOWN and len(hidden) == 1:
        # One hidden cell and a published total: it is the total minus the others. Hide the
        # cheapest other part: the smallest non-zero cell (first in order), or else the total.
        others = [(v, i) for i, v in enumerate(cells) if states[i] == SHOWN and v > 0]
        if others:
            states[min(others)[1]] = SECONDARY
        else:
            total_state = SECONDARY
    while total_state == SHOWN:
        # The total minus the shown cells publishes the hidden cells' sum. Two "< 5"s summing
        # to 2 are 1 and 1, to 8 are 4 and 4 (tupa.core.disclosure): hide the cheapest part
        # that stops it, the smallest such cell (first in order), or else the total.
        summed = [(v, states[i] == PRIMARY) for i, v in enumerate(cells) if states[i] != SHOWN]
        if not summed or not disclosure.exposed(summed, limit):
            break
        lifting = [
            (v, i)
            for i, v in enumerate(cells)
            if states[i] == SHOWN and v > 0 and not disclosure.exposed([*summed, (v, False)], limit)
        ]
        if lifting:
            states[min(lifting)[1]] = SECONDARY
        else:
            total_state = SECONDARY
    return states, total_state


def display(value: int, state: str, limit: int | None = None) -> str:
    """A part as text: ``"< 5"``, ``"x"`` or the number."""
    if state == PRIMARY:
        return f"< {threshold() if limit is None else limit}"
    if state == SECONDARY:
        return "x"
    return str(value)


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
