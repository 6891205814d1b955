"""What the people services share: the accepted fields, the conflict, the checks of a person."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.core import dates

from .. import hetu as hetu_rules
from ..folding import fold
from ..models import CONTACT_FIELDS, Person, Relationship

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.organisations.models import Organisation


#: The fields that say who a person is (an anonymous client is identified by them).
IDENTITY_FIELDS = ("first_names", "last_name", "hetu", "birth_date", "gender")
#: Person fields ``person_create`` and ``person_update`` accept, in the order the forms show them.
PERSON_FIELDS = (
    *IDENTITY_FIELDS,
    "native_language",
    "languages",
    "interpreter_needed",
    "interpreter_language",
    *CONTACT_FIELDS,
    "expected_due_date",
)

#: Fields a merge copies from the merged record into the kept one when the kept one is blank.
MERGE_FILL_FIELDS = (
    "birth_date",
    "native_language",
    "languages",
    "interpreter_language",
    *CONTACT_FIELDS,
    "expected_due_date",
)

#: Relationship kinds read from the other side: "child of" is stored as "parent of" reversed.
INVERSE_KINDS: dict[str, str] = {
    "child": Relationship.Kind.PARENT,
    "foster_child": Relationship.Kind.FOSTER_PARENT,
    "grandchild": Relationship.Kind.GRANDPARENT,
    "step_child": Relationship.Kind.STEP_PARENT,
}


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
    unknown = set(fields).difference(PERSON_FIELDS)
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
