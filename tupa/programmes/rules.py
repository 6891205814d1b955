"""The programme rules (e.g. the Peukaloinen rules, GRP-02) as pure functions.

Nothing here touches the database: :mod:`tupa.programmes.selectors` gathers the facts of one
programme into :class:`ProgrammeFacts`, and :func:`evaluate` turns the programme's rule
configuration (``GroupProgramme.rules``) into warnings. Warnings are shown on the programme
page and never block saving: the worker decides.

Definitions (all dates are local Helsinki dates; "active on day d" means
``joined_on <= d`` and (no ``left_on`` or ``left_on >= d``)):

- *motivation meetings*: journal entries of type ``motivation`` in the member's episode before
  the day the member joined the group (rolling intake: each pair starts when it joins).
- *pairs*: the largest number of members active on the same day (the peak).
- *duration of N months*: ``ends_on >= starts_on + N months - 1 day``
  (1.1.–30.6. is six months).
- *aftercare of N months*: it starts the day after ``ends_on``, so
  ``aftercare_until >= (ends_on + 1 day) + N months - 1 day`` (group to 30.6. → aftercare to
  31.12.).
- *sessions per month*: every full calendar month between the start and the end (or, for an
  open-ended group, the end of the current month) needs N sessions that are not cancelled.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tupa.core.months import add_months, month_end

WARNING = "warning"
ERROR = "error"


@dataclass(frozen=True)
class MemberFacts:
    member_id: int
    joined_on: dt.date
    left_on: dt.date | None = None
    motivation_meetings: int = 0

    def active_on(self, day: dt.date) -> bool:
        return self.joined_on <= day and (self.left_on is None or self.left_on >= day)


@dataclass(frozen=True)
class ProgrammeFacts:
    starts_on: dt.date
    today: dt.date
    ends_on: dt.date | None = None
    aftercare_until: dt.date | None = None
    planned_hours_per_week: Decimal | None = None
    capacity: int | None = None
    members: Sequence[MemberFacts] = ()
    session_days: Sequence[dt.date] = ()  # local dates of sessions that are not cancelled


@dataclass(frozen=True)
class RuleWarning:
    code: str
    level: str
    message: str
    member_ids: tuple[int, ...] = field(default=())

    @property
    def is_error(self) -> bool:
        return self.level == ERROR


def peak_members(members: Sequence[MemberFacts]) -> int:
    """The largest number of members active on one day (checked on each joining day)."""
    return max(
        (sum(1 for other in members if other.active_on(m.joined_on)) for m in members),
        default=0,
    )


def full_months(start: dt.date, end: dt.date) -> list[dt.date]:
    """First days of the calendar months lying wholly within ``start``..``end``."""
    months: list[dt.date] = []
    first = start if start.day == 1 else add_months(start.replace(day=1), 1)
    while True:
        last = month_end(first.year, first.month)
        if last > end:
            return months
        months.append(first)
        first = add_months(first, 1)


def invitation_cutoff(today: dt.date, years: int) -> dt.date:
    """The first day of the invitation window: who took part since this day is invited."""
    return add_months(today, -12 * years)


def _int(rules: Mapping[str, Any], key: str) -> int | None:
    value = rules.get(key)
    if value is None or value == "":
        return None
    return int(value)


def _hours(value: Decimal) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")


def evaluate(rules: Mapping[str, Any], facts: ProgrammeFacts) -> list[RuleWarning]:
    """Every warning the configured rules give for ``facts`` (errors first, then in rule order)."""
    found: list[RuleWarning] = []

    need = _int(rules, "min_motivation_meetings")
    if need:
        short = tuple(m.member_id for m in facts.members if m.motivation_meetings < need)
        if short:
            found.append(
                RuleWarning(
                    "motivation",
                    WARNING,
                    ngettext(
                        "%(count)d osallistujalla on alle %(need)d motivointitapaamista "
                        "ennen ryhmän aloitusta.",
                        "%(count)d osallistujalla on alle %(need)d motivointitapaamista "
                        "ennen ryhmän aloitusta.",
                        len(short),
                    )
                    % {"count": len(short), "need": need},
                    short,
                )
            )

    hours = _int(rules, "min_hours_per_week")
    if hours:
        planned = facts.planned_hours_per_week
        if planned is None:
            found.append(
                RuleWarning(
                    "hours_missing",
                    WARNING,
                    _("Viikkotuntimäärää ei ole suunniteltu (tavoite %(hours)d h viikossa).")
                    % {"hours": hours},
                )
            )
        elif planned < hours:
            found.append(
                RuleWarning(
                    "hours",
                    WARNING,
                    _(
                        "Suunniteltu tuntimäärä %(planned)s h viikossa on alle tavoitteen "
                        "%(hours)d h."
                    )
                    % {"planned": _hours(planned), "hours": hours},
                )
            )

    peak = peak_members(facts.members)
    target, most = _int(rules, "pairs_target"), _int(rules, "pairs_max")
    if most is not None and peak > most:
        found.append(
            RuleWarning(
                "pairs_max",
                ERROR,
                _("Ryhmässä on %(peak)d paria, enimmäismäärä on %(max)d.")
                % {"peak": peak, "max": most},
            )
        )
    elif target is not None and peak > target:
        found.append(
            RuleWarning(
                "pairs",
                WARNING,
                _("Ryhmässä on %(peak)d paria, tavoite on %(target)d.")
                % {"peak": peak, "target": target},
            )
        )
    if facts.capacity is not None and peak > facts.capacity:
        found.append(
            RuleWarning(
                "capacity",
                WARNING,
                _("Osallistujia on %(peak)d, paikkoja %(capacity)d.")
                % {"peak": peak, "capacity": facts.capacity},
            )
        )

    months = _int(rules, "min_duration_months")
    if months:
        if facts.ends_on is None:
            found.append(
                RuleWarning(
                    "duration_missing",
                    WARNING,
                    _("Ryhmän päättymispäivää ei ole suunniteltu (kesto %(months)d kk).")
                    % {"months": months},
                )
            )
        elif facts.ends_on < add_months(facts.starts_on, months) - dt.timedelta(days=1):
            found.append(
                RuleWarning(
                    "duration",
                    WARNING,
                    _("Ryhmäjakso on lyhyempi kuin %(months)d kuukautta.") % {"months": months},
                )
            )

    aftercare = _int(rules, "aftercare_months")
    if aftercare:
        if facts.aftercare_until is None:
            found.append(
                RuleWarning(
                    "aftercare_missing",
                    WARNING,
                    _("Jälkitukea ei ole suunniteltu (%(months)d kk ryhmän jälkeen).")
                    % {"months": aftercare},
                )
            )
        elif facts.ends_on is not None and facts.aftercare_until < add_months(
            facts.ends_on + dt.timedelta(days=1), aftercare
        ) - dt.timedelta(days=1):
            found.append(
                RuleWarning(
                    "aftercare",
                    WARNING,
                    _("Jälkituki on lyhyempi kuin %(months)d kuukautta.") % {"months": aftercare},
                )
            )

    per_month = _int(rules, "sessions_per_month")
    if per_month:
        end = facts.ends_on
        if end is None:
            end = month_end(facts.today.year, facts.today.month)
        counts = Counter(day.replace(day=1) for day in facts.session_days)
        thin = [m for m in full_months(facts.starts_on, end) if counts[m] < per_month]
        if thin:
            shown = ", ".join(f"{m.month}/{m.year}" for m in thin[:12])
            if len(thin) > 12:
                shown += " …"
            found.append(
                RuleWarning(
                    "sessions_per_month",
                    WARNING,
                    ngettext(
                        "Ryhmä kokoontuu alle %(need)d kertaa kuukaudessa %(count)d kuukautena: "
                        "%(months)s.",
                        "Ryhmä kokoontuu alle %(need)d kertaa kuukaudessa %(count)d kuukautena: "
                        "%(months)s.",
                        len(thin),
                    )
                    % {"need": per_month, "count": len(thin), "months": shown},
                )
            )

    found.sort(key=lambda w: 0 if w.is_error else 1)
    return found


def clean_rules(data: Mapping[str, Any]) -> dict[str, int]:
    """Only the known rule keys with positive whole-number values (others are dropped)."""
    from .models import RULE_KEYS

    result: dict[str, int] = {}
    for key in RULE_KEYS:
        value = data.get(key)
        if value is None or value == "":
            continue
        number = int(value)
        if number > 0:
            result[key] = number
    return result


__all__ = [
    "ERROR",
    "WARNING",
    "MemberFacts",
    "ProgrammeFacts",
    "RuleWarning",
    "clean_rules",
    "evaluate",
    "full_months",
    "invitation_cutoff",
    "peak_members",
]
