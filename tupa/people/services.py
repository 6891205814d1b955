"""Writes of persons, aliases, relationships and households (ARCHITECTURE.md §4).

Every function is keyword-only with ``actor`` first, runs in one transaction, validates with
``full_clean()`` plus the rules below (Finnish messages keyed by field, so forms show them next
to the input) and records ``actor`` in the django-simple-history change history. The work runs
inside the organisation's own django-scopes scope, so the services behave the same from a
request, a management command, the demo builder or a test.

Authorisation — who may see or edit a person — is the caller's job (views answer 404 through
:mod:`tupa.access.clients`); the services guarantee data integrity: identity codes valid and
consistent with the birth date, no cross-organisation links, optimistic locking, merges and
alias links that never lose an episode or its history.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.access.clients import WALL_MESSAGE, person_behind_wall
from tupa.core import dates
from tupa.core.saving import save_validated
from tupa.episodes.models import Entry, Participant

from . import hetu as hetu_rules
from .folding import fold
from .models import Alias, Household, HouseholdMember, Person, Relationship
from .processing import ensure_processing_allowed
from .selectors import find_duplicates

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.organisations.models import Organisation, ServiceForm

#: Person fields ``person_create`` and ``person_update`` accept.
PERSON_FIELDS = frozenset(
    {
        "first_names",
        "last_name",
        "hetu",
        "birth_date",
        "gender",
        "native_language",
        "languages",
        "interpreter_needed",
        "interpreter_language",
        "municipality",
        "street_address",
        "postal_code",
        "post_office",
        "phone",
        "email",
        "expected_due_date",
    }
)

#: Fields a merge copies from the merged record into the kept one when the kept one is blank.
MERGE_FILL_FIELDS = (
    "birth_date",
    "native_language",
    "languages",
    "interpreter_language",
    "municipality",
    "street_address",
    "postal_code",
    "post_office",
    "phone",
    "email",
    "expected_due_date",
)

#: Relationship kinds read from the other side: "child of" is stored as "parent of" reversed.
INVERSE_KINDS: dict[str, str] = {
    "child": Relationship.Kind.PARENT,
    "foster_child": Relationship.Kind.FOSTER_PARENT,
    "grandchild": Relationship.Kind.GRANDPARENT,
    "step_child": Relationship.Kind.STEP_PARENT,
}


class PersonConflict(Exception):
    """Somebody else saved the person after the user loaded the form (optimistic locking)."""

    def __init__(self, current: Person) -> None:
        super().__init__("person version conflict")
        self.current = current

    @property
    def message(self) -> str:
        return _(
            "Joku muu on tallentanut henkilön tietoihin muutoksia sillä välin, kun täytit "
            "lomaketta. Kirjoittamasi tiedot ovat yhä lomakkeella. Vertaa niitä alla näkyviin "
            "ajantasaisiin tietoihin ja tallenna uudelleen."
        )


#: The name used in the brief and by other apps.
Conflict = PersonConflict


# --------------------------------------------------------------------------- helpers


@contextmanager
def _scoped(organisation_id: int | None) -> Iterator[None]:
    with scope(organisation=organisation_id if organisation_id is not None else []):
        yield


def _resave(instance: models.Model, *, actor: User | None, fields: list[str]) -> None:
    """Save a re-pointed row (history recorded), turning a unique clash into a ValidationError."""
    instance._history_user = actor  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            instance.save(update_fields=fields)
    except IntegrityError as exc:
        raise ValidationError(
            _(
                "Yhdistäminen ei onnistu: molemmilla henkilöillä on sama tieto "
                "(%(what)s), joka voi olla vain kerran. Korjaa se ensin."
            )
            % {"what": instance._meta.verbose_name}
        ) from exc


def _check_organisation(organisation_id: int | None, **objects: Any) -> None:
    errors = {
        name: _("Valittu kohde kuuluu toiseen organisaatioon.")
        for name, obj in objects.items()
        if obj is not None and getattr(obj, "organisation_id", organisation_id) != organisation_id
    }
    if errors:
        raise ValidationError(errors)


def _org_id(actor: User | None, organisation: Organisation | int | None) -> int:
    """The organisation given, else the actor's; a person always belongs to one."""
    if organisation is not None:
        return organisation if isinstance(organisation, int) else organisation.pk
    org_id = actor.organisation_id if actor is not None else None
    if org_id is None:
        raise ValidationError(_("Henkilöä ei voi luoda ilman organisaatiota."))
    return org_id


