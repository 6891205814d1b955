"""An episode's outcome measures: per person and questionnaire, the answers at each measurement
point side by side and the change between the first and the latest measurement.

The rule is the results page's (:mod:`tupa.surveys.results.outcome`): measurements are ordered
start, interim, end, follow-up, then by day; only numeric items (scales and smileys) count; an
item's change is latest − first when it was answered at both; the total is the sum of those
changes, so a question skipped once does not count as a change. Higher is better. Three queries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import get_language

from tupa.surveys.models import Answer, Invitation, Response
from tupa.surveys.results.outcome import POINT_ORDER
from tupa.surveys.results.selectors import MEAN_KINDS

if TYPE_CHECKING:
    from tupa.episodes.models import Episode
    from tupa.people.models import Person
    from tupa.surveys.models import Questionnaire


@dataclass
class ItemRow:
    code: str
    question: str
    values: list[int | None]
    change: int | None = None


@dataclass
class PersonMeasures:
    person: Person
    questionnaire: Questionnaire
    measurements: list[Response] = field(default_factory=list)
    items: list[ItemRow] = field(default_factory=list)
    totals: list[int | None] = field(default_factory=list)
    total_change: int | None = None

    @property
    def points(self) -> set[str]:
        return {m.measurement_point for m in self.measurements}


def _order_key(response: Response) -> tuple[int, object, int]:
    return (POINT_ORDER.get(response.measurement_point, 1), response.submitted_on, response.pk)


def change(first: dict[str, int], last: dict[str, int]) -> tuple[dict[str, int], int | None]:
    """Per item code the change latest − first (items answered at both), and their sum."""
    common = sorted(first.keys() & last.keys())
    per_item = {code: last[code] - first[code] for code in common}
    return per_item, (sum(per_item.values()) if per_item else None)


def outcome_measures(episode: Episode) -> list[PersonMeasures]:
    """The episode's linked outcome-measure responses, grouped per person and questionnaire."""
    responses = list(
        Response.objects.filter(
            episode_id=episode.pk,
            anonymous=False,
            person__isnull=False,
            version__questionnaire__is_outcome_measure=True,
        ).select_related("person", "version", "version__questionnaire")
    )
    if not responses:
        return []
    numbers: dict[int, dict[str, int]] = defaultdict(dict)
    texts: dict[tuple[int, str], tuple[int, int, str]] = {}
    language = get_language() or "fi"
    by_pk = {r.pk: r for r in responses}
    for answer in Answer.objects.filter(
        response_id__in=list(by_pk),
        item__kind__in=list(MEAN_KINDS),
        number__isnull=False,
    ).select_related("item"):
        numbers[answer.response_id][answer.item.code] = int(answer.number or 0)
        version = by_pk[answer.response_id].version
        code_key = (version.questionnaire_id, answer.item.code)
        # The question's wording is the newest version's.
        if code_key not in texts or texts[code_key][0] < version.number:
            texts[code_key] = (
                version.number,
                answer.item.order,
                answer.item.text("text", language),
            )
    groups: dict[tuple[int, int], PersonMeasures] = {}
    for response in sorted(responses, key=_order_key):
        assert response.person is not None
        key = (response.person_id or 0, response.version.questionnaire_id)
        if key not in groups:
            groups[key] = PersonMeasures(response.person, response.version.questionnaire)
        groups[key].measurements.append(response)
    for (_person_id, questionnaire_id), group in groups.items():
        codes = sorted(
            {c for m in group.measurements for c in numbers[m.pk]},
            key=lambda c: (texts[(questionnaire_id, c)][1], c),
        )
        group.items = [
            ItemRow(
                code=c,
                question=texts[(questionnaire_id, c)][2],
                values=[numbers[m.pk].get(c) for m in group.measurements],
            )
            for c in codes
        ]
        group.totals = [
            sum(numbers[m.pk].values()) if numbers[m.pk] else None for m in group.measurements
        ]
        if len(group.measurements) >= 2:
            per_item, group.total_change = change(
                numbers[group.measurements[0].pk], numbers[group.measurements[-1].pk]
            )
            for row in group.items:
                row.change = per_item.get(row.code)
    return sorted(groups.values(), key=lambda g: (g.questionnaire.name, str(g.person), g.person.pk))


def invitations_of(episode: Episode) -> list[Invitation]:
    """The episode's feedback invitations, newest first (one query)."""
    return list(
        Invitation.objects.filter(episode_id=episode.pk)
        .select_related("version", "version__questionnaire", "person")
        .order_by("-created_at", "-pk")
    )
