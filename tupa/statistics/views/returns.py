"""The return pages: the catalogue, one return, the drill-down from a figure, exports, sending."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tupa.access import statistics as access
from tupa.access.fetch import service_form_access
from tupa.access.marks import login_only, object_scoped, user_of
from tupa.audit.models import Action
from tupa.audit.services import record_access
from tupa.core.dates import fi_date
from tupa.core.wallclock import fi_moment
from tupa.episodes.models import Episode
from tupa.finance.models import Grant, GrantDeadline
from tupa.finance.models.grants import FUNDING
from tupa.organisations.models import Municipality, ServiceForm
from tupa.volunteers.models import Volunteer

from .. import engine, exports, services
from ..indicators.base import VOLUNTEER_RECORDS, Indicator, Params, Result
from ..indicators.dimensions import MONTH
from ..indicators.protection import AGGREGATE_ONLY
from ..jobs import CONTENT_TYPES, Output, Progress
from ..models import Submission
from ..present import present, present_line
from ..returns import registry as returns
from ..returns.base import Line, Recipient, Scope, with_grants
from ..returns.internal.volunteers import VOLUNTEERS as VOLUNTEER_REPORT
from ..suppression import number_text
from ..tables import build_table
from .common import ORGANISATION, Subject, purchasing_municipalities, subject_or_404

#: At most this many records are listed under a figure (the count is always exact).
RECORD_LIMIT = 200


def _default_year(today: dt.date) -> int:
    """Returns are about completed years: last year until the year's returns are due."""
    return today.year - 1


def catalogue_rows(user: Any, year: int) -> list[dict[str, Any]]:
    forms = list(
        with_grants(ServiceForm.objects.filter(organisation_id=user.organisation_id)).order_by(
            "name"
        )
    )
    sent: dict[tuple[str, str], Submission] = {}
    for s in Submission.objects.filter(
        organisation_id=user.organisation_id, period_start__year=year
    ).select_related("service_form", "municipality"):
        subject = (
            s.service_form.slug
            if s.service_form
            else (s.municipality.code if s.municipality else ORGANISATION)
        )
        sent.setdefault((s.template_id, subject), s)  # newest first (model ordering)
    reported = _reported_in_register(user.organisation_id, year)
    rows = []
    for template in returns.latest():
        subjects: list[tuple[str, str, dt.date | None]] = []
        if template.scope == Scope.SERVICE_FORM:
            shown = [
                f
                for f in forms
                if template.available_for(f, year) and access.may_see_return(user, template, f)
            ]
            if shown and template.available_in is not None:
                having = set(template.available_in(user.organisation_id))
                shown = [f for f in shown if f.pk in having]
            subjects = [
                (f.slug, f.name, _reported_on(template.grants_for(f, year), reported))
                for f in shown
            ]
        elif access.may_see_return(user, template, None):
            if template.scope == Scope.MUNICIPALITY:
                subjects = [
                    (m.code, m.name_fi, None)
                    for m in Municipality.objects.filter(
                        pk__in=purchasing_municipalities(user.organisation_id)
                    ).order_by("name_fi")
                ]
            else:
                subjects = [(ORGANISATION, user.organisation.name, None)]
        for key, label, reported_on in subjects:
            rows.append(
                {
                    "template": template,
                    "key": key,
                    "label": label,
                    "deadline": template.deadline_for(year),
                    "sent": sent.get((template.id, key)),
                    "reported_on": reported_on,
                }
            )
    return rows


def _reported_in_register(organisation_id: int, year: int) -> dict[int, dt.date]:
    """The grants whose results report of ``year`` the grants register marks done, and when
    (one query): a STEA report sent outside Tupa, or before its statistics were in use."""
    done = GrantDeadline.objects.filter(
        grant__organisation_id=organisation_id,
        kind=GrantDeadline.Kind.RESULTS_REPORT,
        due_on__year=year + 1,
        done_on__isnull=False,
    )
    return {grant_id: on for grant_id, on in done.values_list("grant_id", "done_on") if on}


