"""Writes of the shift log of a residential unit (issue 4, item 8).

**Shifts** are computed from the local (Europe/Helsinki) wall-clock time: 7–15 morning, 15–22
evening and 22–7 night. A night is dated by its evening: the night from Friday 22:00 to Saturday
07:00 is Friday's night shift. Daylight-saving changes need no special case because the rule
reads the local clock (the spring night is an hour shorter, the autumn night an hour longer).

**Append-only.** A note is never changed: "korjaa" writes a new note that ``supersedes`` the
old one (only the author, only the latest version), and the old one stays readable.

**Who.** Only client-work members (worker, lead, coordinator) of the unit's own residential
service form write and read the log — not the executive director, other units or the DPO.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tupa.access.residential import may_correct_shift_note, may_use_shift_log
from tupa.core.wallclock import HELSINKI
from tupa.organisations.models import ServiceForm
from tupa.residential.models import ShiftNote

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.episodes.models import Episode

MORNING_START = 7
EVENING_START = 15
NIGHT_START = 22
TEXT_MAX = 4000


def shift_at(moment: dt.datetime) -> tuple[str, dt.date]:
    """The shift and its date at an aware ``moment`` (night dated by its evening)."""
    local = moment.astimezone(HELSINKI)
    hour = local.hour
    if MORNING_START <= hour < EVENING_START:
        return ShiftNote.Shift.MORNING, local.date()
    if EVENING_START <= hour < NIGHT_START:
        return ShiftNote.Shift.EVENING, local.date()
    if hour >= NIGHT_START:
        return ShiftNote.Shift.NIGHT, local.date()
    return ShiftNote.Shift.NIGHT, local.date() - dt.timedelta(days=1)


def current_shift() -> tuple[str, dt.date]:
    return shift_at(timezone.now())


def _clean(
    *,
    text: str,
    shift: str,
    shift_date: dt.date | None,
    episodes: Iterable[Episode],
    allowed_episode_ids: set[int],
) -> tuple[str, list[Episode]]:
    errors: dict[str, str] = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = _("Kirjoita raportti.")
    elif len(text) > TEXT_MAX:
        errors["text"] = _("Raportti voi olla enintään %(max)s merkkiä.") % {"max": TEXT_MAX}
    if shift not in ShiftNote.Shift.values:
        errors["shift"] = _("Valitse vuoro.")
    if shift_date is None:
        errors["shift_date"] = _("Anna vuoron päivä.")
    elif shift_date > timezone.localdate():
        errors["shift_date"] = _("Vuoron päivä ei voi olla tulevaisuudessa.")
    linked = list({e.pk: e for e in episodes}.values())
    if any(e.pk not in allowed_episode_ids for e in linked):
        errors["episodes"] = _(
            "Valitse asiakkuudet tämän yksikön voimassa olevista asiakkuuksista."
        )
    if errors:
        raise ValidationError(errors)
    return text, linked


def shift_note_write(
    *,
    actor: User,
    service_form: ServiceForm,
    text: str,
    shift: str | None = None,
    shift_date: dt.date | None = None,
    important: bool = False,
    episodes: Iterable[Episode] = (),
) -> ShiftNote:
    """Write a handover note; shift and date default to the current shift."""
    from tupa.residential.shiftlog.selectors import linkable_episodes

    if not may_use_shift_log(actor, service_form):
        raise PermissionDenied(_("Vuororaportti on vain yksikön työntekijöille."))
    if shift is None and shift_date is None:
        shift, shift_date = current_shift()
    allowed = set(
        linkable_episodes(user=actor, service_form=service_form).values_list("pk", flat=True)
    )
    text, linked = _clean(
        text=text,
        shift=shift or "",
        shift_date=shift_date,
        episodes=episodes,
        allowed_episode_ids=allowed,
    )
    assert shift is not None and shift_date is not None  # checked by _clean
    with transaction.atomic():
        note = ShiftNote.objects.create(
            organisation_id=service_form.organisation_id,
            service_form=service_form,
            shift=shift,
            shift_date=shift_date,
            text=text,
            important=important,
            author=actor,
        )
        note.episodes.set(linked)
    return note


def shift_note_correct(
    *,
    actor: User,
    note: ShiftNote,
    text: str,
    shift: str,
    shift_date: dt.date,
    important: bool,
    episodes: Iterable[Episode] = (),
) -> ShiftNote:
    """Write a new note that supersedes ``note``; the old note is kept unchanged."""
    from tupa.residential.shiftlog.selectors import linkable_episodes

    if not may_correct_shift_note(actor, note):
        raise PermissionDenied(_("Voit korjata vain oman, viimeisimmän merkintäsi."))
    service_form = note.service_form
    allowed = set(
        linkable_episodes(user=actor, service_form=service_form, keep=note).values_list(
            "pk", flat=True
        )
    )
    text, linked = _clean(
        text=text,
        shift=shift,
        shift_date=shift_date,
        episodes=episodes,
        allowed_episode_ids=allowed,
    )
    try:
        with transaction.atomic():
            # Lock the old note so that two corrections of it cannot both win.
            ShiftNote.objects.select_for_update().filter(pk=note.pk).first()
            if ShiftNote.objects.filter(supersedes=note).exists():
                raise ValidationError({"text": _("Merkintää on jo korjattu.")})
            new = ShiftNote.objects.create(
                organisation_id=service_form.organisation_id,
                service_form=service_form,
                shift=shift,
                shift_date=shift_date,
                text=text,
                important=important,
                author=actor,
                supersedes=note,
            )
            new.episodes.set(linked)
    except IntegrityError:  # the unique supersedes: a simultaneous correction won
        raise ValidationError({"text": _("Merkintää on jo korjattu.")}) from None
    return new
