"""Record ``last_login`` without creating a change-history version on every login."""

from __future__ import annotations

from typing import Any

from django.utils import timezone


def update_last_login_quietly(sender: Any, user: Any, **kwargs: Any) -> None:
    """Replacement for ``django.contrib.auth.models.update_last_login``.

    A queryset update bypasses django-simple-history, so logging in does not add an empty
    "changed" row for the user to the organisation's change history.
    """
    now = timezone.now()
    type(user)._default_manager.filter(pk=user.pk).update(last_login=now)
    user.last_login = now
