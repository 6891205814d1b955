"""Writes of client episodes: intake, status, participants, co-workers, plan, referrals, access.

House style (ARCHITECTURE.md §4): keyword-only functions with ``actor`` first, one transaction
each, validation with Finnish messages (``ValidationError`` keyed by field so forms can show them
next to the input), the change history recorded with ``actor`` (django-simple-history).

Unlike the organisation services, these check *who may write* themselves, because the rules are
part of the client-data access model (ARCHITECTURE.md §6) and must hold for the views, the API,
imports and the demo builder alike:

- opening an episode needs a client-work membership (worker, lead, coordinator) in the form;
- editing an episode needs the basis ``membership`` or ``assignment`` (a consent to share or a
  break-the-glass access lets the user *read*, not change, the episode);
- assigning co-workers needs a membership in the episode's own service form;
- accepting or declining a referral needs a membership in the receiving form;
- break-the-glass is allowed only where :func:`tupa.access.clients.may_break_glass` says so, and
  its review only by a lead of the episode's service form.

A refusal raises :class:`django.core.exceptions.PermissionDenied`; views turn an object the user
cannot see into 404 before they get here.

Optimistic locking: writes that change the episode row itself take the ``version`` the user
saw and raise :class:`EpisodeConflict` when somebody else saved in between.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.access import clients
from tupa.access.clients import is_lead, is_member, may_edit
from tupa.access.policy import Basis
from tupa.audit.models import Action
from tupa.audit.services import record_access_for_user
from tupa.core import dates
from tupa.organisations.models import ServiceForm
from tupa.people.models import Consent
from tupa.people.processing import (
    ensure_episode_processing_allowed,
    ensure_processing_allowed,
)

from .models import (
    Assignment,
    BasicFormDefinition,
    BreakGlass,
    Episode,
    ExternalReferral,
    Goal,
    NetworkMeeting,
    Participant,
    Referral,
    ReferralSource,
    ServiceTask,
)

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.organisations.models import Partner
    from tupa.people.models import Alias, Person

Status = Episode.Status

#: Forward moves of the episode status. Skipping forward is fine (a shelter client is active from
#: the first night); moving back is not, except re-opening an ended episode with a reason.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.ENQUIRY: frozenset({Status.WAITING, Status.ACTIVE, Status.ENDED}),
    Status.WAITING: frozenset({Status.ACTIVE, Status.ENDED}),
    Status.ACTIVE: frozenset({Status.ENDED}),
    Status.ENDED: frozenset(),
}
#: Statuses an ended episode may be re-opened to (with a written reason).
REOPEN_TO = frozenset({Status.WAITING, Status.ACTIVE})

BREAK_GLASS_MIN_REASON = 20
BREAK_GLASS_HOURS = (1, 12)

#: Episode fields ``episode_open`` and ``episode_update`` accept as ``**fields``.
EPISODE_FIELDS = frozenset(
    {
        "start_date",
        "referral_partner",
        "referral_contact",
        "payer",
        "summary",
        "contact_permission",
        "contact_permission_date",
    }
)
EPISODE_UPDATE_FIELDS = EPISODE_FIELDS | {"referral_source", "service_task"}


class EpisodeConflict(Exception):
    """Somebody else saved the episode after the user loaded it (optimistic locking)."""

    def __init__(self, episode: Episode) -> None:
        super().__init__("episode version conflict")
        self.current = episode

    @property
    def message(self) -> str:
        return _(
            "Joku muu on tallentanut asiakkuuteen muutoksia sillä välin, kun täytit lomaketta. "
            "Tarkista alla näkyvät ajantasaiset tiedot ja tallenna uudelleen."
        )


# --------------------------------------------------------------------------- service task


def default_service_task(service_form: ServiceForm, *, role: str = "client") -> str:
    """The service task an episode of ``service_form`` gets unless the worker chooses another.

    It comes from the service form's configuration (``adult_service_task``,
    ``child_service_task``; the administrator sets them, finnish-requirements §5 — a legal
    decision the association confirms with counsel, **[verify]**). Own-activity register forms
    (STEA-funded low-threshold work) are outside Act 703/2023 and get ``own_activity``; a form
    with nothing configured defaults to child-family services, the longest common retention
    (a safe default until the association decides).
    """
    if service_form.register == ServiceForm.Register.OWN_ACTIVITY:
        return ServiceTask.OWN_ACTIVITY
    adult = service_form.adult_service_task or ServiceTask.CHILD_FAMILY
    if role == Participant.Role.CHILD:
        return str(service_form.child_service_task or adult)
    return str(adult)


# --------------------------------------------------------------------------- helpers


@contextmanager
def _scoped(organisation_id: int) -> Iterator[None]:
    with scope(organisation=organisation_id):
        yield


def _save(instance: models.Model, *, actor: User | None, reason: str = "") -> None:
    instance._history_user = actor  # type: ignore[attr-defined]
    if reason:
        instance._change_reason = reason  # type: ignore[attr-defined]
    instance.full_clean()
    instance.save()


def _today() -> dt.date:
    return timezone.localdate()


def _require_editor(actor: User, episode: Episode) -> None:
    if not may_edit(actor, episode):
        raise PermissionDenied(
            _(
                "Vain työmuodon työntekijät ja asiakkuuteen nimetyt työntekijät voivat muuttaa asiakkuutta."
            )
        )
    # GDPR art. 18: no changes while a participant's processing is restricted.
    ensure_episode_processing_allowed(episode)


def _require_member(actor: User, service_form_id: int) -> None:
    if not is_member(actor, service_form_id):
        raise PermissionDenied(_("Tämä edellyttää asiakastyön jäsenyyttä työmuodossa."))


def _check_same_organisation(organisation_id: int, **objects: Any) -> None:
    errors = {
        field: _("Valittu kohde kuuluu toiseen organisaatioon.")
        for field, obj in objects.items()
        if obj is not None and getattr(obj, "organisation_id", organisation_id) != organisation_id
    }
    if errors:
        raise ValidationError(errors)


def _lock(episode: Episode, version: int | None) -> Episode:
    """The episode row, locked for this transaction; conflict if it changed since ``version``."""
    current = Episode.objects.select_for_update().select_related("service_form").get(pk=episode.pk)
    if version is not None and current.version != version:
        raise EpisodeConflict(current)
    return current


def _bump(current: Episode) -> None:
    current.version += 1


def _copy_back(current: Episode, original: Episode) -> None:
    """Keep the caller's instance in step with the saved row."""
    for field in current._meta.concrete_fields:
        setattr(original, field.attname, getattr(current, field.attname))


