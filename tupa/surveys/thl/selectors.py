"""Reads of the shelter's THL feedback records."""

from __future__ import annotations

from typing import Any, Final

from django.db.models import QuerySet

from tupa.core.shapes import Shape
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


#: Asked on every shelter episode page: a shape compiled once per connection (ADR 0026, second
#: addendum), filtering by the organisation itself.
_GIVEN: Final = Shape(
    lambda s: ThlFormGiven.objects.filter(
        episode_id=s.episode, organisation_id=s.organisation
    ).select_related("recorded_by"),
    name="an episode's THL forms given",
)


def given_in(episode: Any) -> dict[int, ThlFormGiven]:
    """Person id → the THL form given record of the episode (one query)."""
    rows = _GIVEN.instances(episode=episode.pk, organisation=episode.organisation_id)
    return {row.person_id: row for row in rows}
