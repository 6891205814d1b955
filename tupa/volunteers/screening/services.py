"""Writes of screening (CON-02; Act 148/2014): the interview, the power of attorney and the
record checks seen — the date, who saw the extract and the result, nothing more."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tupa.core.dates import check_dates
from tupa.core.saving import save_validated
from tupa.volunteers.guards import not_future, require_volunteer
from tupa.volunteers.models import (
    RecordCheck,
    Screening,
    Volunteer,
)

if TYPE_CHECKING:
    from tupa.accounts.models import User


@transaction.atomic
def screening_record(
    *,
    actor: User,
    volunteer: Volunteer,
    interviewed_on: dt.date | None,
    interviewed_by: User | None,
    power_of_attorney_on: dt.date | None,
) -> Screening:
    """The individual interview and the power of attorney (CON-02)."""
    require_volunteer(actor, volunteer)
    check_dates(interviewed_on=interviewed_on, power_of_attorney_on=power_of_attorney_on)
    not_future("interviewed_on", interviewed_on, _("Haastattelupäivä ei voi olla tulevaisuudessa."))
    not_future(
        "power_of_attorney_on",
        power_of_attorney_on,
        _("Valtakirjan päivä ei voi olla tulevaisuudessa."),
    )
    if interviewed_on is not None and interviewed_by is None:
        raise ValidationError({"interviewed_by": _("Valitse haastattelija.")})
    if interviewed_by is not None and interviewed_by.organisation_id != volunteer.organisation_id:
        raise ValidationError({"interviewed_by": _("Valitse oman organisaation työntekijä.")})
    screening = Screening.objects.filter(volunteer=volunteer).first() or Screening(
        organisation_id=volunteer.organisation_id, volunteer=volunteer
    )
    screening.interviewed_on = interviewed_on
    screening.interviewed_by = interviewed_by
    screening.power_of_attorney_on = power_of_attorney_on
    save_validated(screening, actor=actor)
    return screening


@transaction.atomic
def record_check_add(
    *, actor: User, volunteer: Volunteer, seen_on: dt.date, seen_by: User, result: str
) -> RecordCheck:
    """A criminal-record extract was seen: the date, who saw it, fit or unfit. Nothing more."""
    require_volunteer(actor, volunteer)
    check_dates(seen_on=seen_on)
    not_future("seen_on", seen_on, _("Otteen näkemispäivä ei voi olla tulevaisuudessa."))
    if seen_by.organisation_id != volunteer.organisation_id or not seen_by.is_active:
        raise ValidationError({"seen_by": _("Valitse oman organisaation työntekijä.")})
    check = RecordCheck(
        organisation_id=volunteer.organisation_id,
        volunteer=volunteer,
        seen_on=seen_on,
        seen_by=seen_by,
        result=result,
        recorded_by=actor,
    )
    check.full_clean()
    check.save()
    return check
