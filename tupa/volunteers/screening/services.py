"""Writes of screening (CON-02; Act 148/2014): the interview, the power of attorney and the
record checks seen — the date, the extract's issue date, who saw it and the result, nothing
more."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tupa.core.dates import check_dates, fi_date
from tupa.core.saving import save_validated
from tupa.volunteers import rules
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
    *,
    actor: User,
    volunteer: Volunteer,
    seen_on: dt.date,
    issued_on: dt.date | None,
    seen_by: User,
    result: str,
) -> RecordCheck:
    """A criminal-record extract was seen: the date, the extract's issue date, who saw it, fit or
    unfit. Nothing more.

    The issue date is required, and the extract must have been issued on or before the day it
    was seen and at most six months before it (``rules.extract_usable_until``; the Legal Register
    Centre's validity of an extract, ``finnish-requirements.md`` §7).
    """
    require_volunteer(actor, volunteer)
    check_dates(seen_on=seen_on, issued_on=issued_on)
    not_future("seen_on", seen_on, _("Otteen näkemispäivä ei voi olla tulevaisuudessa."))
    if issued_on is None:
        raise ValidationError({"issued_on": _("Anna otteen antopäivä.")})
    if issued_on > seen_on:
        raise ValidationError(
            {"issued_on": _("Otteen antopäivä ei voi olla otteen näkemispäivän jälkeen.")}
        )
    usable_until = rules.extract_usable_until(issued_on)
    if seen_on > usable_until:
        raise ValidationError(
            {
                "issued_on": _(
                    "Ote on annettu yli %(months)s kuukautta ennen kuin se nähtiin: %(issued)s "
                    "annettu ote kelpaa %(until)s asti. Pyydä vapaaehtoiselta uusi ote."
                )
                % {
                    "months": rules.EXTRACT_VALID_MONTHS,
                    "issued": fi_date(issued_on),
                    "until": fi_date(usable_until),
                }
            }
        )
    if seen_by.organisation_id != volunteer.organisation_id or not seen_by.is_active:
        raise ValidationError({"seen_by": _("Valitse oman organisaation työntekijä.")})
    check = RecordCheck(
        organisation_id=volunteer.organisation_id,
        volunteer=volunteer,
        seen_on=seen_on,
        issued_on=issued_on,
        seen_by=seen_by,
        result=result,
        recorded_by=actor,
    )
    check.full_clean()
    check.save()
    return check
