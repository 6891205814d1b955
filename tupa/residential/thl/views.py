"""Screens of THL's shelter return (issue 4 item 6 and the year-end check of item 3).

- ``thl_episode``: the "Turvakodin tilastotiedot" form of one shelter episode — members of the
  shelter only (basis membership; 404 for everyone else); every named person shown is logged.
- ``thl_summary_default`` / ``thl_summary`` / ``thl_summary_csv``: the old year summary's
  addresses redirect to THL's return in the statistics (``thl.shelter``, the one way its figures
  are counted) after the same check, policy rule ``residential.thl_summary.view`` (members of the
  shelter and the executive director).
- ``thl_year_end``: the year-end check that blocks sending the return, for the same rule; the
  check's episodes are listed to members of the shelter only, and logged. ``thl_confirm_year_end``
  confirms an open stay from it.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
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
from tupa.core.conflicts import VersionConflict
from tupa.core.params import year_param
from tupa.episodes.models import Participant
from tupa.organisations.models import ServiceForm
from tupa.residential.stays.views import subjects_of
from tupa.residential.thl import services as thl_services
from tupa.residential.thl import year_end
from tupa.residential.thl.forms import ShelterDataRowForm

FIRST_YEAR = 2000
#: THL's return in the statistics (:mod:`tupa.statistics.returns.thl`).
THL_RETURN = "thl.shelter"


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
            except VersionConflict as exc:
                conflict, stamp = exc.message, str(exc.version)
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


# --------------------------------------------------------------------------- the year return


def _year_or_404(year: int) -> int:
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404
    return year


def _return_url(service_form: ServiceForm, year: int) -> str:
    """THL's return of the shelter in the statistics (``thl.shelter``): the figures live there."""
    return reverse("statistics:return", args=[THL_RETURN, year, service_form.slug])


@object_scoped
@require_GET
def thl_summary_default(request: HttpRequest, slug: str) -> HttpResponse:
    """The old year summary's address (the dashboard's report link): THL's return of the chosen
    year (``?vuosi=``; default last year) in the statistics."""
    service_form = thl_summary_access(request, slug).obj
    this_year = timezone.localdate().year
    year = year_param(request, range(FIRST_YEAR, this_year + 1), this_year - 1)
    return HttpResponseRedirect(_return_url(service_form, year))


@object_scoped
@require_GET
def thl_summary(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    """The old year summary (bookmarks): THL's return of the year in the statistics."""
    service_form = thl_summary_access(request, slug).obj
    return HttpResponseRedirect(_return_url(service_form, _year_or_404(year)))


@object_scoped
@require_GET
def thl_summary_csv(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    """The old summary's CSV: the CSV export of THL's return of the year."""
    service_form = thl_summary_access(request, slug).obj
    year = _year_or_404(year)
    return HttpResponseRedirect(
        reverse("statistics:export", args=[THL_RETURN, year, service_form.slug, "csv"])
    )


# --------------------------------------------------------------------------- year-end check


def _visible_check(
    request: HttpRequest, check: year_end.YearEndCheck
) -> tuple[year_end.YearEndCheck, int]:
    """Keep the check's episodes the user may see; log their named persons (one event each).

    An episode with a participant whose processing is restricted (GDPR art. 18) is left out of
    the list, as out of the client lists (``exclude_restricted_episodes``), and only counted."""
    items = [*check.open_stays, *check.missing_data]
    bases = clients.episode_bases(user=user_of(request), episode_ids={i.episode.pk for i in items})
    bases = clients.listed_bases(bases)  # GDPR art. 18: a restricted family is not named
    visible = year_end.YearEndCheck(
        service_form=check.service_form,
        year=check.year,
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
def thl_year_end(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    """The year-end check of THL's return: the open stays to discharge or confirm and the
    episodes whose THL data to fill in, with the links that fix them.

    Whoever sees THL's return (``residential.thl_summary.view``) sees the counts; the episodes
    and their persons are listed to members of the shelter only, and logged.
    """
    service_form = thl_summary_access(request, slug).obj
    year = _year_or_404(year)
    check = year_end.year_end_check(service_form=service_form, year=year)
    visible = None
    hidden = 0
    if may_keep_stays(user_of(request), service_form.pk):
        visible, hidden = _visible_check(request, check)
    return render(
        request,
        "residential/thl_year_end.html",
        {
            "service_form": service_form,
            "year": year,
            "summary": check,
            "check": visible,
            "hidden_episodes": hidden,
            "return_url": _return_url(service_form, year),
            "in_progress": year >= timezone.localdate().year,
        },
    )


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
        reverse("residential:thl_year_end", args=[stay.place.service_form.slug, year])
    )
