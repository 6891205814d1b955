"""Break-the-glass: emergency access with a written reason, and the lead's review of it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.access import clients
from tupa.access.episodes import may_review_break_glass
from tupa.access.policy import Basis
from tupa.audit.models import Action
from tupa.audit.services import record_access_for_user

from ..models import BreakGlass, Episode, Participant

if TYPE_CHECKING:
    from tupa.accounts.models import User


BREAK_GLASS_MIN_REASON = 20
BREAK_GLASS_HOURS = (1, 12)


@transaction.atomic
def break_glass_open(
    *,
    actor: User,
    episode: Episode,
    reason: str,
    hours: int = 4,
    request_id: str = "",
    view_name: str = "",
) -> BreakGlass:
    """Emergency access to an episode outside the user's work task (ARCHITECTURE.md §6).

    Allowed only where :func:`clients.may_break_glass` allows (client-work staff of the same
    organisation, never across the wall); needs a written reason of at least
    :data:`BREAK_THE_GLASS_MIN_REASON` characters; lasts ``hours``; writes an access-log event
    ``break_the_glass`` (one per person of the episode, with the reason) and waits for the
    review of a lead of the episode's service form.
    """
    if not clients.may_break_glass(user=actor, episode=episode):
        raise PermissionDenied(_("Poikkeuksellinen pääsy tähän asiakkuuteen ei ole mahdollinen."))
    text = " ".join(reason.split())
    errors: dict[str, str] = {}
    if len(text) < BREAK_GLASS_MIN_REASON:
        errors["reason"] = _(
            "Kirjoita peruste vähintään %(count)d merkillä: miksi tarvitset tiedot nyt ja "
            "miksi asia ei voi odottaa työmuodon omaa työntekijää."
        ) % {"count": BREAK_GLASS_MIN_REASON}
    low, high = BREAK_GLASS_HOURS
    if not low <= hours <= high:
        errors["hours"] = _("Kesto on %(low)d–%(high)d tuntia.") % {"low": low, "high": high}
    if errors:
        raise ValidationError(errors)
    basis = clients.episode_basis(user=actor, episode=episode)
    if basis in {Basis.MEMBERSHIP, Basis.ASSIGNMENT}:
        raise ValidationError(_("Sinulla on jo pääsy tähän asiakkuuteen."))
    now = timezone.now()
    item = BreakGlass(
        user=actor,
        episode=episode,
        reason=reason.strip(),
        started_at=now,
        expires_at=now + dt.timedelta(hours=hours),
    )
    with scope(organisation=episode.organisation_id):
        item.full_clean()
        item.save()
        persons = [
            p.person
            for p in Participant.objects.filter(episode=episode, person__isnull=False)
            .select_related("person")
            .order_by("pk")
        ]
        record_access_for_user(
            user=actor,
            subjects=persons or [episode],
            action=Action.BREAK_THE_GLASS,
            basis=Basis.BREAK_THE_GLASS,
            reason=item.reason,
            request_id=request_id,
            view_name=view_name,
            episode_id=episode.pk,
        )
    return item


@transaction.atomic
def break_glass_review(*, actor: User, item: BreakGlass, note: str) -> BreakGlass:
    """A lead of the episode's service form reviews an emergency access."""
    if not may_review_break_glass(actor, item.episode):
        raise PermissionDenied(
            _("Vain työmuodon esihenkilö voi tarkastaa poikkeukselliset pääsyt.")
        )
    if item.user_id == actor.pk:
        raise PermissionDenied(_("Omaa poikkeuksellista pääsyä ei voi tarkastaa itse."))
    if item.reviewed_at is not None:
        raise ValidationError(_("Poikkeuksellinen pääsy on jo tarkastettu."))
    if not note.strip():
        raise ValidationError(
            {"note": _("Kirjoita tarkastuksen huomio, esimerkiksi oliko peruste asianmukainen.")}
        )
    item.reviewed_by = actor
    item.reviewed_at = timezone.now()
    item.review_note = note.strip()
    with scope(organisation=item.episode.organisation_id):
        item.full_clean()
        item.save()
    return item


def active_break_glass(*, user: User, episode: Episode) -> BreakGlass | None:
    """The user's unexpired emergency access to ``episode`` (for the banner and the log reason)."""
    with scope(organisation=episode.organisation_id):
        return (
            BreakGlass.objects.filter(user=user, episode=episode, expires_at__gt=timezone.now())
            .order_by("-expires_at")
            .first()
        )


def break_glass_reason(*, user: User, episode: Episode, basis: Basis) -> str:
    """The written reason of the user's emergency access to ``episode`` when ``basis`` is
    break-the-glass (recorded with each access-log event), else ""."""
    if basis is not Basis.BREAK_THE_GLASS:
        return ""
    item = active_break_glass(user=user, episode=episode)
    return item.reason if item is not None else ""
