"""What every organisation service shares: the organisation scope and the same-organisation rule."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.organisations.models import (
    Organisation,
)

if TYPE_CHECKING:
    pass


@contextmanager
def organisation_scope(organisation_id: int | None) -> Iterator[None]:
    with scope(organisation=organisation_id if organisation_id is not None else []):
        yield


def same_organisation(organisation: Organisation | int, *pairs: tuple[str, Any]) -> None:
    """Raise unless every related object belongs to ``organisation`` (no cross-tenant links)."""
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    errors: dict[str, str] = {}
    for field, obj in pairs:
        if obj is None:
            continue
        other = getattr(obj, "organisation_id", None)
        if other != org_id:
            errors[field] = _("Valittu kohde kuuluu toiseen organisaatioon.")
    if errors:
        raise ValidationError(errors)
