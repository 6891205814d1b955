"""Screens of THL's shelter return (issue 4 item 6 and the year-end check of item 3).

- ``thl_episode``: the "Turvakodin tilastotiedot" form of one shelter episode — members of the
  shelter only (basis membership; 404 for everyone else); every named person shown is logged.
- ``thl_summary`` / ``thl_summary_csv``: the year summary, aggregates only, for the policy rule
  ``residential.thl_summary.view`` (members of the shelter and the executive director). The
  year-end check's episodes are listed to members of the shelter only, and logged.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Min
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access import clients
from tupa.access.marks import object_scoped, user_of
from tupa.access.residential import (
    may_keep_stays,
    shelter_episode_access,
    shelter_stay_access,
    thl_summary_access,
)
from tupa.audit.models import Action
from tupa.audit.services import record_access
from tupa.episodes.models import Participant
from tupa.organisations.models import ServiceForm
from tupa.residential.models import Stay
from tupa.residential.stays.views import subjects_of
from tupa.residential.thl import services as thl_services
from tupa.residential.thl import summary as thl
from tupa.residential.thl.forms import ShelterDataRowForm, YearForm

FIRST_YEAR = 2000


# --------------------------------------------------------------------------- the episode form


def _apply_service_errors(rows: list[ShelterDataRowForm], error: ValidationError) -> list[str]:
    """Attach "<participant pk>:<field>" errors to the row forms; return the others."""
    by_pk = {row.info.participant.pk: row for row in rows}
    general: list[str] = []
    for key, messages_ in error.message_dict.items() if hasattr(error, "error_dict") else []:
        pk_text, _sep, name = key.partition(":")
        row = by_pk.get(int(pk_text)) if pk_text.isdigit() else None
        for message in messages_:
            if row is not None and name in row.fields:
                row.add_error(name, message)
            else:
                general.append(message)
    if not hasattr(error, "error_dict"):
        general.extend(error.messages)
    return general


@object_scoped
@require_http_methods(["GET", "POST"])
def thl_episode(request: HttpRequest, episode_pk: int) -> HttpResponse:
    granted = shelter_episode_access(request, episode_pk)
    episode = granted.obj
    infos = thl_services.episode_participants(episode)
    data = request.POST if request.method == "POST" else None
    rows = [ShelterDataRowForm(data, info=info) for info in infos]
    stamp = thl_services.data_stamp(infos)
    general: list[str] = []
    conflict = ""
    status = 200
    if request.method == "POST":
        if all([row.is_valid() for row in rows]):
            try:
                thl_services.shelter_data_save(
                    actor=user_of(request),
                    episode=episode,
                    rows=[
                        {"participant": row.info.participant, **row.cleaned_data} for row in rows
                    ],
                    stamp=request.POST.get("stamp", ""),
                )
            except thl_services.ShelterDataConflict as exc:
                conflict = exc.message
                status = 409
            except ValidationError as error:
                general = _apply_service_errors(rows, error)
                status = 400
            except PermissionDenied as exc:  # pragma: no cover - membership checked above
                raise Http404 from exc
            else:
                messages.success(request, _("Turvakodin tilastotiedot tallennettu."))
                return HttpResponseRedirect(reverse("episodes:detail", args=[episode.pk]))
        else:
            status = 400
    persons = subjects_of(i.participant for i in infos)
    if persons:
        record_access(
            request=request,
            subjects=persons,
            action=Action.VIEW,
            basis=granted.basis,
            episode_id=episode.pk,
        )
    return render(
        request,
        "residential/thl_episode.html",
        {
            "episode": episode,
            "rows": rows,
            "stamp": stamp,
            "general_errors": general,
            "conflict": conflict,
            "has_errors": bool(general) or any(row.errors for row in rows),
            "summary_year": timezone.localdate().year - 1,
        },
        status=status,
    )


# --------------------------------------------------------------------------- the year summary


def _year_or_404(year: int) -> int:
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404
    return year


def _years(service_form: ServiceForm) -> list[int]:
    current = timezone.localdate().year
    first = Stay.objects.filter(place__service_form=service_form).aggregate(
        first=Min("arrived_at")
    )["first"]
    start = min(current - 1, timezone.localtime(first).year if first else current - 1)
    return list(range(current, max(start, FIRST_YEAR) - 1, -1))


@object_scoped
@require_GET
def thl_summary_default(request: HttpRequest, slug: str) -> HttpResponse:
    """The year picker's target: redirect to the chosen year (default: last year)."""
    service_form = thl_summary_access(request, slug).obj
    year = timezone.localdate().year - 1
    if "vuosi" in request.GET:
        form = YearForm(request.GET, years=_years(service_form))
        if form.is_valid():
            year = form.cleaned_data["vuosi"]
    return HttpResponseRedirect(reverse("residential:thl_summary", args=[service_form.slug, year]))