def _check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - PERSON_FIELDS
    if unknown:
        raise TypeError(f"unexpected person fields {sorted(unknown)}")


def _names_match(person: Person, first_names: str, last_name: str) -> bool:
    return (
        fold(person.last_name) == fold(last_name)
        and fold(person.first_names).split()[:1] == fold(first_names).split()[:1]
    )


HETU_TAKEN_MESSAGE = (
    "Henkilötunnus ja nimi eivät täsmää rekisterissä olevaan tietoon. "
    "Tarkista henkilötunnus ja nimi."
)


def _prepare_identity(person: Person, *, birth_date_given: bool) -> None:
    """Normalise the identity code, derive the birth date (and a missing gender) from it."""
    raw = person.hetu
    code = hetu_rules.normalise_hetu(raw)
    if not code:
        person.hetu = None
        return
    try:
        code = hetu_rules.validate_hetu(code, allow_temporary=settings.TUPA_ALLOW_TEST_HETU)
    except ValidationError as exc:
        raise ValidationError({"hetu": exc.messages}) from exc
    person.hetu = code
    derived = hetu_rules.birth_date_from_hetu(code)
    if birth_date_given and person.birth_date is not None and person.birth_date != derived:
        raise ValidationError(
            {
                "birth_date": _(
                    "Syntymäaika ei vastaa henkilötunnusta: tunnuksen mukaan syntymäaika on "
                    "%(date)s."
                )
                % {"date": f"{derived.day}.{derived.month}.{derived.year}"}
            }
        )
    person.birth_date = derived
    if person.gender in ("", Person.Gender.UNKNOWN):
        person.gender = hetu_rules.gender_from_hetu(code)


def _check_hetu_free(person: Person) -> None:
    """One unmerged person per identity code in an organisation.

    The message does not say who holds the code or where it is known (the holder may be a
    client of a service form the user cannot see).
    """
    if not person.hetu:
        return
    taken = Person.objects.filter(
        organisation_id=person.organisation_id, hetu=person.hetu, merged_into__isnull=True
    )
    if person.pk is not None:
        taken = taken.exclude(pk=person.pk)
    if taken.exists():
        raise ValidationError({"hetu": _(HETU_TAKEN_MESSAGE)})


def _clean_names(person: Person) -> None:
    person.first_names = " ".join((person.first_names or "").split())
    person.last_name = " ".join((person.last_name or "").split())
    errors = {}
    if not person.first_names:
        errors["first_names"] = _("Kirjoita etunimet.")
    if not person.last_name:
        errors["last_name"] = _("Kirjoita sukunimi.")
    if errors:
        raise ValidationError(errors)


def _validate_person(person: Person, *, birth_date_given: bool) -> None:
    _clean_names(person)
    _prepare_identity(person, birth_date_given=birth_date_given)
    problem = dates.birth_date_problem(person.birth_date)
    if problem:  # 1.1.1900–today; a date from the code is refused on the code
        raise ValidationError({"hetu" if person.hetu else "birth_date": problem})
    _check_hetu_free(person)
    if person.interpreter_needed is False:
        person.interpreter_language = person.interpreter_language.strip()


# --------------------------------------------------------------------------- persons


