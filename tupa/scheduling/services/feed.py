"""The personal iCal feed: a secret token per user, only its hash stored."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from tupa.accounts.models import User
from tupa.scheduling.models import CalendarFeedToken
from tupa.scheduling.services.appointments import AppointmentPermissionDenied

# --------------------------------------------------------------------------- iCal feed tokens


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def feed_token_regenerate(*, actor: User) -> str:
    """Revoke the actor's current feed token (if any) and return a new one (shown once)."""
    if actor.organisation_id is None:
        raise AppointmentPermissionDenied
    CalendarFeedToken.objects.filter(user=actor, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token = secrets.token_urlsafe(32)
    CalendarFeedToken.objects.create(
        organisation_id=actor.organisation_id, user=actor, token_hash=hash_token(token)
    )
    return token


@transaction.atomic
def feed_token_revoke(*, actor: User) -> int:
    """Revoke the actor's feed token; returns how many were revoked (0 or 1)."""
    return CalendarFeedToken.objects.filter(user=actor, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