# --------------------------------------------------------------------------- persons and aliases


@dataclass(frozen=True)
class NewPerson:
    """An identified person typed in at intake."""

    first_names: str
    last_name: str
    hetu: str | None = None
    birth_date: dt.date | None = None
    gender: str = "unknown"


@dataclass(frozen=True)
class NewAlias:
    """An anonymous client: a label chosen by the worker, no identifying data."""

    label: str
    gender: str = "unknown"
    birth_year: int | None = None


def person_for_intake(*, actor: User, service_form: ServiceForm, new: NewPerson) -> Person:
    """The person record for ``new``: an existing one with the same identity code and name, or
    a new one (``tupa.people.services.person_find_or_create``).

    A returning client keeps one record; the new episode is linked to it and nothing else of
    the person is revealed (the other episodes stay behind the access rules). The same code
    with another name is refused with a message that does not tell where the code is known.
    People without a code always get a new record (duplicates are merged in the people app).
    The record of a victim-side client is never attached to perpetrator-side work in
    ``service_form`` (the wall): the same neutral refusal.
    """
    from tupa.people import services as people_services

    fields: dict[str, Any] = {
        "first_names": new.first_names,
        "last_name": new.last_name,
        "hetu": new.hetu or None,
        "gender": new.gender or "unknown",
    }
    if new.birth_date is not None:
        fields["birth_date"] = new.birth_date
    person, _created = people_services.person_find_or_create(
        actor=actor, for_service_form=service_form, **fields
    )
    return person


def alias_for_intake(*, actor: User, service_form: ServiceForm, new: NewAlias) -> Alias:
    """A new alias of an anonymous client in ``service_form`` (``people.services.alias_create``)."""
    from tupa.people import services as people_services

    try:
        return people_services.alias_create(
            actor=actor,
            service_form=service_form,
            label=new.label,
            gender=new.gender or "unknown",
            birth_year=new.birth_year,
        )
    except ValidationError as exc:
        # The alias form fields are called alias_label / alias_birth_year on the intake form.
        if hasattr(exc, "error_dict"):
            raise ValidationError(
                {
                    {"label": "alias_label", "birth_year": "alias_birth_year"}.get(k, k): v
                    for k, v in exc.error_dict.items()
                }
            ) from exc
        raise


# --------------------------------------------------------------------------- episodes


def _check_subject(
    service_form: ServiceForm, person: Person | None, alias: Alias | None, *, field: str = "person"
) -> None:
    if (person is None) == (alias is None):
        raise ValidationError(
            {field: _("Valitse asiakkaaksi joko tunnistettu henkilö tai peitenimi.")}
        )
    _check_same_organisation(service_form.organisation_id, person=person, alias=alias)
    if alias is not None and alias.service_form_id != service_form.pk:
        raise ValidationError({"alias": _("Peitenimi kuuluu toiseen työmuotoon.")})
    if person is not None and person.merged_into_id is not None:
        raise ValidationError(
            {field: _("Henkilö on yhdistetty toiseen henkilöön. Valitse yhdistetty henkilö.")}
        )
    if person is not None and clients.person_behind_wall(person=person, service_form=service_form):
        raise ValidationError({field: clients.WALL_MESSAGE})
    ensure_processing_allowed(person, alias)


