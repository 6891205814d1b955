"""THL's shelter return written by hand in SQL (PostgreSQL), for ``federation_scale.py``.

Issue 11, item 10 compares one organisation-year return with "a hand-written SQL query of the
same numbers". :func:`hand_return` is that query: **one statement** (CTEs) that computes every
figure of the return's 15 lines — every inner cell, the row and column margins of the two-way
tables and each line's total, before suppression — from the tables, by the counting rules the
indicators document (``tupa/statistics/indicators/residential/``, their ``rule=`` texts and
docstrings; the care-day ledger ``tupa/residential/care_days.py``):

- the period's persons: a person (an alias when the participant has no person) counts once if
  a stay-member period of theirs in the shelter has a moment in the year (Europe/Helsinki);
  the representative period is their first one of the year with THL data, else the first; the
  background variables are that period's THL data ("missing" without); adult or child by the
  recorded age band, else by the age on the local arrival date (birth date, or an alias's
  birth year), else by the role;
- residence days: each person's stay-member periods that can touch the year (a departure at
  the year's first midnight included), touching or overlapping ones merged into stretches;
  a stretch counts its local dates from its arrival date to the day before its departure date
  (one day when it left on the day it came), an open one up to yesterday, clipped to the
  year, and a date counted by two stretches counts once;
- stays: chains of stays joined by moves (``moved_from``) among the stays of the episodes with
  a stay in the year; a chain with a stay in the year counts once, "began" when its first
  stay's local arrival date is in the year; families: the episodes of those chains' first
  stays, by their referral source;
- family places in use on the year's last day; turn-aways for "no free place" (persons by
  destination × adult/child, requests by destination); the 24 h line's contacts by channel.

:func:`hand_main` is the same statement restricted to the return's two main indicators
(clients: by adult/child and by each of the six background variables × adult/child; residence
days by adult/child). The figures come back as ``{line index: {table key: value}}``, with the
keys of :class:`tupa.statistics.tables.Table`, for a figure-by-figure comparison
(:func:`differences`) with what ``engine.run`` computes (``ComputedLine.table.values``).
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

Key = tuple[str, ...]
Figures = dict[int, dict[Key, int]]

#: The return's lines in order, as this SQL numbers them: (indicator id, breakdown).
RETURN_LINES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("shelter.clients", ("adult_child",)),
    ("shelter.residence_days", ("adult_child",)),
    ("shelter.clients", ("gender", "adult_child")),
    ("shelter.clients", ("age_band", "adult_child")),
    ("shelter.clients", ("stay_order", "adult_child")),
    ("shelter.clients", ("client_status", "adult_child")),
    ("shelter.violence_forms", ("violence_form", "adult_child")),
    ("shelter.clients", ("relationship", "adult_child")),
    ("shelter.clients", ("violence_duration", "adult_child")),
    ("shelter.stays", ("began",)),
    ("shelter.families", ("referral_source",)),
    ("residential.family_places", ()),
    ("shelter.turned_away", ("destination", "adult_child")),
    ("shelter.turn_away_requests", ("destination",)),
    ("shelter.line_contacts", ("channel",)),
)
#: The lines of the two main indicators (clients, residence days).
MAIN_LINES: tuple[int, ...] = tuple(
    i
    for i, (ind, _b) in enumerate(RETURN_LINES)
    if ind in ("shelter.clients", "shelter.residence_days")
)

# --------------------------------------------------------------------------- the statement

_TZ = "'Europe/Helsinki'"

# The stay members of the shelter that can touch the year (the care-day ledger's rows; the
# stay's bound is the members' own and only helps the planner start from the year's stays),
# each with its participant's THL data and the adult/child group it would give.
_MEMBERS = """
m AS (
  SELECT sm.id, sm.arrived_at, sm.departed_at,
    COALESCE(p.person_id, -p.alias_id) AS pkey,
    sm.departed_at IS NULL OR sm.departed_at > %(lower)s AS in_year,
    d.id IS NOT NULL AS has_data,
    CASE
      WHEN d.age_band = ANY(%(child_bands)s::text[]) THEN 'child'
      WHEN d.age_band = ANY(%(adult_bands)s::text[]) THEN 'adult'
      WHEN a.age BETWEEN 0 AND 17 THEN 'child'
      WHEN a.age >= 18 THEN 'adult'
      WHEN p.role = %(child_role)s THEN 'child'
      ELSE 'adult'
    END AS grp,
    COALESCE(d.gender, 'missing') AS gender,
    COALESCE(d.age_band, 'missing') AS age_band,
    COALESCE(d.stay_order, 'missing') AS stay_order,
    COALESCE(d.client_status, 'missing') AS client_status,
    COALESCE(d.relationship, 'missing') AS relationship,
    COALESCE(d.violence_duration, 'missing') AS violence_duration,
    d.violence_forms
  FROM {staymember} sm
  JOIN {stay} s ON s.id = sm.stay_id
  JOIN {place} pl ON pl.id = s.place_id
  JOIN {participant} p ON p.id = sm.participant_id
  LEFT JOIN {person} pe ON pe.id = p.person_id
  LEFT JOIN {alias} al ON al.id = p.alias_id
  LEFT JOIN {data} d ON d.participant_id = p.id
  CROSS JOIN LATERAL (SELECT (sm.arrived_at AT TIME ZONE {tz})::date AS arrived_on) o
  CROSS JOIN LATERAL (
    SELECT CASE
      WHEN pe.birth_date IS NOT NULL THEN
        (extract(year FROM o.arrived_on) - extract(year FROM pe.birth_date))::int
        - (to_char(o.arrived_on, 'MMDD') < to_char(pe.birth_date, 'MMDD'))::int
      WHEN al.birth_year IS NOT NULL THEN extract(year FROM o.arrived_on)::int - al.birth_year
    END AS age
  ) a
  WHERE s.organisation_id = %(org)s AND pl.service_form_id = %(form)s
    AND sm.arrived_at < %(upper)s AND (sm.departed_at IS NULL OR sm.departed_at >= %(lower)s)
    AND s.arrived_at < %(upper)s AND (s.departed_at IS NULL OR s.departed_at >= %(lower)s)
)"""

# The persons of the year: one row each, their representative period (a period that left at
# the year's first midnight has no moment in the year).
_PEOPLE = """
people AS (
  SELECT DISTINCT ON (pkey) *
  FROM m WHERE in_year
  ORDER BY pkey, NOT has_data, arrived_at, id
)"""

# Residence days: each person's periods merged into stretches (touching or overlapping), each
# stretch's dates by the nights rule clipped to the year (open: up to yesterday), then the
# union of a person's stretches' dates (a same-day stretch can share its date with the next
# one): each date range counts the dates after the furthest one counted before it. The group
# is the person's (their representative period's, as in ``people``).
_DAYS = """
iv AS (
  SELECT pkey, id, arrived_at AS a, departed_at AS b,
    MAX(COALESCE(departed_at, 'infinity'::timestamptz)) OVER (
      PARTITION BY pkey ORDER BY arrived_at, departed_at IS NULL, id
      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
    ) AS reach,
    FIRST_VALUE(grp) OVER (
      PARTITION BY pkey ORDER BY NOT in_year, NOT has_data, arrived_at, id
    ) AS grp
  FROM m
),
stretch AS (
  SELECT pkey, grp, a, b,
    SUM((reach IS NULL OR a > reach)::int) OVER (
      PARTITION BY pkey ORDER BY a, b IS NULL, id ROWS UNBOUNDED PRECEDING
    ) AS n
  FROM iv
),
stretches AS (
  SELECT pkey, grp, (MIN(a) AT TIME ZONE {tz})::date AS sd,
    CASE WHEN bool_or(b IS NULL) THEN NULL ELSE (MAX(b) AT TIME ZONE {tz})::date END AS ed
  FROM stretch GROUP BY pkey, grp, n
),
ranges AS (
  SELECT pkey, grp, GREATEST(sd, %(start)s::date) AS f,
    LEAST(
      CASE WHEN ed IS NULL THEN %(open_until)s::date WHEN ed > sd THEN ed - 1 ELSE sd END,
      %(end)s::date
    ) AS l
  FROM stretches
),
covered AS (
  SELECT grp, l - GREATEST(f, before + 1) + 1 AS n
  FROM (
    SELECT grp, f, l,
      MAX(l) OVER (PARTITION BY pkey ORDER BY f, l ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
        AS before
    FROM ranges WHERE f <= l
  ) r
)"""

# Stay chains: every stay of the episodes with a stay in the year, walked from each chain's
# first stay along the moves, carrying the first stay's arrival, episode and referral source;
# the chains with a stay in the year.
_CHAINS = """
ps AS (
  SELECT s.id, s.episode_id, s.arrived_at, s.moved_from_id, e.referral_source,
    s.arrived_at < %(upper)s AND (s.departed_at IS NULL OR s.departed_at > %(lower)s)
      AS in_year
  FROM {stay} s
  JOIN {place} pl ON pl.id = s.place_id
  JOIN {episode} e ON e.id = s.episode_id
  WHERE s.organisation_id = %(org)s AND pl.service_form_id = %(form)s
    AND s.episode_id IN (
      SELECT s2.episode_id FROM {stay} s2 JOIN {place} pl2 ON pl2.id = s2.place_id
      WHERE s2.organisation_id = %(org)s AND pl2.service_form_id = %(form)s
        AND s2.arrived_at < %(upper)s
        AND (s2.departed_at IS NULL OR s2.departed_at > %(lower)s)
    )
),
walk (id, head, arrived_at, episode_id, referral_source, in_year) AS (
  SELECT id, id, arrived_at, episode_id, referral_source, in_year FROM ps
  WHERE moved_from_id IS NULL OR moved_from_id NOT IN (SELECT id FROM ps)
  UNION ALL
  SELECT ps.id, walk.head, walk.arrived_at, walk.episode_id, walk.referral_source, ps.in_year
  FROM ps JOIN walk ON ps.moved_from_id = walk.id
),
chain AS (
  SELECT head, arrived_at, episode_id, referral_source FROM walk
  GROUP BY head, arrived_at, episode_id, referral_source HAVING bool_or(in_year)
),
ta AS (
  SELECT CASE WHEN directed_to = %(other_shelter)s THEN 'other_shelter' ELSE 'elsewhere' END
      AS dest,
    adults, children
  FROM {turnaway}
  WHERE organisation_id = %(org)s AND service_form_id = %(form)s AND reason = %(no_place)s
    AND occurred_at >= %(lower)s AND occurred_at < %(upper)s
)"""

# (line, row value, column value, weight) of every unit the return counts.
_MAIN_FACTS = (
    "SELECT 0, grp, '', 1 FROM people",
    "SELECT 1, grp, '', n FROM covered WHERE n > 0",
    "SELECT v.line, v.val, people.grp, 1 FROM people CROSS JOIN LATERAL (VALUES "
    "(2, gender), (3, age_band), (4, stay_order), (5, client_status), (7, relationship), "
    "(8, violence_duration)) v (line, val)",
)
_OTHER_FACTS = (
    # Violence forms: one per distinct form ticked, "none" for data without any, "missing".
    "SELECT 6, v.form, people.grp, 1 FROM people CROSS JOIN LATERAL ("
    "SELECT DISTINCT x AS form FROM jsonb_array_elements_text("
    "CASE WHEN jsonb_typeof(people.violence_forms) = 'array' THEN people.violence_forms "
    "ELSE '[]'::jsonb END) x "
    "UNION ALL SELECT 'none' WHERE people.has_data AND CASE "
    "WHEN jsonb_typeof(people.violence_forms) = 'array' "
    "THEN jsonb_array_length(people.violence_forms) = 0 ELSE true END "
    "UNION ALL SELECT 'missing' WHERE NOT people.has_data) v",
    "SELECT 9, CASE WHEN (arrived_at AT TIME ZONE {tz})::date "
    "BETWEEN %(start)s::date AND %(end)s::date THEN 'began' ELSE 'earlier' END, '', 1 FROM chain",
    "SELECT 10, referral_source, '', 1 FROM (SELECT DISTINCT episode_id, referral_source "
    "FROM chain) f",
    "SELECT 11, '', '', 1 FROM {place} WHERE organisation_id = %(org)s "
    "AND service_form_id = %(form)s AND kind = %(family_place)s "
    "AND (active_from IS NULL OR active_from <= %(end)s::date) "
    "AND CASE WHEN active_until IS NOT NULL THEN %(end)s::date <= active_until ELSE active END",
    "SELECT 12, ta.dest, g.grp, g.n FROM ta CROSS JOIN LATERAL (VALUES "
    "('adult', ta.adults), ('child', ta.children)) g (grp, n) WHERE g.n > 0",
    "SELECT 13, dest, '', 1 FROM ta",
    "SELECT 14, channel, '', COUNT(*) FROM {linecontact} WHERE organisation_id = %(org)s "
    "AND service_form_id = %(form)s AND occurred_at >= %(lower)s AND occurred_at < %(upper)s "
    "GROUP BY channel",
)

# Every part of each line's table: inner cells (GROUPING 0), row margins (1), column margins
# (2) and the total (3); a one-way line has cells and a total, the family places a total only.
_FIGURES = """
SELECT line, GROUPING(r, c), r, c, SUM(w)::bigint
FROM facts
GROUP BY line, GROUPING SETS ((r, c), (r), (c), ())
HAVING CASE (%(ways)s::int[])[line + 1]
  WHEN 2 THEN true WHEN 1 THEN GROUPING(r, c) IN (0, 3) ELSE GROUPING(r, c) = 3 END
"""


@functools.cache
def statement(*, main_only: bool = False) -> str:
    """The hand-written statement: the whole return, or its two main indicators' lines."""
    from tupa.episodes.models import Episode, Participant
    from tupa.people.models import Alias, Person
    from tupa.residential.models import (
        LineContact,
        Place,
        ShelterClientData,
        Stay,
        StayMember,
        TurnAway,
    )

    ctes = [_MEMBERS, _PEOPLE, _DAYS] + ([] if main_only else [_CHAINS])
    facts = _MAIN_FACTS + (() if main_only else _OTHER_FACTS)
    sql = (
        "WITH RECURSIVE "
        + ",".join(ctes)
        + ",\nfacts (line, r, c, w) AS (\n  "
        + "\n  UNION ALL ".join(facts)
        + "\n)"
        + _FIGURES
    )
    return sql.format(
        tz=_TZ,
        staymember=StayMember._meta.db_table,
        stay=Stay._meta.db_table,
        place=Place._meta.db_table,
        participant=Participant._meta.db_table,
        person=Person._meta.db_table,
        alias=Alias._meta.db_table,
        data=ShelterClientData._meta.db_table,
        episode=Episode._meta.db_table,
        turnaway=TurnAway._meta.db_table,
        linecontact=LineContact._meta.db_table,
    )


def parameters(organisation_id: int, service_form_id: int, year: int) -> dict[str, Any]:
    """The statement's parameters: the organisation-year, and the codes of the classifications
    (the models' choices, so that a renamed code fails here rather than counting zero)."""
    from django.utils import timezone

    from tupa.core.wallclock import day_bounds
    from tupa.episodes.models import Participant
    from tupa.residential.models import Place, TurnAway
    from tupa.residential.thl import variables as thl

    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    lower, upper = day_bounds(start, end)
    return {
        "org": organisation_id,
        "form": service_form_id,
        "start": start,
        "end": end,
        "lower": lower,
        "upper": upper,
        # The nights rule: the last complete care day is yesterday (local).
        "open_until": timezone.localdate() - dt.timedelta(days=1),
        "child_bands": sorted(str(b) for b in thl.CHILD_BANDS),
        "adult_bands": sorted(str(b) for b in thl.ADULT_BANDS),
        "child_role": str(Participant.Role.CHILD),
        "family_place": str(Place.Kind.FAMILY_PLACE),
        "no_place": str(TurnAway.Reason.NO_PLACE),
        "other_shelter": str(TurnAway.DirectedTo.OTHER_SHELTER),
        "ways": [len(breakdown) for _ind, breakdown in RETURN_LINES],
    }


def _run(sql: str, params: dict[str, Any]) -> Figures:
    from django.db import connection

    figures: Figures = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for line, grouping, r, c, value in rows:
        key: Key = {
            0: ("cell", r, c),
            1: ("row", r),
            2: ("col", c),
            3: ("total",),
        }[grouping]
        figures.setdefault(line, {})[key] = int(value)
    return figures


def hand_return(organisation_id: int, service_form_id: int, year: int) -> Figures:
    """Every figure of the organisation-year THL shelter return, by the hand-written SQL."""
    return _run(statement(), parameters(organisation_id, service_form_id, year))


def hand_main(organisation_id: int, service_form_id: int, year: int) -> Figures:
    """The figures of the return's lines of the two main indicators, by the hand-written SQL."""
    return _run(statement(main_only=True), parameters(organisation_id, service_form_id, year))


# --------------------------------------------------------------------------- the comparison


def check_template(template: Any) -> None:
    """The template's lines are those :data:`RETURN_LINES` numbers (else the SQL is stale)."""
    found = tuple(
        (line.indicator, tuple(line.breakdown))
        for section in template.sections
        for line in section.lines
    )
    if found != RETURN_LINES:
        raise SystemExit(f"the THL return's lines changed; update thl_return_sql.py: {found}")


def engine_figures(computed: Any) -> Figures:
    """Each line's raw table (before suppression) of a ``Computed`` from ``engine.run``."""
    return {cl.index: dict(cl.table.values) for cl in computed.lines()}


def main_figures(results: dict[str, Any]) -> Figures:
    """The main lines' tables built from indicator results (``{indicator id: Result}``) as the
    return builds them."""
    from tupa.statistics.tables import build_table

    return {
        i: dict(build_table(results[RETURN_LINES[i][0]], RETURN_LINES[i][1]).values)
        for i in MAIN_LINES
    }


def differences(engine: Figures, hand: Figures, lines: tuple[int, ...]) -> list[str]:
    """The figures that differ, as ``line i (indicator): key engine ≠ hand``. A part the
    hand SQL did not return counts as 0 (it returns no empty cells)."""
    out = []
    for i in lines:
        ours, theirs = engine.get(i, {}), hand.get(i, {})
        for key in sorted(set(ours) | set(theirs)):
            a, b = ours.get(key), theirs.get(key, 0)
            if a != b:
                out.append(f"line {i} ({RETURN_LINES[i][0]}): {key} engine {a} ≠ hand SQL {b}")
    return out


def count_figures(figures: Figures, lines: tuple[int, ...]) -> int:
    return sum(len(figures.get(i, {})) for i in lines)
