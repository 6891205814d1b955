"""The disclosure log (*luovutusloki*, 703/2023 §4.2): services and selectors.

:func:`disclosure_record` writes one append-only :class:`~tupa.audit.models.Disclosure` with the
persons concerned; :func:`disclosures_for_person` reads them back for the client's log extract
and :func:`disclosure_list` for the DPO's log browser.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from tupa.audit.models import Disclosure, DisclosureBasis, DisclosureKind, DisclosureSubject

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.episodes.models import Episode
    from tupa.people.models import Alias, Person


@transaction.atomic
def disclosure_record(
    *,
    actor: User,
    kind: str,
    recipient: str,
    basis_kind: str,
    legal_basis: str,
    description: str,
    persons: Iterable[Person] = (),
    aliases: Iterable[Alias] = (),
    episode: Episode | None = None,
    disclosed_on: dt.date | None = None,
) -> Disclosure:
    """Record one disclosure of client data outside the unit (append-only).

    ``persons``/``aliases``: whose data it contained (at least one). ``legal_basis``: the
    provision (e.g. "LsL 25 §") or the consent relied on.
    """
    persons, aliases = list(persons), list(aliases)
    errors: dict[str, str] = {}
    if kind not in DisclosureKind.values:
        errors["kind"] = _("Valitse luovutuksen laji.")
    if basis_kind not in DisclosureBasis.values:
        errors["basis_kind"] = _("Valitse luovutuksen peruste.")
    if not recipient.strip():
        errors["recipient"] = _("Kerro, kenelle tiedot luovutettiin.")
    if not legal_basis.strip():
        errors["legal_basis"] = _("Kerro säännös tai suostumus, johon luovutus perustuu.")
    if not description.strip():
        errors["description"] = _("Kerro, mitä tietoja luovutettiin.")
    if not persons and not aliases:
        errors["persons"] = _("Valitse vähintään yksi henkilö, jonka tietoja luovutettiin.")
    day = disclosed_on or timezone.localdate()
    if day > timezone.localdate():
        errors["disclosed_on"] = _("Päivä ei voi olla tulevaisuudessa.")
    organisation_id = actor.organisation_id
    if organisation_id is None:
        raise PermissionDenied
    for subject in [*persons, *aliases]:
        if subject.organisation_id != organisation_id:  # type: ignore[attr-defined]
            errors["persons"] = _("Henkilö ei kuulu organisaatioon.")
    if episode is not None and episode.organisation_id != organisation_id:
        errors["episode"] = _("Asiakkuus ei kuulu organisaatioon.")
    if errors:
        raise ValidationError(errors)
    with scopes_disabled():
        disclosure = Disclosure(
            organisation_id=organisation_id,
            disclosed_on=day,
            kind=kind,
            recipient=recipient.strip(),
            basis_kind=basis_kind,
            legal_basis=legal_basis.strip(),
            description=description.strip(),
            episode=episode,
            disclosed_by=actor,
        )
        disclosure.save()
        for person in {p.pk: p for p in persons}.values():
            DisclosureSubject(disclosure=disclosure, person=person).save()
        for alias in {a.pk: a for a in aliases}.values():
            DisclosureSubject(disclosure=disclosure, alias=alias).save()
    return disclosure


@dataclass
class DisclosureRow:
    disclosed_on: dt.date
    recorded_at: dt.datetime
    kind: str
    recipient: str
    basis: str
    legal_basis: str
    description: str
    disclosed_by: str


def _row(d: Disclosure) -> DisclosureRow:
    user = d.disclosed_by
    return DisclosureRow(
        disclosed_on=d.disclosed_on,
        recorded_at=timezone.localtime(d.recorded_at),
        kind=str(d.get_kind_display()),
        recipient=d.recipient,
        basis=str(d.get_basis_kind_display()),
        legal_basis=d.legal_basis,
        description=d.description,
        disclosed_by=user.get_full_name() or user.username,
    )


def disclosures_for_person(
    *, person: Person, date_from: dt.date, date_to: dt.date
) -> list[DisclosureRow]:
    """Disclosures that contained the person's data (or a merged record's, or an alias later
    linked to them), disclosed in the period, oldest first — for the client's log extract."""
    from tupa.people.models import Alias, Person

    with scopes_disabled():
        person_ids = [
            person.pk,
            *Person.objects.filter(merged_into=person).values_list("pk", flat=True),
        ]
        alias_ids = list(
            Alias.objects.filter(person_id__in=person_ids).values_list("pk", flat=True)
        )
        disclosures = (
            Disclosure.objects.filter(
                organisation_id=person.organisation_id,
                disclosed_on__gte=date_from,
                disclosed_on__lte=date_to,
                pk__in=DisclosureSubject.objects.filter(
                    Q(person_id__in=person_ids) | Q(alias_id__in=alias_ids)
                ).values("disclosure_id"),
            )
            .select_related("disclosed_by")
            .order_by("disclosed_on", "pk")
        )
        return [_row(d) for d in disclosures]


def disclosure_list(
    *,
    organisation_id: int,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    kind: str = "",
    user: User | None = None,
) -> QuerySet[Disclosure]:
    """The DPO's disclosure log browser, newest first, with the persons concerned prefetched."""
    with scopes_disabled():
        qs: QuerySet[Disclosure] = Disclosure.objects.filter(organisation_id=organisation_id)
        if date_from:
            qs = qs.filter(disclosed_on__gte=date_from)
        if date_to:
            qs = qs.filter(disclosed_on__lte=date_to)
        if kind:
            qs = qs.filter(kind=kind)
        if user is not None:
            qs = qs.filter(disclosed_by=user)
        return qs.select_related("disclosed_by").prefetch_related(
            "subjects__person", "subjects__alias"
        )


def subjects_of(disclosures: Iterable[Disclosure]) -> list[Any]:
    """The persons and aliases named in ``disclosures`` (for the access log of a list)."""
    found: dict[tuple[str, int], Any] = {}
    for d in disclosures:
        for s in d.subjects.all():
            subject = s.person or s.alias
            if subject is not None:
                found[(type(subject).__name__, subject.pk)] = subject
    return list(found.values())
