"""Turvakielto management and the client's rights (finnish-requirements §4.3, §6; GDPR 15, 18).

Services (writes, keyword-only with ``actor``, atomic, change history) and selectors (reads) for

- restrictions: :func:`restriction_add`, :func:`restriction_lift`;
- who may reveal restricted fields or manage restrictions: :func:`may_reveal`
  (a MEMBERSHIP basis, i.e. the work task in a service form where the person is a client);
- the data-protection officer's tasks: the log extract (:func:`log_extract`), the data extract
  for an access request (:func:`data_extract`) and restriction of processing
  (:func:`processing_restriction_set`).

Authorisation for the DPO tasks is ``policy.decide(user, "audit.browse")``; the DPO needs no
episode access for these, because producing them is their task.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from tupa.access import policy
from tupa.access.clients import may_reveal_person
from tupa.accounts.models import Membership
from tupa.audit.models import AccessEvent

from .models import RESTRICTED_FIELDS, Alias, Consent, Person, Relationship, Restriction
from .restrictions import restricted_person_ids

if TYPE_CHECKING:
    from tupa.accounts.models import User

HELSINKI = ZoneInfo("Europe/Helsinki")

#: The DPO's policy action for the client-rights tasks.
DPO_ACTION = "audit.browse"

#: How far back the log extract looks by default (finnish-requirements §4.3).
LOG_EXTRACT_DEFAULT_YEARS = 2


# --------------------------------------------------------------------------- who may


def may_reveal(*, user: User, person: Person) -> bool:
    """Only a worker whose work task covers the person (MEMBERSHIP basis) may reveal or manage
    restrictions; co-workers, consent, break-the-glass and organisation roles may not, and
    perpetrator-side work never does for a victim-side client (the wall)."""
    return may_reveal_person(user=user, person=person)


def is_dpo(user: User) -> bool:
    return bool(policy.decide(user, DPO_ACTION))


# --------------------------------------------------------------------------- restrictions


def _clean_restriction(restriction: Restriction) -> None:
    errors: dict[str, str] = {}
    if not restriction.kind:
        errors["kind"] = _("Valitse suojauksen laji.")
    if restriction.kind == Restriction.Kind.TURVAKIELTO and not restriction.source.strip():
        errors["source"] = _(
            "Kerro turvakiellon lähde (esimerkiksi väestötietojärjestelmän ote tai "
            "asiakkaan ilmoitus)."
        )
    if restriction.valid_from is None:
        errors["valid_from"] = _("Anna alkamispäivä.")
    elif restriction.valid_until is not None and restriction.valid_until <= restriction.valid_from:
        errors["valid_until"] = _("Päättymispäivän on oltava alkamispäivän jälkeen.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def restriction_add(
    *,
    actor: User,
    person: Person,
    kind: str,
    source: str = "",
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    contact_address: str = "",
    covers_household_children: bool = False,
) -> Restriction:
    restriction = Restriction(
        person=person,
        kind=kind,
        source=source.strip(),
        valid_from=valid_from,
        valid_until=valid_until,
        contact_address=contact_address.strip(),
        covers_household_children=covers_household_children,
        created_by=actor,
    )
    _clean_restriction(restriction)
    restriction._history_user = actor  # type: ignore[attr-defined]
    restriction._change_reason = "restriction_add"  # type: ignore[attr-defined]
    restriction.full_clean(exclude=["created_by", "person"])
    restriction.save()
    return restriction


@transaction.atomic
def restriction_lift(
    *, actor: User, restriction: Restriction, lifted_on: dt.date, reason: str
) -> Restriction:
    """End a restriction (after a review, e.g. the population register no longer has it)."""
    errors: dict[str, str] = {}
    if restriction.lifted_on is not None:
        errors["lifted_on"] = _("Suojaus on jo päätetty.")
    elif lifted_on is None:
        errors["lifted_on"] = _("Anna päättymispäivä.")
    elif lifted_on < restriction.valid_from:
        errors["lifted_on"] = _("Päättymispäivä ei voi olla ennen suojauksen alkamispäivää.")
    if not reason.strip():
        errors["reason"] = _("Kerro, miksi suojaus päätetään.")
    if errors:
        raise ValidationError(errors)
    restriction.lifted_on = lifted_on
    restriction._history_user = actor  # type: ignore[attr-defined]
    restriction._change_reason = reason.strip()[:100]  # type: ignore[attr-defined]
    restriction.save(update_fields=["lifted_on"])
    return restriction


# --------------------------------------------------------------------------- processing restriction


@transaction.atomic
def processing_restriction_set(
    *, actor: User, person: Person, restricted: bool, reason: str
) -> Person:
    """Set or clear the GDPR art. 18 restriction of processing; the reason is required both ways
    and is kept in the change history."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Kerro peruste.")})
    if restricted == person.processing_restricted:
        raise ValidationError(
            {
                "restricted": _("Käsittelyä on jo rajoitettu.")
                if restricted
                else _("Käsittelyä ei ole rajoitettu.")
            }
        )
    locked = Person.objects.select_for_update().get(pk=person.pk)
    locked.processing_restricted = restricted
    locked.processing_restriction_reason = reason if restricted else ""
    locked.version += 1
    locked._history_user = actor  # type: ignore[attr-defined]
    locked._change_reason = reason[:100]  # type: ignore[attr-defined]
    locked.save(update_fields=["processing_restricted", "processing_restriction_reason", "version"])
    return locked


