"""What the person pages share: the access log, episode and duplicate rows, the duplicate step,
the person an intake attaches."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse

from tupa.access import clients
from tupa.access.episodes import may_merge
from tupa.access.marks import user_of
from tupa.access.policy import Basis
from tupa.accounts.models import User
from tupa.audit.services import record_access
from tupa.episodes.views import episode_url
from tupa.organisations.models import Organisation, ServiceForm

from .. import selectors, services
from ..forms import DuplicateChoiceForm
from ..models import Alias, Person


def _log_persons(
    request: HttpRequest,
    persons: Iterable[Person],
    action: str,
    *,
    bases: Mapping[int, Basis] | None = None,
) -> None:
    """One access-log event per person, with the basis each one is visible on (``bases``: as
    already decided in this request, see :func:`.selectors.bases_for`)."""
    grouped = selectors.bases_for(user=user_of(request), persons=persons, known=bases)
    for basis, group in grouped.items():
        record_access(request=request, subjects=group, action=action, basis=basis)


def _log_aliases(request: HttpRequest, aliases: Iterable[Alias], action: str) -> None:
    grouped: dict[Basis, list[Alias]] = {}
    shown = list(aliases)
    bases = clients.alias_bases(user=user_of(request), aliases=shown)  # all at once, not N+1
    for alias in shown:
        basis = bases.get(alias.pk)
        if basis is None:  # the lists come from visible episodes; never log without a basis
            raise Http404
        grouped.setdefault(basis, []).append(alias)
    for basis, group in grouped.items():
        record_access(request=request, subjects=group, action=action, basis=basis)


def _organisation(user: User) -> Organisation:
    if user.organisation is None:
        raise Http404
    return user.organisation


def _episode_rows(participations: Iterable[Any]) -> list[dict[str, Any]]:
    return [
        {
            "participant": part,
            "episode": part.episode,
            "service_form": part.episode.service_form,
            "url": episode_url(part.episode_id),
        }
        for part in participations
    ]


def _duplicate_rows(user: User, person: Person | None, duplicates: list[Person]) -> list[Any]:
    rows = []
    for dup in duplicates:
        rows.append(
            {
                "person": dup,
                "service_forms": selectors.service_forms_of_rows(
                    dup.visible_participations  # type: ignore[attr-defined]  # visible_duplicates
                ),
                "merge_url": (
                    reverse("people:merge", kwargs={"pk": person.pk, "other_pk": dup.pk})
                    if person is not None
                    and person.pk is not None
                    and may_merge(user=user, keep=person, merge=dup)
                    else None
                ),
            }
        )
    return rows


def _duplicate_step(
    request: HttpRequest,
    *,
    candidate: Person,
    exclude: Iterable[Person] = (),
    new_label: Any = None,
) -> tuple[DuplicateChoiceForm | None, list[Person], str | None]:
    """Visible possible duplicates of ``candidate`` and the user's decision about them.

    Returns ``(form, duplicates, choice)``; ``choice`` is None while the user has not decided
    (the page then shows the warning and asks). Hidden persons never take part.
    """
    user = user_of(request)
    skip = {p.pk for p in exclude}
    duplicates = [
        d for d in selectors.visible_duplicates(user=user, person=candidate) if d.pk not in skip
    ]
    if not duplicates:
        return None, [], DuplicateChoiceForm.NEW
    same_code = any(candidate.hetu and d.hetu == candidate.hetu for d in duplicates)
    bound = "dup-choice" in request.POST
    form = DuplicateChoiceForm(
        request.POST if bound else None,
        duplicates=duplicates,
        allow_new=not same_code,
        new_label=new_label,
    )
    _log_persons(request, duplicates, "search")
    if bound and form.is_valid():
        return form, duplicates, form.cleaned_data["choice"]
    return form, duplicates, None


def _intake_person(
    user: User,
    duplicates: list[Person],
    choice: str,
    *,
    service_form: ServiceForm,
    fields: dict[str, Any],
    organisation: int | None = None,
) -> Person:
    """The person an intake attaches to ``service_form``: the visible duplicate the user chose,
    or the record with the typed code and name (``person_find_or_create``, new or reused).
    Either way a record whose contact data the user does not read gets a hold for the form
    (:mod:`tupa.access.contact`), before the caller attaches it."""
    for dup in duplicates:
        if str(dup.pk) == choice:
            # Seen, but perhaps only through work that holds her data.
            services.hold_if_hidden(
                actor=user, person=dup, service_form=service_form, fields=fields
            )
            return dup
    person, _created = services.person_find_or_create(
        actor=user, organisation=organisation, for_service_form=service_form, **fields
    )
    return person
