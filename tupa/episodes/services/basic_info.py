"""The answers of the service form's basic-information questionnaire (*perustietolomake*)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.core.saving import save_validated

from ..basic_info import storage_value
from ..models import BasicFormDefinition, Episode
from ._common import _bump, _copy_back, _lock, _require_editor

if TYPE_CHECKING:
    from tupa.accounts.models import User


@transaction.atomic
def basic_form_save(
    *,
    actor: User,
    episode: Episode,
    definition: BasicFormDefinition,
    answers: dict[str, Any],
    version: int | None,
) -> Episode:
    """Store the basic-information answers (already validated by
    :class:`~tupa.episodes.basic_info.BasicInfoForm`)."""
    _require_editor(actor, episode)
    if definition.service_form_id != episode.service_form_id:
        raise ValidationError(_("Perustietolomake kuuluu toiseen työmuotoon."))
    with scope(organisation=episode.organisation_id):
        current = _lock(episode, version)
        current.basic_form = storage_value(definition, answers)
        _bump(current)
        save_validated(current, actor=actor)
    _copy_back(current, episode)
    return episode
