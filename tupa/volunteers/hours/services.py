"""Writes of the activity log (VOL-01, VOL-10): occasions with their Helsinki wall-clock times,
never overlapping; corrections and deletions keep the earlier version in the change history.

Staff (the volunteer coordinator) write with :func:`hours_add`, :func:`hours_update` and
:func:`hours_delete`; the volunteer, in the portal, with :func:`hours_add_own` and
:func:`hours_update_own` — the same rules and messages, ``recorded_by`` the volunteer's own
login (so the entry shows as entered by the volunteer), and only the entries they entered
themselves can they correct."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tupa.core.dates import check_dates
from tupa.core.saving import save_validated
from tupa.organisations.models import ServiceForm
from tupa.volunteers import clock
from tupa.volunteers.guards import (
    lock_volunteer,
    not_future,
    require_form,
    require_own,
    require_volunteer,
)
from tupa.volunteers.models import (
    ActivityKind,
    Assignment,
    HoursEntry,
    Volunteer,
)

if TYPE_CHECKING:
    from tupa.accounts.models import User


def _hours_problems(
    *,
    volunteer: Volunteer,
    service_form: ServiceForm,
    kind: str,
    date: dt.date,
    starts: dt.time,
    ends: dt.time,
    exclude_pk: int | None = None,
    own: bool = False,
) -> None:
    """The rules of one occasion (new or corrected); raises with Finnish messages.

    ``own``: the volunteer is typing (the portal), so the messages speak to them.
    """
    check_dates(date=date)
    not_future("date", date, _("Toteutunutta toimintaa ei voi kirjata tulevalle päivälle."))
    for field, value in (("starts", starts), ("ends", ends)):
        if not clock.exists(date, value):
            raise ValidationError(
                {
                    field: _(
                        "Kelloaikaa %(time)s ei ollut tuona päivänä (kesäaikaan siirryttäessä "
                        "kello siirtyi 3.00 → 4.00). Tarkista aika."
                    )
                    % {"time": value.strftime("%H.%M")}
                }
            )
    if ends <= starts:
        raise ValidationError({"ends": _("Päättymisajan on oltava alkamisajan jälkeen.")})
    if kind not in ActivityKind.values:
        raise ValidationError({"kind": _("Valitse toiminnan laji.")})
    if (
        not Assignment.objects.filter(
            volunteer=volunteer, service_form=service_form, started_on__lte=date
        )
        .exclude(ended_on__lt=date)
        .exists()
    ):
        raise ValidationError(
            {
                "service_form": (
                    _("Sinulla ei ollut tehtävää tässä työmuodossa tuona päivänä.")
                    if own
                    else _("Vapaaehtoisella ei ollut tehtävää tässä työmuodossa tuona päivänä.")
                )
            }
        )
    others = HoursEntry.objects.filter(
        volunteer=volunteer, date=date, starts__lt=ends, ends__gt=starts
    )
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    clash = others.order_by("starts").first()
    if clash is not None:
        raise ValidationError(
            {
                "starts": _(
                    "Aika menee päällekkäin saman päivän toisen kirjauksen kanssa "
                    "(%(start)s–%(end)s). Tarkista ajat."
                )
                % {"start": clash.starts.strftime("%H.%M"), "end": clash.ends.strftime("%H.%M")}
            }
        )


def _record(
    *,
    actor: User,
    volunteer: Volunteer,
    service_form: ServiceForm,
    kind: str,
    date: dt.date,
    starts: dt.time,
    ends: dt.time,
    own: bool = False,
) -> HoursEntry:
    """A new entry after the rules, the volunteer locked; the caller decided who may write it
    (staff: :func:`hours_add`; the volunteer in the portal: :func:`hours_add_own`)."""
    volunteer = lock_volunteer(volunteer)
    _hours_problems(
        volunteer=volunteer,
        service_form=service_form,
        kind=kind,
        date=date,
        starts=starts,
        ends=ends,
        own=own,
    )
    entry = HoursEntry(
        organisation_id=volunteer.organisation_id,
        volunteer=volunteer,
        service_form=service_form,
        kind=kind,
        date=date,
        starts=starts,
        ends=ends,
        recorded_by=actor,
    )
    save_validated(entry, actor=actor, reason=_("Vapaaehtoisen oma kirjaus") if own else "")
    return entry


def _correct(
    *,
    actor: User,
    entry: HoursEntry,
    service_form: ServiceForm,
    kind: str,
    date: dt.date,
    starts: dt.time,
    ends: dt.time,
    reason: str,
    own: bool = False,
) -> HoursEntry:
    """``entry`` corrected after the rules of a new one (the overlap rule except the entry
    itself), the volunteer locked; the earlier version stays in the change history with
    ``reason``. The caller decided who may correct it (staff: :func:`hours_update`; the
    volunteer in the portal: :func:`hours_update_own`)."""
    lock_volunteer(entry.volunteer)
    _hours_problems(
        volunteer=entry.volunteer,
        service_form=service_form,
        kind=kind,
        date=date,
        starts=starts,
        ends=ends,
        exclude_pk=entry.pk,
        own=own,
    )
    entry.service_form = service_form
    entry.kind = kind
    entry.date = date
    entry.starts = starts
    entry.ends = ends
    save_validated(entry, actor=actor, reason=reason)
    return entry


@transaction.atomic
def hours_add(
    *,
    actor: User,
    volunteer: Volunteer,
    service_form: ServiceForm,
    kind: str,
    date: dt.date,
    starts: dt.time,
    ends: dt.time,
) -> HoursEntry:
    """One occasion of activity. Refused when it overlaps another of the same volunteer."""
    require_volunteer(actor, volunteer)
    require_form(actor, service_form)
    return _record(
        actor=actor,
        volunteer=volunteer,
        service_form=service_form,
        kind=kind,
        date=date,
        starts=starts,
        ends=ends,
    )


@transaction.atomic
def hours_update(
    *,
    actor: User,
    entry: HoursEntry,
    service_form: ServiceForm,
    kind: str,
    date: dt.date,
    starts: dt.time,
    ends: dt.time,
    reason: str = "",
) -> HoursEntry:
    """Correct an occasion; the earlier version stays in the change history.

    The same rules as a new entry, the overlap rule included (the entry itself excepted).
    """
    require_volunteer(actor, entry.volunteer)
    require_form(actor, entry.service_form)
    require_form(actor, service_form)
    return _correct(
        actor=actor,
        entry=entry,
        service_form=service_form,
        kind=kind,
        date=date,
        starts=starts,
        ends=ends,
        reason=reason.strip() or _("Korjattu"),
    )


@transaction.atomic
def hours_delete(*, actor: User, entry: HoursEntry, reason: str) -> None:
    """Remove an occasion entered by mistake; the change history keeps it, who and why."""
    require_volunteer(actor, entry.volunteer)
    require_form(actor, entry.service_form)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Kirjoita poistamisen syy.")})
    entry._history_user = actor  # type: ignore[attr-defined]
    entry._change_reason = reason  # type: ignore[attr-defined]
    entry.delete()


def entered_by_volunteer(entry: HoursEntry) -> bool:
    """Whether the volunteer entered ``entry`` in the portal (their own login recorded it)."""
    return bool(getattr(entry.recorded_by, "is_volunteer_login", False))


@transaction.atomic
def hours_add_own(
    *,
    actor: User,
    volunteer: Volunteer,
    service_form: ServiceForm,
    kind: str,
    date: dt.date,
    starts: dt.time,
    ends: dt.time,
) -> HoursEntry:
    """The volunteer records an occasion of their own (the portal); the same rules as staff's."""
    require_own(actor, volunteer)
    if service_form.organisation_id != volunteer.organisation_id:
        raise PermissionDenied
    return _record(
        actor=actor,
        volunteer=volunteer,
        service_form=service_form,
        kind=kind,
        date=date,
        starts=starts,
        ends=ends,
        own=True,
    )


@transaction.atomic
def hours_update_own(
    *,
    actor: User,
    entry: HoursEntry,
    service_form: ServiceForm,
    kind: str,
    date: dt.date,
    starts: dt.time,
    ends: dt.time,
) -> HoursEntry:
    """The volunteer corrects an occasion they entered themselves; the earlier version stays in
    the change history. An entry the coordinator made is corrected by the coordinator."""
    require_own(actor, entry.volunteer)
    if entry.recorded_by_id != actor.pk:
        raise PermissionDenied
    if service_form.organisation_id != entry.organisation_id:
        raise PermissionDenied
    return _correct(
        actor=actor,
        entry=entry,
        service_form=service_form,
        kind=kind,
        date=date,
        starts=starts,
        ends=ends,
        reason=_("Vapaaehtoinen korjasi"),
        own=True,
    )
