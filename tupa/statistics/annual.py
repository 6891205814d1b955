"""The annual report (*toimintakertomus*) data pack: per service form, the year's key figures
with last year's beside them.

The annual report is public, so small counts of people are suppressed; a figure that counts no
one (opening days, sessions, events, courses held) is shown whole
(:func:`~.suppression.threshold_for`). Only per-form figures are published (no organisation
totals, no breakdowns), so the pack itself holds no equation from which a hidden figure could be
recovered and primary suppression is enough: 1–4 shows as "< 5", the chart draws no bar for it
and the change beside it is left empty. The outputs that sum forms (AVI's supervision data, the
Federation's member statistics) are suppressed against these published figures (ADR 0032,
docs/statistics.md, *Suppression*: "A sum of service forms is linked to the forms' own
figures"), so the pack beside them gives no small figure away. An active form with nothing in
either year is named, not drawn (the workbook keeps its row of zeros); a form no longer active
appears only with figures.

Volunteer work (:data:`VOLUNTEER_LINES`) is counted in every form a volunteer has tasks in: a
form with volunteer figures is shown, but only a volunteer form (``ServiceForm.Kind.VOLUNTEER``)
is named when it has none — every other form would otherwise be named under each volunteer
figure. Volunteer hours are counted in hundredths of an hour and shown with two decimals; they
are suppressed as the returns suppress them (in the counted unit, as STEA's report of the form).

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
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tupa.core.spreadsheets import append, finnish_csv, put, workbook_bytes
from tupa.core.suppression import PRIMARY, SHOWN, display, is_small, number_text, scaled
from tupa.organisations.models import ServiceForm
from tupa.planning.models import GoalStatus
from tupa.planning.selectors import OwnerPlan, goals_of_year, grouped

from . import engine
from .indicators import registry as indicators
from .indicators.base import Indicator, Label, Params
from .indicators.reads import one_run
from .suppression import threshold_for

#: The volunteer work's key figures: the volunteers (with a task, and taking part), the new ones,
#: the hours, the courses held and completed, and the friendships (matches) started and ended.
VOLUNTEER_LINES = (
    "volunteers.volunteers",
    "volunteers.participants",
    "volunteers.new",
    "volunteers.hours",
    "volunteers.courses",
    "volunteers.completions",
    "volunteers.matches_started",
    "volunteers.matches_ended",
)

#: A change's number format in the workbook: with its sign (``+3``, ``-2``, ``0``).
CHANGE_FORMAT = "+#,##0;-#,##0;0"
#: ... and of a figure counted in hundredths (hours: ``+8,67``).
CHANGE_FORMAT_DECIMALS = "+#,##0.00;-#,##0.00;0.00"

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
    (_("Vapaaehtoistoiminta"), VOLUNTEER_LINES),
)


@dataclass
class Figure:
    form: ServiceForm
    previous: int
    current: int
    threshold: int
    #: the indicator's decimals (hours are counted in hundredths): shown as its returns show it
    decimals: int = 0

    def hidden(self, value: int) -> bool:
        return is_small(value, self.threshold)

    def _text(self, value: int) -> str:
        state = PRIMARY if self.hidden(value) else SHOWN
        return display(value, state, self.threshold, decimals=self.decimals)

    @property
    def previous_text(self) -> str:
        return self._text(self.previous)

    @property
    def current_text(self) -> str:
        return self._text(self.current)

    @property
    def change(self) -> int | None:
        """The change, unless either year's figure is suppressed (it would reveal it)."""
        if self.hidden(self.previous) or self.hidden(self.current):
            return None
        return self.current - self.previous

    @property
    def change_text(self) -> str:
        """The change with its sign (+3, -2, 0), grouped and with decimals as the figures are;
        "–" when suppressed."""
        change = self.change
        if change is None:
            return "–"
        text = number_text(abs(change), self.decimals)
        return f"+{text}" if change > 0 else f"-{text}" if change else text

    def exported(self, value: int) -> int | Decimal | str:
        """A year's figure in a file: the number (hours with their decimals), or "< 5"."""
        return self._text(value) if self.hidden(value) else scaled(value, self.decimals)

    @property
    def exported_change(self) -> int | Decimal | None:
        """The change in a file: a number, or nothing when it is suppressed."""
        change = self.change
        return None if change is None else scaled(change, self.decimals)

    @property
    def shown(self) -> tuple[int | None, int | None]:
        """The values a chart may draw (``None`` for a suppressed one: no bar, "< 5")."""
        return (
            None if self.hidden(self.current) else self.current,
            None if self.hidden(self.previous) else self.previous,
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
                under, decimals = threshold_for(indicator, threshold), indicator.decimals
                for f in applicable:
                    c, p = current.get(f.pk, 0), previous.get(f.pk, 0)
                    if c or p:
                        line.figures.append(Figure(f, p, c, under, decimals))
                    elif f.active and _named_without_figures(ind_id, f):
                        line.without.append(Figure(f, 0, 0, under, decimals))
                if line.figures:
                    section.lines.append(line)
                if progress is not None:
                    progress(done, total)
            if section.lines:
                sections.append(section)
    return sections


def _named_without_figures(indicator_id: str, form: ServiceForm) -> bool:
    """Whether an active form with nothing in either year is named under the figure: a
    volunteer figure applies to every form (volunteers have tasks in any), but only a volunteer
    form is named without one."""
    return indicator_id not in VOLUNTEER_LINES or form.kind == ServiceForm.Kind.VOLUNTEER


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
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = str(_("Luvut"))
    append(sheet, [title])
    sheet["A1"].font = Font(bold=True, size=14)
    append(sheet, _header(year), bold=True)
    right = Alignment(horizontal="right")
    for row, decimals in _rows(sections):
        number = append(sheet, row)
        for col in (4, 5):  # a year's figure, or its "< 5" aligned like one
            cell = put(sheet, number, col, row[col - 1], number_format=_figure_format(decimals))
            cell.alignment = right
        # the change as a number with its sign; empty when either year is suppressed
        put(sheet, number, 6, row[5], number_format=_change_format(decimals))
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
    return workbook_bytes(book, title=title, subject=_subject(year))


def _subject(year: int) -> str:
    return str(
        _("Toimintakertomuksen luvut työmuodoittain: %(year)s ja %(previous)s")
        % {"year": year, "previous": year - 1}
    )


def _header(year: int) -> list[str]:
    return [
        str(_("Osio")),
        str(_("Luku")),
        str(_("Työmuoto")),
        str(year - 1),
        str(year),
        str(_("Muutos")),
        str(_("Yksikkö")),
    ]


def _rows(sections: list[PackSection]) -> list[tuple[list[Any], int]]:
    """The figures' rows of the workbook and the CSV — section, figure, form, last year, this
    year, change (empty when suppressed), unit — each with the figure's decimals."""
    return [
        (
            [
                section.title,
                str(line.indicator.title),
                f.form.name,
                f.exported(f.previous),
                f.exported(f.current),
                f.exported_change,
                str(line.indicator.unit_label),
            ],
            f.decimals,
        )
        for section in sections
        for line in section.lines
        for f in (*line.figures, *line.without)  # every active form: its zeros too
    ]


def _figure_format(decimals: int) -> str:
    return "#,##0.00" if decimals else "#,##0"


def _change_format(decimals: int) -> str:
    return CHANGE_FORMAT_DECIMALS if decimals else CHANGE_FORMAT


def pack_csv(sections: list[PackSection], *, year: int) -> bytes:
    """The pack's figures as a Finnish CSV (:func:`tupa.core.spreadsheets.finnish_csv`): the
    workbook's sheet "Luvut" without its title row, suppressed as on the page."""
    return finnish_csv(_header(year), [row for row, _decimals in _rows(sections)])


def _goals_sheet(book: Any, goals: Sequence[OwnerPlan]) -> None:
    """The sheet "Tavoitteet": owner, theme, goal, status, assessment; one row a goal."""
    sheet = book.create_sheet(str(_("Tavoitteet")))
    header = [
        str(_("Työmuoto tai työryhmä")),
        str(_("Painopiste")),
        str(_("Tavoite")),
        str(_("Tila")),
        str(pgettext_lazy("tavoitteen arvio", "Arvio")),
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
