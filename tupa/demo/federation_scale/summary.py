"""What a build did: the organisations, rows and generated figures per year."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class FederationSummary:
    """What one :func:`build_federation` call did, with the generated figures per year."""

    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    rows: Counter[str] = field(default_factory=Counter)
    #: (year, figure) → national total over the organisations created now
    by_year: Counter[tuple[int, str]] = field(default_factory=Counter)
    seconds: float = 0.0

    YEARLY = (
        ("shelter_clients", "turvakodin asiakkaita"),
        ("shelter_days", "turvakodin asumisvuorokausia"),
        ("ensikoti_clients", "ensikodin asiakkaita"),
        ("ensikoti_days", "ensikodin asumisvuorokausia"),
        ("outpatient_clients", "avopalvelujen asiakkaita"),
        ("appointments", "tapaamisia (toteutuneita)"),
        ("meetings", "valvottuja tapaamisia (toteutuneita)"),
        ("dropin_visits", "perhetuvan käyntejä"),
    )

    def add(self, other: FederationSummary) -> None:
        """Add another build's organisations and figures (e.g. a later, larger build)."""
        self.created += other.created
        self.existing = [slug for slug in other.existing if slug not in self.created]
        self.rows.update(other.rows)
        self.by_year.update(other.by_year)
        self.seconds += other.seconds

    def years(self) -> list[int]:
        return sorted({year for year, _figure in self.by_year})

    def lines(self) -> list[str]:
        """A human-readable report (Finnish labels, as the demo command's output)."""
        out = [
            f"organisaatioita luotiin {len(self.created)}, oli jo {len(self.existing)} "
            f"({self.seconds:.1f} s)",
            "rivejä: " + ", ".join(f"{name} {n}" for name, n in sorted(self.rows.items())),
        ]
        if self.by_year:
            header = "vuosi  " + "  ".join(f"{label:>10.10}" for _key, label in self.YEARLY)
            out.append(header)
            for year in self.years():
                cells = "  ".join(f"{self.by_year[(year, key)]:>10}" for key, _l in self.YEARLY)
                out.append(f"{year}   {cells}")
        return out
