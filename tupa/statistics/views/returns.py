"""The return pages: one return, the drill-down from a figure, exports, sending (the catalogue
of returns is `catalogue.py`)."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from tupa.access import clients
from tupa.access import statistics as access
from tupa.access.marks import object_scoped, user_of
from tupa.access.planning import may_view_plan
from tupa.access.policy import Basis
from tupa.audit.models import Action
from tupa.audit.services import record_access
from tupa.core.dates import fi_date
from tupa.core.downloads import download
from tupa.core.pdf import html_to_pdf
from tupa.core.shapes import Shape, Slots
from tupa.core.suppression import number_text
from tupa.core.wallclock import fi_moment
from tupa.episodes.models import Episode
from tupa.prevention.models import Activity, Delivery
from tupa.volunteers.models import Volunteer

from .. import engine, exports, plan_goals, services
from ..indicators.base import (
    ACTIVITY_RECORDS,
    DELIVERY_RECORDS,
    VOLUNTEER_RECORDS,
    Indicator,
    Params,
    Result,
)
from ..indicators.dimensions import MONTH
from ..indicators.protection import NEVER_DRILLED
from ..jobs import CONTENT_TYPES, Output, Progress
from ..models import Submission
from ..present import grant_targets_text, present, present_line
from ..returns.base import GrantsRegister, Line, Recipient
from ..services import NOTE_MAX_LENGTH
from ..tables import build_table
from .common import Subject, subject_or_404

#: At most this many records are listed under a figure (the count is always exact).
RECORD_LIMIT = 200


def _goals(subject: Subject) -> list[plan_goals.Goal] | None:
    """The form's goals of the year when the return shows them (STEA's section I), else None."""
    if not subject.template.has_plan_goals or subject.service_form is None:
        return None
    return plan_goals.of_form(subject.params.organisation_id, subject.service_form.pk, subject.year)


def _context(request: HttpRequest, subject: Subject) -> dict[str, Any]:
    computed = engine.run(subject.template, subject.params)
    states = services.states_for(computed)
    user = user_of(request)
    sent = _sent(subject)
    goals = _goals(subject)
    return {
        "plan_goals": None if goals is None else plan_goals.by_theme(goals),
        "goals_digest": "" if goals is None else plan_goals.digest(goals),
        "goals_year": subject.year,
        "plan_url": reverse("planning:year", args=[subject.year]) if may_view_plan(user) else "",
        "subject": subject,
        "template": subject.template,
        "computed": computed,
        "sections": present(
            computed,
            states,
            base=subject.query_params or None,
            drill_url=lambda index: reverse(
                "statistics:drill", args=[subject.template.id, subject.year, subject.key, index]
            ),
        ),
        "suppressed": states is not None,
        "threshold": services.THRESHOLD,
        "submissions": sent,
        "may_send": access.may_send_return(user, subject.template, subject.service_form),
        "deadline": _deadline(subject),
        "grants_text": _grants_text(subject),
    }


def _deadline(subject: Subject) -> dt.date | None:
    """The return's deadline: a STEA report's from the grants register when it has one (one
    query, only for a report with grants), as in the catalogue and the overview."""
    grants = (
        subject.template.grants_for(subject.service_form, subject.year)
        if subject.service_form is not None
        else []
    )
    register = GrantsRegister.of_year(subject.params.organisation_id, subject.year)
    return register.deadline(subject.template, grants, subject.year)


@functools.cache
def _submissions(by_form: bool, by_municipality: bool) -> Shape:
    """The sendings of a return's period (the return page lists them): a shape compiled once
    per connection (ADR 0026, second addendum), one for each kind of subject (a form, a
    municipality or the organisation, whose missing ones are ``IS NULL``)."""

    def build(s: Slots) -> QuerySet[Submission]:
        subject = Q(service_form_id=s.form) if by_form else Q(service_form__isnull=True)
        subject &= (
            Q(municipality_id=s.municipality) if by_municipality else Q(municipality__isnull=True)
        )
        return Submission.objects.filter(
            subject, organisation_id=s.organisation, template_id=s.template, period_start=s.start
        ).select_related("submitted_by")

    return Shape(build, name=f"sendings (form: {by_form}, municipality: {by_municipality})")


def _sent(subject: Subject) -> list[Submission]:
    values: dict[str, Any] = {
        "organisation": subject.params.organisation_id,
        "template": subject.template.id,
        "start": subject.params.start,
    }
    if subject.service_form is not None:
        values["form"] = subject.service_form.pk
    if subject.municipality is not None:
        values["municipality"] = subject.municipality.pk
    shape = _submissions(subject.service_form is not None, subject.municipality is not None)
    return shape.instances(**values)


def _grants_text(subject: Subject) -> str:
    """The grant targets the return reports on (a STEA report: its grants of the year)."""
    if subject.service_form is None:
        return ""
    funded = subject.template.grants_for(subject.service_form, subject.year)
    return grant_targets_text(services.grant_targets(funded))


@object_scoped
@require_GET
def return_page(request: HttpRequest, template_id: str, year: int, key: str) -> HttpResponse:
    subject = subject_or_404(request, template_id, year, key)
    return render(request, "statistics/return.html", _context(request, subject))


def _selection(request: HttpRequest, result: Result) -> dict[str, str]:
    """The drill-down cell from the query string: known dimensions and values only, else 404."""
    selection = {}
    for dimension in result.indicator.dimensions:
        value = request.GET.get(dimension.key)
        if value is None:
            continue
        if dimension.key in NEVER_DRILLED:
            raise Http404
        if value not in {v for v, _ in dimension.values(result.params)}:
            raise Http404
        selection[dimension.key] = value
    return selection


@object_scoped
@require_GET
def drill(request: HttpRequest, template_id: str, year: int, key: str, line: int) -> HttpResponse:
    """The units behind one figure of a return."""
    subject = subject_or_404(request, template_id, year, key)
    lines = dict(subject.template.lines())
    if line not in lines:
        raise Http404
    spec = lines[line]
    from ..indicators import registry as indicators

    indicator = indicators.get(spec.indicator, spec.version)
    back = reverse("statistics:return", args=[subject.template.id, subject.year, subject.key])
    return drill_page(
        request,
        indicator=indicator,
        params=subject.params,
        title=str(spec.label or indicator.title),
        heading=f"{subject.label} {subject.period_label}",
        back_url=f"{back}{subject.query}#luku-{line}",
        back_label=str(subject.template.title),
    )


def drill_page(
    request: HttpRequest,
    *,
    indicator: Indicator,
    params: Params,
    title: str,
    heading: str,
    back_url: str,
    back_label: str,
) -> HttpResponse:
    """A figure's breakdown by month and by each dimension, and the records the viewer may see."""
    result = engine.run_indicator(indicator, params)
    selection = _selection(request, result)
    cell = Result(indicator, result.params, list(result.matching(selection)))
    labels = {
        d.key: dict(d.values(result.params)) for d in indicator.dimensions if d.key in selection
    }
    chosen = [
        (str(indicator.dimension(k).label), str(labels[k].get(v, v))) for k, v in selection.items()
    ]
    breakdowns = []
    order = sorted(indicator.dimensions, key=lambda d: d.key != MONTH.key)
    for dimension in order:
        if dimension.key in selection or dimension.key in NEVER_DRILLED:
            continue
        table = build_table(cell, (dimension.key,))
        shown = present_line(
            engine.ComputedLine(0, Line(indicator.id, indicator.version), indicator, table, cell),
            None,
            drillable=False,
        )
        for row, (value, _label) in zip(shown.rows, table.rows, strict=True):
            query = request.GET.copy()
            query[dimension.key] = value
            for c in row.cells:
                c.query = query.urlencode()
        breakdowns.append((str(dimension.label), shown))
    records: list[dict[str, Any]] = []
    hidden = 0
    if indicator.records and indicator.record_kind == VOLUNTEER_RECORDS:
        records, hidden = _volunteer_records(request, cell)
    elif indicator.records and indicator.record_kind in (ACTIVITY_RECORDS, DELIVERY_RECORDS):
        records, hidden = _prevention_records(request, cell)
    elif indicator.records:
        records, hidden = _records(request, cell)
    return render(
        request,
        "statistics/drill.html",
        {
            "indicator": indicator,
            "title": title,
            "heading": heading,
            "chosen": chosen,
            "total": number_text(cell.total, indicator.decimals),
            "breakdowns": breakdowns,
            "records": records,
            "hidden": hidden,
            "record_limit": RECORD_LIMIT,
            "back_url": back_url,
            "back_label": back_label,
        },
    )


