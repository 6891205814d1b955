"""Who may do what in a client episode (and to the persons taking part in one), and the
episode-side fetch helpers of the views (episodes, journal, persons).

The predicates (``may_*``) are the rules the episode and journal services enforce (they raise
``PermissionDenied`` when one says no); the ``*_access`` helpers give a view its object with
the basis the access log records, or answer 404 ("exists but not yours") — 403 only where the
user may already see the object but not change it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from tupa.access import clients
from tupa.access.contact import withheld_contact
from tupa.access.fetch import Granted, episode_access
from tupa.access.marks import user_of
from tupa.access.policy import Basis
from tupa.episodes.models import Attachment, BreakGlass, Entry, Episode, Referral

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.people.models import Alias, Person

#: Bases on which a user may change an episode (a consent or break-the-glass reader only reads).
EDIT_BASES = frozenset({Basis.MEMBERSHIP, Basis.ASSIGNMENT})
#: Bases that allow writing to the journal (a consent-based reader may only read).
JOURNAL_WRITE_BASES = frozenset({Basis.MEMBERSHIP, Basis.ASSIGNMENT, Basis.BREAK_THE_GLASS})


# --------------------------------------------------------------------------- predicates


def may_open_episode(user: User, service_form_id: int) -> bool:
    """Client-work staff (worker, lead, coordinator) of a service form may open episodes in it."""
    return clients.is_member(user, service_form_id)


def may_change_episode(user: User, episode: Episode) -> bool:
    """Members of the episode's form and assigned co-workers may change it; others only read."""
    return clients.may_edit(user, episode)


def may_assign(user: User, episode: Episode) -> bool:
    """Only members of the episode's own service form may assign co-workers or end assignments."""
    return clients.is_member(user, episode.service_form_id)


def may_decide_referral(user: User, referral: Referral) -> bool:
    """Members of the receiving service form may accept or decline a referral to it."""
    return clients.is_member(user, referral.to_service_form_id)


def may_review_break_glass(user: User, episode: Episode) -> bool:
    """Leads of the episode's service form review emergency accesses to it (never their own)."""
    return clients.is_lead(user, episode.service_form_id)


def may_review_any_break_glass(user: User) -> bool:
    """Leads of any service form see the review queue of emergency accesses to their forms."""
    return bool(clients.user_scope(user).lead_form_ids)


def may_use_client_screens(user: User) -> bool:
    """Client-work staff use person search, new client and break-the-glass; others get 404."""
    return clients.user_scope(user).has_client_work


def may_write_journal(*, user: User, episode: Episode, basis: Basis | None = None) -> bool:
    """Membership, assignment and break-the-glass may write journal entries; consent only reads."""
    if basis is None:
        basis = clients.episode_basis(user=user, episode=episode)
    return basis in JOURNAL_WRITE_BASES


def may_correct_entry(*, user: User, entry: Entry, basis: Basis | None = None) -> bool:
    """The author or a lead of the episode's form, with journal write access, corrects an entry."""
    if not may_write_journal(user=user, episode=entry.episode, basis=basis):
        return False
    if entry.author_id == user.pk:
        return True
    return clients.is_lead(user, entry.episode.service_form_id)


def may_correct_any_entry(*, user: User, episode: Episode, basis: Basis | None = None) -> bool:
    """Leads of the episode's service form, with journal write access, correct anyone's entry."""
    return may_write_journal(user=user, episode=episode, basis=basis) and clients.is_lead(
        user, episode.service_form_id
    )


def referral_basis(user: User, referral: Referral) -> Basis | None:
    """The basis on which ``user`` sees a referral: a membership in the receiving form, or None."""
    return Basis.MEMBERSHIP if may_decide_referral(user, referral) else None


def may_merge(*, user: User, keep: Person, merge: Person) -> bool:
    """A lead of a service form in which either person has an episode merges, when she works
    with both records (a membership or assignment basis for each): a merge changes both, and a
    person seen only by the client's consent or by break-the-glass is only read (the merge page
    would also show her full identity code). Never while either record's contact data are
    withheld from her (:mod:`tupa.access.contact`)."""
    from tupa.episodes.models import Participant

    if keep.pk == merge.pk or keep.organisation_id != merge.organisation_id:
        return False
    lead_forms = clients.user_scope(user).lead_form_ids
    if not lead_forms:
        return False
    bases = clients.person_bases(user=user, persons=[keep, merge])
    if bases.get(keep.pk) not in EDIT_BASES or bases.get(merge.pk) not in EDIT_BASES:
        return False
    if withheld_contact(user=user, persons=[keep, merge]):
        return False  # the merge page shows both records' contact data
    return Participant.objects.filter(
        person_id__in=[keep.pk, merge.pk], episode__service_form_id__in=lead_forms
    ).exists()


def households_behind_wall(*, user: User, household_ids: Iterable[int]) -> set[int]:
    """Ids among ``household_ids`` that ``user`` may not change (add members to) because of
    the wall: a user who does perpetrator-side work never changes a household that holds a
    person on the victim side (:func:`~tupa.access.clients.wall_protected`) whom he does not
    see. Adding the man's new partner or child to the household of the woman who fled him
    would write perpetrator-side work into her family. No query for a user without
    perpetrator-side work (once :func:`~tupa.access.clients.user_scope` has been read), two
    otherwise (his grants, then the households)."""
    from tupa.episodes.models import Participant
    from tupa.people.models import HouseholdMember

    ids = set(household_ids)
    if not ids or not clients.user_scope(user).does_perpetrator_work:
        return set()
    protected = clients.wall_protected(Participant.objects.all()).values("person_id")
    return set(
        HouseholdMember.objects.filter(household_id__in=ids, person_id__in=protected)
        .exclude(person_id__in=clients.persons_visible_to(user=user).values("pk"))
        .values_list("household_id", flat=True)
    )


