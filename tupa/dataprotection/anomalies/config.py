"""The thresholds of the anomaly rules: the one place, overridable per deployment.

A deployment may override any field with the Django setting ``TUPA_ANOMALY_SETTINGS`` (a dict
of field names to values).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from django.conf import settings

from tupa.audit.models import Action


@dataclass(frozen=True)
class AnomalySettings:
    """Thresholds of the rules. Override with ``settings.TUPA_ANOMALY_SETTINGS``."""

    #: Night is from this local hour (inclusive) ...
    night_start_hour: int = 22
    #: ... to this local hour (exclusive), Europe/Helsinki.
    night_end_hour: int = 7
    #: More than this many distinct clients ...
    many_persons: int = 30
    #: ... within this many minutes is a finding.
    many_minutes: int = 10
    #: The actions counted for ``many_persons`` (one event per record opened).
    many_actions: frozenset[str] = frozenset(
        {Action.VIEW, Action.PRINT, Action.REVEAL, Action.BREAK_THE_GLASS, Action.API}
    )
    #: A break-the-glass not reviewed this many hours after it started is a finding.
    break_glass_review_hours: int = 48
    #: Clock tolerance when matching a read to a break-the-glass period.
    break_glass_slack_seconds: int = 60


DEFAULTS = AnomalySettings()


def anomaly_settings() -> AnomalySettings:
    overrides: dict[str, Any] = dict(getattr(settings, "TUPA_ANOMALY_SETTINGS", None) or {})
    known = {f.name for f in fields(AnomalySettings)}
    unknown = set(overrides) - known
    if unknown:
        raise ValueError(f"unknown TUPA_ANOMALY_SETTINGS keys: {sorted(unknown)}")
    if "many_actions" in overrides:
        overrides["many_actions"] = frozenset(overrides["many_actions"])
    return replace(DEFAULTS, **overrides)