@transaction.atomic
def episode_open(
    *,
    actor: User,
    service_form: ServiceForm,
    person: Person | None = None,
    alias: Alias | None = None,
    role: str = Participant.Role.CLIENT,
    violence_role: str = "",
    referral_source: str = ReferralSource.SELF,
    service_task: str | None = None,
    status: str = Status.ENQUIRY,
    opened_at: dt.datetime | None = None,
    **fields: Any,
) -> Episode:
    """Open an episode in ``service_form`` for a person or an alias (the first participant)."""
    _require_member(actor, service_form.pk)
    unknown = set(fields) - EPISODE_FIELDS
    if unknown:
        raise TypeError(f"episode_open() got unexpected fields {sorted(unknown)}")
    _check_subject(service_form, person, alias)
    _check_same_organisation(
        service_form.organisation_id,
        referral_partner=fields.get("referral_partner"),
        payer=fields.get("payer"),
    )
    if status == Status.ENDED:
        raise ValidationError({"status": _("Uutta asiakkuutta ei voi avata päättyneenä.")})
    dates.check_dates(start_date=fields.get("start_date"), opened_at=opened_at)
    if not service_form.active:
        raise ValidationError({"service_form": _("Työmuoto ei ole enää toiminnassa.")})
    opened = opened_at or timezone.now()
    episode = Episode(
        organisation_id=service_form.organisation_id,
        service_form=service_form,
        status=status,
        opened_at=opened,
        referral_source=referral_source,
        service_task=service_task or default_service_task(service_form, role=role),
        created_by=actor,
        **fields,
    )
    if status == Status.ACTIVE and episode.start_date is None:
        episode.start_date = timezone.localtime(opened).date()
    with _scoped(service_form.organisation_id):
        _save(episode, actor=actor)
        participant = Participant(
            episode=episode,
            person=person,
            alias=alias,
            role=role,
            violence_role=violence_role,
            joined_on=episode.start_date or timezone.localtime(opened).date(),
        )
        _save(participant, actor=actor)
    return episode


@transaction.atomic
def episode_intake(
    *,
    actor: User,
    service_form: ServiceForm,
    client: NewPerson | NewAlias | Person,
    role: str = Participant.Role.CLIENT,
    violence_role: str = "",
    children: Iterable[NewPerson | NewAlias] = (),
    child_violence_role: str = "",
    **episode_kwargs: Any,
) -> Episode:
    """The intake of a new client (and the children who came along) in one transaction.

    The shelter night worker's flow: an identified mother with her children, or an anonymous
    one (an alias) with anonymous children — all participants of one episode.
    """
    _require_member(actor, service_form.pk)
    person: Person | None = None
    alias: Alias | None = None
    if isinstance(client, NewAlias):
        alias = alias_for_intake(actor=actor, service_form=service_form, new=client)
    elif isinstance(client, NewPerson):
        person = person_for_intake(actor=actor, service_form=service_form, new=client)
    else:
        person = client
    episode = episode_open(
        actor=actor,
        service_form=service_form,
        person=person,
        alias=alias,
        role=role,
        violence_role=violence_role,
        **episode_kwargs,
    )
    for number, child in enumerate(children, start=1):
        try:
            participant_add(
                actor=actor,
                episode=episode,
                new=child,
                role=Participant.Role.CHILD,
                violence_role=child_violence_role,
            )
        except ValidationError as exc:
            raise ValidationError(
                [_("Lapsi %(n)d: %(error)s") % {"n": number, "error": m} for m in exc.messages]
            ) from exc
    return episode


def _check_transition(
    current: Episode,
    status: str,
    *,
    start_date: dt.date | None,
    end_date: dt.date | None,
    end_reason: str,
    reason: str,
) -> None:
    if status not in Status.values:
        raise ValidationError({"status": _("Tuntematon tila.")})
    if status == current.status:
        raise ValidationError({"status": _("Asiakkuus on jo tässä tilassa.")})
    if current.status == Status.ENDED:
        if status not in REOPEN_TO:
            raise ValidationError(
                {
                    "status": _(
                        "Päättyneen asiakkuuden voi avata uudelleen vain jonoon tai käynnissä olevaksi."
                    )
                }
            )
        if not reason.strip():
            raise ValidationError(
                {"reason": _("Kirjoita peruste, miksi päättynyt asiakkuus avataan uudelleen.")}
            )
        return
    if status not in TRANSITIONS[current.status]:
        raise ValidationError(
            {
                "status": _(
                    "Tilaa ei voi siirtää taaksepäin (%(old)s → %(new)s). Asiakkuus etenee "
                    "järjestyksessä yhteydenotto → jonossa → käynnissä → päättynyt."
                )
                % {"old": current.get_status_display(), "new": Status(status).label}
            }
        )
    if status == Status.ENDED:
        errors: dict[str, str] = {}
        if end_date is None:
            errors["end_date"] = _("Päättyneellä asiakkuudella on oltava päättymispäivä.")
        elif end_date > _today():
            errors["end_date"] = _("Päättymispäivä ei voi olla tulevaisuudessa.")
        else:
            start = start_date or current.start_date
            if start is not None and end_date < start:
                errors["end_date"] = _("Päättymispäivä ei voi olla ennen alkamispäivää.")
        if not end_reason:
            errors["end_reason"] = _("Valitse päättymisen syy.")
        elif end_reason not in Episode.EndReason.values:
            errors["end_reason"] = _("Tuntematon päättymisen syy.")
        if errors:
            raise ValidationError(errors)


