"""Writes of the client journal (*asiakaskirjaukset*): new entries and corrections.

Issue 3 item 6; seed-spec OUT-01 (entry types), OUT-02 (places), CLI-14 (attachments), CLI-16
(co-workers from another service form or a partner).

Rules, decided here and in :mod:`tupa.access.episodes` (``may_write_journal``,
``may_correct_entry``), tested in ``tests/test_journal.py``:

- **Who may write.** An entry is written by a worker whose access to the episode rests on
  ``membership`` (work task in the episode's service form), ``assignment`` (co-worker) or
  ``break_the_glass`` (emergency access; the entry then shows up in the lead's review of that
  access). A reader whose access rests only on the client's **consent** to share may read the
  journal but not write to it: the consent shares information, it does not make the recipient a
  party to the service. No access at all → the episode "does not exist" (404 in the views).
- **Who may correct.** Only the newest version of an entry can be corrected, by its author or by
  a lead (*esihenkilö*) of the episode's service form (e.g. when the author has left), and both
  must still have write access. The correction reason is required.
- **Append-only.** There is no update and no delete service. A correction creates a new Entry
  with ``supersedes`` pointing at the previous version and a ``correction_reason``; the earlier
  version stays readable with its author and time. The one-to-one ``supersedes`` column makes two
  concurrent corrections of the same version impossible at the database level. A written entry
  is never changed or removed: ``Entry`` is an append-only model (its ``save``, ``delete`` and
  queryset refuse, and the database's triggers refuse ``UPDATE``/``DELETE`` from any client;
  :mod:`tupa.core.append_only`).
- **Validation.** Time not in the future (5 minutes' tolerance for clock skew), duration 1–1440
  minutes or empty (e.g. a plain note), participants must be participants of the same episode,
  co-workers must be active staff of the same organisation doing client work in any service form
  (CLI-16), the text must not be empty.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tupa.access.clients import episode_basis
from tupa.access.episodes import JOURNAL_WRITE_BASES, may_correct_entry
from tupa.access.policy import Basis
from tupa.accounts.models import User
from tupa.core import dates
from tupa.people.processing import ensure_episode_processing_allowed, ensure_processing_allowed

from ..models import Attachment, Entry, Episode, Participant
from .selectors import co_worker_candidates

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile


FUTURE_TOLERANCE = dt.timedelta(minutes=5)
MIN_DURATION = 1
MAX_DURATION = 1440
TEXT_MAX_LENGTH = 20_000


class JournalPermissionDenied(PermissionDenied):
    """The actor may not write this entry (the view answers 404 or 403)."""


class _Keep(enum.Enum):
    KEEP = "keep"


#: "Leave this field as it was" in :func:`entry_correct`.
KEEP: Literal[_Keep.KEEP] = _Keep.KEEP


def ensure_can_write(*, actor: User, episode: Episode) -> Basis:
    """Refuse a journal write without a write basis or while processing is restricted."""
    basis = episode_basis(user=actor, episode=episode)
    if basis not in JOURNAL_WRITE_BASES:
        raise JournalPermissionDenied(_("Sinulla ei ole oikeutta kirjata tähän asiakkuuteen."))
    # GDPR art. 18: no entries (nor corrections, attachments) while processing is restricted.
    ensure_episode_processing_allowed(episode)
    return basis  # type: ignore[return-value]


# --- validation -------------------------------------------------------------------------------


def _validate(
    *,
    actor: User,
    episode: Episode,
    type: str,
    occurred_at: dt.datetime,
    duration_minutes: int | None,
    place: str,
    place_detail: str,
    text: str,
    participants: list[Participant],
    co_workers: list[User],
    external_co_worker: str,
    kept_co_worker_ids: frozenset[int] = frozenset(),
) -> None:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if type not in Entry.Type.values:
        add("type", _("Valitse kirjauksen laji."))
    if place not in Entry.Place.values:
        add("place", _("Valitse paikka."))
    if occurred_at is None:
        add("occurred_at", _("Anna kirjauksen aika."))
    elif timezone.is_naive(occurred_at):
        add("occurred_at", _("Kirjauksen ajasta puuttuu aikavyöhyke."))
    elif problem := dates.date_problem(occurred_at):
        add("occurred_at", problem)
    elif occurred_at > timezone.now() + FUTURE_TOLERANCE:
        add("occurred_at", _("Kirjauksen aika ei voi olla tulevaisuudessa."))
    if duration_minutes is not None and not (MIN_DURATION <= duration_minutes <= MAX_DURATION):
        add(
            "duration_minutes",
            _("Keston on oltava %(min)s–%(max)s minuuttia.")
            % {"min": MIN_DURATION, "max": MAX_DURATION},
        )
    if len(place_detail) > 200:
        add("place_detail", _("Paikan tarkenne saa olla enintään 200 merkkiä."))
    if len(external_co_worker) > 200:
        add("external_co_worker", _("Ulkopuolinen työpari saa olla enintään 200 merkkiä."))
    if not text.strip():
        add("text", _("Kirjoita kirjauksen teksti."))
    elif len(text) > TEXT_MAX_LENGTH:
        add(
            "text",
            _("Kirjaus saa olla enintään %(max)s merkkiä.") % {"max": TEXT_MAX_LENGTH},
        )
    if any(p.episode_id != episode.pk for p in participants):
        add("participants", _("Osallistujien on oltava tämän asiakkuuden osallistujia."))
    if co_workers:
        allowed = set(
            co_worker_candidates(organisation_id=episode.organisation_id).values_list(
                "pk", flat=True
            )
        )
        if any(u.pk == actor.pk for u in co_workers):
            add("co_workers", _("Kirjaaja ei voi olla oma työparinsa."))
        elif any(u.pk not in allowed and u.pk not in kept_co_worker_ids for u in co_workers):
            add(
                "co_workers",
                _("Työparin on oltava organisaation asiakastyötä tekevä työntekijä."),
            )
    if errors:
        raise ValidationError(errors)


# --- services ---------------------------------------------------------------------------------


@transaction.atomic
def entry_create(
    *,
    actor: User,
    episode: Episode,
    type: str,
    occurred_at: dt.datetime,
    duration_minutes: int | None,
    place: str,
    place_detail: str = "",
    text: str,
    participants: Iterable[Participant] = (),
    co_workers: Iterable[User] = (),
    external_co_worker: str = "",
    written_with_client: bool = False,
    attachment: UploadedFile | None = None,
    attachment_kind: str = "",
) -> Entry:
    """Write a new journal entry (and optionally one attachment) to ``episode``.

    Raises :class:`JournalPermissionDenied` without write access and ``ValidationError`` (with a
    dict of Finnish messages keyed by field) for invalid input; nothing is written then.
    """
    ensure_can_write(actor=actor, episode=episode)
    participants = list(participants)
    ensure_processing_allowed(*participants)
    co_workers = list(co_workers)
    _validate(
        actor=actor,
        episode=episode,
        type=type,
        occurred_at=occurred_at,
        duration_minutes=duration_minutes,
        place=place,
        place_detail=place_detail,
        text=text,
        participants=participants,
        co_workers=co_workers,
        external_co_worker=external_co_worker,
    )
    clean = None
    if attachment is not None:
        from .attachments import validate_upload

        if attachment_kind not in Attachment.Kind.values:
            raise ValidationError({"attachment_kind": [_("Valitse liitteen laji.")]})
        try:
            clean = validate_upload(attachment)
        except ValidationError as exc:
            raise ValidationError({"attachment": exc.messages}) from exc
    entry = Entry.objects.create(
        episode=episode,
        type=type,
        occurred_at=occurred_at,
        duration_minutes=duration_minutes,
        place=place,
        place_detail=place_detail.strip(),
        author=actor,
        external_co_worker=external_co_worker.strip(),
        text=text.strip(),
        written_with_client=written_with_client,
    )
    entry.participants.set(participants)
    entry.co_workers.set(co_workers)
    if clean is not None:
        from .attachments import store

        store(actor=actor, entry=entry, clean=clean, kind=attachment_kind)
    return entry


@transaction.atomic
def entry_correct(
    *,
    actor: User,
    entry: Entry,
    text: str,
    reason: str,
    type: str | Literal[_Keep.KEEP] = KEEP,
    occurred_at: dt.datetime | Literal[_Keep.KEEP] = KEEP,
    duration_minutes: int | Literal[_Keep.KEEP] | None = KEEP,
    place: str | Literal[_Keep.KEEP] = KEEP,
    place_detail: str | Literal[_Keep.KEEP] = KEEP,
    participants: Iterable[Participant] | Literal[_Keep.KEEP] = KEEP,
    co_workers: Iterable[User] | Literal[_Keep.KEEP] = KEEP,
    external_co_worker: str | Literal[_Keep.KEEP] = KEEP,
    written_with_client: bool | Literal[_Keep.KEEP] = KEEP,
    attachments: Iterable[Attachment] | Literal[_Keep.KEEP] = KEEP,
) -> Entry:
    """Correct ``entry`` by writing a new version that supersedes it.

    Fields left as :data:`KEEP` are copied from ``entry``. ``attachments`` lists the attachments
    of ``entry`` that the new version carries (default: all); one attached by mistake can thus
    be left out of the corrected version while the earlier version still shows it.
    """
    # Lock the version being corrected so that two simultaneous corrections queue up.
    entry = (
        Entry.objects.select_for_update()
        .select_related("episode", "episode__service_form")
        .get(pk=entry.pk)
    )
    ensure_can_write(actor=actor, episode=entry.episode)
    if Entry.objects.filter(supersedes=entry).exists():
        raise ValidationError(
            {"__all__": [_("Kirjausta on jo korjattu. Vain uusimman version voi korjata.")]},
            code="superseded",
        )
    if not may_correct_entry(user=actor, entry=entry):
        raise JournalPermissionDenied(
            _("Vain kirjauksen tekijä tai työmuodon esihenkilö voi korjata kirjauksen.")
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"correction_reason": [_("Kerro, miksi kirjausta korjataan.")]})
    if len(reason) > 300:
        raise ValidationError(
            {"correction_reason": [_("Korjauksen syy saa olla enintään 300 merkkiä.")]}
        )

    def pick(value, current):  # type: ignore[no-untyped-def]
        return current if value is KEEP else value

    new_participants = list(
        entry.participants.all() if participants is KEEP else participants  # type: ignore[union-attr]
    )
    new_co_workers = list(entry.co_workers.all() if co_workers is KEEP else co_workers)  # type: ignore[union-attr]
    values = {
        "type": pick(type, entry.type),
        "occurred_at": pick(occurred_at, entry.occurred_at),
        "duration_minutes": pick(duration_minutes, entry.duration_minutes),
        "place": pick(place, entry.place),
        "place_detail": pick(place_detail, entry.place_detail),
        "external_co_worker": pick(external_co_worker, entry.external_co_worker),
    }
    old_attachments = list(entry.attachments.all())
    keep_attachments = old_attachments if attachments is KEEP else list(attachments)  # type: ignore[arg-type]
    old_ids = {a.pk for a in old_attachments}
    if any(a.pk not in old_ids for a in keep_attachments):
        raise ValidationError(
            {"attachments": [_("Liitteen on oltava korjattavan kirjauksen liite.")]}
        )
    _validate(
        actor=actor,
        episode=entry.episode,
        text=text,
        participants=new_participants,
        co_workers=new_co_workers,
        # A co-worker of the earlier version may have left since; keeping them is no error.
        kept_co_worker_ids=frozenset(u.pk for u in entry.co_workers.all()),
        **values,
    )
    try:
        with transaction.atomic():
            new = Entry.objects.create(
                episode=entry.episode,
                author=actor,
                text=text.strip(),
                written_with_client=pick(written_with_client, entry.written_with_client),
                supersedes=entry,
                correction_reason=reason,
                **{
                    **values,
                    "place_detail": values["place_detail"].strip(),
                    "external_co_worker": values["external_co_worker"].strip(),
                },
            )
    except IntegrityError as exc:  # a concurrent correction won the race
        raise ValidationError(
            {"__all__": [_("Kirjausta on jo korjattu. Vain uusimman version voi korjata.")]},
            code="superseded",
        ) from exc
    new.participants.set(new_participants)
    new.co_workers.set(new_co_workers)
    from .attachments import copy_to

    for attachment in keep_attachments:
        copy_to(attachment=attachment, entry=new)
    return new
