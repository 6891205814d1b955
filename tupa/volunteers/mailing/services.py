"""Writes of the consent to be contacted (VOL-09, CON-01): given on a day, withdrawn on a later
one; a new consent after a withdrawal is a new row, never overlapping the earlier one."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tupa.core.dates import check_dates, fi_date
from tupa.core.saving import save_validated
from tupa.volunteers.guards import lock_volunteer, not_future, require_volunteer
from tupa.volunteers.models import ContactConsent, Volunteer

if TYPE_CHECKING:
    from tupa.accounts.models import User


@transaction.atomic
def contact_consent_give(*, actor: User, volunteer: Volunteer, given_on: dt.date) -> ContactConsent:
    require_volunteer(actor, volunteer)
    lock_volunteer(volunteer)
    check_dates(given_on=given_on)
    not_future("given_on", given_on, _("Luvan päivä ei voi olla tulevaisuudessa."))
    earlier = ContactConsent.objects.filter(volunteer=volunteer)
    if earlier.filter(withdrawn_on__isnull=True).exists():
        raise ValidationError({"given_on": _("Vapaaehtoisella on jo voimassa oleva lupa.")})
    last = earlier.order_by("-withdrawn_on").values_list("withdrawn_on", flat=True).first()
    if last is not None and given_on < last:
        raise ValidationError(
            {
                "given_on": _("Edellinen lupa peruttiin %(day)s; uusi ei voi alkaa ennen sitä.")
                % {"day": fi_date(last)}
            }
        )
    consent = ContactConsent(
        organisation_id=volunteer.organisation_id,
        volunteer=volunteer,
        given_on=given_on,
        recorded_by=actor,
    )
    save_validated(consent, actor=actor)
    return consent


@transaction.atomic
def contact_consent_withdraw(
    *, actor: User, consent: ContactConsent, withdrawn_on: dt.date
) -> ContactConsent:
    require_volunteer(actor, consent.volunteer)
    check_dates(withdrawn_on=withdrawn_on)
    not_future("withdrawn_on", withdrawn_on, _("Perumispäivä ei voi olla tulevaisuudessa."))
    if consent.withdrawn_on is not None:
        raise ValidationError({"withdrawn_on": _("Lupa on jo peruttu.")})
    if withdrawn_on < consent.given_on:
        raise ValidationError(
            {
                "withdrawn_on": _(
                    "Lupa annettiin %(day)s; sitä ei voi perua ennen kuin se on annettu."
                )
                % {"day": fi_date(consent.given_on)}
            }
        )
    consent.withdrawn_on = withdrawn_on
    save_validated(consent, actor=actor)
    return consent
