"""The one way a service saves a model row: validate, record who changed it, save."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models


def save_validated(
    instance: models.Model,
    *,
    actor: Any,
    reason: str = "",
    exclude: Iterable[str] = (),
) -> None:
    """Validate ``instance`` (``full_clean``) and save it, recording ``actor`` in its history.

    ``reason`` becomes the change reason of the history row (django-simple-history);
    ``exclude`` skips fields the caller validated itself. A ``ValidationError`` reaches the
    caller untouched, so the view can show it next to the field that was typed.
    """
    instance._history_user = actor  # type: ignore[attr-defined]
    if reason:
        instance._change_reason = reason  # type: ignore[attr-defined]
    instance.full_clean(exclude=list(exclude) or None)
    instance.save()