def _weight_by_record(cell: Result, key: str) -> dict[int, int]:
    """What each record behind ``cell`` counts for: the units' weights summed by their
    ``key`` (``episode_id``, or ``record_id`` for the other record kinds)."""
    weight: dict[int, int] = defaultdict(int)
    for u in cell.units:
        record = getattr(u, key)
        if record is not None:
            weight[record] += u.weight
    return weight


def _records(request: HttpRequest, cell: Result) -> tuple[list[dict[str, Any]], int]:
    """The episodes behind ``cell`` that the viewer may see (logged), and how many are hidden;
    each row's value in the indicator's display unit (cents shown as euros).

    An episode with a participant whose processing is restricted (GDPR art. 18) is left out of
    the list, as out of the client lists (``exclude_restricted_episodes``), and counted among
    the hidden ones. Each person or alias shown is logged once, with the strongest basis among
    the listed episodes that show it."""
    user = user_of(request)
    weight = _weight_by_record(cell, "episode_id")
    bases = access.drill_bases(user=user, episode_ids=weight)
    listable = sorted(clients.listed_bases(bases))
    episodes = (
        Episode.objects.filter(pk__in=listable[:RECORD_LIMIT])
        .select_related("service_form")
        .prefetch_related("participants__person", "participants__alias")
        .order_by("service_form__name", "start_date", "pk")
    )
    rows = []
    # Every name shown is a read of client data: the aliases' labels as much as the persons'
    # names (one event per subject, with the strongest basis of the episodes showing it).
    shown: dict[tuple[str, int], tuple[Any, list[Basis]]] = {}
    for episode in episodes:
        persons = [p.person for p in episode.participants.all() if p.person is not None]
        aliases = [p.alias for p in episode.participants.all() if p.alias is not None]
        for subject in (*persons, *aliases):
            key = (type(subject).__name__, subject.pk)
            shown.setdefault(key, (subject, []))[1].append(bases[episode.pk])
        rows.append(
            {
                "episode": episode,
                "names": [f"{p.last_name} {p.first_names}" for p in persons]
                + [a.label for a in aliases],
                "weight": number_text(weight[episode.pk], cell.indicator.decimals),
            }
        )
    by_basis: dict[Basis, list[Any]] = defaultdict(list)
    for subject, seen_on in shown.values():
        by_basis[clients.strongest(seen_on)].append(subject)
    for basis, subjects in by_basis.items():
        record_access(request=request, subjects=subjects, action=Action.LIST, basis=basis)
    return rows, len(weight) - len(listable)


