"""The annual report (*toimintakertomus*) data pack: per service form, the year's key figures
with last year's beside them.

The annual report is public, so small counts of people are suppressed; a figure that counts no
one (opening days, sessions, events) is shown whole (:func:`~.suppression.threshold_for`). Only
per-form figures are published (no organisation totals, no breakdowns), so the pack itself
holds no equation from which a hidden figure could be recovered and primary suppression is
enough: 1–4 shows as "< 5" and the chart draws no bar for it. (Together with another output
that sums the forms, AVI's or the federation's, it can give one away: docs/statistics.md,
*Suppression*, "what it does not cover".) An active form with nothing in either year is named,
not drawn (the workbook keeps its row of zeros); a form no longer active appears only with
figures.

The year's goals of the annual plan (:func:`pack_goals`, ADR 0030 item 5) follow the figures:
each owner's — the association's, each service form's, each working group's — by theme, with
their status and written assessment. They are not suppressed: a goal is a sentence of the
association's published plan and names no one (the assessment's help text says so); the
evidence, which may point into Tupa's own pages, and the assessor stay out of the public pack.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from tupa.core.spreadsheets import append, workbook_bytes
from tupa.core.suppression import PRIMARY, SHOWN, display, is_small
from tupa.organisations.models import ServiceForm
from tupa.planning.models import GoalStatus
from tupa.planning.selectors import OwnerPlan, goals_of_year, grouped

from . import engine
from .indicators import registry as indicators
from .indicators.base import Indicator, Label, Params
from .indicators.reads import one_run
from .suppression import threshold_for

#: Sections of the pack: (title, indicator ids). A form appears under an indicator it applies to.
SECTIONS: tuple[tuple[Label, tuple[str, ...]], ...] = (
    (
        _("Asuminen"),
        ("shelter.clients", "shelter.residence_days", "ensikoti.clients", "residential.care_days"),
    ),
    (_("Avopalvelut"), ("outpatient.clients", "outpatient.visits", "outpatient.contacts")),
    (_("Ryhmät"), ("programmes.participants", "programmes.sessions")),
    (_("Avoin kohtaamispaikka"), ("dropin.visits", "dropin.opening_days")),
    (_("Valvotut tapaamiset"), ("visitation.meetings", "visitation.children")),
    (
        _("Ehkäisevä työ"),
        ("prevention.activities", "prevention.reached", "prevention.materials"),
    ),
)


@dataclass
class Figure:
    form: ServiceForm
    previous: int
    current: int
    threshold: int

    def _text(self, value: int) -> str:
        return display(value, PRIMARY if is_small(value, self.threshold) else SHOWN, self.threshold)

    @property
    def previous_text(self) -> str:
        return self._text(self.previous)

    @property
    def current_text(self) -> str:
        return self._text(self.current)

    @property
    def change_text(self) -> str:
        """The change, unless either year's figure is suppressed (it would reveal it)."""
        if is_small(self.previous, self.threshold) or is_small(self.current, self.threshold):
            return "–"
        change = self.current - self.previous
        return f"+{change}" if change > 0 else str(change)

    @property
    def shown(self) -> tuple[int | None, int | None]:
        """The values a chart may draw (``None`` for a suppressed one: no bar, "< 5")."""
        return (
            None if is_small(self.current, self.threshold) else self.current,
            None if is_small(self.previous, self.threshold) else self.previous,
        )


@dataclass
class PackLine:
    indicator: Indicator
    figures: list[Figure] = field(default_factory=list)
    #: active forms it applies to with nothing in either year: named under the chart, not drawn
    without: list[Figure] = field(default_factory=list)


@dataclass
class PackSection:
    title: str
    lines: list[PackLine] = field(default_factory=list)