@transaction.atomic
def person_create(
    *,
    actor: User | None,
    organisation: Organisation | int | None = None,
    **fields: Any,
) -> Person:
    """Create a person. ``fields`` are :data:`PERSON_FIELDS`; ``organisation`` defaults to the actor's.

    The identity code is normalised and validated; the birth date is derived from it (a typed
    birth date must agree). Creating a person gives nobody access: access comes from an episode
    (``tupa.episodes.services.episode_open``).
    """
    _check_fields(fields)
    org_id = _org_id(actor, organisation)
    person = Person(organisation_id=org_id, **fields)
    with _scoped(org_id):
        _validate_person(person, birth_date_given=fields.get("birth_date") is not None)
        save_validated(person, actor=actor, exclude=["temporary_id"])
    return person


@transaction.atomic
def person_find_or_create(
    *,
    actor: User,
    organisation: Organisation | int | None = None,
    for_service_form: ServiceForm | None = None,
    **fields: Any,
) -> tuple[Person, bool]:
    """The existing person with the same identity code and name, or a new person.

    A returning client keeps one record: the same code *and* the same name (last name and first
    given name, case and diacritics ignored) reuse it — blank fields of the existing record are
    filled from ``fields``, nothing typed overwrites stored data, and no message tells whether
    the person was already known. The same code with another name is refused with a message
    that does not tell where the code is known — and so is the same code and name when the
    record would be attached to ``for_service_form`` across the wall (a victim-side client's
    record in perpetrator-side work, :func:`tupa.access.clients.person_behind_wall`), whoever
    the user is. Returns ``(person, created)``.
    """
    _check_fields(fields)
    org_id = _org_id(actor, organisation)
    code = hetu_rules.normalise_hetu(fields.get("hetu"))
    if code:
        with _scoped(org_id):
            existing = (
                Person.objects.select_for_update()
                .filter(organisation_id=org_id, hetu=code, merged_into__isnull=True)
                .first()
            )
            if existing is not None:
                if not _names_match(
                    existing, fields.get("first_names", ""), fields.get("last_name", "")
                ) or (
                    for_service_form is not None
                    and person_behind_wall(person=existing, service_form=for_service_form)
                ):
                    raise ValidationError({"hetu": _(HETU_TAKEN_MESSAGE)})
                ensure_processing_allowed(existing)  # GDPR 18: not even blank fields filled
                changed = []
                for name in MERGE_FILL_FIELDS:
                    value = fields.get(name)
                    if value not in (None, "") and getattr(existing, name) in (None, ""):
                        setattr(existing, name, value)
                        changed.append(name)
                if changed:
                    existing.version += 1
                    save_validated(existing, actor=actor)
                return existing, False
    return person_create(actor=actor, organisation=org_id, **fields), True


@transaction.atomic
def person_update(*, actor: User, person: Person, version: int | None, **fields: Any) -> Person:
    """Change a person's data. ``version`` is the one the user saw; a stale one raises
    :class:`PersonConflict` (nothing is saved, the caller keeps the typed data)."""
    ensure_processing_allowed(person)
    _check_fields(fields)
    with _scoped(person.organisation_id):
        current = Person.objects.select_for_update().get(pk=person.pk)
        if current.merged_into_id is not None:
            raise ValidationError(
                _("Henkilö on yhdistetty toiseen henkilöön; muokkaa yhdistettyä henkilöä.")
            )
        if version is not None and current.version != version:
            raise PersonConflict(current)
        for name, value in fields.items():
            setattr(current, name, value)
        birth_given = "birth_date" in fields and fields["birth_date"] is not None
        _validate_person(current, birth_date_given=birth_given)
        current.version += 1
        save_validated(current, actor=actor)
    for f in current._meta.concrete_fields:
        setattr(person, f.attname, getattr(current, f.attname))
    return person


# --------------------------------------------------------------------------- merge


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


# --------------------------------------------------------------------------- aliases


