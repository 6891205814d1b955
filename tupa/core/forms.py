"""Form helpers shared by every app."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError


def apply_errors(
    form: Any, error: ValidationError, *, field_map: Mapping[str, str] | None = None
) -> None:
    """Show a service's ``ValidationError`` on the form that was bound for it.

    Each message goes next to its field; ``field_map`` renames a model field to the form field
    that edits it (``{"starts_at": "date"}``); keys the form does not have, and errors without
    a field, become errors of the whole form (shown in the error summary).
    """
    mapping = field_map or {}
    if hasattr(error, "error_dict"):
        for key, messages in error.message_dict.items():
            target = mapping.get(key, key)
            for message in messages:
                form.add_error(target if target in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
