"""Reads of the quality self-evaluation: a unit's evaluations, and each criterion with this
year's rating and the previous year's beside it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from tupa.organisations.models import ServiceForm
from tupa.surveys.models import CriteriaSet, Criterion, CriterionRating, SelfEvaluation


def criteria_sets(organisation_id: int) -> QuerySet[CriteriaSet]:
    """The organisation's criteria sets with their number of criteria (one query)."""
    return (
        CriteriaSet.objects.filter(organisation_id=organisation_id)
        .annotate(criteria_count=Count("criteria"))
        .order_by("-active", "name", "pk")
    )


def evaluations_of(service_form: ServiceForm) -> QuerySet[SelfEvaluation]:
    """The unit's evaluations, newest year first, with their set and number of ratings."""
    return (
        SelfEvaluation.objects.filter(service_form=service_form)
        .select_related("criteria_set", "completed_by")
        .annotate(rated=Count("ratings"))
        .order_by("-year", "criteria_set__name", "pk")
    )


def evaluation_of(service_form: ServiceForm, pk: int) -> SelfEvaluation | None:
    """Evaluation ``pk`` of this unit, or None (another unit's is "not found")."""
    return (
        SelfEvaluation.objects.filter(service_form=service_form, pk=pk)
        .select_related("criteria_set", "service_form", "completed_by")
        .first()
    )


def previous_evaluation(evaluation: SelfEvaluation) -> SelfEvaluation | None:
    """The same unit's evaluation against the same set in the latest earlier year."""
    return (
        SelfEvaluation.objects.filter(
            criteria_set_id=evaluation.criteria_set_id,
            service_form_id=evaluation.service_form_id,
            year__lt=evaluation.year,
        )
        .order_by("-year")
        .first()
    )


@dataclass(frozen=True)
class CriterionRow:
    criterion: Criterion
    rating: CriterionRating | None
    previous: CriterionRating | None


def rows(evaluation: SelfEvaluation) -> tuple[list[CriterionRow], SelfEvaluation | None]:
    """Every criterion of the set with this evaluation's rating and the previous year's (the
    previous evaluation is matched on the criterion; a criterion added since has none)."""
    previous = previous_evaluation(evaluation)
    current = {r.criterion_id: r for r in evaluation.ratings.all()}
    before = {r.criterion_id: r for r in previous.ratings.all()} if previous else {}
    criteria = evaluation.criteria_set.criteria.order_by("order", "pk")
    return [CriterionRow(c, current.get(c.pk), before.get(c.pk)) for c in criteria], previous


def summary_counts(found: list[CriterionRow]) -> dict[str, int]:
    """How many criteria got each rating (for the page's summary line)."""
    counts = {value: 0 for value in CriterionRating.Rating.values}
    for row in found:
        if row.rating is not None:
            counts[row.rating.rating] += 1
    return counts
