"""Recording an appointment's outcome, written once to the episode's journal."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tupa.access.scheduling import may_manage
from tupa.accounts.models import User
from tupa.episodes import journal
from tupa.episodes.models import Entry
from tupa.people.processing import ensure_episode_processing_allowed
from tupa.scheduling.models import Appointment, AppointmentType, Outcome, PlaceKind
from tupa.scheduling.services.appointments import START_TOLERANCE, AppointmentPermissionDenied

# --------------------------------------------------------------------------- outcome → journal

_ENTRY_TYPE = {
    AppointmentType.HOME_VISIT: Entry.Type.HOME_VISIT,
    AppointmentType.OFFICE_MEETING: Entry.Type.INDIVIDUAL_MEETING,
    AppointmentType.REMOTE: Entry.Type.PHONE,
    AppointmentType.NETWORK_MEETING: Entry.Type.NETWORK_MEETING,
    AppointmentType.GROUP: Entry.Type.NOTE,
    AppointmentType.OTHER: Entry.Type.NOTE,
}

_ENTRY_PLACE = {
    PlaceKind.OWN_PREMISES: Entry.Place.OWN_PREMISES,
    PlaceKind.CLIENT_HOME: Entry.Place.CLIENT_HOME,
    PlaceKind.PARTNER: Entry.Place.PARTNER_PREMISES,
    PlaceKind.OTHER: Entry.Place.OTHER,
}


def entry_values(appointment: Appointment, *, outcome: str, note: str) -> dict[str, object]:
    """What the journal entry of an outcome says (type, time, duration, place, text)."""
    happened = outcome == Outcome.HAPPENED
    start = timezone.localtime(appointment.starts_at)
    end = timezone.localtime(appointment.ends_at)
    when = "{} {}–{}".format(
        formats.date_format(start, "j.n.Y"),
        formats.time_format(start, "H:i"),
        formats.time_format(end, "H:i"),
    )
    headline = {
        Outcome.HAPPENED: _("%(type)s %(when)s toteutui."),
        Outcome.CANCELLED_BY_CLIENT: _("%(type)s %(when)s peruttu: asiakas perui."),
        Outcome.CANCELLED_BY_US: _("%(type)s %(when)s peruttu: työntekijä perui."),
        Outcome.NO_SHOW: _("%(type)s %(when)s ei toteutunut: asiakas ei saapunut."),
    }[Outcome(outcome)] % {"type": appointment.get_type_display().capitalize(), "when": when}
    text = headline + ("\n\n" + note.strip() if note.strip() else "")
    place = _ENTRY_PLACE[PlaceKind(appointment.place_kind)]
    if appointment.type == AppointmentType.REMOTE:
        place = Entry.Place.REMOTE
    if appointment.place_kind == PlaceKind.PARTNER and appointment.partner is not None:
        detail = str(appointment.partner)
    elif appointment.room is not None:
        detail = str(appointment.room)
    else:
        detail = ""
    now = timezone.now()
    occurred_at = appointment.starts_at if appointment.starts_at <= now else now
    return {
        "type": _ENTRY_TYPE[AppointmentType(appointment.type)] if happened else Entry.Type.NOTE,
        "occurred_at": occurred_at,
        "duration_minutes": appointment.duration_minutes if happened else None,
        "place": place,
        "place_detail": detail[:200],
        "text": text,
    }


@transaction.atomic
def appointment_record_outcome(
    *, actor: User, appointment: Appointment, outcome: str, note: str = ""
) -> Appointment:
    """Record (or correct) the outcome; with an episode, write or correct its journal entry."""
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("episode", "episode__service_form", "partner", "room", "organiser")
        .get(pk=appointment.pk)
    )
    if not may_manage(user=actor, appointment=appointment):
        raise AppointmentPermissionDenied
    ensure_episode_processing_allowed(appointment.episode)
    note = note.strip()
    if outcome not in Outcome.values or outcome == Outcome.PLANNED:
        raise ValidationError({"outcome": [_("Valitse tapaamisen lopputulos.")]})
    if len(note) > 5000:
        raise ValidationError({"outcome_note": [_("Kuvaus saa olla enintään 5000 merkkiä.")]})
    if outcome in (Outcome.HAPPENED, Outcome.NO_SHOW) and (
        appointment.starts_at > timezone.now() + START_TOLERANCE
    ):
        raise ValidationError(
            {
                "outcome": [
                    _("Toteutuneeksi tai poisjääneeksi voi merkitä vasta alkaneen tapaamisen.")
                ]
            }
        )
    if outcome == appointment.outcome and note == appointment.outcome_note:
        return appointment
    if appointment.episode is not None:
        episode = appointment.episode
        journal.ensure_can_write(actor=actor, episode=episode)
        values = entry_values(appointment, outcome=outcome, note=note)
        candidates = set(
            journal.co_worker_candidates(organisation_id=appointment.organisation_id).values_list(
                "pk", flat=True
            )
        )
        workers = [appointment.organiser, *appointment.co_workers.all()]
        entry_co_workers = list(
            {u.pk: u for u in workers if u.pk != actor.pk and u.pk in candidates}.values()
        )
        if appointment.journal_entry_id is None:
            entry = journal.entry_create(
                actor=actor,
                episode=episode,
                co_workers=entry_co_workers,
                **values,  # type: ignore[arg-type]
            )
        else:
            current = journal.newest_version(Entry.objects.get(pk=appointment.journal_entry_id))
            if not journal.may_correct(user=actor, entry=current):
                raise ValidationError(
                    {
                        "outcome": [
                            _(
                                "Lopputuloksen voi muuttaa vain sen kirjannut työntekijä tai "
                                "työmuodon esihenkilö."
                            )
                        ]
                    }
                )
            entry = journal.entry_correct(
                actor=actor,
                entry=current,
                reason=_("Tapaamisen lopputulosta muutettu"),
                **values,  # type: ignore[arg-type]
            )
        appointment.journal_entry = entry
    appointment.outcome = outcome
    appointment.outcome_note = note
    appointment.outcome_recorded_at = timezone.now()
    appointment.outcome_recorded_by = actor
    appointment.version += 1
    appointment.save()
    return appointment
