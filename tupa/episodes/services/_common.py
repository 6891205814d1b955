"""What the episode services share: the episode lock, the editor checks, the subject checks."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from tupa.access import clients
from tupa.access.episodes import may_change_episode
from tupa.core.conflicts import ensure_version
from tupa.people.processing import ensure_episode_processing_allowed, ensure_processing_allowed

from ..models import Episode

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.organisations.models import ServiceForm
    from tupa.people.models import Alias, Person

Status = Episode.Status


def _today() -> dt.date:
    return timezone.localdate()


def _require_editor(actor: User, episode: Episode) -> None:
    if not may_change_episode(actor, episode):
        raise PermissionDenied(
            _(
                "Vain työmuodon työntekijät ja asiakkuuteen nimetyt työntekijät voivat muuttaa asiakkuutta."
            )
        )
    # GDPR art. 18: no changes while a participant's processing is restricted.
    ensure_episode_processing_allowed(episode)


def _require_membership(allowed: bool) -> None:
    """Refuse an action that needs a client-work membership the actor does not hold.

    ``allowed`` is the answer of the :mod:`tupa.access.episodes` predicate for the action.
    """
    if not allowed:
        raise PermissionDenied(_("Tämä edellyttää asiakastyön jäsenyyttä työmuodossa."))


def _check_same_organisation(organisation_id: int, **objects: Any) -> None:
    errors = {
        field: _("Valittu kohde kuuluu toiseen organisaatioon.")
        for field, obj in objects.items()
        if obj is not None and getattr(obj, "organisation_id", organisation_id) != organisation_id
    }
    if errors:
        raise ValidationError(errors)


def _lock(episode: Episode, version: int | None) -> Episode:
    """The episode row, locked for this transaction; a
    :class:`~tupa.core.conflicts.VersionConflict` if it changed since ``version``."""
    current = Episode.objects.select_for_update().select_related("service_form").get(pk=episode.pk)
    ensure_version(current, version)
    return current


def _bump(current: Episode) -> None:
    current.version += 1


def _copy_back(current: models.Model, original: models.Model) -> None:
    """Keep the caller's instance in step with the saved row."""
    for field in current._meta.concrete_fields:
        setattr(original, field.attname, getattr(current, field.attname))


def _check_subject(
    service_form: ServiceForm, person: Person | None, alias: Alias | None, *, field: str = "person"
) -> None:
    if (person is None) == (alias is None):
        raise ValidationError(
            {field: _("Valitse asiakkaaksi joko tunnistettu henkilö tai peitenimi.")}
        )
    _check_same_organisation(service_form.organisation_id, person=person, alias=alias)
    if alias is not None and alias.service_form_id != service_form.pk:
        raise ValidationError({"alias": _("Peitenimi kuuluu toiseen työmuotoon.")})
    if person is not None and person.merged_into_id is not None:
        raise ValidationError(
            {field: _("Henkilö on yhdistetty toiseen henkilöön. Valitse yhdistetty henkilö.")}
        )
    if person is not None and clients.person_behind_wall(person=person, service_form=service_form):
        raise ValidationError({field: clients.WALL_MESSAGE})
    ensure_processing_allowed(person, alias)
