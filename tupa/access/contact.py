"""Whose stored contact data a user may read: revealing restricted (turvakielto) fields, and the
holds on reused records (docs/security.md).

**Revealing.** :func:`may_reveal_person` — a worker whose own work task covers the person, never
across the wall and never while a hold withholds her data from him; :func:`may_reveal_family`
for free texts that may place a protected family.

**Holds.**
An intake by identity code and name reuses the existing record of a person the worker could not
see (:func:`tupa.people.services.person_find_or_create`). Knowing her code is not a reason to
read where she lives, so the intake opens a :class:`~tupa.people.models.ContactHold` for the
new service form. While it is open, a user who sees her **only** through episodes of service
forms with an open hold on her does not read her stored contact data
(:data:`~tupa.people.models.CONTACT_FIELDS`): the person pages show the data given at the intake
instead, the edit form changes those, and revealing or merging is refused. A user who sees her
through any other episode (the unit that stored the data) reads them as before. A lead of the
held form — not the one who opened the hold — confirms the client, which ends the hold.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Final

from django.http import Http404, HttpRequest
from django_scopes import scope as organisation_scope

from tupa.access import clients
from tupa.access.marks import user_of
from tupa.access.policy import Basis

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.people.models import ContactHold, Person


def withheld_contact(*, user: User, persons: Iterable[Person | int]) -> dict[int, ContactHold]:
    """``{person_id: hold}`` for the persons among ``persons`` whose stored contact data are
    withheld from ``user``; the hold is the one whose given data the user is shown (the latest
    of the held forms the user sees her in).

    One query when none of them has an open hold (the usual case), two otherwise."""
    from tupa.episodes.models import Participant
    from tupa.people.models import ContactHold

    ids = {p if isinstance(p, int) else p.pk for p in persons} - {None}
    if not ids:
        return {}
    holds = list(
        ContactHold.objects.filter(person_id__in=ids, confirmed_at__isnull=True).order_by(
            "-created_at", "-pk"
        )
    )
    if not holds:
        return {}
    held: dict[int, set[int]] = {}
    for hold in holds:
        held.setdefault(hold.person_id, set()).add(hold.service_form_id)
    seen: dict[int, set[int]] = {}
    rows = Participant._base_manager.filter(
        person_id__in=held, episode__in=clients.episodes_visible_to(user=user).values("pk")
    ).values_list("person_id", "episode__service_form_id")
    for person_id, form_id in rows:
        seen.setdefault(person_id, set()).add(form_id)
    withheld: dict[int, ContactHold] = {}
    for person_id, forms in held.items():
        through = seen.get(person_id, set())
        if through - forms:
            continue  # seen through work that holds nothing: the stored data are readable
        withheld[person_id] = next(
            h
            for h in holds
            if h.person_id == person_id and (h.service_form_id in through or not through)
        )
    return withheld


def is_withheld(*, user: User, person: Person) -> bool:
    """Are ``person``'s stored contact data withheld from ``user`` (:func:`withheld_contact`)?"""
    return person.pk in withheld_contact(user=user, persons=[person])


def may_confirm_hold(*, user: User, hold: ContactHold) -> bool:
    """A lead of the held service form confirms the client — not the one who opened the hold."""
    return (
        hold.confirmed_at is None
        and hold.created_by_id != user.pk
        and clients.is_lead(user, hold.service_form_id)
    )


_UNDECIDED: Final = object()


def may_reveal_person(
    *,
    user: User,
    person: Person,
    basis: Basis | object | None = _UNDECIDED,
    withheld: bool | None = None,
) -> bool:
    """May ``user`` reveal the person's restricted fields (or manage her restrictions)?

    Only a worker whose work task covers the person (a MEMBERSHIP basis) — and, for a person on
    the victim side of the wall, only through work that is not perpetrator-side — and never
    while her stored contact data are withheld from him (:func:`withheld_contact`).
    ``basis``: the person's basis as :func:`~tupa.access.clients.person_bases` gave it earlier in the same request
    (None: no basis); ``withheld``: as :func:`withheld_contact` decided it.
    """
    from tupa.episodes.models import Participant

    if basis is _UNDECIDED:
        basis = clients.person_bases(user=user, persons=[person]).get(person.pk)
    if basis is not Basis.MEMBERSHIP:
        return False
    if withheld is None:
        withheld = is_withheld(user=user, person=person)
    if withheld:
        return False
    user_forms = clients.user_scope(user)
    if not user_forms.does_perpetrator_work:
        return True
    with organisation_scope(organisation=person.organisation_id):
        participations = Participant.objects.filter(person_id=person.pk)
        if participations.filter(
            episode__service_form_id__in=user_forms.non_perpetrator_form_ids
        ).exists():
            return True  # the reveal comes from work that is not perpetrator-side
        return not clients.wall_protected(participations).exists()


def may_reveal_family(*, user: User, episode_id: int | None) -> bool:
    """May ``user`` read a free text of the episode that may place a protected family (a home
    visit's place note)?

    Yes when nobody of the episode is protected
    (:func:`tupa.people.restrictions.protected_episode_ids`); otherwise only when she may reveal
    every protected participant (:func:`may_reveal_person`: a work-task basis, never across the
    wall). Callers show the neutral placeholder instead, whether the text is empty or not, so
    that nothing tells whether an address was written."""
    from tupa.episodes.models import Participant
    from tupa.people import restrictions
    from tupa.people.models import Person

    if episode_id is None or not restrictions.protected_episode_ids([episode_id]):
        return True
    subject_ids = {
        pk
        for row in Participant.objects.filter(episode_id=episode_id).values_list(
            "person_id", "alias__person_id"
        )
        for pk in row
        if pk is not None
    }
    hidden = restrictions.restricted_person_ids(subject_ids)
    if not hidden:  # protected through a subject this read cannot place: stay hidden
        return False
    return all(
        may_reveal_person(user=user, person=person)
        for person in Person.objects.filter(pk__in=hidden)
    )


def hold_queue_access(request: HttpRequest) -> None:
    """404 for anybody who leads no service form (the confirmation queue and its pages)."""
    if not clients.user_scope(user_of(request)).lead_form_ids:
        raise Http404


def confirmable_hold(request: HttpRequest, pk: int) -> ContactHold:
    """An open hold the user may confirm (:func:`may_confirm_hold`), or 404."""
    from tupa.people import selectors

    hold_queue_access(request)
    hold = selectors.hold_queue(user=user_of(request)).filter(pk=pk).first()
    if hold is None or not may_confirm_hold(user=user_of(request), hold=hold):
        raise Http404
    return hold