def _visible_check(request: HttpRequest, check: thl.YearEndCheck) -> tuple[thl.YearEndCheck, int]:
    """Keep the check's episodes the user may see; log their named persons (one event each)."""
    items = [*check.open_stays, *check.missing_data]
    bases = clients.episode_bases(user=user_of(request), episode_ids={i.episode.pk for i in items})
    visible = thl.YearEndCheck(
        open_stays=[i for i in check.open_stays if i.episode.pk in bases],
        missing_data=[i for i in check.missing_data if i.episode.pk in bases],
    )
    hidden = len({i.episode.pk for i in items if i.episode.pk not in bases})
    groups: dict[str, list[Participant]] = defaultdict(list)
    for item in [*visible.open_stays, *visible.missing_data]:
        for participant in item.participants:
            groups[str(bases[item.episode.pk])].append(participant)
    for basis, participants in groups.items():
        record_access(
            request=request, subjects=subjects_of(participants), action=Action.LIST, basis=basis
        )
    return visible, hidden


@object_scoped
@require_GET
def thl_summary(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    service_form = thl_summary_access(request, slug).obj
    year = _year_or_404(year)
    summary = thl.thl_summary(service_form=service_form, year=year)
    member = may_keep_stays(user_of(request), service_form.pk)
    check = None
    hidden = 0
    if member:
        check, hidden = _visible_check(
            request, thl.year_end_check(service_form=service_form, year=year, summary=summary)
        )
    years = _years(service_form)
    return render(
        request,
        "residential/thl_summary.html",
        {
            "service_form": service_form,
            "year": year,
            "summary": summary,
            "tables": summary.tables(),
            "check": check,
            "hidden_episodes": hidden,
            "year_form": YearForm(initial={"vuosi": str(year)}, years=years),
            "in_progress": year >= timezone.localdate().year,
        },
    )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    return str(value)


@object_scoped
@require_GET
def thl_summary_csv(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    """The summary as CSV for Finnish Excel (";" and a UTF-8 BOM). Aggregates only."""
    service_form = thl_summary_access(request, slug).obj
    year = _year_or_404(year)
    summary = thl.thl_summary(service_form=service_form, year=year)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="thl-turvakoti-{service_form.slug}-{year}.csv"'
    )
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("THL:n turvakotitilasto"), service_form.name, str(year)])
    writer.writerow(
        [
            _("Valmis lähetettäväksi"),
            _("kyllä") if summary.ready else _("ei"),
            _("Avoimia asumisjaksoja"),
            len(summary.open_stay_ids),
            _("Asiakkuuksia, joilta puuttuu tilastotietoja"),
            len(summary.episodes_missing_data),
        ]
    )
    for table in summary.tables():
        writer.writerow([])
        writer.writerow([str(table.title), *(str(c) for c in table.columns)])
        for label, values in table.rows:
            writer.writerow([str(label), *(_cell(v) for v in values)])
    return response


@object_scoped
@require_http_methods(["POST"])
def thl_confirm_year_end(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """Confirm that an open stay continued over the end of ``year`` (members of the unit)."""
    stay = shelter_stay_access(request, pk).obj
    year = _year_or_404(year)
    try:
        thl_services.stay_confirm_year_end(actor=user_of(request), stay=stay, year=year)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Vahvistettu: perhe asui yhä yksikössä vuoden %(year)s päättyessä.") % {"year": year},
        )
    return HttpResponseRedirect(
        reverse("residential:thl_summary", args=[stay.place.service_form.slug, year])
    )