# --------------------------------------------------------------------------- fetch for views


def editable_episode_access(request: HttpRequest, pk: int) -> Granted[Episode]:
    """The episode for an edit page: 404 if the user cannot see it, 403 if only reads it."""
    granted = episode_access(request, pk)
    if granted.basis not in EDIT_BASES:
        raise PermissionDenied
    return granted


def require_journal_write(granted: Granted[Episode] | Granted[Entry]) -> None:
    """403 on a journal write page for a user who may only read the journal."""
    if granted.basis not in JOURNAL_WRITE_BASES:
        raise PermissionDenied(_("Sinulla ei ole oikeutta kirjata tähän asiakkuuteen."))


def entry_access(request: HttpRequest, pk: int) -> Granted[Entry]:
    """The journal entry ``pk`` with the basis of its episode for the user, or 404."""
    entry = (
        Entry.objects.select_related("episode", "episode__service_form", "author")
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        raise Http404
    basis = clients.episode_basis(user=user_of(request), episode=entry.episode)
    if basis is None:
        raise Http404
    return Granted(entry, basis)


def attachment_access(request: HttpRequest, pk: int) -> Granted[Attachment]:
    """The attachment ``pk`` with the basis of its entry's episode for the user, or 404."""
    attachment = (
        Attachment.objects.select_related("entry", "entry__episode", "entry__episode__service_form")
        .filter(pk=pk)
        .first()
    )
    if attachment is None:
        raise Http404
    basis = clients.episode_basis(user=user_of(request), episode=attachment.entry.episode)
    if basis is None:
        raise Http404
    return Granted(attachment, basis)


def referral_access(request: HttpRequest, pk: int) -> Granted[Referral]:
    """A referral to one of the user's service forms (any status) with its basis, or 404."""
    from tupa.episodes import selectors

    user = user_of(request)
    referral = selectors.referral_for_receiver(user=user, pk=pk)
    basis = referral_basis(user, referral) if referral is not None else None
    if referral is None or basis is None:
        raise Http404
    return Granted(referral, basis)


def referral_bases(user: User, referrals: Iterable[Referral]) -> dict[Basis, list[Referral]]:
    """Listed referrals grouped by the basis on which the user sees each (for the access log)."""
    groups: dict[Basis, list[Referral]] = {}
    for referral in referrals:
        basis = referral_basis(user, referral)
        if basis is None:  # pragma: no cover - the inbox lists only the user's own forms
            raise Http404
        groups.setdefault(basis, []).append(referral)
    return groups


def person_access(request: HttpRequest, pk: int) -> Granted[Person]:
    """A person taking part in an episode the user may see, with the strongest basis, or 404.

    The person carries ``visible_participations`` (:func:`tupa.people.selectors.visible_person`).
    """
    from tupa.people import selectors

    user = user_of(request)
    person = selectors.visible_person(user=user, pk=pk)
    basis = clients.person_bases(user=user, persons=[person]).get(pk) if person else None
    if person is None or basis is None:
        raise Http404
    return Granted(person, basis)


def editable_person_access(request: HttpRequest, pk: int) -> Granted[Person]:
    """:func:`person_access` for a page that changes the person: 404 unless the user may edit.

    Only a membership or an assignment basis edits; a consent or break-the-glass reader only
    reads (and the edit page is then "not found", not forbidden).
    """
    granted = person_access(request, pk)
    if granted.basis not in EDIT_BASES:
        raise Http404
    return granted


def editable_alias_access(request: HttpRequest, pk: int) -> Granted[Alias]:
    """An alias the user may see and change (membership or assignment basis), or 404."""
    from tupa.people import selectors

    user = user_of(request)
    alias = selectors.visible_alias(user=user, pk=pk)
    if alias is None:
        raise Http404
    basis = clients.alias_basis(user=user, alias=alias)
    if basis is None or basis not in EDIT_BASES:
        raise Http404
    return Granted(alias, basis)


def break_glass_target(request: HttpRequest, pk: int) -> tuple[Episode | None, Basis | None]:
    """The episode ``pk`` (None if there is none) and the user's basis for it (None if hidden).

    No 404 here: the break-the-glass page must look the same for every number the user cannot
    see, existing or not (the view decides with :func:`may_use_client_screens` and
    :func:`tupa.access.clients.may_break_glass`).
    """
    episode = Episode.objects.select_related("service_form").filter(pk=pk).first()
    if episode is None:
        return None, None
    return episode, clients.episode_basis(user=user_of(request), episode=episode)


def break_glass_review_access(request: HttpRequest) -> None:
    """404 for anybody who leads no service form (the review queue and its pages)."""
    if not may_review_any_break_glass(user_of(request)):
        raise Http404


def reviewable_break_glass(request: HttpRequest, pk: int) -> BreakGlass:
    """An unreviewed emergency access the user may review (not their own), or 404."""
    from tupa.episodes import selectors

    break_glass_review_access(request)
    item = selectors.break_glass_review_queue(user=user_of(request)).filter(pk=pk).first()
    if item is None:
        raise Http404
    return item