def targets_without_report(organisation_id: int, year: int) -> list[dict[str, Any]]:
    """The year's STEA grants whose results report Tupa does not count — no form, or no form a
    STEA template exists for (the association's general grant, prevention work) — with their
    forms and, from the grants register, when their report was sent (three queries)."""
    funding = [t for t in returns.latest() if t.granted_by is not None]
    kinds = set().union(*(t.granted_by or () for t in funding))
    forms = with_grants(ServiceForm.objects.order_by("name"))
    grants = (
        Grant.objects.filter(
            organisation_id=organisation_id,
            kind__in=kinds,
            status__in=FUNDING,
            year_from__lte=year,
            year_to__gte=year,
        )
        .prefetch_related(Prefetch("service_forms", queryset=forms))
        .order_by("target_name", "pk")
    )
    reported: dict[int, dt.date] | None = None
    rows = []
    for grant in grants:
        funded = list(grant.service_forms.all())
        if any(t.available_for(f, year) for t in funding for f in funded):
            continue
        if reported is None:
            reported = _reported_in_register(organisation_id, year)
        rows.append(
            {
                "grant": grant,
                "forms": funded,
                # The deadline of the STEA reports Tupa does count (one for all of them).
                "deadline": funding[0].deadline_for(year),
                "reported_on": reported.get(grant.pk),
            }
        )
    return rows


def _reported_on(grants: list[Any], reported: dict[int, dt.date]) -> dt.date | None:
    """When the register says the report of every one of ``grants`` was sent (the latest
    date), or ``None`` (no grants, or one still open)."""
    dates = [reported.get(g.pk) for g in grants]
    if not dates or None in dates:
        return None
    return max(d for d in dates if d is not None)


def _year_of(request: HttpRequest, today: dt.date) -> int:
    try:
        year = int(request.GET.get("vuosi", _default_year(today)))
    except ValueError:
        return _default_year(today)
    return year if 2000 <= year <= today.year else _default_year(today)


def _catalogue(request: HttpRequest, *, service_form: ServiceForm | None = None) -> HttpResponse:
    user = user_of(request)
    today = timezone.localdate()
    year = _year_of(request, today)
    rows = catalogue_rows(user, year)
    if service_form is not None:
        rows = [r for r in rows if r["template"].scope == Scope.SERVICE_FORM]
        rows = [r for r in rows if r["key"] == service_form.slug]
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[str(Recipient(row["template"].recipient).label)].append(row)
    return render(
        request,
        "statistics/index.html",
        {
            "year": year,
            "years": list(range(today.year, today.year - 6, -1)),
            "groups": sorted(groups.items()),
            "today": today,
            "service_form": service_form,
            "federation": service_form is None and access.may_see_federation(user),
            "overview": service_form is None and access.may_see_overview(user),
            "annual": service_form is None and access.may_see_annual_report(user),
            "other_targets": (
                targets_without_report(user.organisation_id, year)
                if service_form is None
                and user.organisation_id is not None
                and access.may_see_grant_targets(user)
                else []
            ),
        },
    )


