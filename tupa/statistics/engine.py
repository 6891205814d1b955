"""Compute a return: resolve its service forms, run its indicator lines, build the tables.

Every screen, export, frozen submission and the federation view goes through :func:`run`, so a
figure is counted the same way wherever it is shown: by the indicators' units, or — for a
return whose template has a database count (:attr:`ReturnTemplate.counted_in_database`, ADR
0027) — by the database, whose sums the units check when the return is sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from tupa.core.digest import canonical_sha256
from tupa.core.tables import TOTAL, Key, Table
from tupa.organisations.models import ServiceForm

from .indicators import registry as indicators
from .indicators.base import Indicator, Params, Result
from .indicators.computing import compute
from .indicators.reads import candidate_forms, one_run
from .returns.base import Line, ReturnTemplate
from .suppression import threshold_for
from .tables import build_table, table_of

#: How a :class:`Computed` was counted: by the indicators' units, or by the database.
UNITS = "units"
DATABASE = "database"


@dataclass
class ComputedLine:
    index: int
    line: Line
    indicator: Indicator
    table: Table
    result: Result | None = None  # None when restored from a frozen submission

    @property
    def title(self) -> str:
        return str(self.line.label or self.indicator.title)


@dataclass
class ComputedSection:
    title: str
    note: str
    lines: list[ComputedLine] = field(default_factory=list)
    #: The section shows the form's goals of the year (``Section.plan_goals``).
    plan_goals: bool = False


@dataclass
class Computed:
    template: ReturnTemplate
    params: Params
    sections: list[ComputedSection]
    computed_at: dt.datetime
    problems: list[str] = field(default_factory=list)
    #: :data:`UNITS` (every line keeps its :class:`Result` for the property tests) or
    #: :data:`DATABASE` (the lines have tables only; a drill-down runs the indicator).
    counted_by: str = UNITS

    def lines(self) -> list[ComputedLine]:
        return [line for section in self.sections for line in section.lines]

    def line(self, index: int) -> ComputedLine:
        for line in self.lines():
            if line.index == index:
                return line
        raise KeyError(index)

    def figures_json(self) -> dict[str, Any]:
        """What a submission freezes: each line's indicator version and table, by line index."""
        return {
            str(cl.index): {"indicator": cl.indicator.key, "table": cl.table.as_json()}
            for cl in self.lines()
        }

    def content_hash(self) -> str:
        """SHA-256 of the template, parameters, indicator versions and figures (canonical JSON).

        Of what the figures say, not of how they read (:meth:`~.tables.Table.figures`): the
        same data give the same hash in Finnish, Swedish and English, whatever order the
        database gives the breakdown's rows in, so a return sent by a Finnish user reproduces
        when a Swedish one opens it."""
        payload = {
            "template": self.template.key,
            "params": self.params.as_json(),
            "figures": {
                str(cl.index): {"indicator": cl.indicator.key, "table": cl.table.figures()}
                for cl in self.lines()
            },
        }
        return canonical_sha256(payload)


def forms_for(
    indicator: Indicator, params: Params, forms: list[ServiceForm] | None = None
) -> tuple[int, ...]:
    """The service forms ``indicator`` counts in ``params``."""
    if forms is None:
        forms = candidate_forms(params)
    return tuple(sorted(f.pk for f in forms if indicator.applies(f)))


def resolved(
    indicator: Indicator, params: Params, forms: list[ServiceForm] | None = None
) -> Params:
    """``params`` with the service forms ``indicator`` counts in them."""
    return Params(
        organisation_id=params.organisation_id,
        start=params.start,
        end=params.end,
        service_form_ids=forms_for(indicator, params, forms),
        municipality_id=params.municipality_id,
    )


def run_indicator(
    indicator: Indicator, params: Params, forms: list[ServiceForm] | None = None
) -> Result:
    """``indicator`` on ``params``; ``forms`` are the candidates when the caller has them."""
    return compute(indicator, resolved(indicator, params, forms))


def _by_form(indicator: Indicator) -> bool:
    return any(d.key == "service_form" for d in indicator.dimensions)


def _per_form(result: Result) -> dict[int, int]:
    return {int(k[0]): v for k, v in result.by("service_form").items() if k[0].isdigit()}


