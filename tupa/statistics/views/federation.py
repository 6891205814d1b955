"""The federation's view: members' shared, suppressed returns side by side and summed.

Only what members sent (frozen, suppressed) is shown: never a record, a name or a drill-down.
A sum over members adds the shown figures; where a member's figure is suppressed the sum is a
lower bound ("≥"), counting a "< 5" as 1 and an "x" as 0, so no suppressed figure can be
recovered from the sum: the bound follows from what is shown. A "< 5" beside a total that is
a "< 5" may be a zero (ADR 0036) and counts as 0; which ones those are follows from the states
alone (``suppression.may_be_zero``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tupa.access import statistics as access
from tupa.access.marks import login_only, object_scoped, user_of
from tupa.core.suppression import PRIMARY, SHOWN, display, number_text
from tupa.core.tables import Key
from tupa.organisations.models import Organisation

from .. import services, suppression
from ..models import Federation, Submission
from ..returns import registry as returns
from ..returns.base import Recipient


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


@dataclass
class FederationLine:
    title: str
    labels: list[str]
    section: str
    members: list[tuple[str, list[str]]] = field(default_factory=list)
    sums: list[str] = field(default_factory=list)


def _parts(table: Any) -> list[tuple[Key, str]]:
    rows, cols = dict(table.rows), dict(table.cols)
    parts: list[tuple[Key, str]] = []
    for key in table.keys():  # noqa: SIM118 - Table.keys(), not a dict
        if key[0] == "cell":
            parts.append((key, " / ".join(x for x in (rows.get(key[1]), cols.get(key[2])) if x)))
    return [*parts, (("total",), "")]


@object_scoped
@require_GET
def federation_return(request: HttpRequest, template_id: str, year: int) -> HttpResponse:
    federation = _federation_or_404(request)
    subs = [
        s
        for s in _shared(federation)
        if s.template_id == template_id and s.period_start.year == year
    ]
    if not subs:
        raise Http404
    # Members' figures are summed line by line, so only returns of one version of the template
    # (the newest any member sent); a member who sent another version is named, not summed.
    version = max(s.template_version for s in subs)
    other_versions = [s for s in subs if s.template_version != version]
    subs = [s for s in subs if s.template_version == version]
    template = returns.get(template_id, version)
    # Each line's section by its index (equal Line values may stand in two sections).
    section_of = [str(section.title) for section in template.sections for _ in section.lines]
    restored = {s.pk: services.frozen(s) for s in subs}
    states_of = {s.pk: services.states_from_json(s.suppression, restored[s.pk]) or {} for s in subs}
    zero_of = {s.pk: suppression.may_be_zero(restored[s.pk], states_of[s.pk]) for s in subs}
    lines: list[FederationLine] = []
    for index, _line in template.lines():
        fline: FederationLine | None = None
        sums: dict[Key, int] = defaultdict(int)
        partial: set[Key] = set()
        for s in subs:
            sent = restored[s.pk].line(index)
            states = states_of[s.pk].get(index, {})
            parts = _parts(sent.table)
            if fline is None:
                fline = FederationLine(
                    sent.title, [label for _k, label in parts], section=section_of[index]
                )
            texts = []
            for key, _label in parts:
                state = states.get(key, SHOWN)
                value = sent.table.values.get(key, 0)
                texts.append(display(value, state, s.suppression_threshold or 5))
                if state == SHOWN:
                    sums[key] += value
                else:  # a "< 5" is at least 1 unless it may be a zero; an "x" at least 0
                    at_least_one = state == PRIMARY and key not in zero_of[s.pk].get(index, ())
                    sums[key] += 1 if at_least_one else 0
                    partial.add(key)
            fline.members.append((s.organisation.name, texts))
        if fline is not None:
            for key, _label in _parts(restored[subs[0].pk].line(index).table):
                text = number_text(sums[key])
                fline.sums.append(f"≥ {text}" if key in partial else text)
            lines.append(fline)
    return render(
        request,
        "statistics/federation_return.html",
        {
            "federation": federation,
            "template": template,
            "other_versions": [s.organisation.name for s in other_versions],
            "year": year,
            "sections": [
                (title, list(group)) for title, group in groupby(lines, key=lambda fl: fl.section)
            ],
            "members": [Organisation(pk=s.organisation_id, name=s.organisation.name) for s in subs],
        },
    )