@transaction.atomic
def episode_set_status(
    *,
    actor: User,
    episode: Episode,
    status: str,
    version: int | None,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    end_reason: str = "",
    reason: str = "",
) -> Episode:
    """Move the episode forward (enquiry → waiting → active → ended), or re-open an ended one.

    Ending needs ``end_date`` and ``end_reason``; re-opening needs ``reason`` (kept in the
    change history). ``version`` is the version the user saw (``None`` skips the check, for
    imports and the demo builder).
    """
    _require_editor(actor, episode)
    dates.check_dates(start_date=start_date, end_date=end_date)
    with _scoped(episode.organisation_id):
        current = _lock(episode, version)
        _check_transition(
            current,
            status,
            start_date=start_date,
            end_date=end_date,
            end_reason=end_reason,
            reason=reason,
        )
        reopened_from = current.end_date if current.status == Status.ENDED else None
        if current.status == Status.ENDED:
            current.end_date = None
            current.end_reason = ""
        if start_date is not None:
            current.start_date = start_date
        if status == Status.ACTIVE and current.start_date is None:
            current.start_date = _today()
        if status == Status.ENDED:
            current.end_date = end_date
            current.end_reason = end_reason
        current.status = status
        _bump(current)
        _save(current, actor=actor, reason=reason.strip())
        if status == Status.ENDED:
            for participant in Participant.objects.filter(episode=current, left_on__isnull=True):
                participant.left_on = max(end_date, participant.joined_on or end_date)  # type: ignore[type-var]
                _save(participant, actor=actor)
        elif reopened_from is not None:
            # Those who left when the episode ended come back with it.
            for participant in Participant.objects.filter(episode=current, left_on=reopened_from):
                participant.left_on = None
                _save(participant, actor=actor)
    _copy_back(current, episode)
    return episode


@transaction.atomic
def episode_update(*, actor: User, episode: Episode, version: int | None, **fields: Any) -> Episode:
    """Change the intake details of an episode (referral source, payer, summary, …)."""
    _require_editor(actor, episode)
    unknown = set(fields) - EPISODE_UPDATE_FIELDS
    if unknown:
        raise TypeError(f"episode_update() got unexpected fields {sorted(unknown)}")
    dates.check_dates(start_date=fields.get("start_date"))
    _check_same_organisation(
        episode.organisation_id,
        referral_partner=fields.get("referral_partner"),
        payer=fields.get("payer"),
    )
    with _scoped(episode.organisation_id):
        current = _lock(episode, version)
        for name, value in fields.items():
            setattr(current, name, value)
        _bump(current)
        _save(current, actor=actor)
    _copy_back(current, episode)
    return episode


@transaction.atomic
def contact_permission_set(
    *,
    actor: User,
    episode: Episode,
    permission: bool | None,
    on: dt.date | None = None,
    version: int | None,
) -> Episode:
    """Contact permission for later follow-up (CON-01): yes/no and the date it was given."""
    _require_editor(actor, episode)
    if permission is not None and on is None:
        on = _today()
    if on is not None and on > _today():
        raise ValidationError({"contact_permission_date": _("Päivä ei voi olla tulevaisuudessa.")})
    with _scoped(episode.organisation_id):
        current = _lock(episode, version)
        current.contact_permission = permission
        current.contact_permission_date = on if permission is not None else None
        _bump(current)
        _save(current, actor=actor)
    _copy_back(current, episode)
    return episode


@transaction.atomic
def basic_form_save(
    *,
    actor: User,
    episode: Episode,
    definition: BasicFormDefinition,
    answers: dict[str, Any],
    version: int | None,
) -> Episode:
    """Store the basic-information form answers (already validated by the dynamic form)."""
    _require_editor(actor, episode)
    if definition.service_form_id != episode.service_form_id:
        raise ValidationError(_("Perustietolomake kuuluu toiseen työmuotoon."))
    from .basic_forms import storage_value

    with _scoped(episode.organisation_id):
        current = _lock(episode, version)
        current.basic_form = storage_value(definition, answers)
        _bump(current)
        _save(current, actor=actor)
    _copy_back(current, episode)
    return episode


# --------------------------------------------------------------------------- participants


