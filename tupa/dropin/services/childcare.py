"""Childcare sessions (the children minded while the parents are in a group)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tupa.core.saving import save_validated
from tupa.organisations.models import ServiceForm

from .. import volunteers
from ..models import (
    ChildcareSession,
)

if TYPE_CHECKING:
    from tupa.accounts.models import User

from ._common import _require_member, _scoped

CHILDCARE_FIELDS = (
    "children_under_1",
    "children_1_2",
    "children_3_6",
    "staff_carers",
    "volunteer_carers",
)


def _check_childcare(starts_at: dt.datetime, ends_at: dt.datetime, counts: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        errors["starts_at"] = _("Anna ajankohta aikavyöhykkeen kanssa.")
    elif ends_at <= starts_at:
        errors["ends_at"] = _("Päättymisajan on oltava alkamisajan jälkeen.")
    elif timezone.localtime(starts_at).date() > timezone.localdate():
        errors["starts_at"] = _("Tulevaa lastenhoitokertaa ei voi vielä kirjata.")
    for name in CHILDCARE_FIELDS:
        value = counts.get(name, 0)
        if not isinstance(value, int) or value < 0:
            errors[name] = _("Anna luku, joka on nolla tai suurempi.")
    if errors:
        raise ValidationError(errors)


def _day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _childminders(
    *,
    service_form: ServiceForm,
    starts_at: dt.datetime,
    volunteer_ids: Iterable[int],
    already: Collection[int],
    counts: dict[str, Any],
) -> list[int]:
    """Check the named volunteer childminders and derive or check ``volunteer_carers``.

    A volunteer being added must be allowed to mind children that day (the volunteers app's
    rules, through the registry); one already named stays. The count of volunteer carers is the
    number named when it is not given (``None``), and may not be below it (helpers outside the
    register are counted, not named).
    """
    ids = list(dict.fromkeys(volunteer_ids))
    errors: dict[str, str] = {}
    found = volunteers.problems(
        service_form=service_form,
        on=_day(starts_at),
        volunteer_ids=[pk for pk in ids if pk not in already],
    )
    if found:
        errors["volunteers"] = " ".join(found)
    count = counts.get("volunteer_carers")
    if count is None:
        counts["volunteer_carers"] = len(ids)
    elif isinstance(count, int) and count < len(ids):
        errors["volunteer_carers"] = _(
            "Vapaaehtoisia lastenhoitajia on nimetty %(named)s; määrä ei voi olla pienempi."
        ) % {"named": len(ids)}
    if errors:
        raise ValidationError(errors)
    return ids


@transaction.atomic
def childcare_record(
    *,
    actor: User,
    service_form: ServiceForm,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    note: str = "",
    volunteer_ids: Iterable[int] = (),
    **counts: int | None,
) -> ChildcareSession:
    """Record a temporary childcare session: children by age group, carers (counts) and the
    volunteer childminders by name from the register (``volunteer_ids``)."""
    _require_member(actor, service_form)
    unknown = set(counts) - set(CHILDCARE_FIELDS)
    if unknown:
        raise TypeError(f"childcare_record() got unexpected fields {sorted(unknown)}")
    _check_childcare(starts_at, ends_at, {k: 0 if v is None else v for k, v in counts.items()})
    with _scoped(service_form.organisation_id):
        ids = _childminders(
            service_form=service_form,
            starts_at=starts_at,
            volunteer_ids=volunteer_ids,
            already=(),
            counts=counts,
        )
        session = ChildcareSession(
            organisation_id=service_form.organisation_id,
            service_form=service_form,
            starts_at=starts_at,
            ends_at=ends_at,
            note=note.strip(),
            recorded_by=actor,
            **counts,
        )
        save_validated(session, actor=actor)
        if ids:
            session.volunteers.set(ids)
    return session


@transaction.atomic
def childcare_update(
    *,
    actor: User,
    session: ChildcareSession,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    note: str = "",
    volunteer_ids: Iterable[int] | None = None,
    **counts: int | None,
) -> ChildcareSession:
    """Change a childcare session; ``volunteer_ids=None`` keeps the named volunteers."""
    _require_member(actor, session.service_form)
    unknown = set(counts) - set(CHILDCARE_FIELDS)
    if unknown:
        raise TypeError(f"childcare_update() got unexpected fields {sorted(unknown)}")
    _check_childcare(starts_at, ends_at, {k: 0 if v is None else v for k, v in counts.items()})
    with _scoped(session.organisation_id):
        current = ChildcareSession.objects.select_for_update().get(pk=session.pk)
        named = list(current.volunteers.values_list("pk", flat=True))
        ids = _childminders(
            service_form=current.service_form,
            starts_at=starts_at,
            volunteer_ids=named if volunteer_ids is None else volunteer_ids,
            # Moved to another day, everyone named is checked again for that day.
            already=named if _day(starts_at) == _day(current.starts_at) else (),
            counts=counts,
        )
        current.starts_at = starts_at
        current.ends_at = ends_at
        current.note = note.strip()
        for name, value in counts.items():
            setattr(current, name, value)
        save_validated(current, actor=actor)
        if set(ids) != set(named):
            current.volunteers.set(ids)
    return current