def _volunteer_records(request: HttpRequest, cell: Result) -> tuple[list[dict[str, Any]], int]:
    """The volunteers behind ``cell`` whom the viewer may read in the register (each listed one
    logged, as the register's lists are), and how many are hidden. Never a client."""
    user = user_of(request)
    weight = _weight_by_record(cell, "record_id")
    bases = access.drill_volunteer_bases(user=user, volunteer_ids=weight)
    visible_ids = sorted(bases)[:RECORD_LIMIT]
    volunteers = list(
        Volunteer.objects.filter(pk__in=visible_ids).order_by("last_name", "first_names", "pk")
    )
    by_basis: dict[str, list[Any]] = defaultdict(list)
    for volunteer in volunteers:
        by_basis[bases[volunteer.pk]].append(volunteer)
    for basis, subjects in by_basis.items():
        record_access(request=request, subjects=subjects, action=Action.LIST, basis=basis)
    decimals = cell.indicator.decimals
    rows = [{"volunteer": v, "weight": number_text(weight[v.pk], decimals)} for v in volunteers]
    return rows, len(weight) - len(bases)


def _prevention_records(request: HttpRequest, cell: Result) -> tuple[list[dict[str, Any]], int]:
    """The prevention activities or material deliveries behind ``cell`` that the viewer may
    open (the form's members), and how many others: rows of the form's register, no person,
    so nothing is logged. Two queries."""
    user = user_of(request)
    weight = _weight_by_record(cell, "record_id")
    rows: list[Activity] | list[Delivery]
    if cell.indicator.record_kind == ACTIVITY_RECORDS:
        visible = access.drill_activity_ids(user=user, activity_ids=weight)
        rows = list(
            Activity.objects.filter(pk__in=visible[:RECORD_LIMIT])
            .select_related("service_form")
            .order_by("starts_on", "pk")
        )
    else:
        visible = access.drill_delivery_ids(user=user, delivery_ids=weight)
        rows = list(
            Delivery.objects.filter(pk__in=visible[:RECORD_LIMIT])
            .select_related("service_form", "material")
            .order_by("date", "pk")
        )
    decimals = cell.indicator.decimals
    shown = [{"row": row, "weight": number_text(weight[row.pk], decimals)} for row in rows]
    return shown, len(weight) - len(visible)