@transaction.atomic
def participant_add(
    *,
    actor: User,
    episode: Episode,
    role: str,
    person: Person | None = None,
    alias: Alias | None = None,
    new: NewPerson | NewAlias | None = None,
    violence_role: str = "",
    joined_on: dt.date | None = None,
) -> Participant:
    """Add a person or alias (existing, or ``new`` typed in now) to the episode in ``role``.

    The violence role is recorded neutrally (CLI-10) and is optional. A person who left the
    episode earlier is brought back on the same row.
    """
    _require_editor(actor, episode)
    if episode.status == Status.ENDED:
        raise ValidationError(_("Päättyneeseen asiakkuuteen ei voi lisätä osallistujia."))
    if role not in Participant.Role.values:
        raise ValidationError({"role": _("Valitse rooli.")})
    if violence_role and violence_role not in Participant.ViolenceRole.values:
        raise ValidationError({"violence_role": _("Tuntematon väkivaltarooli.")})
    service_form = episode.service_form
    if new is not None:
        if isinstance(new, NewAlias):
            alias = alias_for_intake(actor=actor, service_form=service_form, new=new)
        else:
            person = person_for_intake(actor=actor, service_form=service_form, new=new)
    _check_subject(service_form, person, alias)
    with _scoped(episode.organisation_id):
        same: dict[str, Any] = {"person": person} if person is not None else {"alias": alias}
        existing = Participant.objects.filter(episode=episode, **same).first()
        if existing is not None:
            if existing.left_on is None:
                raise ValidationError(_("Henkilö on jo asiakkuuden osallistuja."))
            existing.left_on = None
            existing.role = role
            existing.violence_role = violence_role
            _save(existing, actor=actor)
            return existing
        participant = Participant(
            episode=episode,
            person=person,
            alias=alias,
            role=role,
            violence_role=violence_role,
            joined_on=joined_on or _today(),
        )
        _save(participant, actor=actor)
    return participant


@transaction.atomic
def participant_remove(
    *, actor: User, participant: Participant, left_on: dt.date | None = None
) -> Participant:
    """End a participation (the row stays: journal entries may refer to it)."""
    episode = participant.episode
    _require_editor(actor, episode)
    day = left_on or _today()
    if participant.left_on is not None:
        raise ValidationError(_("Osallistuminen on jo päättynyt."))
    if participant.joined_on is not None and day < participant.joined_on:
        raise ValidationError({"left_on": _("Päättymispäivä ei voi olla ennen alkamispäivää.")})
    with _scoped(episode.organisation_id):
        others = Participant.objects.filter(episode=episode, left_on__isnull=True).exclude(
            pk=participant.pk
        )
        if not others.exists() and episode.status != Status.ENDED:
            raise ValidationError(
                _(
                    "Asiakkuudessa on oltava ainakin yksi osallistuja. Päätä asiakkuus, jos se on päättynyt."
                )
            )
        participant.left_on = day
        _save(participant, actor=actor)
    return participant


# --------------------------------------------------------------------------- co-workers


@transaction.atomic
def assignment_add(
    *,
    actor: User,
    episode: Episode,
    user: User,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    is_primary: bool = False,
) -> Assignment:
    """Assign a worker to the episode (co-worker access, CLI-16).

    Only a member of the episode's service form may assign. The assignee must be staff doing
    client work in the same organisation (any service form: a Jussi-työ worker may be the
    co-worker of an Avokriisityö couple session — the explicit exception to the wall).
    """
    _require_member(actor, episode.service_form_id)
    ensure_episode_processing_allowed(episode)
    if user.organisation_id != episode.organisation_id or not user.is_active:
        raise ValidationError({"user": _("Valitse oman organisaation työntekijä.")})
    if not clients.user_scope(user).has_client_work:
        raise ValidationError(
            {"user": _("Vain asiakastyötä tekevän työntekijän voi nimetä asiakkuuteen.")}
        )
    start = valid_from or _today()
    if valid_until is not None and valid_until < start:
        raise ValidationError({"valid_until": _("Päättymispäivä ei voi olla ennen alkamispäivää.")})
    with _scoped(episode.organisation_id):
        today = _today()
        active = Assignment.objects.filter(episode=episode, user=user).filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=today)
        )
        if active.exists():
            raise ValidationError({"user": _("Työntekijä on jo nimetty tähän asiakkuuteen.")})
        assignment = Assignment(
            episode=episode,
            user=user,
            is_primary=is_primary,
            valid_from=start,
            valid_until=valid_until,
            assigned_by=actor,
        )
        _save(assignment, actor=actor)
    return assignment


@transaction.atomic
def assignment_end(
    *, actor: User, assignment: Assignment, last_day: dt.date | None = None
) -> Assignment:
    """End a co-worker assignment; by default access ends at once (last day = yesterday)."""
    _require_member(actor, assignment.episode.service_form_id)
    day = last_day if last_day is not None else _today() - dt.timedelta(days=1)
    if day < assignment.valid_from:
        day = assignment.valid_from - dt.timedelta(days=1)
        assignment.valid_from = day
    assignment.valid_until = day
    with _scoped(assignment.episode.organisation_id):
        _save(assignment, actor=actor)
    return assignment