@transaction.atomic
def alias_create(
    *,
    actor: User,
    service_form: ServiceForm,
    label: str,
    gender: str = Person.Gender.UNKNOWN,
    birth_year: int | None = None,
) -> Alias:
    """An alias for an anonymous client of ``service_form`` (no identifying data)."""
    label = " ".join((label or "").split())
    if not label:
        raise ValidationError({"label": _("Kirjoita peitenimi.")})
    this_year = timezone.localdate().year
    if birth_year is not None and not (this_year - 120 <= birth_year <= this_year):
        raise ValidationError(
            {
                "birth_year": _("Syntymävuoden pitää olla välillä %(min)d–%(max)d.")
                % {"min": this_year - 120, "max": this_year}
            }
        )
    alias = Alias(
        organisation_id=service_form.organisation_id,
        service_form=service_form,
        label=label,
        gender=gender or Person.Gender.UNKNOWN,
        birth_year=birth_year,
        created_by=actor,
    )
    with _scoped(service_form.organisation_id):
        save_validated(alias, actor=actor)
    return alias


@transaction.atomic
def alias_link(*, actor: User, alias: Alias, person: Person, reason: str) -> Alias:
    """Identify an anonymous client: link ``alias`` to ``person`` with the reason recorded.

    The alias's participations become the person's: the same participant rows, in the same
    episodes, with the same roles — so no episode, count or journal link changes, and the
    person's page now shows those episodes. The anonymous phase stays readable in the
    participants' change history and on the alias (``linked_at``, ``linked_by``,
    ``link_reason``).
    """
    ensure_processing_allowed(alias, person)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Kirjoita tunnistamisen peruste.")})
    if alias.organisation_id != person.organisation_id:
        raise ValidationError({"person": _("Valittu kohde kuuluu toiseen organisaatioon.")})
    with _scoped(alias.organisation_id):
        alias = Alias.objects.select_for_update().get(pk=alias.pk)
        if alias.person_id is not None:
            raise ValidationError(_("Peitenimi on jo tunnistettu."))
        if person.merged_into_id is not None:
            raise ValidationError(
                {"person": _("Henkilö on yhdistetty toiseen henkilöön. Valitse se henkilö.")}
            )
        if person_behind_wall(person=person, service_form=alias.service_form):
            raise ValidationError({"person": WALL_MESSAGE})
        parts = list(Participant.objects.filter(alias=alias).select_related("episode"))
        clash = Participant.objects.filter(
            person=person, episode_id__in=[p.episode_id for p in parts]
        ).exists()
        if clash:
            raise ValidationError(
                {
                    "person": _(
                        "Henkilö on jo mukana samassa asiakkuudessa omalla nimellään. "
                        "Tarkista, onko valittu oikea henkilö."
                    )
                }
            )
        for part in parts:
            part.person = person
            part.alias = None
            part._change_reason = reason[:100]  # type: ignore[attr-defined]
            save_validated(part, actor=actor)
        alias.person = person
        alias.linked_at = timezone.now()
        alias.linked_by = actor
        alias.link_reason = reason
        save_validated(alias, actor=actor)
    return alias


# --------------------------------------------------------------------------- relationships


