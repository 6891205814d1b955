"""Reads of the questionnaire builder: the feedback front page and a questionnaire's versions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Prefetch
from django_scopes import scope

from tupa.access.surveys import (
    MANAGE,
    OPEN,
    form_ids,
    forms_for,
    is_thl_feedback_form,
    questionnaires_visible_to,
)
from tupa.organisations.models import ServiceForm
from tupa.surveys.models import Item, Questionnaire, QuestionnaireVersion, Section

if TYPE_CHECKING:
    from tupa.accounts.models import User

Status = QuestionnaireVersion.Status


@dataclass(frozen=True)
class Row:
    questionnaire: Questionnaire
    published: int | None  # the published version's number
    has_draft: bool
    responses: int
    may_manage: bool


@dataclass(frozen=True)
class Group:
    service_form: ServiceForm | None  # None: organisation-wide questionnaires
    rows: list[Row]
    may_create: bool


def _managed(user: User) -> frozenset[int] | None:
    return form_ids(user, MANAGE)


def _may(managed: frozenset[int] | None, service_form_id: int | None) -> bool:
    if managed is None:
        return True
    return service_form_id is not None and service_form_id in managed


def front_page(user: User) -> list[Group]:
    """Per form the user works in, its questionnaires (newest wording's number, whether a draft
    is open, responses in all versions); organisation-wide questionnaires last. A constant number
    of queries."""
    managed = _managed(user)
    forms = list(forms_for(user, OPEN))
    with scope(organisation=user.organisation_id):
        questionnaires = list(
            questionnaires_visible_to(user, OPEN)
            .annotate(
                draft=Exists(
                    QuestionnaireVersion.objects.filter(
                        questionnaire=OuterRef("pk"), status=Status.DRAFT
                    )
                ),
                answered=Count("versions__responses", distinct=True),
            )
            .order_by("archived", "name", "pk")
        )
        numbers = dict(
            QuestionnaireVersion.objects.filter(
                questionnaire__in=[q.pk for q in questionnaires], status=Status.PUBLISHED
            ).values_list("questionnaire_id", "number")
        )
    by_form: dict[int | None, list[Row]] = {}
    for q in questionnaires:
        by_form.setdefault(q.service_form_id, []).append(
            Row(
                questionnaire=q,
                published=numbers.get(q.pk),
                has_draft=bool(q.draft),  # type: ignore[attr-defined]
                responses=q.answered,  # type: ignore[attr-defined]
                may_manage=_may(managed, q.service_form_id),
            )
        )
    # The shelter's clients answer THL's form: no Tupa questionnaire is made for it
    # (questionnaire_new offers no shelter), so its group has no "new questionnaire" button.
    groups = [
        Group(f, by_form.get(f.pk, []), _may(managed, f.pk) and not is_thl_feedback_form(f))
        for f in forms
        if f.pk in by_form or _may(managed, f.pk)
    ]
    if None in by_form or managed is None:
        groups.append(Group(None, by_form.get(None, []), managed is None))
    return groups


@dataclass(frozen=True)
class VersionRow:
    version: QuestionnaireVersion
    responses: int


def versions(questionnaire: Questionnaire) -> list[VersionRow]:
    """The questionnaire's versions, newest first, with their numbers of responses (one query)."""
    rows = (
        questionnaire.versions.select_related("published_by")
        .annotate(answered=Count("responses"))
        .order_by("-number")
    )
    return [VersionRow(v, v.answered) for v in rows]  # type: ignore[attr-defined]


def draft_of(questionnaire: Questionnaire) -> QuestionnaireVersion | None:
    return questionnaire.versions.filter(status=Status.DRAFT).first()


def structure(version: QuestionnaireVersion) -> tuple[list[Section], list[Item]]:
    """The version's sections and items (with their sections and choices); three queries."""
    sections = list(version.sections.all())
    items: list[Item] = list(
        version.items.select_related("section").prefetch_related(
            Prefetch("choices", to_attr="choice_list")
        )
    )
    return sections, items