# --------------------------------------------------------------------------- plan and network


@transaction.atomic
def goal_add(
    *,
    actor: User,
    episode: Episode,
    text: str,
    defined_with: str = "",
    review_date: dt.date | None = None,
) -> Goal:
    """A client-defined goal in the client plan (CLI-12) with its review date."""
    _require_editor(actor, episode)
    if not text.strip():
        raise ValidationError({"text": _("Kirjoita tavoite.")})
    goal = Goal(
        episode=episode,
        text=text.strip(),
        defined_with=defined_with.strip(),
        review_date=review_date,
        created_by=actor,
    )
    with _scoped(episode.organisation_id):
        _save(goal, actor=actor)
    return goal


@transaction.atomic
def goal_review(
    *, actor: User, goal: Goal, achieved: str, next_review: dt.date | None = None
) -> Goal:
    """Record how far the goal was reached (yes / partly / no), optionally the next review."""
    _require_editor(actor, goal.episode)
    if achieved not in {"yes", "partly", "no"}:
        raise ValidationError({"achieved": _("Valitse, miten tavoite toteutui.")})
    goal.achieved = achieved
    if next_review is not None:
        goal.review_date = next_review
    with _scoped(goal.episode.organisation_id):
        _save(goal, actor=actor)
    return goal


@transaction.atomic
def network_meeting_add(
    *,
    actor: User,
    episode: Episode,
    held_on: dt.date,
    external_participants: str = "",
    partners: Iterable[Partner] = (),
    notes: str = "",
    child_participated: bool = False,
) -> NetworkMeeting:
    """A network client meeting (CLI-15) with its external participants."""
    _require_editor(actor, episode)
    partner_list = list(partners)
    for partner in partner_list:
        _check_same_organisation(episode.organisation_id, partners=partner)
    meeting = NetworkMeeting(
        episode=episode,
        held_on=held_on,
        external_participants=external_participants.strip(),
        notes=notes.strip(),
        child_participated=child_participated,
        created_by=actor,
    )
    with _scoped(episode.organisation_id):
        _save(meeting, actor=actor)
        if partner_list:
            meeting.partners.set(partner_list)
    return meeting


@transaction.atomic
def external_referral_add(
    *,
    actor: User,
    episode: Episode,
    service_name: str,
    referred_on: dt.date | None = None,
    partner: Partner | None = None,
    note: str = "",
) -> ExternalReferral:
    """An outbound referral to an external service, recorded as an event (CLI-09)."""
    _require_editor(actor, episode)
    _check_same_organisation(episode.organisation_id, partner=partner)
    if not service_name.strip():
        raise ValidationError({"service_name": _("Kirjoita palvelu, johon asiakas ohjattiin.")})
    day = referred_on or _today()
    if day > _today():
        raise ValidationError({"referred_on": _("Päivä ei voi olla tulevaisuudessa.")})
    referral = ExternalReferral(
        episode=episode,
        partner=partner,
        service_name=service_name.strip(),
        referred_on=day,
        note=note.strip(),
        created_by=actor,
    )
    with _scoped(episode.organisation_id):
        _save(referral, actor=actor)
    return referral


# --------------------------------------------------------------------------- referrals (CLI-08)

CONSENT_REQUIRED_MESSAGE = _(
    "Ohjausta ei voi tehdä ilman asiakkaan suostumusta. Kysy asiakkaalta lupa siihen, että "
    "hänen nimensä ja ohjauksen syy välitetään toiseen työmuotoon, ja merkitse suostumus."
)


@transaction.atomic
def referral_create(
    *,
    actor: User,
    from_episode: Episode,
    to_service_form: ServiceForm,
    person: Person,
    reason: str,
    consent_given: bool,
) -> Referral:
    """Refer a participant of a visible episode to another service form of the association.

    The client's consent is required. The receiving form sees the person's name, the reason,
    the sending form and the date — not the sending episode (no consent to share it is implied).
    """
    _require_editor(actor, from_episode)
    errors: dict[str, str] = {}
    if not consent_given:
        errors["consent_given"] = str(CONSENT_REQUIRED_MESSAGE)
    if not reason.strip():
        errors["reason"] = _("Kirjoita ohjauksen syy.")
    if to_service_form.organisation_id != from_episode.organisation_id:
        errors["to_service_form"] = _("Valitse oman yhdistyksen työmuoto.")
    elif to_service_form.pk == from_episode.service_form_id:
        errors["to_service_form"] = _("Valitse jokin toinen työmuoto kuin asiakkuuden oma.")
    elif not to_service_form.active:
        errors["to_service_form"] = _("Työmuoto ei ole enää toiminnassa.")
    with _scoped(from_episode.organisation_id):
        if not Participant.objects.filter(episode=from_episode, person=person).exists():
            errors["person"] = _("Valitse asiakkuuden tunnistettu osallistuja.")
        elif (
            "to_service_form" not in errors
            and Referral.objects.filter(
                person=person, to_service_form=to_service_form, status=Referral.Status.PROPOSED
            ).exists()
        ):
            errors["to_service_form"] = _(
                "Henkilölle on jo käsittelemätön ohjaus tähän työmuotoon."
            )
        if errors:
            raise ValidationError(errors)
        referral = Referral(
            organisation_id=from_episode.organisation_id,
            from_episode=from_episode,
            to_service_form=to_service_form,
            person=person,
            reason=reason.strip(),
            consent_given=True,
            created_by=actor,
        )
        _save(referral, actor=actor)
    return referral


