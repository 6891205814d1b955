"""Merging two records of the same person: nothing lost, the merged one kept as a tombstone."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from tupa.core.saving import save_validated
from tupa.episodes.journal.links import release_moved_links
from tupa.episodes.models import Entry, Participant

from .. import hetu as hetu_rules
from ..models import HouseholdMember, Person, Relationship
from ..processing import ensure_processing_allowed
from ._common import MERGE_FILL_FIELDS, _resave, _scoped

if TYPE_CHECKING:
    from tupa.accounts.models import User


def _move_participations(*, actor: User | None, keep: Person, merge: Person) -> None:
    for part in Participant.objects.filter(person=merge).select_related("episode"):
        existing = Participant.objects.filter(episode_id=part.episode_id, person=keep).first()
        if existing is None:
            part.person = keep
            _resave(part, actor=actor, fields=["person"])
            continue
        # Both records take part in the same episode: keep one participant and move the
        # journal links to it. The removed row stays in the participant change history.
        for entry in Entry.objects.filter(participants=part):
            entry.participants.add(existing)
        if not existing.violence_role and part.violence_role:
            existing.violence_role = part.violence_role
            _resave(existing, actor=actor, fields=["violence_role"])
        part._history_user = actor  # type: ignore[attr-defined]
        try:
            with transaction.atomic():
                release_moved_links(part)
                part.delete()
        except (IntegrityError, ProtectedError) as exc:
            raise ValidationError(
                _(
                    "Yhdistäminen ei onnistu: molemmat henkilöt ovat samassa asiakkuudessa, ja "
                    "toisen osallistumiseen liittyy tietoja, joita ei voi siirtää. Poista "
                    "ylimääräinen osallistuja asiakkuudesta ensin."
                )
            ) from exc


def _move_relationships(*, actor: User | None, keep: Person, merge: Person) -> None:
    def duplicate(person_id: int, relative_id: int, kind: str) -> bool:
        same = Relationship.objects.filter(person_id=person_id, relative_id=relative_id, kind=kind)
        if kind in Relationship.SYMMETRIC:
            same = same | Relationship.objects.filter(
                person_id=relative_id, relative_id=person_id, kind=kind
            )
        return same.exists()

    for rel in Relationship.objects.filter(person=merge):
        rel._history_user = actor  # type: ignore[attr-defined]
        if rel.relative_id == keep.pk or duplicate(keep.pk, rel.relative_id, rel.kind):
            rel.delete()
        else:
            rel.person = keep
            _resave(rel, actor=actor, fields=["person"])
    for rel in Relationship.objects.filter(relative=merge):
        rel._history_user = actor  # type: ignore[attr-defined]
        if rel.person_id == keep.pk or duplicate(rel.person_id, keep.pk, rel.kind):
            rel.delete()
        else:
            rel.relative = keep
            _resave(rel, actor=actor, fields=["relative"])


def _move_household_memberships(*, actor: User | None, keep: Person, merge: Person) -> None:
    for member in HouseholdMember.objects.filter(person=merge):
        if HouseholdMember.objects.filter(household_id=member.household_id, person=keep).exists():
            member._history_user = actor  # type: ignore[attr-defined]
            member.delete()
        else:
            member.person = keep
            _resave(member, actor=actor, fields=["person"])


#: Reverse relations moved by the dedicated helpers above (everything else moves generically).
_SPECIAL_RELATIONS = {
    ("episodes", "participant", "person"),
    ("people", "relationship", "person"),
    ("people", "relationship", "relative"),
    ("people", "householdmember", "person"),
}


def _move_other_relations(*, actor: User | None, keep: Person, merge: Person) -> None:
    """Re-point every other row that refers to ``merge`` — aliases, restrictions, consents,
    referrals, earlier merges and whatever later apps add — one row at a time, so each
    change is in that row's history."""
    for rel in Person._meta.related_objects:
        model = cast("type[models.Model]", rel.related_model)
        key = (model._meta.app_label, model._meta.model_name, rel.field.name)
        if key in _SPECIAL_RELATIONS:
            continue
        manager = model._default_manager
        if rel.many_to_many:
            for obj in manager.filter(**{rel.field.name: merge}):
                related = getattr(obj, rel.field.name)
                related.add(keep)
                related.remove(merge)
            continue
        for obj in manager.filter(**{rel.field.name: merge}):
            setattr(obj, rel.field.name, keep)
            _resave(obj, actor=actor, fields=[rel.field.name])


@transaction.atomic
def person_merge(*, actor: User, keep: Person, merge: Person) -> Person:
    """Merge the duplicate ``merge`` into ``keep``.

    Every participation (so every episode), alias, relationship, household membership,
    restriction, consent and referral moves to ``keep``; ``merge`` stays in the database with
    ``merged_into = keep`` and both records keep their own change history. Blank fields of
    ``keep`` are filled from ``merge`` (nothing is overwritten). Authorisation (a lead who sees
    both persons) is the caller's job: :func:`tupa.access.episodes.may_merge`.
    """
    ensure_processing_allowed(keep, merge)
    if keep.pk == merge.pk:
        raise ValidationError(_("Henkilöä ei voi yhdistää itseensä."))
    if keep.organisation_id != merge.organisation_id:
        raise ValidationError(_("Henkilöt kuuluvat eri organisaatioihin."))
    with _scoped(keep.organisation_id):
        keep = Person.objects.select_for_update().get(pk=keep.pk)
        merge = Person.objects.select_for_update().get(pk=merge.pk)
        if keep.merged_into_id is not None or merge.merged_into_id is not None:
            raise ValidationError(_("Toinen henkilöistä on jo yhdistetty toiseen henkilöön."))
        if keep.hetu and merge.hetu and keep.hetu != merge.hetu:
            raise ValidationError(
                _(
                    "Henkilöillä on eri henkilötunnukset, joten he ovat eri henkilöitä. "
                    "Heitä ei voi yhdistää."
                )
            )
        if (
            keep.birth_date
            and merge.birth_date
            and keep.birth_date != merge.birth_date
            and (keep.hetu or merge.hetu)
        ):
            raise ValidationError(
                _("Henkilöillä on eri syntymäajat, ja toisella on henkilötunnus. Tarkista tiedot.")
            )
        _move_participations(actor=actor, keep=keep, merge=merge)
        _move_relationships(actor=actor, keep=keep, merge=merge)
        _move_household_memberships(actor=actor, keep=keep, merge=merge)
        _move_other_relations(actor=actor, keep=keep, merge=merge)
        # Retire the merged record first: the identity code is unique only among unmerged ones.
        merge.merged_into = keep
        merge.version += 1
        save_validated(merge, actor=actor)
        if not keep.hetu and merge.hetu:
            keep.hetu = merge.hetu
            keep.birth_date = hetu_rules.birth_date_from_hetu(merge.hetu)
        for name in MERGE_FILL_FIELDS:
            if getattr(keep, name) in (None, "") and getattr(merge, name) not in (None, ""):
                setattr(keep, name, getattr(merge, name))
        if keep.gender == Person.Gender.UNKNOWN:
            keep.gender = merge.gender
        keep.interpreter_needed = keep.interpreter_needed or merge.interpreter_needed
        if merge.processing_restricted and not keep.processing_restricted:
            keep.processing_restricted = True
            keep.processing_restriction_reason = merge.processing_restriction_reason
        keep.version += 1
        save_validated(keep, actor=actor)
    return keep