# --------------------------------------------------------------------------- DPO person lookup


def person_by_identifier(*, organisation_id: int, identifier: str) -> Person | None:
    """Exact match on the identity code or the temporary identifier; never a name search."""
    value = identifier.strip().upper()
    if not value:
        return None
    person = (
        Person.objects.filter(organisation_id=organisation_id)
        .filter(Q(hetu=value) | Q(temporary_id=value))
        .order_by("merged_into_id", "pk")
        .first()
    )
    if person is not None and person.merged_into_id is not None:
        return Person.objects.filter(pk=person.merged_into_id).first() or person
    return person


# --------------------------------------------------------------------------- log extract


@dataclass
class LogRow:
    occurred_at: dt.datetime
    user_name: str
    roles: list[str]
    action: str
    basis: str
    reason: str


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    try:
        start = today.replace(year=today.year - LOG_EXTRACT_DEFAULT_YEARS)
    except ValueError:  # 29 February
        start = today.replace(year=today.year - LOG_EXTRACT_DEFAULT_YEARS, day=28)
    return start, today


def _subject_ids(person: Person) -> list[str]:
    """The person and every record merged into it (their history belongs to the same person)."""
    ids = [str(person.pk)]
    ids += [
        str(pk) for pk in Person.objects.filter(merged_into=person).values_list("pk", flat=True)
    ]
    return ids


def _roles_at(memberships: list[Membership], day: dt.date) -> list[str]:
    labels = []
    for m in memberships:
        if m.valid_from <= day and (m.valid_until is None or m.valid_until >= day):
            label = m.get_role_display()
            if m.service_form is not None:
                label = f"{label}, {m.service_form.name}"
            labels.append(str(label))
    return sorted(set(labels))


def log_extract(*, person: Person, date_from: dt.date, date_to: dt.date) -> list[LogRow]:
    """Who processed the person's data in the period (inclusive Helsinki dates), oldest first.

    Three queries whatever the number of events: merged records, events with their users, and
    the memberships of those users (for each user's roles and units *at the time* of the event).
    """
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=HELSINKI)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=HELSINKI)
    person_type = ContentType.objects.get_for_model(Person)
    alias_type = ContentType.objects.get_for_model(Alias)
    with scopes_disabled():
        person_ids = _subject_ids(person)
        # The anonymous phase is the same person's data: reads of aliases later linked to her.
        alias_ids = [
            str(pk)
            for pk in Alias.objects.filter(person_id__in=person_ids).values_list("pk", flat=True)
        ]
        events = list(
            AccessEvent.objects.filter(
                Q(subject_type=person_type, subject_id__in=person_ids)
                | Q(subject_type=alias_type, subject_id__in=alias_ids),
                organisation_id=person.organisation_id,
                occurred_at__gte=start,
                occurred_at__lt=end,
            )
            .select_related("user")
            .order_by("occurred_at", "pk")
        )
        by_user: dict[int, list[Membership]] = defaultdict(list)
        user_ids = {e.user_id for e in events}
        if user_ids:
            for m in (
                Membership.objects.filter(user_id__in=user_ids)
                .select_related("service_form")
                .order_by("pk")
            ):
                by_user[m.user_id].append(m)
    rows = []
    for e in events:
        local = e.occurred_at.astimezone(HELSINKI)
        user = e.user
        rows.append(
            LogRow(
                occurred_at=local,
                user_name=user.get_full_name() or user.username,
                roles=_roles_at(by_user.get(e.user_id, []), local.date()),
                action=str(e.get_action_display()),
                basis=str(e.get_basis_display()),
                reason=e.reason,
            )
        )
    return rows


# --------------------------------------------------------------------------- data extract


@dataclass
class ExtractEpisode:
    service_form: str
    status: str
    role: str
    start_date: dt.date | None
    end_date: dt.date | None
    opened_at: dt.datetime
    entries: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class DataExtract:
    person: Person
    restricted: bool
    contact: list[tuple[str, str]]
    relationships: list[str]
    family_types: list[str]
    episodes: list[ExtractEpisode]
    consents: list[Consent]
    restrictions: list[Restriction]


def field_label(name: str) -> str:
    """The verbose name of a Person field, capitalised."""
    return str(getattr(Person._meta.get_field(name), "verbose_name", name)).capitalize()


