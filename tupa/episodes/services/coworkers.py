"""Co-worker assignments (CLI-16): a worker of any service form given access to one episode."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.access import clients
from tupa.access.episodes import may_assign
from tupa.core.saving import save_validated
from tupa.people.processing import ensure_episode_processing_allowed

from ..models import Assignment, Episode
from ._common import _require_membership, _today

if TYPE_CHECKING:
    from tupa.accounts.models import User


@transaction.atomic
def assignment_add(
    *,
    actor: User,
    episode: Episode,
    user: User,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    is_primary: bool = False,
) -> Assignment:
    """Assign a worker to the episode (co-worker access, CLI-16).

    Only a member of the episode's service form may assign. The assignee must be staff doing
    client work in the same organisation (any service form: a Jussi-työ worker may be the
    co-worker of an Avokriisityö couple session — the explicit exception to the wall).
    """
    _require_membership(may_assign(actor, episode))
    ensure_episode_processing_allowed(episode)
    if user.organisation_id != episode.organisation_id or not user.is_active:
        raise ValidationError({"user": _("Valitse oman organisaation työntekijä.")})
    if not clients.user_scope(user).has_client_work:
        raise ValidationError(
            {"user": _("Vain asiakastyötä tekevän työntekijän voi nimetä asiakkuuteen.")}
        )
    start = valid_from or _today()
    if valid_until is not None and valid_until < start:
        raise ValidationError({"valid_until": _("Päättymispäivä ei voi olla ennen alkamispäivää.")})
    with scope(organisation=episode.organisation_id):
        today = _today()
        active = Assignment.objects.filter(episode=episode, user=user).filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=today)
        )
        if active.exists():
            raise ValidationError({"user": _("Työntekijä on jo nimetty tähän asiakkuuteen.")})
        assignment = Assignment(
            episode=episode,
            user=user,
            is_primary=is_primary,
            valid_from=start,
            valid_until=valid_until,
            assigned_by=actor,
        )
        save_validated(assignment, actor=actor)
    return assignment


@transaction.atomic
def assignment_end(
    *, actor: User, assignment: Assignment, last_day: dt.date | None = None
) -> Assignment:
    """End a co-worker assignment; by default access ends at once (last day = yesterday)."""
    _require_membership(may_assign(actor, assignment.episode))
    day = last_day if last_day is not None else _today() - dt.timedelta(days=1)
    if day < assignment.valid_from:
        day = assignment.valid_from - dt.timedelta(days=1)
        assignment.valid_from = day
    assignment.valid_until = day
    with scope(organisation=assignment.episode.organisation_id):
        save_validated(assignment, actor=actor)
    return assignment