def _require_receiver(actor: User, referral: Referral) -> None:
    _require_member(actor, referral.to_service_form_id)
    if referral.status != Referral.Status.PROPOSED:
        raise ValidationError(_("Ohjaus on jo käsitelty."))


@transaction.atomic
def referral_accept(
    *, actor: User, referral: Referral, status: str = Status.WAITING, note: str = ""
) -> Episode:
    """Accept a referral: open an episode for the person in the receiving form and link it."""
    _require_receiver(actor, referral)
    ensure_processing_allowed(referral.person_id)
    if status not in {Status.ENQUIRY, Status.WAITING, Status.ACTIVE}:
        raise ValidationError({"status": _("Valitse uuden asiakkuuden tila.")})
    with _scoped(referral.organisation_id):
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.status != Referral.Status.PROPOSED:
            raise ValidationError(_("Ohjaus on jo käsitelty."))
        episode = episode_open(
            actor=actor,
            service_form=referral.to_service_form,
            person=referral.person,
            referral_source=ReferralSource.OTHER_SERVICE_FORM,
            status=status,
        )
        locked.status = Referral.Status.ACCEPTED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_note = note.strip()
        locked.to_episode = episode
        _save(locked, actor=actor)
    _copy_referral(locked, referral)
    return episode


@transaction.atomic
def referral_decline(*, actor: User, referral: Referral, reason: str) -> Referral:
    """Decline a referral with a reason the sending worker will see."""
    _require_receiver(actor, referral)
    ensure_processing_allowed(referral.person_id)
    if not reason.strip():
        raise ValidationError({"reason": _("Kirjoita peruste, miksi ohjausta ei vastaanoteta.")})
    with _scoped(referral.organisation_id):
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.status != Referral.Status.PROPOSED:
            raise ValidationError(_("Ohjaus on jo käsitelty."))
        locked.status = Referral.Status.DECLINED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_note = reason.strip()
        _save(locked, actor=actor)
    _copy_referral(locked, referral)
    return referral


def _copy_referral(source: Referral, target: Referral) -> None:
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


# --------------------------------------------------------------------------- break-the-glass


@transaction.atomic
def break_glass_open(
    *,
    actor: User,
    episode: Episode,
    reason: str,
    hours: int = 4,
    request_id: str = "",
    view_name: str = "",
) -> BreakGlass:
    """Emergency access to an episode outside the user's work task (ARCHITECTURE.md §6).

    Allowed only where :func:`clients.may_break_glass` allows (client-work staff of the same
    organisation, never across the wall); needs a written reason of at least
    :data:`BREAK_THE_GLASS_MIN_REASON` characters; lasts ``hours``; writes an access-log event
    ``break_the_glass`` (one per person of the episode, with the reason) and waits for the
    review of a lead of the episode's service form.
    """
    if not clients.may_break_glass(user=actor, episode=episode):
        raise PermissionDenied(_("Poikkeuksellinen pääsy tähän asiakkuuteen ei ole mahdollinen."))
    text = " ".join(reason.split())
    errors: dict[str, str] = {}
    if len(text) < BREAK_GLASS_MIN_REASON:
        errors["reason"] = _(
            "Kirjoita peruste vähintään %(count)d merkillä: miksi tarvitset tiedot nyt ja "
            "miksi asia ei voi odottaa työmuodon omaa työntekijää."
        ) % {"count": BREAK_GLASS_MIN_REASON}
    low, high = BREAK_GLASS_HOURS
    if not low <= hours <= high:
        errors["hours"] = _("Kesto on %(low)d–%(high)d tuntia.") % {"low": low, "high": high}
    if errors:
        raise ValidationError(errors)
    basis = clients.episode_basis(user=actor, episode=episode)
    if basis in {Basis.MEMBERSHIP, Basis.ASSIGNMENT}:
        raise ValidationError(_("Sinulla on jo pääsy tähän asiakkuuteen."))
    now = timezone.now()
    item = BreakGlass(
        user=actor,
        episode=episode,
        reason=reason.strip(),
        started_at=now,
        expires_at=now + dt.timedelta(hours=hours),
    )
    with _scoped(episode.organisation_id):
        item.full_clean()
        item.save()
        persons = [
            p.person
            for p in Participant.objects.filter(episode=episode, person__isnull=False)
            .select_related("person")
            .order_by("pk")
        ]
        record_access_for_user(
            user=actor,
            subjects=persons or [episode],
            action=Action.BREAK_THE_GLASS,
            basis=Basis.BREAK_THE_GLASS,
            reason=item.reason,
            request_id=request_id,
            view_name=view_name,
            episode_id=episode.pk,
        )
    return item