def _contact_rows(person: Person, restricted: bool) -> list[tuple[str, str]]:
    rows = []
    for name in RESTRICTED_FIELDS:
        label = field_label(name)
        if restricted:
            rows.append((label, _("Suojattu tieto")))
        else:
            value = getattr(person, name)
            rows.append((label, "" if value is None else str(value)))
    return rows


def _relationship_label(kind: str, *, outgoing: bool) -> str:
    """What the *other* person is to the data subject (their name is never shown).

    ``Relationship(person=A, relative=B, kind=parent)`` reads "A is the parent of B": for A the
    other person is a child, for B a parent.
    """
    inverse = {
        Relationship.Kind.PARENT: _("lapsi"),
        Relationship.Kind.FOSTER_PARENT: _("sijaislapsi"),
        Relationship.Kind.GRANDPARENT: _("lapsenlapsi"),
        Relationship.Kind.STEP_PARENT: _("lapsipuoli"),
    }
    if outgoing and kind in inverse:
        return str(inverse[Relationship.Kind(kind)])
    return str(dict(Relationship.Kind.choices).get(kind, kind))


def data_extract(*, person: Person) -> DataExtract:
    """The person's own data for an access request (GDPR art. 15), third parties left out.

    - relationships: only the kind, never the other person's name or identity;
    - households: only the family types, never the household's name or members;
    - episodes: service form, role, dates and status; co-participants are omitted;
    - journal entries: the texts of entries where the person (or an alias later linked to them)
      is a participant, with the staff who wrote them (processing staff are not third parties);
      the text of an entry with **other participants** is withheld (it may describe them; the
      reviewed access-request workflow releases it after a recorded review decision);
    - restricted fields are replaced by the placeholder while a restriction is in force (an
      address under turvakielto is never printed; it can be confirmed to the person directly).
    """
    from tupa.episodes.models import Entry, Participant

    restricted = person.pk in restricted_person_ids([person])
    relationships = sorted(
        _relationship_label(kind, outgoing=person_id == person.pk)
        for kind, person_id in Relationship.objects.filter(
            Q(person=person) | Q(relative=person)
        ).values_list("kind", "person_id")
    )
    family_types = sorted(
        {
            label
            for m in person.household_memberships.select_related("household")
            for label in m.household.family_type_labels()
        }
    )
    participations = list(
        Participant.objects.filter(Q(person=person) | Q(alias__person=person))
        .select_related("episode__service_form")
        .order_by("episode__opened_at", "pk")
    )
    participant_ids = [p.pk for p in participations]
    links = list(
        Entry.participants.through.objects.filter(participant_id__in=participant_ids).values_list(
            "entry_id", "participant_id"
        )
    )
    current = {
        e.pk: e
        for e in Entry.objects.filter(pk__in={entry_id for entry_id, _p in links})
        .filter(superseded_by__isnull=True)
        .select_related("author")
        .prefetch_related("co_workers")
    }
    # A journal entry with other participants may describe them (the other parent, the victim,
    # the one who used violence): its text is never copied into an extract unreviewed — the
    # reviewed access-request workflow (tupa.people.access_requests) releases it item by item.
    shared = set(
        Entry.participants.through.objects.filter(entry_id__in=current)
        .exclude(participant_id__in=participant_ids)
        .values_list("entry_id", flat=True)
    )
    entries_by_participant: dict[int, list[Entry]] = defaultdict(list)
    for entry_id, participant_id in links:
        if entry_id in current:
            entries_by_participant[participant_id].append(current[entry_id])
    for entries in entries_by_participant.values():
        entries.sort(key=lambda e: (e.occurred_at, e.pk))
    episodes = []
    for p in participations:
        ep = p.episode
        episodes.append(
            ExtractEpisode(
                service_form=ep.service_form.name,
                status=str(ep.get_status_display()),
                role=str(p.get_role_display()),
                start_date=ep.start_date,
                end_date=ep.end_date,
                opened_at=ep.opened_at,
                entries=[
                    {
                        "occurred_at": e.occurred_at.astimezone(HELSINKI),
                        "type": e.get_type_display(),
                        "author": e.author.get_full_name() or e.author.username,
                        "co_workers": [u.get_full_name() or u.username for u in e.co_workers.all()],
                        "text": "" if e.pk in shared else e.text,
                        "withheld": e.pk in shared,
                        "written_with_client": e.written_with_client,
                    }
                    for e in entries_by_participant.get(p.pk, [])
                ],
            )
        )
    return DataExtract(
        person=person,
        restricted=restricted,
        contact=_contact_rows(person, restricted),
        relationships=relationships,
        family_types=family_types,
        episodes=episodes,
        consents=list(
            Consent.objects.filter(person=person).select_related(
                "recipient_service_form", "recipient_partner"
            )
        ),
        restrictions=list(Restriction.objects.filter(person=person).order_by("-valid_from")),
    )
