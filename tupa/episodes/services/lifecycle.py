"""The episode after intake: status moves (and re-opening), intake facts, contact permission."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.core import dates
from tupa.core.saving import save_validated

from ..models import Episode, Participant
from ._common import (
    Status,
    _bump,
    _check_same_organisation,
    _copy_back,
    _lock,
    _require_editor,
    _today,
)
from .intake import EPISODE_FIELDS

if TYPE_CHECKING:
    from tupa.accounts.models import User


#: Forward moves of the episode status. Skipping forward is fine (a shelter client is active from
#: the first night); moving back is not, except re-opening an ended episode with a reason.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.ENQUIRY: frozenset({Status.WAITING, Status.ACTIVE, Status.ENDED}),
    Status.WAITING: frozenset({Status.ACTIVE, Status.ENDED}),
    Status.ACTIVE: frozenset({Status.ENDED}),
    Status.ENDED: frozenset(),
}
#: Statuses an ended episode may be re-opened to (with a written reason).
REOPEN_TO = frozenset({Status.WAITING, Status.ACTIVE})
#: Episode fields ``episode_update`` accepts as ``**fields``.
EPISODE_UPDATE_FIELDS = EPISODE_FIELDS | {"referral_source", "service_task"}


def _check_transition(
    current: Episode,
    status: str,
    *,
    start_date: dt.date | None,
    end_date: dt.date | None,
    end_reason: str,
    reason: str,
) -> None:
    if status not in Status.values:
        raise ValidationError({"status": _("Tuntematon tila.")})
    if status == current.status:
        raise ValidationError({"status": _("Asiakkuus on jo tässä tilassa.")})
    if current.status == Status.ENDED:
        if status not in REOPEN_TO:
            raise ValidationError(
                {
                    "status": _(
                        "Päättyneen asiakkuuden voi avata uudelleen vain jonoon tai käynnissä olevaksi."
                    )
                }
            )
        if not reason.strip():
            raise ValidationError(
                {"reason": _("Kirjoita peruste, miksi päättynyt asiakkuus avataan uudelleen.")}
            )
        return
    if status not in TRANSITIONS[current.status]:
        raise ValidationError(
            {
                "status": _(
                    "Tilaa ei voi siirtää taaksepäin (%(old)s → %(new)s). Asiakkuus etenee "
                    "järjestyksessä yhteydenotto → jonossa → käynnissä → päättynyt."
                )
                % {"old": current.get_status_display(), "new": Status(status).label}
            }
        )
    if status == Status.ENDED:
        errors: dict[str, str] = {}
        if end_date is None:
            errors["end_date"] = _("Päättyneellä asiakkuudella on oltava päättymispäivä.")
        elif end_date > _today():
            errors["end_date"] = _("Päättymispäivä ei voi olla tulevaisuudessa.")
        else:
            start = start_date or current.start_date
            if start is not None and end_date < start:
                errors["end_date"] = _("Päättymispäivä ei voi olla ennen alkamispäivää.")
        if not end_reason:
            errors["end_reason"] = _("Valitse päättymisen syy.")
        elif end_reason not in Episode.EndReason.values:
            errors["end_reason"] = _("Tuntematon päättymisen syy.")
        if errors:
            raise ValidationError(errors)


@transaction.atomic
def episode_set_status(
    *,
    actor: User,
    episode: Episode,
    status: str,
    version: int | None,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    end_reason: str = "",
    reason: str = "",
) -> Episode:
    """Move the episode forward (enquiry → waiting → active → ended), or re-open an ended one.

    Ending needs ``end_date`` and ``end_reason``; re-opening needs ``reason`` (kept in the
    change history). ``version`` is the version the user saw (``None`` skips the check, for
    imports and the demo builder).
    """
    _require_editor(actor, episode)
    dates.check_dates(start_date=start_date, end_date=end_date)
    with scope(organisation=episode.organisation_id):
        current = _lock(episode, version)
        _check_transition(
            current,
            status,
            start_date=start_date,
            end_date=end_date,
            end_reason=end_reason,
            reason=reason,
        )
        reopened_from = current.end_date if current.status == Status.ENDED else None
        if current.status == Status.ENDED:
            current.end_date = None
            current.end_reason = ""
        if start_date is not None:
            current.start_date = start_date
        if status == Status.ACTIVE and current.start_date is None:
            current.start_date = _today()
        if status == Status.ENDED:
            current.end_date = end_date
            current.end_reason = end_reason
        current.status = status
        _bump(current)
        save_validated(current, actor=actor, reason=reason.strip())
        if status == Status.ENDED:
            for participant in Participant.objects.filter(episode=current, left_on__isnull=True):
                participant.left_on = max(end_date, participant.joined_on or end_date)  # type: ignore[type-var]
                save_validated(participant, actor=actor)
        elif reopened_from is not None:
            # Those who left when the episode ended come back with it.
            for participant in Participant.objects.filter(episode=current, left_on=reopened_from):
                participant.left_on = None
                save_validated(participant, actor=actor)
    _copy_back(current, episode)
    return episode


@transaction.atomic
def episode_update(*, actor: User, episode: Episode, version: int | None, **fields: Any) -> Episode:
    """Change the intake details of an episode (referral source, payer, summary, …)."""
    _require_editor(actor, episode)
    unknown = set(fields) - EPISODE_UPDATE_FIELDS
    if unknown:
        raise TypeError(f"episode_update() got unexpected fields {sorted(unknown)}")
    dates.check_dates(start_date=fields.get("start_date"))
    _check_same_organisation(
        episode.organisation_id,
        referral_partner=fields.get("referral_partner"),
        payer=fields.get("payer"),
    )
    with scope(organisation=episode.organisation_id):
        current = _lock(episode, version)
        for name, value in fields.items():
            setattr(current, name, value)
        _bump(current)
        save_validated(current, actor=actor)
    _copy_back(current, episode)
    return episode


@transaction.atomic
def contact_permission_set(
    *,
    actor: User,
    episode: Episode,
    permission: bool | None,
    on: dt.date | None = None,
    version: int | None,
) -> Episode:
    """Contact permission for later follow-up (CON-01): yes/no and the date it was given."""
    _require_editor(actor, episode)
    if permission is not None and on is None:
        on = _today()
    if on is not None and on > _today():
        raise ValidationError({"contact_permission_date": _("Päivä ei voi olla tulevaisuudessa.")})
    with scope(organisation=episode.organisation_id):
        current = _lock(episode, version)
        current.contact_permission = permission
        current.contact_permission_date = on if permission is not None else None
        _bump(current)
        save_validated(current, actor=actor)
    _copy_back(current, episode)
    return episode