#: How many rendering steps each format takes after the figures (a job's progress counts them).
RENDER_STEPS = {"xlsx": 1, "csv": 1, "pdf": 2}


def export_body(
    computed: engine.Computed,
    states: Any,
    *,
    title: str,
    subject_label: str,
    meta: list[tuple[str, str]],
    fmt: str,
    progress: Progress | None = None,
    goals: list[plan_goals.Goal] | None = None,
) -> bytes:
    """The file of a computed return (:data:`RENDER_STEPS` steps, told to ``progress``), with
    the form's goals of the year when the return shows them (``goals``; the CSV holds the
    figures only)."""
    progress = progress or Progress()
    if fmt == "xlsx":
        progress.begin(_("Kootaan Excel-tiedostoa"))
        body = exports.xlsx(
            computed, states, title=title, subject=subject_label, meta=meta, goals=goals
        )
    elif fmt == "csv":
        progress.begin(_("Kootaan CSV-tiedostoa"))
        body = exports.csv_bytes(computed, states, title=title, subject=subject_label, meta=meta)
    elif fmt == "pdf":
        progress.begin(_("Muotoillaan sivuja"))
        html = render_to_string(
            "statistics/return_pdf.html",
            {
                "title": title,
                "meta": meta,
                # Each short one-way line with its bar chart (a hidden part has no bar).
                "sections": exports.pdf_sections(present(computed, states, drillable=False)),
                "plan_goals": None if goals is None else plan_goals.by_theme(goals),
                "goals_year": computed.params.start.year,
            },
        )
        progress.advance()
        progress.begin(_("Tehdään PDF-tiedostoa"))
        body = html_to_pdf(html)
    else:
        raise Http404
    progress.advance()
    return body


def attachment(output: Output) -> HttpResponse:
    """``output`` as a download (:func:`tupa.core.downloads.download`)."""
    return download(output.body, output.content_type, output.filename)


def export_output(subject: Subject, fmt: str, progress: Progress | None = None) -> Output:
    """The return's export in ``fmt``: its lines computed, then rendered (a direct download
    and a background job both make it here, so they are the same file)."""
    if fmt not in RENDER_STEPS:
        raise Http404
    progress = progress or Progress()
    progress.plan(sum(1 for _line in subject.template.lines()) + RENDER_STEPS[fmt])
    computed = engine.run(subject.template, subject.params, progress.lines)
    states = services.states_for(computed)
    body = export_body(
        computed,
        states,
        title=subject.title,
        subject_label=subject.label,
        meta=meta_rows(subject, computed, states),
        fmt=fmt,
        progress=progress,
        goals=_goals(subject),
    )
    name = f"{subject.template.id}-{subject.key}-{subject.year}{subject.file_suffix}.{fmt}"
    return Output(body, name, CONTENT_TYPES[fmt])