@transaction.atomic
def break_glass_review(*, actor: User, item: BreakGlass, note: str) -> BreakGlass:
    """A lead of the episode's service form reviews an emergency access."""
    if not is_lead(actor, item.episode.service_form_id):
        raise PermissionDenied(
            _("Vain työmuodon esihenkilö voi tarkastaa poikkeukselliset pääsyt.")
        )
    if item.user_id == actor.pk:
        raise PermissionDenied(_("Omaa poikkeuksellista pääsyä ei voi tarkastaa itse."))
    if item.reviewed_at is not None:
        raise ValidationError(_("Poikkeuksellinen pääsy on jo tarkastettu."))
    if not note.strip():
        raise ValidationError(
            {"note": _("Kirjoita tarkastuksen huomio, esimerkiksi oliko peruste asianmukainen.")}
        )
    item.reviewed_by = actor
    item.reviewed_at = timezone.now()
    item.review_note = note.strip()
    with _scoped(item.episode.organisation_id):
        item.full_clean()
        item.save()
    return item


def active_break_glass(*, user: User, episode: Episode) -> BreakGlass | None:
    """The user's unexpired emergency access to ``episode`` (for the banner and the log reason)."""
    with _scoped(episode.organisation_id):
        return (
            BreakGlass.objects.filter(user=user, episode=episode, expires_at__gt=timezone.now())
            .order_by("-expires_at")
            .first()
        )


# --------------------------------------------------------------------------- consents


@transaction.atomic
def consent_record(
    *,
    actor: User,
    episode: Episode,
    person: Person,
    purpose: str,
    given_on: dt.date,
    recipient_service_form: ServiceForm | None = None,
    scope_text: str = "",
    valid_until: dt.date | None = None,
) -> Consent:
    """Record a client's consent given in this episode (CON-01, CON-09).

    A *sharing* consent names the service form that may then read this episode (access basis
    ``consent``); the wall still applies — perpetrator work never reads victim work by consent.
    A *follow-up* consent is the contact permission for later feedback.
    """
    _require_editor(actor, episode)
    if not Participant.objects.filter(episode=episode, person=person).exists():
        raise ValidationError({"person": _("Valitse henkilö tämän asiakkuuden osallistujista.")})
    if purpose == Consent.Purpose.SHARING:
        if recipient_service_form is None:
            raise ValidationError(
                {"recipient_service_form": _("Valitse työmuoto, jonka kanssa tietoja saa jakaa.")}
            )
        if recipient_service_form.pk == episode.service_form_id:
            raise ValidationError(
                {"recipient_service_form": _("Oman työmuodon työntekijät näkevät asiakkuuden jo.")}
            )
        if recipient_service_form.organisation_id != episode.organisation_id:
            raise ValidationError(
                {"recipient_service_form": _("Valittu työmuoto ei kuulu organisaatioon.")}
            )
        if (
            recipient_service_form.violence_work == "perpetrator"
            and episode.service_form.violence_work == "victim"
        ):
            raise ValidationError(
                {
                    "recipient_service_form": _(
                        "Väkivaltaa kokeneiden työn tietoja ei jaeta väkivaltaa käyttäneiden työhön."
                    )
                }
            )
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("Suostumuksen päivä ei voi olla tulevaisuudessa.")})
    if valid_until is not None and valid_until < given_on:
        raise ValidationError(
            {"valid_until": _("Voimassaolo ei voi päättyä ennen suostumuksen antamista.")}
        )
    consent = Consent(
        person=person,
        purpose=purpose,
        recipient_service_form=recipient_service_form
        if purpose == Consent.Purpose.SHARING
        else None,
        episode=episode,
        scope=scope_text,
        given_on=given_on,
        valid_until=valid_until,
        recorded_by=actor,
    )
    with _scoped(episode.organisation_id):
        _save(consent, actor=actor)
    return consent


@transaction.atomic
def consent_withdraw(
    *, actor: User, consent: Consent, withdrawn_on: dt.date | None = None
) -> Consent:
    """The client withdraws a consent: sharing stops from that day; the record stays."""
    episode = consent.episode
    if episode is None:
        raise ValidationError(_("Suostumusta ei ole kirjattu asiakkuuteen."))
    _require_editor(actor, episode)
    if consent.withdrawn_on is not None:
        raise ValidationError(_("Suostumus on jo peruttu."))
    consent.withdrawn_on = withdrawn_on or timezone.localdate()
    with _scoped(episode.organisation_id):
        _save(consent, actor=actor)
    return consent
