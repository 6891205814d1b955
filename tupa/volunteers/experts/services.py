"""Writes of experience-expert consents (VOL-12).

The consent is recorded for a volunteer who has a task in the form (a former Alvari client is
entered in the register again, never linked to a client record); it is given on a day, with its
scope, and withdrawn on a later day. One open consent per volunteer and form.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tupa.core.dates import check_dates, fi_date
from tupa.core.saving import save_validated
from tupa.organisations.models import ServiceForm
from tupa.volunteers.groups.selectors import has_task_in
from tupa.volunteers.guards import lock_volunteer, not_future, require_form, require_volunteer
from tupa.volunteers.models import ExpertConsent, Volunteer

if TYPE_CHECKING:
    from tupa.accounts.models import User


@transaction.atomic
def expert_consent_give(
    *,
    actor: User,
    volunteer: Volunteer,
    service_form: ServiceForm,
    given_on: dt.date,
    scope: str,
    former_client: bool = False,
) -> ExpertConsent:
    require_form(actor, service_form)
    require_volunteer(actor, volunteer)
    if volunteer.organisation_id != service_form.organisation_id:
        raise PermissionDenied
    lock_volunteer(volunteer)
    check_dates(given_on=given_on)
    not_future("given_on", given_on, _("Suostumuksen päivä ei voi olla tulevaisuudessa."))
    if not scope.strip():
        raise ValidationError({"scope": _("Kirjaa, mihin suostumus annettiin.")})
    if not has_task_in(volunteer, service_form):
        raise ValidationError(
            {
                "service_form": _(
                    "Vapaaehtoisella ei ole tehtävää työmuodossa %(form)s; lisää ensin tehtävä "
                    "(esimerkiksi kokemusasiantuntija)."
                )
                % {"form": service_form.name}
            }
        )
    earlier = ExpertConsent.objects.filter(volunteer=volunteer, service_form=service_form)
    if earlier.filter(withdrawn_on__isnull=True).exists():
        raise ValidationError(
            {"service_form": _("Vapaaehtoisella on jo voimassa oleva suostumus tässä työmuodossa.")}
        )
    last = earlier.order_by("-withdrawn_on").values_list("withdrawn_on", flat=True).first()
    if last is not None and given_on < last:
        raise ValidationError(
            {
                "given_on": _(
                    "Edellinen suostumus peruttiin %(day)s; uusi ei voi alkaa ennen sitä."
                )
                % {"day": fi_date(last)}
            }
        )
    consent = ExpertConsent(
        organisation_id=volunteer.organisation_id,
        volunteer=volunteer,
        service_form=service_form,
        given_on=given_on,
        scope=scope.strip(),
        former_client=former_client,
        recorded_by=actor,
    )
    save_validated(consent, actor=actor)
    return consent


@transaction.atomic
def expert_consent_withdraw(
    *, actor: User, consent: ExpertConsent, withdrawn_on: dt.date
) -> ExpertConsent:
    require_form(actor, consent.service_form)
    check_dates(withdrawn_on=withdrawn_on)
    not_future("withdrawn_on", withdrawn_on, _("Perumispäivä ei voi olla tulevaisuudessa."))
    if consent.withdrawn_on is not None:
        raise ValidationError({"withdrawn_on": _("Suostumus on jo peruttu.")})
    if withdrawn_on < consent.given_on:
        raise ValidationError(
            {
                "withdrawn_on": _(
                    "Suostumus annettiin %(day)s; sitä ei voi perua ennen kuin se on annettu."
                )
                % {"day": fi_date(consent.given_on)}
            }
        )
    consent.withdrawn_on = withdrawn_on
    save_validated(consent, actor=actor)
    return consent
