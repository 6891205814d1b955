"""THL's shelter return counted by the database: one statement for every figure (ADR 0027).

On PostgreSQL the return's page, exports and frozen submissions take their figures from
:func:`counts`: one SQL statement (common table expressions) that applies the counting rules of
the return's nine indicators (``tupa/statistics/indicators/residential/``, their ``rule=`` texts
and docstrings; the care-day ledger ``tupa/residential/care_days.py``) and sums each line's
cells and total in the database. Python then only lays the sums out in tables
(:func:`~tupa.statistics.tables.table_of`, which also sums the margins), so the return costs
little more than the statement (issue 11, item 10).

The indicators' units stay the rule a figure is drilled into, and the rule the figures are
checked against: the drill-down lists a cell's records from the units; marking the return sent
counts it by the units as well and refuses when one figure differs
(:func:`tupa.statistics.services.submit`); and the tests run both ways on the same records,
hand-made and generated, figure by figure (``tests/test_thl_database.py``). So the rules are
written twice, in Python and in SQL, and nothing that leaves the organisation can come from one
of them alone.

The rules, as the statement applies them:

- the period's persons: a person (an alias when the participant has no person) counts once if a
  stay-member period of theirs in the shelter has a moment in the period (Europe/Helsinki); the
  representative period is their first one of the period with THL data, else the first; the
  background variables are that period's THL data ("missing" without); adult or child by the
  recorded age band, else by the age on the local arrival date (birth date, or an alias's birth
  year), else by the role;
- residence days: each person's stay-member periods that can touch the period (a departure at
  its first midnight included), touching or overlapping ones merged into stretches; a stretch
  counts its local dates from its arrival date to the day before its departure date (one day
  when it left on the day it came), an open one up to the last complete care day, clipped to the
  period, and a date counted by two stretches counts once;
- stays: chains of stays joined by moves (``moved_from``) among the stays of the episodes with a
  stay in the period; a chain with a stay in the period counts once, "began" when its first
  stay's local arrival date is in the period; families: the episodes of those chains' first
  stays, by their referral source;
- family places in use on the period's last day; turn-aways for "no free place" (persons by
  destination × adult/child, requests by destination); the 24 h line's contacts by channel.

The statement is PostgreSQL's (``AT TIME ZONE``, ``DISTINCT ON``, ``jsonb``). On SQLite, and
for what it does not cover (several shelters at once, a municipality's report), the return is
counted by the units: :func:`counts` returns ``None``.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING, Any, Final

from django.db import connection
from django.utils import timezone

from tupa.core.wallclock import day_bounds
from tupa.organisations.models import ServiceForm
from tupa.residential.care_days import DEFAULT_RULE, last_complete_date
from tupa.residential.models import is_shelter
from tupa.residential.thl import variables as thl
from tupa.residential.thl.year_end import YearEndCounts, year_end_counts

from ..indicators.base import Params
from ..indicators.dimensions import ADULT, CHILD
from ..indicators.reads import candidate_forms, remember, shared_read
from ..indicators.residential.common import BEGAN, EARLIER, ELSEWHERE, OTHER_SHELTER
from .base import LineSums

if TYPE_CHECKING:
    from .base import ReturnTemplate

#: The lines the statement counts, in the return's order: (indicator id, version, breakdown).
#: ``tests/test_thl_database.py`` holds the return's template to them.
LINES: Final[tuple[tuple[str, int, tuple[str, ...]], ...]] = (
    ("shelter.clients", 1, ("adult_child",)),
    ("shelter.residence_days", 1, ("adult_child",)),
    ("shelter.clients", 1, ("gender", "adult_child")),
    ("shelter.clients", 1, ("age_band", "adult_child")),
    ("shelter.clients", 1, ("stay_order", "adult_child")),
    ("shelter.clients", 1, ("client_status", "adult_child")),
    ("shelter.violence_forms", 1, ("violence_form", "adult_child")),
    ("shelter.clients", 1, ("relationship", "adult_child")),
    ("shelter.clients", 1, ("violence_duration", "adult_child")),
    ("shelter.stays", 1, ("began",)),
    ("shelter.families", 1, ("referral_source",)),
    ("residential.family_places", 1, ()),
    ("shelter.turned_away", 1, ("destination", "adult_child")),
    ("shelter.turn_away_requests", 1, ("destination",)),
    ("shelter.line_contacts", 1, ("channel",)),
)

_TZ: Final = "'Europe/Helsinki'"

# The stay members of the shelter that can touch the period (the care-day ledger's rows; the
# stay's bound is the members' own and only helps the planner start from the period's stays),
# each with its participant's THL data and the adult/child group it would give.
_MEMBERS: Final = """
m AS (
  SELECT sm.id, sm.arrived_at, sm.departed_at,
    COALESCE(p.person_id, -p.alias_id) AS pkey,
    sm.departed_at IS NULL OR sm.departed_at > %(lower)s AS in_period,
    d.id IS NOT NULL AS has_data,
    CASE
      WHEN d.age_band = ANY(%(child_bands)s::text[]) THEN %(child)s
      WHEN d.age_band = ANY(%(adult_bands)s::text[]) THEN %(adult)s
      WHEN a.age BETWEEN 0 AND 17 THEN %(child)s
      WHEN a.age >= 18 THEN %(adult)s
      WHEN p.role = %(child_role)s THEN %(child)s
      ELSE %(adult)s
    END AS grp,
    COALESCE(d.gender, %(missing)s) AS gender,
    COALESCE(d.age_band, %(missing)s) AS age_band,
    COALESCE(d.stay_order, %(missing)s) AS stay_order,
    COALESCE(d.client_status, %(missing)s) AS client_status,
    COALESCE(d.relationship, %(missing)s) AS relationship,
    COALESCE(d.violence_duration, %(missing)s) AS violence_duration,
    d.violence_forms,
    s.id AS stay_id, s.departed_at IS NULL AS stay_open, p.episode_id
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

# The persons of the period: one row each, their representative period (a period that left at
# the period's first midnight has no moment in the period).
_PEOPLE: Final = """
people AS (
  SELECT DISTINCT ON (pkey) *
  FROM m WHERE in_period
  ORDER BY pkey, NOT has_data, arrived_at, id
)"""

# Residence days: each person's periods merged into stretches (touching or overlapping), each
# stretch's dates by the nights rule clipped to the period (open: up to the last complete care
# day), then the union of a person's stretches' dates (a same-day stretch can share its date
# with the next one): each date range counts the dates after the furthest one counted before it.
# The group is the person's (their representative period's, as in ``people``).
_DAYS: Final = """
iv AS (
  SELECT pkey, id, arrived_at AS a, departed_at AS b,
    MAX(COALESCE(departed_at, 'infinity'::timestamptz)) OVER (
      PARTITION BY pkey ORDER BY arrived_at, departed_at IS NULL, id
      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
    ) AS reach,
    FIRST_VALUE(grp) OVER (
      PARTITION BY pkey ORDER BY NOT in_period, NOT has_data, arrived_at, id
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

# Stay chains: every stay of the episodes with a stay in the period, walked from each chain's
# first stay along the moves, carrying the first stay's arrival, episode and referral source;
# the chains with a stay in the period. And the period's turn-aways for want of a place.
_CHAINS: Final = """
ps AS (
  SELECT s.id, s.episode_id, s.arrived_at, s.moved_from_id, e.referral_source,
    s.arrived_at < %(upper)s AND (s.departed_at IS NULL OR s.departed_at > %(lower)s)
      AS in_period
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
walk (id, head, arrived_at, episode_id, referral_source, in_period) AS (
  SELECT id, id, arrived_at, episode_id, referral_source, in_period FROM ps
  WHERE moved_from_id IS NULL OR moved_from_id NOT IN (SELECT id FROM ps)
  UNION ALL
  SELECT ps.id, walk.head, walk.arrived_at, walk.episode_id, walk.referral_source, ps.in_period
  FROM ps JOIN walk ON ps.moved_from_id = walk.id
),
chain AS (
  SELECT head, arrived_at, episode_id, referral_source FROM walk
  GROUP BY head, arrived_at, episode_id, referral_source HAVING bool_or(in_period)
),
ta AS (
  SELECT CASE WHEN directed_to = %(directed_other_shelter)s THEN %(other_shelter)s
      ELSE %(elsewhere)s END AS dest,
    adults, children
  FROM {turnaway}
  WHERE organisation_id = %(org)s AND service_form_id = %(form)s AND reason = %(no_place)s
    AND occurred_at >= %(lower)s AND occurred_at < %(upper)s
)"""

# (line, row value, column value, weight) of every unit the return counts, by LINES' index.
_FACTS: Final = (
    "SELECT 0, grp, '', 1 FROM people",
    "SELECT 1, grp, '', n FROM covered WHERE n > 0",
    "SELECT v.line, v.val, people.grp, 1 FROM people CROSS JOIN LATERAL (VALUES "
    "(2, gender), (3, age_band), (4, stay_order), (5, client_status), (7, relationship), "
    "(8, violence_duration)) v (line, val)",
    # Violence forms: one per distinct form ticked, "none" for data without any, "missing".
    "SELECT 6, v.form, people.grp, 1 FROM people CROSS JOIN LATERAL ("
    "SELECT DISTINCT x AS form FROM jsonb_array_elements_text("
    "CASE WHEN jsonb_typeof(people.violence_forms) = 'array' THEN people.violence_forms "
    "ELSE '[]'::jsonb END) x "
    "UNION ALL SELECT %(no_forms)s WHERE people.has_data AND CASE "
    "WHEN jsonb_typeof(people.violence_forms) = 'array' "
    "THEN jsonb_array_length(people.violence_forms) = 0 ELSE true END "
    "UNION ALL SELECT %(missing)s WHERE NOT people.has_data) v",
    "SELECT 9, CASE WHEN (arrived_at AT TIME ZONE {tz})::date "
    "BETWEEN %(start)s::date AND %(end)s::date THEN %(began)s ELSE %(earlier)s END, '', 1 "
    "FROM chain",
    "SELECT 10, referral_source, '', 1 FROM (SELECT DISTINCT episode_id, referral_source "
    "FROM chain) f",
    "SELECT 11, '', '', 1 FROM {place} WHERE organisation_id = %(org)s "
    "AND service_form_id = %(form)s AND kind = %(family_place)s "
    "AND (active_from IS NULL OR active_from <= %(end)s::date) "
    "AND CASE WHEN active_until IS NOT NULL THEN %(end)s::date <= active_until ELSE active END",
    "SELECT 12, ta.dest, g.grp, g.n FROM ta CROSS JOIN LATERAL (VALUES "
    "(%(adult)s, ta.adults), (%(child)s, ta.children)) g (grp, n) WHERE g.n > 0",
    "SELECT 13, dest, '', 1 FROM ta",
    "SELECT 14, channel, '', COUNT(*) FROM {linecontact} WHERE organisation_id = %(org)s "
    "AND service_form_id = %(form)s AND occurred_at >= %(lower)s AND occurred_at < %(upper)s "
    "GROUP BY channel",
    # The year-end check's counts (YEAR_END_LINES; used when the period is a calendar year):
    # open stays nobody confirmed as continuing, episodes with a person lacking THL data.
    "SELECT 15, '', '', COUNT(DISTINCT stay_id) FROM m WHERE stay_open AND NOT EXISTS ("
    "SELECT 1 FROM {confirmation} yc WHERE yc.stay_id = m.stay_id AND yc.year = %(year)s)",
    "SELECT 16, '', '', COUNT(DISTINCT episode_id) FROM m WHERE in_period AND NOT has_data",
)
#: The statement's lines after :data:`LINES`: the year-end check's two counts.
YEAR_END_LINES: Final = (15, 16)

# Each line's inner cells (GROUPING 0) and total (3); the margins are summed by ``table_of``.
_SUMS: Final = """
SELECT line, GROUPING(r, c) = 3, r, c, SUM(w)::bigint
FROM facts
GROUP BY line, GROUPING SETS ((r, c), ())
ORDER BY line, GROUPING(r, c), r, c
"""


@functools.cache
def statement() -> str:
    """The statement, with the tables' names filled in."""
    from tupa.episodes.models import Episode, Participant
    from tupa.people.models import Alias, Person
    from tupa.residential.models import (
        LineContact,
        Place,
        ShelterClientData,
        Stay,
        StayMember,
        TurnAway,
        YearEndConfirmation,
    )

    sql = (
        "WITH RECURSIVE "
        + ",".join((_MEMBERS, _PEOPLE, _DAYS, _CHAINS))
        + ",\nfacts (line, r, c, w) AS (\n  "
        + "\n  UNION ALL ".join(_FACTS)
        + "\n)"
        + _SUMS
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
        confirmation=YearEndConfirmation._meta.db_table,
    )


def parameters(params: Params, service_form_id: int) -> dict[str, Any]:
    """The statement's parameters: the organisation, shelter and period, the last complete care
    day (the care-day ledger's :func:`~tupa.residential.care_days.last_complete_date`), and the
    codes of the classifications from the models' choices and the indicators' constants (so a
    renamed code changes both ways of counting alike)."""
    from tupa.episodes.models import Participant
    from tupa.residential.models import Place, TurnAway

    lower, upper = day_bounds(params.start, params.end)
    return {
        "org": params.organisation_id,
        "form": service_form_id,
        "start": params.start,
        "end": params.end,
        "lower": lower,
        "upper": upper,
        "year": params.start.year,
        "open_until": last_complete_date(timezone.now(), rule=DEFAULT_RULE),
        "child_bands": sorted(str(b) for b in thl.CHILD_BANDS),
        "adult_bands": sorted(str(b) for b in thl.ADULT_BANDS),
        "child_role": str(Participant.Role.CHILD),
        "adult": ADULT,
        "child": CHILD,
        "missing": thl.MISSING,
        "no_forms": thl.NO_FORMS,
        "began": BEGAN,
        "earlier": EARLIER,
        "family_place": str(Place.Kind.FAMILY_PLACE),
        "no_place": str(TurnAway.Reason.NO_PLACE),
        "directed_other_shelter": str(TurnAway.DirectedTo.OTHER_SHELTER),
        "other_shelter": OTHER_SHELTER,
        "elsewhere": ELSEWHERE,
    }


def template_lines(template: ReturnTemplate) -> tuple[tuple[str, int, tuple[str, ...]], ...]:
    """``template``'s lines as :data:`LINES` lists them."""
    return tuple(
        (line.indicator, line.version, tuple(line.breakdown)) for _i, line in template.lines()
    )


@shared_read
def year_end_counts_in_run(form: ServiceForm, year: int) -> YearEndCounts:
    """The year-end check's counts of ``form`` in ``year``
    (:func:`~tupa.residential.thl.year_end.year_end_counts`), once per run; when the statement
    counted the return of that year (:func:`counts`), its numbers."""
    return year_end_counts(service_form=form, year=year)


def counts(params: Params) -> dict[int, LineSums] | None:
    """Every line's sums for ``params``, by line index, counted by one statement; ``None``
    where the statement does not apply (not PostgreSQL, a municipality's report, not exactly
    one shelter form): the engine then counts by the units. For a calendar year the statement
    counts the year-end check too (:func:`year_end_counts_in_run`)."""
    if connection.vendor != "postgresql" or params.municipality_id is not None:
        return None
    forms = candidate_forms(params)
    if len(forms) != 1 or not is_shelter(forms[0]):
        return None
    with connection.cursor() as cursor:
        cursor.execute(statement(), parameters(params, forms[0].pk))
        rows = cursor.fetchall()
    found: dict[int, LineSums] = {i: ({}, 0) for i in (*range(len(LINES)), *YEAR_END_LINES)}
    for line, is_total, r, c, value in rows:
        sums, _zero = found[line]
        if is_total:
            found[line] = (sums, int(value))
        elif line < len(LINES) and (ways := len(LINES[line][2])):
            sums[(r, c) if ways == 2 else (r,)] = int(value)
    open_stays, missing = (found.pop(line)[1] for line in YEAR_END_LINES)
    year = params.start.year
    if (params.start, params.end) == (dt.date(year, 1, 1), dt.date(year, 12, 31)):
        remember(
            year_end_counts_in_run,
            forms[0],
            year,
            value=YearEndCounts(unconfirmed_open_stays=open_stays, episodes_missing_data=missing),
        )
    return found
