"""Writes of THL's shelter data (:class:`.models.ShelterClientData`, issue 4 item 6).

House style: keyword-only, ``actor`` first, one transaction, Finnish ``ValidationError`` messages,
the change history recorded with ``actor``. Who may write: an active client-work membership in
the episode's service form, and the form must be a shelter (residential, victim-side violence
work). Reads are logged by the views, not here.

Validation (also documented in docs/residential-thl.md):

- every value must be one of the model's choices; violence forms are de-duplicated;
- a participant who stayed in the shelter (has a stay membership) needs a client status; a
  participant who never stayed (e.g. a partner listed in the episode) may be left empty and is
  then not recorded;
- a **victim adult** needs at least one form of violence ("adult": an adult age band, or an
  unknown band and a role other than "lapsi"); a child's forms and those of a person who used
  violence or lived in a violent environment are optional;
- optimistic locking: the page carries a stamp of the rows it showed; if someone else saved in
  between, :class:`~tupa.core.conflicts.VersionConflict` is raised (its ``version`` the stamp
  of the rows saved now) and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.access.residential import may_keep_stays
from tupa.core.conflicts import VersionConflict
from tupa.core.wallclock import HELSINKI
from tupa.episodes.models import Episode, Participant
from tupa.organisations.models import ServiceForm
from tupa.people.processing import ensure_episode_processing_allowed
from tupa.residential.models import ShelterClientData, StayMember, is_shelter
from tupa.residential.thl.variables import (
    ADULT_BANDS,
    CHILD_BANDS,
    age_at,
    age_band_for,
    statistical_gender,
)

if TYPE_CHECKING:
    from tupa.accounts.models import User

Data = ShelterClientData

FIELDS = (
    "client_status",
    "gender",
    "age_band",
    "violence_forms",
    "relationship",
    "stay_order",
    "violence_duration",
)
_CHOICES: dict[str, frozenset[str]] = {
    "client_status": frozenset(Data.ClientStatus.values),
    "gender": frozenset(Data.Gender.values),
    "age_band": frozenset(Data.AgeBand.values),
    "relationship": frozenset(Data.Relationship.values),
    "stay_order": frozenset(Data.StayOrder.values),
    "violence_duration": frozenset(Data.ViolenceDuration.values),
}


# --------------------------------------------------------------------------- defaults


@dataclass
class ParticipantInfo:
    """A participant of the episode with what the form needs: stays, existing data, defaults."""

    participant: Participant
    first_arrival: dt.datetime | None
    stayed: bool
    data: ShelterClientData | None
    proposed: dict[str, Any] = field(default_factory=dict)

    @property
    def values(self) -> dict[str, Any]:
        """The recorded values, or the proposal when nothing is recorded yet."""
        if self.data is None:
            return dict(self.proposed)
        return {name: getattr(self.data, name) for name in FIELDS}


def propose(
    participant: Participant, *, first_arrival: dt.datetime | None, earlier_stay: bool
) -> dict[str, Any]:
    """Defaults from the records: gender from the person (or alias), age band at the first
    arrival, status "victim" for adults and "violent environment" for children, "repeat" when
    the person has an earlier stay in a shelter of the organisation (else unknown)."""
    person, alias = participant.person, participant.alias
    gender = person.gender if person is not None else (alias.gender if alias else None)
    day = (
        first_arrival.astimezone(HELSINKI).date()
        if first_arrival is not None
        else timezone.localdate()
    )
    age = age_at(
        birth_date=person.birth_date if person is not None else None,
        birth_year=alias.birth_year if alias is not None and person is None else None,
        on=day,
    )
    band = age_band_for(age)
    child = band in CHILD_BANDS or (
        band not in ADULT_BANDS and participant.role == Participant.Role.CHILD
    )
    return {
        "client_status": (
            Data.ClientStatus.VIOLENT_ENVIRONMENT if child else Data.ClientStatus.VICTIM
        ),
        "gender": statistical_gender(gender),
        "age_band": band,
        "violence_forms": [],
        "relationship": Data.Relationship.UNKNOWN,
        "stay_order": Data.StayOrder.REPEAT if earlier_stay else Data.StayOrder.UNKNOWN,
        "violence_duration": Data.ViolenceDuration.UNKNOWN,
    }


def episode_participants(episode: Episode) -> list[ParticipantInfo]:
    """Every participant of the episode (adults and children, persons and aliases), clients
    first, with their first arrival, existing data and proposed defaults. Four queries."""
    participants = list(
        Participant.objects.filter(episode=episode)
        .select_related("person", "alias")
        .order_by("left_on", "pk")
    )
    participants.sort(key=lambda p: (p.role == Participant.Role.CHILD, p.left_on is not None, p.pk))
    first: dict[int, dt.datetime] = {}
    for participant_id, arrived in (
        StayMember.objects.filter(stay__episode=episode)
        .values_list("participant_id", "arrived_at")
        .order_by("arrived_at")
    ):
        first.setdefault(participant_id, arrived)
    data = {
        d.participant_id: d for d in ShelterClientData.objects.filter(participant__episode=episode)
    }
    person_ids = [p.person_id for p in participants if p.person_id is not None]
    earlier: set[int] = set()
    if person_ids and first:
        earliest = min(first.values())
        earlier = set(
            StayMember.objects.filter(
                participant__person_id__in=person_ids,
                stay__place__service_form__kind=ServiceForm.Kind.RESIDENTIAL,
                stay__place__service_form__violence_work="victim",
                arrived_at__lt=earliest,
            )
            .exclude(stay__episode=episode)
            .values_list("participant__person_id", flat=True)
        )
    return [
        ParticipantInfo(
            participant=p,
            first_arrival=first.get(p.pk),
            stayed=p.pk in first,
            data=data.get(p.pk),
            proposed=propose(p, first_arrival=first.get(p.pk), earlier_stay=p.person_id in earlier),
        )
        for p in participants
    ]


def data_stamp(infos: Iterable[ParticipantInfo]) -> str:
    """A short fingerprint of the saved rows the page showed (optimistic locking)."""
    parts = sorted(
        f"{i.participant.pk}:{i.data.updated_at.isoformat()}" for i in infos if i.data is not None
    )
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


# --------------------------------------------------------------------------- validation


def row_is_adult(*, age_band: str, role: str) -> bool:
    if age_band in ADULT_BANDS:
        return True
    if age_band in CHILD_BANDS:
        return False
    return role != Participant.Role.CHILD


def validate_row(values: Mapping[str, Any], *, role: str, stayed: bool) -> dict[str, str]:
    """Errors of one participant's row by field (empty = valid). Pure; the form uses it too."""
    errors: dict[str, str] = {}
    status = values.get("client_status") or ""
    if not status:
        if stayed:
            errors["client_status"] = _("Valitse asiakkaan asema.")
        return errors
    for name, allowed in _CHOICES.items():
        if (values.get(name) or "") not in allowed:
            errors[name] = _("Valitse jokin vaihtoehdoista.")
    forms = values.get("violence_forms") or []
    if not isinstance(forms, list | tuple) or any(f not in Data.ViolenceForm.values for f in forms):
        errors["violence_forms"] = _("Valitse väkivallan muodot luettelosta.")
    elif (
        status == Data.ClientStatus.VICTIM
        and not forms
        and row_is_adult(age_band=values.get("age_band") or "", role=role)
    ):
        errors["violence_forms"] = _(
            "Valitse vähintään yksi väkivallan muoto: aikuinen asiakas on väkivallan kokija."
        )
    return errors


