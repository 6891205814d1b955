"""The day's anonymous visitor counts: taps, undo, the programme, a lead's correction."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tupa.access.dropin import may_correct
from tupa.core.saving import save_validated
from tupa.organisations.models import ServiceForm

from ..models import (
    COUNT_FIELDS,
    CountTap,
    DailyCount,
    Programme,
    Session,
)

if TYPE_CHECKING:
    from tupa.accounts.models import User

from ._common import MIN_REASON, _require_member, _scoped, default_programme


def _session_count(service_form: ServiceForm, day: dt.date, session: str) -> DailyCount:
    count, _created = DailyCount.objects.get_or_create(
        service_form=service_form,
        date=day,
        session=session,
        defaults={
            "organisation_id": service_form.organisation_id,
            "programme": default_programme(day),
        },
    )
    return count


def _check_session(session: str) -> None:
    if session not in Session.values:
        raise ValidationError({"session": _("Valitse aukioloaika.")})


@transaction.atomic
def count_tap(
    *,
    actor: User,
    service_form: ServiceForm,
    field: str,
    delta: int,
    session: str = Session.DAY,
) -> DailyCount:
    """Add ``delta`` (+1 or −1) to one counter of today's ``session``; returns the fresh row."""
    _require_member(actor, service_form)
    if field not in COUNT_FIELDS:
        raise ValidationError({"field": _("Tuntematon laskuri.")})
    if delta not in (1, -1):
        raise ValidationError({"delta": _("Napautus muuttaa lukua yhdellä.")})
    _check_session(session)
    today = timezone.localdate()
    with _scoped(service_form.organisation_id):
        count = _session_count(service_form, today, session)
        rows = DailyCount.objects.filter(pk=count.pk)
        if delta < 0:
            rows = rows.filter(**{f"{field}__gt": 0})
        if not rows.update(**{field: F(field) + delta, "updated_at": timezone.now()}):
            raise ValidationError({"field": _("Luku on jo nolla.")})
        CountTap.objects.create(count=count, field=field, delta=delta, tapped_by=actor)
        count.refresh_from_db()
    return count


@transaction.atomic
def count_undo(*, actor: User, service_form: ServiceForm, session: str = Session.DAY) -> CountTap:
    """Undo the actor's own last tap of today's ``session`` (other workers' taps stay)."""
    _require_member(actor, service_form)
    _check_session(session)
    today = timezone.localdate()
    with _scoped(service_form.organisation_id):
        tap = (
            CountTap.objects.select_for_update()
            .filter(
                count__service_form=service_form,
                count__date=today,
                count__session=session,
                tapped_by=actor,
                undone_at__isnull=True,
            )
            .order_by("-tapped_at", "-pk")
            .first()
        )
        if tap is None:
            raise ValidationError(_("Sinulla ei ole kumottavaa napautusta tänään."))
        rows = DailyCount.objects.filter(pk=tap.count_id)
        if tap.delta > 0:
            rows = rows.filter(**{f"{tap.field}__gt": 0})
        if not rows.update(**{tap.field: F(tap.field) - tap.delta, "updated_at": timezone.now()}):
            raise ValidationError(_("Luku on jo nolla, joten napautusta ei voi kumota."))
        tap.undone_at = timezone.now()
        tap.save(update_fields=["undone_at"])
    return tap


@transaction.atomic
def count_set_programme(
    *, actor: User, service_form: ServiceForm, programme: str, session: str = Session.DAY
) -> DailyCount:
    """Set the programme of today's session (e.g. the baby day moved to another weekday)."""
    _require_member(actor, service_form)
    _check_session(session)
    if programme not in Programme.values:
        raise ValidationError({"programme": _("Valitse ohjelma.")})
    with _scoped(service_form.organisation_id):
        count = _session_count(service_form, timezone.localdate(), session)
        DailyCount.objects.filter(pk=count.pk).update(
            programme=programme, updated_at=timezone.now()
        )
        count.refresh_from_db()
    return count


@transaction.atomic
def count_correct(
    *,
    actor: User,
    service_form: ServiceForm,
    day: dt.date,
    session: str,
    programme: str,
    adults: int,
    children: int,
    under_ones: int,
    first_timers: int,
    reason: str,
) -> DailyCount:
    """A lead sets the figures of a day (today or earlier) with a written reason.

    Creates the row when the day was not counted at all. The reason is kept in the change
    history of the row.
    """
    _require_member(actor, service_form)
    if not may_correct(actor, service_form):
        raise PermissionDenied(_("Vain työmuodon esihenkilö voi korjata päivän lukuja."))
    errors: dict[str, str] = {}
    if day > timezone.localdate():
        errors["day"] = _("Tulevan päivän lukuja ei voi kirjata.")
    if session not in Session.values:
        errors["session"] = _("Valitse aukioloaika.")
    if programme not in Programme.values:
        errors["programme"] = _("Valitse ohjelma.")
    values = {
        "adults": adults,
        "children": children,
        "under_ones": under_ones,
        "first_timers": first_timers,
    }
    for name, value in values.items():
        if not isinstance(value, int) or value < 0:
            errors[name] = _("Anna luku, joka on nolla tai suurempi.")
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        errors["reason"] = _("Kirjoita korjauksen syy (vähintään %(n)s merkkiä).") % {
            "n": MIN_REASON
        }
    if errors:
        raise ValidationError(errors)
    with _scoped(service_form.organisation_id):
        count = (
            DailyCount.objects.select_for_update()
            .filter(service_form=service_form, date=day, session=session)
            .first()
        )
        if count is None:
            count = DailyCount(
                organisation_id=service_form.organisation_id,
                service_form=service_form,
                date=day,
                session=session,
            )
        count.programme = programme
        for name, value in values.items():
            setattr(count, name, value)
        save_validated(count, actor=actor, reason=reason)
    return count