def meta_rows(subject: Subject, computed: engine.Computed, states: Any) -> list[tuple[str, str]]:
    return [
        (_("Ilmoitus"), f"{subject.template.title} ({subject.template.key})"),
        (_("Vastaanottaja"), str(Recipient(subject.template.recipient).label)),
        (_("Kohde"), subject.label),
        *([(_("Avustuskohde"), grants)] if (grants := _grants_text(subject)) else []),
        (_("Kausi"), f"{fi_date(subject.params.start)}–{fi_date(subject.params.end)}"),
        (_("Laskettu"), fi_moment(computed.computed_at)),
        (_("Tiiviste (SHA-256)"), computed.content_hash()),
        (
            _("Pienten lukujen salaus"),
            _("alle %(n)s näytetään muodossa < %(n)s") % {"n": services.THRESHOLD}
            if states is not None
            else _("ei salausta (sisäinen raportti)"),
        ),
    ]


@object_scoped
@require_GET
def export(request: HttpRequest, template_id: str, year: int, key: str, fmt: str) -> HttpResponse:
    subject = subject_or_404(request, template_id, year, key)
    return attachment(export_output(subject, fmt))


class SendForm(forms.Form):
    """The sender's note on a return marked sent (where and how it went), and the content hash
    of the figures the page showed (``seen``): the return is frozen only if the figures are
    still those, so what is frozen is what the sender reviewed and exported (the exports carry
    the same hash). A client that sends no hash freezes the figures as they are."""

    seen = forms.CharField(required=False, max_length=64)
    #: The digest of the plan's goals the page showed (a return with STEA's section I).
    seen_goals = forms.CharField(required=False, max_length=64)

    note = forms.CharField(
        required=False,
        max_length=NOTE_MAX_LENGTH,
        error_messages={
            "max_length": gettext_lazy("Lisätieto saa olla enintään %(limit_value)d merkkiä."),
            "null_characters_not_allowed": gettext_lazy("Lisätiedossa on kielletty merkki."),
        },
    )


@object_scoped
@require_POST
def send(request: HttpRequest, template_id: str, year: int, key: str) -> HttpResponse:
    """ "Lähetetty": freeze the return as it is now (blocked while it has open problems)."""
    subject = subject_or_404(request, template_id, year, key)
    user = user_of(request)
    if not access.may_send_return(user, subject.template, subject.service_form):
        raise Http404
    typed = SendForm(request.POST)
    problems: list[Any] = [str(e) for field in typed.errors.values() for e in field]
    computed = engine.run(subject.template, subject.params)
    valid = not problems
    seen = typed.cleaned_data.get("seen", "") if valid else ""
    if seen and seen != computed.content_hash():
        problems = [
            _(
                "Luvut ovat muuttuneet sen jälkeen, kun avasit sivun: tietoja on korjattu "
                "välillä. Tarkista alla olevat luvut (ja lataa tiedosto uudelleen, jos "
                "latasit sen) ja merkitse ilmoitus sitten lähetetyksi."
            )
        ]
    goals = _goals(subject)
    seen_goals = typed.cleaned_data.get("seen_goals", "") if valid else ""
    if goals is not None and seen_goals and seen_goals != plan_goals.digest(goals):
        problems.append(
            _(
                "Vuosisuunnitelman tavoitteita tai niiden seurantaa on muutettu sen jälkeen, "
                "kun avasit sivun. Tarkista alla olevat tavoitteet ja merkitse ilmoitus sitten "
                "lähetetyksi."
            )
        )
    if not problems:
        try:
            submission = services.submit(
                user=user,
                computed=computed,
                service_form=subject.service_form,
                municipality=subject.municipality,
                title=subject.title,
                note=typed.cleaned_data["note"],
                plan_goals=goals,
            )
        except services.NotReady as exc:
            problems = exc.problems
    if problems:
        context = _context(request, subject)
        context["send_errors"] = problems
        context["note"] = request.POST.get("note", "").replace("\x00", "")
        return render(request, "statistics/return.html", context, status=400)
    messages.success(request, _("Ilmoitus on merkitty lähetetyksi ja sen luvut on jäädytetty."))
    return redirect("statistics:submission", pk=submission.pk)
