"""Anomaly reports over the access log: what the data-protection officer works through weekly.

One module per part:

- :mod:`.config` — the thresholds (:class:`AnomalySettings`, ``TUPA_ANOMALY_SETTINGS``);
- :mod:`.weeks` — the periods (ISO weeks, Europe/Helsinki);
- :mod:`.period` — one period's data, loaded once (:func:`load_period`);
- :mod:`.rules` — the rules and :func:`find_anomalies` (the rule list is documented there);
- :mod:`.services` — the DPO's handling (append-only :class:`~tupa.audit.models.AnomalyReview`);
- :mod:`.forms` and :mod:`.views` — the page /lokit/poikkeamat/.

The detection API is re-exported here (``from tupa.dataprotection import anomalies``;
``anomalies.find_anomalies(...)``).
"""

from tupa.dataprotection.anomalies.config import DEFAULTS, AnomalySettings, anomaly_settings
from tupa.dataprotection.anomalies.period import PeriodData, Read, load_period
from tupa.dataprotection.anomalies.rules import (
    RULES,
    Finding,
    break_glass_unreviewed,
    find_anomalies,
    is_night,
    many_persons_in_short_time,
    night_reads_by_day_staff,
    reads_without_relationship,
    restricted_person_reads,
    same_surname_reads,
    surnames_match,
)
from tupa.dataprotection.anomalies.weeks import last_full_week, parse_week, week_bounds, week_label

__all__ = [
    "DEFAULTS",
    "RULES",
    "AnomalySettings",
    "Finding",
    "PeriodData",
    "Read",
    "anomaly_settings",
    "break_glass_unreviewed",
    "find_anomalies",
    "is_night",
    "last_full_week",
    "load_period",
    "many_persons_in_short_time",
    "night_reads_by_day_staff",
    "parse_week",
    "reads_without_relationship",
    "restricted_person_reads",
    "same_surname_reads",
    "surnames_match",
    "week_bounds",
    "week_label",
]
