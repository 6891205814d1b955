"""Screens of the shift log of a residential unit (issue 4, item 8).

Only client-work members of the unit's own service form (404 for everyone else — the executive
director, other units, the DPO, the administrator — and for bad ids). Linked episodes are shown
as their clients' names only when the viewer may see the episode, and every person so shown is
written to the access log (one event per person, in the request's transaction: fail closed).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access import clients
from tupa.access.fetch import service_form_or_404
from tupa.access.marks import object_scoped, user_of
from tupa.access.residential import may_correct_shift_note, may_use_shift_log
from tupa.audit.models import Action
from tupa.audit.services import record_access
from tupa.core.forms import saved_redirect
from tupa.organisations.models import ServiceForm
from tupa.residential.models import ShiftNote
from tupa.residential.shiftlog import selectors as shift_selectors
from tupa.residential.shiftlog import services as shift_services
from tupa.residential.shiftlog.forms import ShiftFilterForm, ShiftNoteForm

if TYPE_CHECKING:
    from tupa.episodes.models import Episode

#: How far back the log pages (in weeks of 7 days).
MAX_WEEKS_BACK = 520


def _log_url(service_form: ServiceForm) -> str:
    return reverse("residential:shift_log", args=[service_form.slug])


def _log_episode_labels(request: HttpRequest, episodes: Iterable[Episode]) -> None:
    """Access log for the clients whose names label ``episodes`` (grouped by basis)."""
    episodes = list(episodes)
    if not episodes:
        return
    bases = clients.episode_bases(user=user_of(request), episode_ids={e.pk for e in episodes})
    groups: dict[str, list[Any]] = {}
    for episode in episodes:
        basis = bases.get(episode.pk)
        if basis is None:  # pragma: no cover - choices come from episodes_visible_to
            raise Http404
        groups.setdefault(str(basis), []).extend(shift_selectors.episode_subjects([episode]))
    for basis_value, subjects in groups.items():
        if subjects:
            record_access(request=request, subjects=subjects, action=Action.LIST, basis=basis_value)


def _weeks_back(request: HttpRequest) -> int:
    try:
        value = int(request.GET.get("viikko", "0"))
    except ValueError:
        return 0
    return min(max(value, 0), MAX_WEEKS_BACK)


@object_scoped
@require_GET
def shift_log(request: HttpRequest, slug: str) -> HttpResponse:
    """The last 7 days of notes (paged further back), newest first, filter by shift."""
    service_form = service_form_or_404(
        request, slug, kind=ServiceForm.Kind.RESIDENTIAL, rule=may_use_shift_log
    )
    user = user_of(request)
    filter_form = ShiftFilterForm(request.GET if "vuoro" in request.GET else None)
    shift = None
    if filter_form.is_bound and filter_form.is_valid():
        shift = filter_form.cleaned_data["vuoro"] or None
    weeks_back = _weeks_back(request)
    start, end = shift_selectors.window(weeks_back, today=timezone.localdate())
    log = shift_selectors.shift_log(
        user=user, service_form=service_form, start=start, end=end, shift=shift
    )
    for basis, subjects in log.shown.items():
        record_access(
            request=request, subjects=subjects.values(), action=Action.LIST, basis=str(basis)
        )
    current, current_date = shift_services.current_shift()
    return render(
        request,
        "residential/shift_log.html",
        {
            "service_form": service_form,
            "log": log,
            "filter_form": filter_form,
            "shift": shift or "",
            "weeks_back": weeks_back,
            "older": weeks_back + 1 if weeks_back < MAX_WEEKS_BACK else None,
            "newer": weeks_back - 1 if weeks_back > 0 else None,
            "current_shift": ShiftNote.Shift(current).label,
            "current_date": current_date,
        },
    )


def _note_form_page(
    request: HttpRequest,
    *,
    service_form: ServiceForm,
    note: ShiftNote | None,
) -> HttpResponse:
    user = user_of(request)
    episodes = shift_selectors.linkable_episodes(user=user, service_form=service_form, keep=note)
    form = ShiftNoteForm(
        request.POST if request.method == "POST" else None, episodes=episodes, note=note
    )

    def save(_data: dict[str, Any]) -> ShiftNote:
        if note is None:
            return shift_services.shift_note_write(
                actor=user, service_form=service_form, **form.service_kwargs()
            )
        return shift_services.shift_note_correct(actor=user, note=note, **form.service_kwargs())

    saved = saved_redirect(
        request,
        form,
        save,
        next_url=_log_url(service_form),
        success=_("Raportti tallennettu.") if note is None else _("Korjaus tallennettu."),
        denied_as_404=True,
    )
    if saved is not None:
        return saved
    choices = form.choice_episodes()
    _log_episode_labels(request, choices)
    return render(
        request,
        "residential/shift_note_form.html",
        {"service_form": service_form, "form": form, "note": note, "has_choices": bool(choices)},
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def shift_note_write(request: HttpRequest, slug: str) -> HttpResponse:
    """Write a handover note (shift and date default to the current shift)."""
    service_form = service_form_or_404(
        request, slug, kind=ServiceForm.Kind.RESIDENTIAL, rule=may_use_shift_log
    )
    return _note_form_page(request, service_form=service_form, note=None)


@object_scoped
@require_http_methods(["GET", "POST"])
def shift_note_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct one's own latest note: a new note supersedes it, the old stays readable."""
    note = (
        ShiftNote.objects.select_related("service_form")
        .prefetch_related("episodes")
        .filter(pk=pk)
        .first()
    )
    if note is None or not may_correct_shift_note(user_of(request), note):
        raise Http404
    return _note_form_page(request, service_form=note.service_form, note=note)
