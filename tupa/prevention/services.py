"""Writes of a prevention form's activity register: activities, materials, deliveries.

House style (ARCHITECTURE.md §4): keyword-only, ``actor`` first, one transaction each, Finnish
``ValidationError`` messages keyed by field, the change history recorded with ``actor``. The
form's client-work members write (:func:`tupa.access.prevention.may_record`); only its lead
removes a row, with a written reason kept in the history (:func:`~.may_remove`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.access.prevention import may_record, may_remove
from tupa.core.saving import save_validated

from .models import AUDIENCE_FIELDS, Activity, Delivery, Material

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.organisations.models import ServiceForm

#: A written reason for a removal is at least this long.
MIN_REASON = 5
#: How far ahead an activity or a delivery may be dated (a planned event is recorded when held).
MAX_DAYS_AHEAD = 0
#: One activity reaches at most this many people (a typo guard: a fair's visitors are counted
#: as the stand's contacts, not the fair's attendance).
MAX_REACHED = 100_000
ACTIVITY_FIELDS = (
    "title",
    "kind",
    "role",
    "starts_on",
    "ends_on",
    *AUDIENCE_FIELDS,
    "partners",
    "notes",
)


def _require_recorder(actor: User, service_form: ServiceForm) -> None:
    if not may_record(actor, service_form):
        raise PermissionDenied(_("Tämä edellyttää jäsenyyttä ehkäisevän työn työmuodossa."))


def _require_remover(actor: User, service_form: ServiceForm) -> None:
    if not may_remove(actor, service_form):
        raise PermissionDenied(_("Kirjauksen poistaa työmuodon esihenkilö."))


def _not_ahead(day: dt.date | None, field: str) -> None:
    if day is not None and day > timezone.localdate() + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise ValidationError({field: _("Päivä ei voi olla tulevaisuudessa; kirjaa toteutunut.")})


def _check_activity(activity: Activity) -> None:
    errors: dict[str, str] = {}
    if (
        activity.ends_on is not None
        and activity.starts_on
        and activity.ends_on < activity.starts_on
    ):
        errors["ends_on"] = _("Viimeinen päivä ei voi olla ennen ensimmäistä.")
    if activity.ends_on == activity.starts_on:
        activity.ends_on = None  # one day: no end date
    if sum(getattr(activity, name) or 0 for name in AUDIENCE_FIELDS) > MAX_REACHED:
        errors["professionals"] = _("Tavoitettuja on yhteensä enintään %(max)s.") % {
            "max": MAX_REACHED
        }
    if errors:
        raise ValidationError(errors)
    _not_ahead(activity.starts_on, "starts_on")


def _only_activity_fields(fields: dict[str, Any]) -> None:
    """A caller's mistake, not a user's: a field an activity does not have."""
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise TypeError(f"unknown activity fields: {sorted(unknown)}")


def _with_reason(reason: str) -> str:
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise ValidationError({"reason": _("Kirjoita poistolle syy.")})
    return reason


@transaction.atomic
def activity_record(*, actor: User, service_form: ServiceForm, **fields: Any) -> Activity:
    """Record an activity the form held or took part in (``ACTIVITY_FIELDS``)."""
    _require_recorder(actor, service_form)
    _only_activity_fields(fields)
    with scope(organisation=service_form.organisation_id):
        activity = Activity(
            organisation_id=service_form.organisation_id, service_form=service_form, **fields
        )
        _check_activity(activity)
        save_validated(activity, actor=actor)
    return activity


@transaction.atomic
def activity_update(*, actor: User, activity: Activity, **fields: Any) -> Activity:
    """Correct an activity's fields (the change history keeps the earlier values)."""
    _require_recorder(actor, activity.service_form)
    _only_activity_fields(fields)
    with scope(organisation=activity.organisation_id):
        for name, value in fields.items():
            setattr(activity, name, value)
        _check_activity(activity)
        save_validated(activity, actor=actor)
    return activity


def _remove(actor: User, row: Activity | Delivery, reason: str) -> None:
    """A lead removes ``row``; its history keeps the removed values, ``actor`` and ``reason``."""
    _require_remover(actor, row.service_form)
    row._history_user = actor  # type: ignore[union-attr]
    row._change_reason = _with_reason(reason)  # type: ignore[union-attr]
    with scope(organisation=row.organisation_id):
        row.delete()


@transaction.atomic
def activity_remove(*, actor: User, activity: Activity, reason: str) -> None:
    """Remove an activity recorded by mistake (:func:`_remove`)."""
    _remove(actor, activity, reason)


@transaction.atomic
def material_add(*, actor: User, service_form: ServiceForm, name: str) -> Material:
    """Add a material to the form's list (a name the form does not have yet)."""
    _require_recorder(actor, service_form)
    name = " ".join(name.split())
    with scope(organisation=service_form.organisation_id):
        if Material.objects.filter(service_form=service_form, name__iexact=name).exists():
            raise ValidationError({"name": _("Työmuodolla on jo tämän niminen materiaali.")})
        material = Material(
            organisation_id=service_form.organisation_id, service_form=service_form, name=name
        )
        save_validated(material, actor=actor)
    return material


@transaction.atomic
def material_set_active(*, actor: User, material: Material, active: bool) -> Material:
    """Take a material out of distribution (or back): its earlier deliveries stay counted."""
    _require_recorder(actor, material.service_form)
    with scope(organisation=material.organisation_id):
        material.active = active
        save_validated(material, actor=actor)
    return material


@transaction.atomic
def delivery_record(
    *,
    actor: User,
    service_form: ServiceForm,
    material: Material,
    date: dt.date,
    quantity: int,
    recipient_kind: str,
    recipient: str = "",
) -> Delivery:
    """Record a batch of ``material`` handed to a place."""
    _require_recorder(actor, service_form)
    if material.service_form_id != service_form.pk:
        raise ValidationError({"material": _("Valitse työmuodon oma materiaali.")})
    if not material.active:
        raise ValidationError({"material": _("Materiaali ei ole enää jaossa.")})
    _not_ahead(date, "date")
    with scope(organisation=service_form.organisation_id):
        delivery = Delivery(
            organisation_id=service_form.organisation_id,
            service_form=service_form,
            material=material,
            date=date,
            quantity=quantity,
            recipient_kind=recipient_kind,
            recipient=recipient.strip(),
        )
        save_validated(delivery, actor=actor)
    return delivery


@transaction.atomic
def delivery_remove(*, actor: User, delivery: Delivery, reason: str) -> None:
    """Remove a delivery recorded by mistake (:func:`_remove`)."""
    _remove(actor, delivery, reason)