def pack(
    *,
    organisation_id: int,
    year: int,
    threshold: int,
    progress: Callable[[int, int], None] | None = None,
) -> list[PackSection]:
    """The pack; ``progress(done, total)`` is called after each indicator (:data:`SECTIONS`)."""
    forms = list(ServiceForm.objects.filter(organisation_id=organisation_id).order_by("name"))
    total, done = sum(len(ids) for _title, ids in SECTIONS), 0
    now = Params(organisation_id, dt.date(year, 1, 1), dt.date(year, 12, 31))
    then = Params(organisation_id, dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31))
    sections = []
    # One run: the organisation's forms and protected persons, and what the indicators of a
    # year share, are read once for the whole pack, not once per indicator and form.
    with one_run():
        for title, ids in SECTIONS:
            section = PackSection(str(title))
            for ind_id in ids:
                indicator = indicators.get(ind_id)
                applicable = [f for f in forms if indicator.applies(f)]
                done += 1
                if not applicable:
                    if progress is not None:
                        progress(done, total)
                    continue
                current = engine.totals_per_form(indicator, now, applicable)
                previous = engine.totals_per_form(indicator, then, applicable)
                line = PackLine(indicator)
                under = threshold_for(indicator, threshold)
                for f in applicable:
                    c, p = current.get(f.pk, 0), previous.get(f.pk, 0)
                    if c or p:
                        line.figures.append(Figure(f, p, c, under))
                    elif f.active:
                        line.without.append(Figure(f, 0, 0, under))
                if line.figures:
                    section.lines.append(line)
                if progress is not None:
                    progress(done, total)
            if section.lines:
                sections.append(section)
    return sections


def pack_goals(*, organisation_id: int, year: int) -> list[OwnerPlan]:
    """The year's goals by owner (the association, the service forms by name, the working
    groups) and theme, with their status and assessment (one query)."""
    return grouped(goals_of_year(organisation_id, year))


def pack_xlsx(
    sections: list[PackSection],
    *,
    title: str,
    year: int,
    goals: Sequence[OwnerPlan] = (),
) -> bytes:
    """The pack as a workbook: the figures (suppressed as on the page), the plan's goals and
    the figures' definitions (cells by :func:`tupa.core.spreadsheets.put`: a name is text,
    never a formula)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = str(_("Luvut"))
    append(sheet, [title])
    sheet["A1"].font = Font(bold=True, size=14)
    header = [
        str(_("Osio")),
        str(_("Luku")),
        str(_("Työmuoto")),
        str(year - 1),
        str(year),
        str(_("Muutos")),
        str(_("Yksikkö")),
    ]
    append(sheet, header, bold=True)

    def value(number: int, text: str) -> int | str:
        return number if text.replace("\xa0", "").lstrip("-").isdigit() else text

    for section in sections:
        for line in section.lines:
            for f in (*line.figures, *line.without):  # the sheet lists every active form
                append(
                    sheet,
                    [
                        section.title,
                        str(line.indicator.title),
                        f.form.name,
                        value(f.previous, f.previous_text),
                        value(f.current, f.current_text),
                        f.change_text,
                        str(line.indicator.unit_label),
                    ],
                )
    for column, width in zip("ABCDEFG", (22, 40, 30, 10, 10, 10, 14), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A3"
    _goals_sheet(book, goals)
    definitions = book.create_sheet(str(_("Määritelmät")))
    append(
        definitions,
        [str(_("Indikaattori")), str(_("Otsikko")), str(_("Laskentasääntö"))],
        bold=True,
    )
    for section in sections:
        for line in section.lines:
            ind = line.indicator
            append(definitions, [ind.key, str(ind.title), str(ind.rule)])
    definitions.column_dimensions["C"].width = 100
    return workbook_bytes(book)


def _goals_sheet(book: Any, goals: Sequence[OwnerPlan]) -> None:
    """The sheet "Tavoitteet": owner, theme, goal, status, assessment; one row a goal."""
    sheet = book.create_sheet(str(_("Tavoitteet")))
    header = [
        str(_("Työmuoto tai työryhmä")),
        str(_("Painopiste")),
        str(_("Tavoite")),
        str(_("Tila")),
        str(_("Arvio")),
    ]
    append(sheet, header, bold=True)
    for owner in goals:
        for theme in owner.themes:
            for goal in theme.goals:
                append(
                    sheet,
                    [
                        str(owner.label),
                        str(theme.label),
                        goal.text,
                        str(GoalStatus(goal.status).label),
                        goal.assessment,
                    ],
                )
    for column, width in zip("ABCDE", (30, 36, 60, 18, 80), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
