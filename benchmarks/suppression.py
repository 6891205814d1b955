"""Small-cell suppression of THL's shelter return on random clients: time and what each audit hides.

ADR 0034 added an audit by integer programming (every published equation at once, with what
"< 5" and "x" say) to the suppression. This script measures what it costs and what it finds, on
the seven linked ``shelter.clients`` lines of THL's return (adult/child alone, then gender, age
band, stay order, client status, relationship and violence duration × adult/child), with
``--returns`` random client sets of each size in ``--sizes``. A client's values are drawn with
skewed weights (most adults women and victims, ages 25–44, the first stay), as a shelter's year
looks; each size is drawn from its own seed, so a run is repeatable.

For each return it prints, per size: the suppression's time cold (the cache cleared; SciPy
loaded beforehand) as median, 95th percentile and slowest; the parts hidden; how many returns
the audit changed and how many parts it added; and, with ``--attack``, how many returns the
suppression *without* the audit leaves with a part an integer-programming attacker pins
(``tupa/core/tests/attacker.py``), and how many the suppression with it leaves: "pinned with"
excuses what no hiding protects (ADR 0034), "pinned at all" excuses nothing but a hidden zero
found to be 0 (``of_people``). Since ADR 0036 (zeros beside a total that is a "< 5" are "< 5"
too) the last should be 0 as well.

No database: the lines are computed from the drawn clients directly (``lines_of``, as the
suppression's tests do).

    .venv/bin/python benchmarks/suppression.py
    .venv/bin/python benchmarks/suppression.py --sizes 10 40 --returns 100 --attack
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
from typing import Any

import _common

#: Skewed weights of each dimension's values (the rest weigh 1).
WEIGHTS: dict[str, dict[str, int]] = {
    "adult_child": {"adult": 10, "child": 9, "unknown": 0},
    "gender": {"female": 30, "male": 8, "unknown": 1, "missing": 0},
    "age_band": {"25-34": 12, "35-44": 10, "0-3": 6, "4-6": 5, "7-12": 6, "missing": 0},
    "stay_order": {"first": 20, "repeat": 6, "missing": 0},
    "client_status": {"victim": 20, "violent_environment": 8, "missing": 0},
    "relationship": {"current_partner": 12, "former_partner": 6, "parent": 8, "missing": 0},
    "violence_duration": {"1_5y": 8, "gt_5y": 6, "6_12m": 4, "missing": 0},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 15, 40, 120, 400])
    parser.add_argument("--returns", type=int, default=60, help="random returns per size")
    parser.add_argument("--attack", action="store_true", help="run the attacker too (slower)")
    args = parser.parse_args()
    _common.configure_django("sqlite:///:memory:")

    import scipy.optimize  # noqa: F401 - loaded once, not in the first return's time
    from django.core.cache import cache

    from tupa.core.suppression import linked
    from tupa.core.tests.attacker import bound_pinned, of_people, unprotected
    from tupa.statistics.engine import Computed
    from tupa.statistics.indicators import registry as indicators
    from tupa.statistics.indicators.base import Params, Unit
    from tupa.statistics.suppression import suppress_computed
    from tupa.statistics.tests.properties import lines_of

    params = Params(1, dt.date(2025, 1, 1), dt.date(2025, 12, 31), (1,))
    indicator = indicators.get("shelter.clients", 1)

    def draw(rng: random.Random, n: int) -> Computed:
        units = []
        for _ in range(n):
            values = []
            for dimension in indicator.dimensions:
                if dimension.key == "municipality":
                    values.append("unknown")
                    continue
                choices = [v for v, _label in dimension.values(params)]
                weights = [WEIGHTS.get(dimension.key, {}).get(v, 1) for v in choices]
                values.append(rng.choices(choices, weights)[0])
            units.append(Unit(tuple(values)))
        return lines_of("thl.shelter", "shelter.clients", units, params)

    def hidden(states: dict[int, dict[Any, str]]) -> int:
        return sum(1 for line in states.values() for s in line.values() if s != "shown")

    def lines(computed: Computed, states: dict[int, dict[Any, str]]) -> list[Any]:
        return [(cl.table, states[cl.index]) for cl in computed.lines()]

    real_pinned = linked.pinned
    print(
        f"{'clients':>7} {'median ms':>9} {'p95 ms':>7} {'max ms':>7} {'hidden':>7} "
        f"{'changed':>8} {'added':>6}"
        + (f" {'pinned w/o':>10} {'pinned with':>11} {'pinned at all':>13}" if args.attack else "")
    )
    for size in args.sizes:
        rng = random.Random(size)
        times, parts, changed, added, leaky, left, bare = [], [], 0, 0, 0, 0, 0
        for _ in range(args.returns):
            computed = draw(rng, size)
            cache.clear()
            start = time.perf_counter()
            states = suppress_computed(computed)
            times.append((time.perf_counter() - start) * 1000)
            linked.pinned = lambda *a, **k: []  # the suppression before ADR 0034
            cache.clear()
            try:
                before = suppress_computed(computed)
            finally:
                linked.pinned = real_pinned
            cache.clear()
            parts.append(hidden(states))
            if states != before:
                changed += 1
                added += hidden(states) - hidden(before)
            if args.attack:
                old, new = lines(computed, before), lines(computed, states)
                leaky += bool(of_people(old, unprotected(old)))
                left += bool(of_people(new, unprotected(new)))
                bare += bool(of_people(new, bound_pinned(new)))
        times.sort()
        p95 = times[max(0, int(len(times) * 0.95) - 1)]
        row = (
            f"{size:7d} {statistics.median(times):9.1f} {p95:7.1f} {times[-1]:7.1f} "
            f"{statistics.median(parts):7.0f} {changed:8d} {added:6d}"
        )
        if args.attack:
            row += f" {leaky:10d} {left:11d} {bare:13d}"
        print(row)


if __name__ == "__main__":
    main()
