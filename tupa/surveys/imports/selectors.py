"""What a form's answers can be imported into."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from tupa.surveys.models import ImportBatch, QuestionnaireVersion

if TYPE_CHECKING:
    from tupa.organisations.models import ServiceForm


def importable_versions(service_form: ServiceForm) -> QuerySet[QuestionnaireVersion]:
    """The published versions of the form's own questionnaires (not outcome measures: their
    answers belong to a client's measurement points, which a file cannot tell)."""
    return (
        QuestionnaireVersion.objects.filter(
            questionnaire__organisation_id=service_form.organisation_id,
            questionnaire__service_form=service_form,
            questionnaire__archived=False,
            questionnaire__is_outcome_measure=False,
            status=QuestionnaireVersion.Status.PUBLISHED,
        )
        .select_related("questionnaire")
        .order_by("questionnaire__name", "-number")
    )


def batches_of(service_form: ServiceForm) -> QuerySet[ImportBatch]:
    return (
        ImportBatch.objects.filter(service_form=service_form)
        .select_related("version__questionnaire", "imported_by")
        .order_by("-created_at", "pk")
    )
