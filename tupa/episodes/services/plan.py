"""The client plan (CLI-12): goals defined with the client and their reviews."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.core.saving import save_validated

from ..models import Episode, Goal
from ._common import _require_editor

if TYPE_CHECKING:
    from tupa.accounts.models import User


@transaction.atomic
def goal_add(
    *,
    actor: User,
    episode: Episode,
    text: str,
    defined_with: str = "",
    review_date: dt.date | None = None,
) -> Goal:
    """A client-defined goal in the client plan (CLI-12) with its review date."""
    _require_editor(actor, episode)
    if not text.strip():
        raise ValidationError({"text": _("Kirjoita tavoite.")})
    goal = Goal(
        episode=episode,
        text=text.strip(),
        defined_with=defined_with.strip(),
        review_date=review_date,
        created_by=actor,
    )
    with scope(organisation=episode.organisation_id):
        save_validated(goal, actor=actor)
    return goal


@transaction.atomic
def goal_review(
    *, actor: User, goal: Goal, achieved: str, next_review: dt.date | None = None
) -> Goal:
    """Record how far the goal was reached (yes / partly / no), optionally the next review."""
    _require_editor(actor, goal.episode)
    if achieved not in {"yes", "partly", "no"}:
        raise ValidationError({"achieved": _("Valitse, miten tavoite toteutui.")})
    goal.achieved = achieved
    if next_review is not None:
        goal.review_date = next_review
    with scope(organisation=goal.episode.organisation_id):
        save_validated(goal, actor=actor)
    return goal