# --------------------------------------------------------------------------- save


@transaction.atomic
def shelter_data_save(
    *,
    actor: User,
    episode: Episode,
    rows: Sequence[Mapping[str, Any]],
    stamp: str | None = None,
) -> list[ShelterClientData]:
    """Save the THL data of the episode's participants.

    ``rows``: one mapping per participant with ``participant`` (a Participant of the episode)
    and the fields of :data:`FIELDS`. A row with an empty client status of a participant who
    never stayed is skipped. Errors are keyed ``"<participant pk>:<field>"``.
    """
    service_form: ServiceForm = episode.service_form
    if not may_keep_stays(actor, service_form.pk):
        raise PermissionDenied(_("Tämä edellyttää asiakastyön jäsenyyttä työmuodossa."))
    if not is_shelter(service_form):
        raise ValidationError(_("Työmuoto ei ole turvakoti."))
    ensure_episode_processing_allowed(episode)  # GDPR art. 18, as the stays' services
    with scope(organisation=episode.organisation_id):
        # Lock the episode: two saves of the same episode run one after the other.
        current = Episode.objects.select_for_update().get(pk=episode.pk)
        infos = {i.participant.pk: i for i in episode_participants(episode)}
        saved_stamp = data_stamp(infos.values())
        if stamp is not None and stamp != saved_stamp:
            raise VersionConflict(current, version=saved_stamp)
        errors: dict[str, str] = {}
        seen: set[int] = set()
        cleaned: list[tuple[ParticipantInfo, dict[str, Any]]] = []
        for row in rows:
            participant = row.get("participant")
            info = infos.get(getattr(participant, "pk", None) or -1)
            if info is None:
                errors["participant"] = _("Henkilö ei ole tämän asiakkuuden osallistuja.")
                continue
            if info.participant.pk in seen:
                errors["participant"] = _("Sama henkilö on annettu kahdesti.")
                continue
            seen.add(info.participant.pk)
            values = {name: row.get(name) for name in FIELDS}
            values["violence_forms"] = list(dict.fromkeys(values["violence_forms"] or []))
            row_errors = validate_row(values, role=info.participant.role, stayed=info.stayed)
            for name, message in row_errors.items():
                errors[f"{info.participant.pk}:{name}"] = message
            if not row_errors and values["client_status"]:
                cleaned.append((info, values))
        if errors:
            raise ValidationError(errors)
        saved = []
        for info, values in cleaned:
            record = info.data or ShelterClientData(participant=info.participant)
            for name, value in values.items():
                setattr(record, name, value)
            record.updated_by = actor
            record._history_user = actor  # type: ignore[attr-defined]
            record.full_clean()
            record.save()
            saved.append(record)
    return saved