@login_only
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Every return the user may open for a year, with its deadline and whether it was sent."""
    return _catalogue(request)


@object_scoped
@require_GET
def form_returns(request: HttpRequest, slug: str) -> HttpResponse:
    """The returns of one service form (linked from the form's reports on the dashboard)."""
    form = service_form_access(request, slug, rule="statistics.form.view").obj
    return _catalogue(request, service_form=form)


@object_scoped
@require_GET
def volunteer_report(request: HttpRequest, slug: str) -> HttpResponse:
    """The dashboard's link to a form's volunteer statistics: this year's report (404 for
    whoever may not read it, as the report itself answers)."""
    form = service_form_access(request, slug, rule=VOLUNTEER_REPORT.visible).obj
    year = timezone.localdate().year
    return redirect("statistics:return", VOLUNTEER_REPORT.id, year, form.slug)


def _context(request: HttpRequest, subject: Subject) -> dict[str, Any]:
    computed = engine.run(subject.template, subject.params)
    states = services.states_for(computed)
    user = user_of(request)
    sent = list(
        Submission.objects.filter(
            organisation_id=subject.params.organisation_id,
            template_id=subject.template.id,
            period_start=subject.params.start,
            service_form=subject.service_form,
            municipality=subject.municipality,
        ).select_related("submitted_by")
    )
    return {
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
        "deadline": subject.template.deadline_for(subject.year),
        "grants": (
            subject.template.grants_for(subject.service_form, subject.year)
            if subject.service_form is not None
            else []
        ),
    }


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
        if dimension.key in AGGREGATE_ONLY:
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
        if dimension.key in selection or dimension.key in AGGREGATE_ONLY:
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


def _records(request: HttpRequest, cell: Result) -> tuple[list[dict[str, Any]], int]:
    """The episodes behind ``cell`` that the viewer may see (logged), and how many are hidden;
    each row's value in the indicator's display unit (cents shown as euros)."""
    user = user_of(request)
    weight: dict[int, int] = defaultdict(int)
    for u in cell.units:
        if u.episode_id is not None:
            weight[u.episode_id] += u.weight
    bases = access.drill_bases(user=user, episode_ids=weight)
    visible_ids = sorted(bases)[:RECORD_LIMIT]
    episodes = (
        Episode.objects.filter(pk__in=visible_ids)
        .select_related("service_form")
        .prefetch_related("participants__person", "participants__alias")
        .order_by("service_form__name", "start_date", "pk")
    )
    rows = []
    by_basis: dict[str, list[Any]] = defaultdict(list)
    for episode in episodes:
        persons = [p.person for p in episode.participants.all() if p.person is not None]
        aliases = [p.alias for p in episode.participants.all() if p.alias is not None]
        # Every name shown is a read of client data: the aliases' labels as much as the
        # persons' names (one event per subject, with the episode's basis).
        by_basis[bases[episode.pk]].extend([*persons, *aliases])
        rows.append(
            {
                "episode": episode,
                "names": [f"{p.last_name} {p.first_names}" for p in persons]
                + [a.label for a in aliases],
                "weight": number_text(weight[episode.pk], cell.indicator.decimals),
            }
        )
    for basis, subjects in by_basis.items():
        record_access(request=request, subjects=subjects, action=Action.LIST, basis=basis)
    return rows, len(weight) - len(bases)


def _volunteer_records(request: HttpRequest, cell: Result) -> tuple[list[dict[str, Any]], int]:
    """The volunteers behind ``cell`` whom the viewer may read in the register (each listed one
    logged, as the register's lists are), and how many are hidden. Never a client."""
    user = user_of(request)
    weight: dict[int, int] = defaultdict(int)
    for u in cell.units:
        if u.volunteer_id is not None:
            weight[u.volunteer_id] += u.weight
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
) -> bytes:
    """The file of a computed return (:data:`RENDER_STEPS` steps, told to ``progress``)."""
    progress = progress or Progress()
    if fmt == "xlsx":
        progress.begin(_("Kootaan Excel-tiedostoa"))
        body = exports.xlsx(computed, states, title=title, subject=subject_label, meta=meta)
    elif fmt == "csv":
        progress.begin(_("Kootaan CSV-tiedostoa"))
        body = exports.csv_bytes(computed, states, title=title, subject=subject_label, meta=meta)
    elif fmt == "pdf":
        progress.begin(_("Muotoillaan sivuja"))
        html = render_to_string(
            "statistics/return_pdf.html",
            {"title": title, "meta": meta, "sections": present(computed, states, drillable=False)},
        )
        progress.advance()
        progress.begin(_("Tehdään PDF-tiedostoa"))
        body = exports.pdf(html)
    else:
        raise Http404
    progress.advance()
    return body


def attachment(output: Output) -> HttpResponse:
    """``output`` as a download."""
    response = HttpResponse(output.body, content_type=output.content_type)
    response["Content-Disposition"] = f'attachment; filename="{output.filename}"'
    return response


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
    )
    name = f"{subject.template.id}-{subject.key}-{subject.year}{subject.file_suffix}.{fmt}"
    return Output(body, name, CONTENT_TYPES[fmt])


def meta_rows(subject: Subject, computed: engine.Computed, states: Any) -> list[tuple[str, str]]:
    return [
        (_("Ilmoitus"), f"{subject.template.title} ({subject.template.key})"),
        (_("Vastaanottaja"), str(Recipient(subject.template.recipient).label)),
        (_("Kohde"), subject.label),
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


@object_scoped
@require_POST
def send(request: HttpRequest, template_id: str, year: int, key: str) -> HttpResponse:
    """ "Lähetetty": freeze the return as it is now (blocked while it has open problems)."""
    subject = subject_or_404(request, template_id, year, key)
    user = user_of(request)
    if not access.may_send_return(user, subject.template, subject.service_form):
        raise Http404
    computed = engine.run(subject.template, subject.params)
    try:
        submission = services.submit(
            user=user,
            computed=computed,
            service_form=subject.service_form,
            municipality=subject.municipality,
            title=subject.title,
            note=request.POST.get("note", "").strip(),
        )
    except services.NotReady as exc:
        context = _context(request, subject)
        context["send_errors"] = exc.problems
        context["note"] = request.POST.get("note", "")
        return render(request, "statistics/return.html", context, status=400)
    messages.success(request, _("Ilmoitus on merkitty lähetetyksi ja sen luvut on jäädytetty."))
    return redirect("statistics:submission", pk=submission.pk)