def totals_per_form(
    indicator: Indicator, params: Params, forms: list[ServiceForm]
) -> dict[int, int]:
    """The indicator's total for each of ``forms`` (one run when it has a service-form dimension).

    ``params.service_form_ids`` is ignored: the forms are ``forms``.
    """
    org, start, end = params.organisation_id, params.start, params.end
    if _by_form(indicator):
        ids = tuple(f.pk for f in forms)
        return _per_form(run_indicator(indicator, Params(org, start, end, ids), forms))
    return {
        f.pk: run_indicator(indicator, Params(org, start, end, (f.pk,)), [f]).total for f in forms
    }


def form_tables(computed: Computed) -> dict[str, Table]:
    """For each indicator of ``computed`` that counts people and sums several service forms,
    its figure per form as a one-way table with the lines' total: what the forms' own outputs
    (the annual pack, each form's STEA report) publish unless small, and so what an attacker
    subtracts from the sum (:func:`.suppression.suppress_computed`). The figures are the
    pack's own (:func:`totals_per_form`).

    A return about one municipality's residents has none: no output publishes a form's
    figure of one municipality's residents, so there is nothing to subtract.
    """
    params = computed.params
    if params.municipality_id is not None or len(params.service_form_ids) == 1:
        return {}  # one municipality's residents, or one form: nothing to subtract
    out: dict[str, Table] = {}
    with one_run():
        forms = candidate_forms(params)
        for cl in computed.lines():
            indicator = cl.indicator
            if indicator.key in out or not threshold_for(indicator):  # nothing hidden anyway
                continue
            summed = [f for f in forms if indicator.applies(f)]
            if len(summed) < 2:
                continue
            per_form = (
                _per_form(cl.result)  # the forms the line counts are ``summed``
                if cl.result is not None and _by_form(indicator)
                else totals_per_form(indicator, params, summed)
            )
            values: dict[Key, int] = {
                ("cell", str(f.pk), ""): per_form.get(f.pk, 0) for f in summed
            }
            values[TOTAL] = cl.table.total
            out[indicator.key] = Table(
                row_dimension="service_form",
                rows=[(str(f.pk), f.name) for f in summed],
                values=values,
            )
    return out


def run(
    template: ReturnTemplate,
    params: Params,
    progress: Callable[[int, int], None] | None = None,
    *,
    by_units: bool = False,
) -> Computed:
    """Compute every line of ``template`` for ``params``.

    Counted by the database when the template can (:attr:`ReturnTemplate.counted_in_database`)
    and ``by_units`` is false; else by the indicators' units, which the lines keep (the
    drill-down's and the property tests'). ``progress(done, total)`` is called after each line
    (a background export shows it).
    """
    sections = []
    index = 0
    results: dict[str, Result] = {}  # an indicator on several lines is computed once
    total = sum(len(section.lines) for section in template.sections)
    with one_run():  # and the records several indicators count are read once (reads.py)
        counted = (
            None
            if by_units or template.counted_in_database is None
            else template.counted_in_database(params)
        )
        forms = candidate_forms(params)
        for section in template.sections:
            computed = ComputedSection(
                str(section.title), str(section.note), plan_goals=section.plan_goals
            )
            for line in section.lines:
                indicator = indicators.get(line.indicator, line.version)
                result: Result | None = None
                if counted is not None:
                    sums, line_total = counted[index]
                    table = table_of(
                        indicator,
                        resolved(indicator, params, forms),
                        line.breakdown,
                        sums,
                        line_total,
                    )
                else:
                    result = results.get(indicator.key)
                    if result is None:
                        result = results[indicator.key] = run_indicator(indicator, params, forms)
                    table = build_table(result, line.breakdown)
                computed.lines.append(ComputedLine(index, line, indicator, table, result))
                index += 1
                if progress is not None:
                    progress(index, total)
            sections.append(computed)
        problems = template.checks(params) if template.checks else []
    return Computed(
        template,
        params,
        sections,
        timezone.now(),
        problems,
        counted_by=UNITS if counted is None else DATABASE,
    )


def restore(template: ReturnTemplate, params: Params, figures: dict[str, Any]) -> Computed:
    """A frozen submission's figures as a :class:`Computed` (no recomputation)."""
    sections = []
    index = 0
    for section in template.sections:
        computed = ComputedSection(
            str(section.title), str(section.note), plan_goals=section.plan_goals
        )
        for line in section.lines:
            frozen = figures[str(index)]
            ind_id, _, version = frozen["indicator"].rpartition("@")
            indicator = indicators.get(ind_id, int(version))
            computed.lines.append(
                ComputedLine(index, line, indicator, Table.from_json(frozen["table"]))
            )
            index += 1
        sections.append(computed)
    return Computed(template, params, sections, timezone.now())