@transaction.atomic
def stay_confirm_year_end(*, actor: Any, stay: Any, year: int) -> Any:
    """Confirm that an open stay continued over the end of ``year`` (THL year-end check).

    Only members of the stay's unit; only a stay that began before the year ended and is still
    open (a recorded departure needs no confirmation). Confirming twice changes nothing.
    """
    from tupa.residential.models import Stay, YearEndConfirmation

    with scope(organisation=stay.organisation_id):
        current = (
            Stay.objects.select_for_update(of=("self",)).select_related("place").get(pk=stay.pk)
        )
        if not may_keep_stays(actor, current.place.service_form_id):
            raise PermissionDenied(_("Tämä edellyttää asiakastyön jäsenyyttä työmuodossa."))
        ensure_episode_processing_allowed(current.episode)  # GDPR art. 18
        year_end = dt.datetime(year + 1, 1, 1, tzinfo=HELSINKI)
        if current.departed_at is not None:
            raise ValidationError(_("Jaksolle on jo kirjattu lähtö; vahvistusta ei tarvita."))
        if current.arrived_at >= year_end:
            raise ValidationError(_("Jakso alkoi vasta vuoden päättymisen jälkeen."))
        confirmation, _created = YearEndConfirmation.objects.get_or_create(
            stay=current, year=year, defaults={"confirmed_by": actor}
        )
        return confirmation
