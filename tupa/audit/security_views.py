"""The data-protection officer's security event log: failed logins, lockouts, refused requests.

The events are written by :mod:`tupa.accounts.security`; this page only reads them. It shows
who, when, what kind, the path (never a query string) and status of a refused request, and the
administrator and reason of a lifted lockout. No password or typed secret is ever stored, so
none can be shown. Attempts at usernames that do not exist appear without a name.
"""

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
from tupa.accounts import security
from tupa.accounts.models import SecurityEvent
from tupa.audit import selectors
from tupa.audit.forms import SecurityEventFilterForm
from tupa.audit.models import Action
from tupa.audit.services import record_access
from tupa.audit.views import PAGE_SIZE, filter_form
from tupa.core.spreadsheets import csv_streaming_response, finnish_csv_lines
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


def _csv_rows(events: Any, kinds: dict[str, str], unknown: str) -> Iterator[list[Any]]:
    for event in events.iterator(chunk_size=EXPORT_CHUNK):
        yield [
            event.occurred_at.astimezone(HELSINKI).strftime("%d.%m.%Y %H:%M:%S"),
            kinds.get(event.kind, event.kind),
            _user_label(event.user) if event.user is not None else unknown,
            event.path,
            event.status_code,
            event.view_name,
            _user_label(event.actor),
            event.reason,
            event.request_id,
        ]


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
    rows = _csv_rows(events, kinds, _("Tuntematon käyttäjätunnus"))
    return csv_streaming_response(
        finnish_csv_lines(header, rows),
        f"turvallisuustapahtumat-{timezone.localdate():%Y-%m-%d}.csv",
    )
