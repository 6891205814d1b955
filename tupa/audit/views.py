"""The data-protection officer's access log and the change history of organisational data."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tupa.access import policy
from tupa.access.marks import login_only, organisation_id_of, user_of
from tupa.audit import selectors
from tupa.audit.forms import AccessLogFilterForm, ChangeFilterForm
from tupa.audit.models import AccessEvent, Action
from tupa.audit.services import record_access
from tupa.core.spreadsheets import csv_streaming_response, finnish_csv_lines
from tupa.core.wallclock import HELSINKI

PAGE_SIZE = 50
EXPORT_CHUNK = 1000

#: The filter parameters of the pages; when none is present the form starts unbound (defaults).
ACCESS_LOG_FILTERS = ("user", "subject_type", "subject_id", "action", "date_from", "date_to")
CHANGE_FILTERS = ("model", "user", "date_from", "date_to")


def filter_form(
    request: HttpRequest, form_class: type[Any], names: tuple[str, ...], **kwargs: Any
) -> Any:
    organisation_id = organisation_id_of(request)
    data = request.GET if any(name in request.GET for name in names) else None
    return form_class(data, organisation_id=organisation_id, **kwargs)


def _access_log_filters(request: HttpRequest) -> tuple[AccessLogFilterForm, dict[str, Any] | None]:
    form = filter_form(request, AccessLogFilterForm, ACCESS_LOG_FILTERS)
    if form.is_bound and not form.is_valid():
        return form, None
    return form, form.filter_values()


@login_only
@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    """Browse the organisation's access log (DPO only; everybody else gets 404)."""
    user = user_of(request)
    policy.require(user, "audit.browse")  # type: ignore[arg-type]
    organisation_id = organisation_id_of(request)
    form, filters = _access_log_filters(request)
    page = None
    rows: list[dict[str, Any]] = []
    if filters is not None:
        events = selectors.access_events(organisation_id=organisation_id, **filters)
        page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
        labels = selectors.subject_labels(page.object_list, organisation_id=organisation_id)
        rows = [
            {
                "event": event,
                "subject_type": selectors.subject_type_label(event.subject_type),
                "subject": labels.get(
                    (event.subject_type_id, event.subject_id), f"#{event.subject_id}"
                ),
            }
            for event in page.object_list
        ]
    return render(request, "audit/access_log.html", {"form": form, "page": page, "rows": rows})


def _csv_rows(
    events: Any,
    organisation_id: int,
    actions: dict[str, str],
    bases: dict[str, str],
    type_labels: dict[int, str],
) -> Iterator[list[Any]]:
    """The rows of the export, read in chunks (one query of subject labels per chunk)."""
    chunk: list[AccessEvent] = []

    def flush(batch: list[AccessEvent]) -> Iterator[list[Any]]:
        labels = selectors.subject_labels(batch, organisation_id=organisation_id)
        for e in batch:
            yield [
                e.occurred_at.astimezone(HELSINKI).strftime("%d.%m.%Y %H:%M:%S"),
                e.user.get_full_name(),
                e.user.username,
                type_labels.get(e.subject_type_id, e.subject_type_id),
                e.subject_id,
                labels.get((e.subject_type_id, e.subject_id), ""),
                actions.get(e.action, e.action),
                bases.get(e.basis, e.basis),
                e.reason,
                e.request_id,
                e.view_name,
            ]

    for event in events.iterator(chunk_size=EXPORT_CHUNK):
        chunk.append(event)
        if len(chunk) >= EXPORT_CHUNK:
            yield from flush(chunk)
            chunk = []
    if chunk:
        yield from flush(chunk)


@login_only
@require_GET
def access_log_export(request: HttpRequest) -> HttpResponseBase:
    """The filtered access log as CSV for Finnish Excel (``;`` separated, UTF-8 with BOM).

    Exporting the log is itself recorded: one :class:`AccessEvent` with action ``export``
    whose *subject is the exporting DPO's own user*. The log's rows are about many people, so
    logging one event per row would multiply the log; the export event instead records who
    took a copy, when, through which view and request — the filters are not stored because
    they may contain personal data. The event is written before any row is produced and in
    the request's transaction, so a failed write means no file (fail closed).
    """
    user = user_of(request)
    decision = policy.require(user, "audit.browse")  # type: ignore[arg-type]
    organisation_id = organisation_id_of(request)
    form, filters = _access_log_filters(request)
    if filters is None:
        return render(
            request, "audit/access_log.html", {"form": form, "page": None, "rows": []}, status=400
        )
    record_access(request=request, subjects=[user], action=Action.EXPORT, basis=decision.basis)
    events = selectors.access_events(organisation_id=organisation_id, **filters)
    # Labels are resolved now: the body is streamed after the view (and its language) returns.
    header = [
        _("Aika"),
        _("Käyttäjä"),
        _("Käyttäjätunnus"),
        _("Kohteen tyyppi"),
        _("Kohteen tunniste"),
        _("Kohde"),
        _("Toiminto"),
        _("Peruste"),
        _("Syy"),
        _("Pyyntötunniste"),
        _("Näkymä"),
    ]
    actions = {str(value): str(label) for value, label in Action.choices}
    bases = {
        str(value): str(label)
        for value, label in AccessEvent._meta.get_field("basis").choices or []
    }
    subject_types = form.fields["subject_type"].queryset  # type: ignore[attr-defined]
    type_labels = {ct.pk: selectors.subject_type_label(ct) for ct in subject_types}
    rows = _csv_rows(events, organisation_id, actions, bases, type_labels)
    return csv_streaming_response(
        finnish_csv_lines(header, rows), f"kayttoloki-{timezone.localdate():%Y-%m-%d}.csv"
    )


@login_only
@require_GET
def changes(request: HttpRequest) -> HttpResponse:
    """Recent changes to the organisation's data: who, when, which object, old → new."""
    user = user_of(request)
    policy.require(user, "history.browse")  # type: ignore[arg-type]
    organisation_id = organisation_id_of(request)
    form = filter_form(
        request, ChangeFilterForm, CHANGE_FILTERS, model_choices=selectors.history_model_choices()
    )
    page = None
    entries: list[selectors.ChangeEntry] = []
    if not form.is_bound or form.is_valid():
        rows = selectors.change_rows(organisation_id=organisation_id, **form.filter_values())
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        entries = selectors.change_entries(list(page.object_list), organisation_id=organisation_id)
    return render(request, "audit/changes.html", {"form": form, "page": page, "entries": entries})
