"""The client typed in at intake or added later: an identified person or an anonymous alias."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

from tupa.organisations.models import ServiceForm

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.people.models import Alias, Person


@dataclass(frozen=True)
class NewPerson:
    """An identified person typed in at intake."""

    first_names: str
    last_name: str
    hetu: str | None = None
    birth_date: dt.date | None = None
    gender: str = "unknown"


@dataclass(frozen=True)
class NewAlias:
    """An anonymous client: a label chosen by the worker, no identifying data."""

    label: str
    gender: str = "unknown"
    birth_year: int | None = None


def person_for_intake(*, actor: User, service_form: ServiceForm, new: NewPerson) -> Person:
    """The person record for ``new``: an existing one with the same identity code and name, or
    a new one (``tupa.people.services.person_find_or_create``).

    A returning client keeps one record; the new episode is linked to it and nothing else of
    the person is revealed (the other episodes stay behind the access rules). The same code
    with another name is refused with a message that does not tell where the code is known.
    People without a code always get a new record (duplicates are merged in the people app).
    The record of a victim-side client is never attached to perpetrator-side work in
    ``service_form`` (the wall): the same neutral refusal.
    """
    from tupa.people import services as people_services

    fields: dict[str, Any] = {
        "first_names": new.first_names,
        "last_name": new.last_name,
        "hetu": new.hetu or None,
        "gender": new.gender or "unknown",
    }
    if new.birth_date is not None:
        fields["birth_date"] = new.birth_date
    person, _created = people_services.person_find_or_create(
        actor=actor, for_service_form=service_form, **fields
    )
    return person


def alias_for_intake(*, actor: User, service_form: ServiceForm, new: NewAlias) -> Alias:
    """A new alias of an anonymous client in ``service_form`` (``people.services.alias_create``)."""
    from tupa.people import services as people_services

    try:
        return people_services.alias_create(
            actor=actor,
            service_form=service_form,
            label=new.label,
            gender=new.gender or "unknown",
            birth_year=new.birth_year,
        )
    except ValidationError as exc:
        # The alias form fields are called alias_label / alias_birth_year on the intake form.
        if hasattr(exc, "error_dict"):
            raise ValidationError(
                {
                    {"label": "alias_label", "birth_year": "alias_birth_year"}.get(k, k): v
                    for k, v in exc.error_dict.items()
                }
            ) from exc
        raise
