"""Helpers shared by the appointment screens."""

from __future__ import annotations

from django.http import HttpRequest

from tupa.audit.services import record_access
from tupa.scheduling import selectors


def log_page(request: HttpRequest, page: selectors.CalendarPage, *, action: str) -> None:
    for basis, subjects in page.to_log.items():
        if subjects:
            record_access(request=request, subjects=subjects, action=action, basis=basis)
