"""Who takes part in an episode: adding a person or alias in a role, ending a participation."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.core.saving import save_validated

from ..models import Episode, Participant
from ._common import Status, _check_subject, _require_editor, _today
from .subjects import NewAlias, NewPerson, alias_for_intake, person_for_intake

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.people.models import Alias, Person


@transaction.atomic
def participant_add(
    *,
    actor: User,
    episode: Episode,
    role: str,
    person: Person | None = None,
    alias: Alias | None = None,
    new: NewPerson | NewAlias | None = None,
    violence_role: str = "",
    joined_on: dt.date | None = None,
) -> Participant:
    """Add a person or alias (existing, or ``new`` typed in now) to the episode in ``role``.

    The violence role is recorded neutrally (CLI-10) and is optional. A person who left the
    episode earlier is brought back on the same row.
    """
    _require_editor(actor, episode)
    if episode.status == Status.ENDED:
        raise ValidationError(_("Päättyneeseen asiakkuuteen ei voi lisätä osallistujia."))
    if role not in Participant.Role.values:
        raise ValidationError({"role": _("Valitse rooli.")})
    if violence_role and violence_role not in Participant.ViolenceRole.values:
        raise ValidationError({"violence_role": _("Tuntematon väkivaltarooli.")})
    service_form = episode.service_form
    if new is not None:
        if isinstance(new, NewAlias):
            alias = alias_for_intake(actor=actor, service_form=service_form, new=new)
        else:
            person = person_for_intake(actor=actor, service_form=service_form, new=new)
    _check_subject(service_form, person, alias)
    with scope(organisation=episode.organisation_id):
        same: dict[str, Any] = {"person": person} if person is not None else {"alias": alias}
        existing = Participant.objects.filter(episode=episode, **same).first()
        if existing is not None:
            if existing.left_on is None:
                raise ValidationError(_("Henkilö on jo asiakkuuden osallistuja."))
            existing.left_on = None
            existing.role = role
            existing.violence_role = violence_role
            save_validated(existing, actor=actor)
            return existing
        participant = Participant(
            episode=episode,
            person=person,
            alias=alias,
            role=role,
            violence_role=violence_role,
            joined_on=joined_on or _today(),
        )
        save_validated(participant, actor=actor)
    return participant


@transaction.atomic
def participant_remove(
    *, actor: User, participant: Participant, left_on: dt.date | None = None
) -> Participant:
    """End a participation (the row stays: journal entries may refer to it)."""
    episode = participant.episode
    _require_editor(actor, episode)
    day = left_on or _today()
    if participant.left_on is not None:
        raise ValidationError(_("Osallistuminen on jo päättynyt."))
    if participant.joined_on is not None and day < participant.joined_on:
        raise ValidationError({"left_on": _("Päättymispäivä ei voi olla ennen alkamispäivää.")})
    with scope(organisation=episode.organisation_id):
        others = Participant.objects.filter(episode=episode, left_on__isnull=True).exclude(
            pk=participant.pk
        )
        if not others.exists() and episode.status != Status.ENDED:
            raise ValidationError(
                _(
                    "Asiakkuudessa on oltava ainakin yksi osallistuja. Päätä asiakkuus, jos se on päättynyt."
                )
            )
        participant.left_on = day
        save_validated(participant, actor=actor)
    return participant
