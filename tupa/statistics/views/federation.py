"""The federation's view: members' shared, suppressed returns side by side and summed.

Only what members sent (frozen, suppressed) is shown: never a record, a name or a drill-down.
A sum over members adds the shown figures; where a member's figure is suppressed the sum is a
lower bound ("≥"), counting a "< 5" as 1 and an "x" as 0, so no suppressed figure can be
recovered from the sum: the bound follows from what is shown. A "< 5" beside a total that is
a "< 5" may be a zero (ADR 0036) and counts as 0; which ones those are follows from the states
alone (``suppression.may_be_zero``).

The page's CSV and XLSX (:func:`federation_export`) hold exactly what it shows, a row per part
of every line and a column per member and for the sum, written by the one CSV/XLSX writer
(:mod:`tupa.core.spreadsheets`) with the return exports' legend, definitions and facts sheets.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tupa.access import statistics as access
from tupa.access.marks import login_only, object_scoped, user_of
from tupa.core.spreadsheets import (
    csv_response,
    finnish_csv,
    finnish_number,
    put,
    workbook_bytes,
    xlsx_response,
)
from tupa.core.suppression import DEFAULT_THRESHOLD, PRIMARY, SHOWN, display, number_text
from tupa.core.tables import Key
from tupa.core.wallclock import fi_moment
from tupa.organisations.models import Organisation

from .. import exports, services, suppression
from ..engine import Computed
from ..models import Federation, Submission
from ..returns import registry as returns
from ..returns.base import Recipient, ReturnTemplate


def _federation_or_404(request: HttpRequest) -> Federation:
    user = user_of(request)
    federation = Federation.objects.filter(office_id=user.organisation_id).first()
    if federation is None or not access.may_see_federation(user):
        raise Http404
    return federation


def _shared(federation: Federation) -> Any:
    """The newest federation return each member sent per template and year."""
    members = federation.memberships.values("organisation_id")
    rows = (
        Submission.objects.filter(organisation_id__in=members, recipient=Recipient.FEDERATION)
        .select_related("organisation")
        .order_by("organisation__name", "-submitted_at", "-pk")
    )
    newest: dict[tuple[int, str, int], Submission] = {}
    for s in rows:
        newest.setdefault((s.organisation_id, s.template_id, s.period_start.year), s)
    return list(newest.values())


@login_only
@require_GET
def federation_index(request: HttpRequest) -> HttpResponse:
    federation = _federation_or_404(request)
    shared = _shared(federation)
    years: dict[tuple[str, int], list[Submission]] = defaultdict(list)
    for s in shared:
        years[(s.template_id, s.period_start.year)].append(s)
    rows = [
        {
            "template_id": template_id,
            "title": returns.get(template_id).title,
            "year": year,
            "members": len(subs),
        }
        for (template_id, year), subs in sorted(years.items(), key=lambda kv: (-kv[0][1], kv[0][0]))
    ]
    return render(
        request,
        "statistics/federation_index.html",
        {
            "federation": federation,
            "rows": rows,
            "member_count": federation.memberships.count(),
        },
    )


#: A figure as the exports write it: a shown one as its number, a suppressed one as its mark
#: (``"< 5"``, ``"x"``), a sum over a suppressed figure as its bound (``"≥ 14"``).
Figure = int | str


@dataclass
class FederationLine:
    title: str
    labels: list[str]
    section: str
    #: Each member's name and figures as the page shows them (text)…
    members: list[tuple[str, list[str]]] = field(default_factory=list)
    sums: list[str] = field(default_factory=list)
    #: … and the same figures for the exports (numbers as numbers), in the same order.
    member_figures: list[list[Figure]] = field(default_factory=list)
    sum_figures: list[Figure] = field(default_factory=list)
    #: The members whose version of the return has no such line ("–", not in the sums).
    missing: list[str] = field(default_factory=list)


@dataclass
class FederationReturn:
    """One template and year over the members: what the page and its exports show."""

    template: ReturnTemplate
    year: int
    members: list[Submission]
    other_versions: list[str]
    lines: list[FederationLine]
    #: A newest-version member's return as sent: its lines' definitions (the lines shown) for
    #: the workbook's definitions sheet.
    definitions: Computed
    thresholds: list[int]


def _parts(table: Any) -> list[tuple[Key, str]]:
    rows, cols = dict(table.rows), dict(table.cols)
    parts: list[tuple[Key, str]] = []
    for key in table.keys():  # noqa: SIM118 - Table.keys(), not a dict
        if key[0] == "cell":
            parts.append((key, " / ".join(x for x in (rows.get(key[1]), cols.get(key[2])) if x)))
    return [*parts, (("total",), "")]


def _slots(template: ReturnTemplate) -> list[tuple[str, Any]]:
    """Each line of ``template`` as (its section's title, the line), in order."""
    return [(str(section.title), line) for section in template.sections for line in section.lines]


def _same_lines(newest: ReturnTemplate, other: ReturnTemplate) -> list[int | None]:
    """For each line of ``newest``, the index of the same line in ``other`` — the same
    indicator version, breakdown and label, so the same figure, in whichever section — or None:
    a member who sent ``other`` is summed on the lines the versions share (in order, for a line
    that stands twice)."""
    free = [(index, line) for index, line in other.lines()]
    found: list[int | None] = []
    for _index, line in newest.lines():
        match = next((n for n, (_i, candidate) in enumerate(free) if candidate == line), None)
        found.append(None if match is None else free.pop(match)[0])
    return found


def _federation_return(federation: Federation, template_id: str, year: int) -> FederationReturn:
    subs = [
        s
        for s in _shared(federation)
        if s.template_id == template_id and s.period_start.year == year
    ]
    if not subs:
        raise Http404
    # Members' figures are summed line by line in the newest version any member sent. A member
    # who sent another version is summed on the lines the two versions share (the same
    # indicator version and breakdown: the same figure) and shows "–" on the others.
    version = max(s.template_version for s in subs)
    other_versions = [s for s in subs if s.template_version != version]
    template = returns.get(template_id, version)
    index_in = {
        v: _same_lines(template, returns.get(template_id, v))
        for v in {s.template_version for s in subs}
    }
    # Each line's section by its index (equal Line values may stand in two sections).
    section_of = [title for title, _line in _slots(template)]
    restored = {s.pk: services.frozen(s) for s in subs}
    states_of = {s.pk: services.states_from_json(s.suppression, restored[s.pk]) or {} for s in subs}
    zero_of = {s.pk: suppression.may_be_zero(restored[s.pk], states_of[s.pk]) for s in subs}
    newest = next(s for s in subs if s.template_version == version)
    lines: list[FederationLine] = []
    for index, _line in template.lines():
        first = restored[newest.pk].line(index)
        fline = FederationLine(
            first.title, [label for _k, label in _parts(first.table)], section=section_of[index]
        )
        sums: dict[Key, int] = defaultdict(int)
        partial: set[Key] = set()
        for s in subs:
            at = index_in[s.template_version][index]
            if at is None:
                fline.members.append((s.organisation.name, ["–"] * len(fline.labels)))
                fline.member_figures.append(["–"] * len(fline.labels))
                fline.missing.append(s.organisation.name)
                continue
            sent = restored[s.pk].line(at)
            states = states_of[s.pk].get(at, {})
            parts = _parts(sent.table)
            texts: list[str] = []
            figures: list[Figure] = []
            for key, _label in parts:
                state = states.get(key, SHOWN)
                value = sent.table.values.get(key, 0)
                texts.append(display(value, state, s.suppression_threshold or DEFAULT_THRESHOLD))
                figures.append(value if state == SHOWN else texts[-1])
                if state == SHOWN:
                    sums[key] += value
                else:  # a "< 5" is at least 1 unless it may be a zero; an "x" at least 0
                    at_least_one = state == PRIMARY and key not in zero_of[s.pk].get(at, ())
                    sums[key] += 1 if at_least_one else 0
                    partial.add(key)
            fline.members.append((s.organisation.name, texts))
            fline.member_figures.append(figures)
        for key, _label in _parts(first.table):
            text = number_text(sums[key])
            fline.sums.append(f"≥ {text}" if key in partial else text)
            # A bound is text in a spreadsheet too, its number written plain (no grouping).
            bound = f"≥ {finnish_number(sums[key])}"
            fline.sum_figures.append(bound if key in partial else sums[key])
        lines.append(fline)
    return FederationReturn(
        template=template,
        year=year,
        members=subs,
        other_versions=[s.organisation.name for s in other_versions],
        lines=lines,
        definitions=restored[newest.pk],
        thresholds=sorted({s.suppression_threshold or DEFAULT_THRESHOLD for s in subs}),
    )


@object_scoped
@require_GET
def federation_return(request: HttpRequest, template_id: str, year: int) -> HttpResponse:
    federation = _federation_or_404(request)
    shown = _federation_return(federation, template_id, year)
    return render(
        request,
        "statistics/federation_return.html",
        {
            "federation": federation,
            "template": shown.template,
            "other_versions": shown.other_versions,
            "year": year,
            "sections": [
                (title, list(group))
                for title, group in groupby(shown.lines, key=lambda fl: fl.section)
            ],
            "members": [
                Organisation(pk=s.organisation_id, name=s.organisation.name) for s in shown.members
            ],
        },
    )


# Exports ----------------------------------------------------------------------------------
#
# What the page shows, for a spreadsheet: one row per part of every line (its section, line and
# category), a column per summed member and one for the sum. Shown figures are numbers, the
# members' suppression marks and the sums' bounds text. Nothing else: no record, no person,
# no drill-down. Like the statistics exports (which hold no one's data), nothing is logged.

EXPORT_FORMATS = ("csv", "xlsx")


def _marks(shown: FederationReturn) -> str:
    """What "< 5", "x" and "≥" mean (the statistics exports' legend, and the bounds)."""
    return " ".join(
        [
            *(f"{exports.legend(threshold)}." for threshold in shown.thresholds),
            _("≥ = jäsenten summa on alaraja, koska jonkin jäsenen luku on salattu."),
        ]
    )


def _title(shown: FederationReturn) -> str:
    return f"{shown.template.title} {shown.year}"


def _facts(federation: Federation, shown: FederationReturn) -> list[tuple[str, str]]:
    template = shown.template
    return [
        (_("Ilmoitus"), f"{template.title} ({template.id}@{template.version})"),
        (_("Vuosi"), str(shown.year)),
        (_("Vastaanottaja"), federation.name),
        (_("Jäsenyhdistykset"), ", ".join(s.organisation.name for s in shown.members)),
        *(
            [(_("Toisen version lähettäneet (summissa yhteisillä riveillä)"), ", ".join(names))]
            if (names := shown.other_versions)
            else []
        ),
        (_("Laskettu"), fi_moment(timezone.now())),
        (_("Merkinnät"), _marks(shown)),
    ]


def _header(shown: FederationReturn) -> list[Figure]:
    names = [s.organisation.name for s in shown.members]
    return [_("Osio"), _("Rivi"), _("Luokka"), *names, _("Jäsenet yhteensä")]


def _rows(shown: FederationReturn) -> list[list[Figure]]:
    rows: list[list[Figure]] = []
    for line in shown.lines:
        for n, label in enumerate(line.labels):
            rows.append(
                [
                    line.section,
                    capfirst(line.title),
                    label or _("Yhteensä"),
                    *(figures[n] for figures in line.member_figures),
                    line.sum_figures[n],
                ]
            )
    return rows


def _csv(federation: Federation, shown: FederationReturn) -> bytes:
    """The facts as ``name;value`` rows (the title first), an empty row, then the table."""
    rows: list[list[Figure]] = [[_("Otsikko"), _title(shown)]]
    rows += [[name, text] for name, text in _facts(federation, shown)]
    rows += [[], _header(shown), *_rows(shown)]
    return finnish_csv(None, rows)


def _xlsx(federation: Federation, shown: FederationReturn) -> bytes:
    """The figures ("Luvut": the title, the marks, then the table), their definitions
    ("Määritelmät") and the facts ("Tiedot"), as a return's workbook has them."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("Luvut")
    put(ws, 1, 1, _title(shown)).font = Font(bold=True, size=14)
    put(ws, 2, 1, federation.name)
    put(ws, 3, 1, _marks(shown)).font = Font(italic=True)
    row = 4
    if shown.other_versions:
        put(ws, row, 1, _("Toisen version lähettäneet (summissa yhteisillä riveillä)"))
        put(ws, row, 2, ", ".join(shown.other_versions))
        row += 1
    row += 1
    header = _header(shown)
    for col, text in enumerate(header, start=1):
        put(ws, row, col, text, bold=True)
    ws.freeze_panes = f"D{row + 1}"
    for values in _rows(shown):
        row += 1
        for col, value in enumerate(values, start=1):
            if col <= 3:
                put(ws, row, col, value)
                continue
            cell = put(ws, row, col, value, number_format="#,##0", bold=col == len(values))
            if isinstance(value, str):  # a mark or a bound: text, aligned as a figure
                cell.alignment = Alignment(horizontal="right")
    for col, text in enumerate(header, start=1):
        width = (30, 50, 30)[col - 1] if col <= 3 else min(max(len(str(text)) + 2, 12), 40)
        ws.column_dimensions[get_column_letter(col)].width = width
    exports.definitions_sheet(wb.create_sheet(_("Määritelmät")), shown.definitions)
    exports.meta_sheet(wb.create_sheet(_("Tiedot")), _facts(federation, shown))
    return workbook_bytes(wb, title=_title(shown), subject=federation.name)


@object_scoped
@require_GET
def federation_export(request: HttpRequest, template_id: str, year: int, fmt: str) -> HttpResponse:
    """The page as a Finnish Excel CSV or an XLSX workbook (same access as the page)."""
    federation = _federation_or_404(request)
    if fmt not in EXPORT_FORMATS:
        raise Http404
    shown = _federation_return(federation, template_id, year)
    filename = f"liitto-{template_id}-{year}.{fmt}"
    if fmt == "csv":
        return csv_response(_csv(federation, shown), filename)
    return xlsx_response(_xlsx(federation, shown), filename)
