"""The data-protection officer's security event log: failed logins, lockouts, refused requests.

The events are written by :mod:`tupa.accounts.security`; this page only reads them. It shows
who, when, what kind, the path (never a query string) and status of a refused request, and the
administrator and reason of a lifted lockout. No password or typed secret is ever stored, so
none can be shown. Attempts at usernames that do not exist appear without a name.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tupa.access import policy
from tupa.access.marks import login_only, organisation_id_of, user_of
from tupa.accounts import security
from tupa.accounts.models import SecurityEvent
from tupa.audit import selectors
from tupa.audit.forms import SecurityEventFilterForm
from tupa.audit.models import Action
from tupa.audit.services import record_access
from tupa.audit.views import PAGE_SIZE, Echo, filter_form
from tupa.core.spreadsheets import csv_cell
from tupa.core.wallclock import HELSINKI

ACTION = "audit.security_events"
FILTERS = ("user", "kind", "date_from", "date_to")
EXPORT_CHUNK = 1000


def _events(request: HttpRequest) -> tuple[SecurityEventFilterForm, Any]:
    form = filter_form(request, SecurityEventFilterForm, FILTERS)
    if form.is_bound and not form.is_valid():
        return form, None
    values = form.filter_values()
    start, end = selectors.period_bounds(values["date_from"], values["date_to"])
    events = security.security_events(
        organisation_id=organisation_id_of(request),
        user=values["user"],
        kind=values["kind"],
        start=start,
        end=end,
    )
    return form, events


@login_only
@require_GET
def security_events(request: HttpRequest) -> HttpResponse:
    """Browse the organisation's security events (DPO only; everybody else gets 404)."""
    policy.require(user_of(request), ACTION)
    form, events = _events(request)
    page = None
    if events is not None:
        page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/security_events.html", {"form": form, "page": page})


def _user_label(user: Any) -> str:
    if user is None:
        return ""
    full_name = user.get_full_name()
    return f"{full_name} ({user.username})" if full_name else str(user.username)


def _csv_rows(events: Any, header: list[str], kinds: dict[str, str], unknown: str) -> Iterator[str]:
    writer = csv.writer(Echo(), delimiter=";")
    yield "\ufeff" + writer.writerow(header)
    for event in events.iterator(chunk_size=EXPORT_CHUNK):
        yield writer.writerow(
            [
                csv_cell(event.occurred_at.astimezone(HELSINKI).strftime("%d.%m.%Y %H:%M:%S")),
                csv_cell(kinds.get(event.kind, event.kind)),
                csv_cell(_user_label(event.user) if event.user is not None else unknown),
                csv_cell(event.path),
                csv_cell(event.status_code),
                csv_cell(event.view_name),
                csv_cell(_user_label(event.actor)),
                csv_cell(event.reason),
                csv_cell(event.request_id),
            ]
        )


@login_only
@require_GET
def security_events_export(request: HttpRequest) -> HttpResponseBase:
    """The filtered security events as CSV for Finnish Excel (``;``, UTF-8 with BOM).

    Like the access-log export, taking the copy is itself logged (an ``export`` access event
    whose subject is the DPO), in the request's transaction and before any row is produced.
    """
    user = user_of(request)
    decision = policy.require(user, ACTION)  # type: ignore[arg-type]
    form, events = _events(request)
    if events is None:
        return render(
            request, "audit/security_events.html", {"form": form, "page": None}, status=400
        )
    record_access(request=request, subjects=[user], action=Action.EXPORT, basis=decision.basis)
    # Labels are resolved now: the body is streamed after the view (and its language) returns.
    header = [
        _("Aika"),
        _("Tapahtuma"),
        _("Käyttäjä"),
        _("Sivun osoite"),
        _("Tilakoodi"),
        _("Näkymä"),
        _("Lukituksen poistaja"),
        _("Syy"),
        _("Pyyntötunniste"),
    ]
    kinds = {str(value): str(label) for value, label in SecurityEvent.Kind.choices}
    response = StreamingHttpResponse(
        _csv_rows(events, header, kinds, _("Tuntematon käyttäjätunnus")),
        content_type="text/csv; charset=utf-8",
    )
    filename = f"turvallisuustapahtumat-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