@transaction.atomic
def relationship_add(
    *,
    actor: User,
    person: Person,
    relative: Person,
    kind: str,
    valid_from: date | None = None,
    note: str = "",
) -> Relationship:
    """Record that ``person`` is ``kind`` of ``relative`` ("parent" of the child).

    ``kind`` may also be one of :data:`INVERSE_KINDS` ("child" of) — stored as the reverse
    relationship. Symmetric kinds (partner, ex-partner, sibling, other close person) are stored
    once, whichever way they are entered.
    """
    if kind in INVERSE_KINDS:
        person, relative, kind = relative, person, INVERSE_KINDS[kind]
    if kind not in Relationship.Kind.values:
        raise ValidationError({"kind": _("Valitse suhde.")})
    ensure_processing_allowed(person, relative)
    if person.pk == relative.pk:
        raise ValidationError({"relative": _("Henkilö ei voi olla itsensä läheinen.")})
    _check_organisation(person.organisation_id, relative=relative)
    with _scoped(person.organisation_id):
        same = Relationship.objects.filter(person=person, relative=relative, kind=kind)
        if kind in Relationship.SYMMETRIC:
            same = same | Relationship.objects.filter(person=relative, relative=person, kind=kind)
        if same.exists():
            raise ValidationError({"kind": _("Tämä suhde on jo kirjattu.")})
        if (
            kind not in Relationship.SYMMETRIC
            and Relationship.objects.filter(person=relative, relative=person, kind=kind).exists()
        ):
            raise ValidationError(
                {"kind": _("Suhde on jo kirjattu toisin päin; tarkista kumpi on kumpi.")}
            )
        rel = Relationship(
            person=person, relative=relative, kind=kind, valid_from=valid_from, note=note.strip()
        )
        save_validated(rel, actor=actor)
    return rel


@transaction.atomic
def relationship_end(*, actor: User, relationship: Relationship, valid_until: date) -> Relationship:
    """Mark a relationship ended (kept for the history; e.g. partner → ex-partner)."""
    ensure_processing_allowed(relationship.person_id, relationship.relative_id)
    if relationship.valid_from and valid_until < relationship.valid_from:
        raise ValidationError({"valid_until": _("Päättymispäivä on ennen alkamispäivää.")})
    with _scoped(relationship.person.organisation_id):
        relationship.valid_until = valid_until
        save_validated(relationship, actor=actor)
    return relationship


# --------------------------------------------------------------------------- households


def _clean_family_types(family_types: Iterable[str]) -> list[str]:
    codes = list(dict.fromkeys(family_types))
    unknown = [c for c in codes if c not in Household.FamilyType.values]
    if unknown:
        raise ValidationError(
            {
                "family_types": _("Tuntematon perhetyyppi: %(codes)s.")
                % {"codes": ", ".join(unknown)}
            }
        )
    return codes


@transaction.atomic
def household_create(
    *,
    actor: User,
    name: str,
    family_types: Iterable[str] = (),
    members: Iterable[Person] = (),
    organisation: Organisation | int | None = None,
) -> Household:
    """A family or household worked with as a unit, with its family types and first members."""
    org_id = _org_id(actor, organisation)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Anna perheelle nimi (esimerkiksi sukunimi).")})
    household = Household(
        organisation_id=org_id, name=name, family_types=_clean_family_types(family_types)
    )
    with _scoped(org_id):
        save_validated(household, actor=actor)
        for person in members:
            household_add_member(actor=actor, household=household, person=person)
    return household


@transaction.atomic
def household_set_family_types(
    *, actor: User, household: Household, family_types: Iterable[str]
) -> Household:
    with _scoped(household.organisation_id):
        # GDPR art. 18: the family types describe every current member of the household.
        today = timezone.localdate()
        ensure_processing_allowed(
            *HouseholdMember.objects.filter(household=household)
            .filter(models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=today))
            .values_list("person_id", flat=True)
        )
        household.family_types = _clean_family_types(family_types)
        save_validated(household, actor=actor)
    return household


@transaction.atomic
def household_add_member(
    *,
    actor: User,
    household: Household,
    person: Person,
    valid_from: date | None = None,
) -> HouseholdMember:
    _check_organisation(household.organisation_id, person=person)
    ensure_processing_allowed(person)
    with _scoped(household.organisation_id):
        if HouseholdMember.objects.filter(household=household, person=person).exists():
            raise ValidationError({"person": _("Henkilö on jo perheen jäsen.")})
        member = HouseholdMember(household=household, person=person, valid_from=valid_from)
        save_validated(member, actor=actor)
    return member


def duplicates_of(person: Person) -> list[Person]:
    """All possible duplicates (not permission-filtered; for services and commands)."""
    with _scoped(person.organisation_id):
        return list(find_duplicates(person))
