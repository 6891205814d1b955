"""Reads of the shelter's THL feedback records."""

from __future__ import annotations

from django.db.models import QuerySet

from tupa.organisations.models import ServiceForm
from tupa.surveys.models import ThlFormGiven, ThlSummary
from tupa.surveys.thl.files import EXTENSIONS


def summaries_of(service_form: ServiceForm) -> QuerySet[ThlSummary]:
    return (
        ThlSummary.objects.filter(service_form=service_form)
        .select_related("uploaded_by")
        .order_by("-period_end", "-pk")
    )


def summary_of(service_form: ServiceForm, pk: int) -> ThlSummary | None:
    return ThlSummary.objects.filter(service_form=service_form, pk=pk).first()


def content_type_of(summary: ThlSummary) -> str:
    name = summary.document.name or ""
    for content_type, extension in EXTENSIONS.items():
        if name.endswith(extension):
            return content_type
    return "application/octet-stream"


def download_name(summary: ThlSummary) -> str:
    extension = "." + (summary.document.name or "").rsplit(".", 1)[-1]
    return f"thl-palaute-{summary.period_start:%Y-%m-%d}-{summary.period_end:%Y-%m-%d}{extension}"


def given_in(episode_id: int) -> dict[int, ThlFormGiven]:
    """Person id → the THL form given record of the episode (one query)."""
    rows = ThlFormGiven.objects.filter(episode_id=episode_id).select_related("recorded_by")
    return {row.person_id: row for row in rows}
