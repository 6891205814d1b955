"""What the episode pages share: the access log, the episode header, the form page, and the
save step of an edit that may meet another user's save."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

from tupa.access import clients
from tupa.access.marks import user_of
from tupa.access.policy import Basis
from tupa.audit.models import Action
from tupa.audit.services import record_access
from tupa.core.forms import conflict_of, saved_redirect, show_conflict
from tupa.people.models import Alias, Person

from ..models import Episode, Participant
from ..services import break_glass_reason
from . import episode_url

FormT = TypeVar("FormT", bound=forms.BaseForm)


def _log(
    request: HttpRequest,
    persons: Iterable[Person | Alias],
    *,
    basis: Basis,
    action: str = Action.VIEW,
    episode_id: int | None = None,
    reason: str = "",
) -> None:
    """One access-log event per distinct person shown (nothing when no person is shown)."""
    subjects = [p for p in persons if p is not None]
    if subjects:
        record_access(
            request=request,
            subjects=subjects,
            action=action,
            basis=basis,
            reason=reason,
            episode_id=episode_id,
        )


def _log_list(request: HttpRequest, episodes: Iterable[Episode]) -> None:
    """Log the persons of listed episodes, grouped by the basis on which each is visible."""
    user = user_of(request)
    persons: dict[int, Person] = {}
    episode_of: dict[int, Episode] = {}
    for episode in episodes:
        for participant in getattr(episode, "current_participants", []):
            if participant.person is not None:
                persons[participant.person.pk] = participant.person
                episode_of.setdefault(participant.person.pk, episode)
    if not persons:
        return
    bases = clients.person_bases_where_shown(
        user=user,
        shown=[(person, (episode_of[pk].service_form_id,)) for pk, person in persons.items()],
    )
    groups: dict[Basis, list[Person]] = defaultdict(list)
    for pk, person in persons.items():
        basis: Basis | None = bases.get(pk)
        if basis is None:
            # Visible through consent or break-the-glass only: ask for that episode's basis.
            basis = clients.episode_basis(user=user, episode=episode_of[pk])
        if basis is None:  # pragma: no cover - the lists come from episodes_visible_to
            raise Http404
        groups[basis].append(person)
    for group_basis, group in groups.items():
        _log(request, group, basis=group_basis, action=Action.LIST)


def _header_participants(episode: Episode) -> list[Participant]:
    return list(
        Participant.objects.filter(episode=episode, left_on__isnull=True)
        .select_related("person", "alias")
        .order_by("pk")
    )


def _render_episode_page(
    request: HttpRequest,
    episode: Episode,
    basis: Basis,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
) -> HttpResponse:
    """Render a page about one episode; its header names the participants, so log them."""
    participants = _header_participants(episode)
    _log(
        request,
        [p.person for p in participants if p.person is not None],
        basis=basis,
        episode_id=episode.pk,
        reason=break_glass_reason(user=user_of(request), episode=episode, basis=basis),
    )
    context = {"episode": episode, "basis": basis, "header_participants": participants, **context}
    return render(request, template, context, status=status)


def _form_page(
    request: HttpRequest,
    episode: Episode,
    basis: Basis,
    form: Any,
    *,
    title: str,
    submit: str,
    intro: str = "",
    status: int = 200,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    return _render_episode_page(
        request,
        episode,
        basis,
        "episodes/form_page.html",
        {"form": form, "title": title, "submit": submit, "intro": intro, **(extra or {})},
        status=status,
    )


@dataclass(frozen=True)
class EditStep(Generic[FormT]):
    """What the save step of an episode edit leaves to the view.

    ``response`` is the redirect when the edit was saved; otherwise ``None``, and the view shows
    its form page with ``form``, ``episode`` and ``status``: ``return step.response or
    _form_page(request, step.episode, basis, step.form, ..., status=step.status)`` (the page,
    and so its access log, only when it is shown).
    """

    response: HttpResponse | None
    form: FormT
    episode: Episode
    status: int = 200


def _save_edit(
    request: HttpRequest,
    episode: Episode,
    form: FormT,
    save: Callable[[dict[str, Any]], object],
    make_form: Callable[[QueryDict, Episode], FormT],
    *,
    success: str,
    field: str = "version",
) -> EditStep[FormT]:
    """The save step of an episode edit that carries the episode's version (optimistic locking).

    On a POST, ``save`` runs through ``form``; when it is done, the ``success`` message and the
    redirect to the episode page. Otherwise the form page to show: the form as given with 200
    (a GET, or refused with its errors), or, when somebody else saved the episode first, the
    form built again on the episode as saved now (``make_form``: its choices may depend on it)
    with what was typed, the conflict shown (:func:`~tupa.core.forms.show_conflict`, the version
    input ``field``), the current episode and 409.
    """
    saved = saved_redirect(
        request,
        form,
        save,
        next_url=episode_url(episode),
        success=success,
        version_field=field,
    )
    conflict = conflict_of(form)
    if conflict is None:
        return EditStep(saved, form, episode)
    rebound = make_form(cast(QueryDict, form.data), conflict.current)
    show_conflict(rebound, conflict, field=field)
    return EditStep(None, rebound, conflict.current, status=409)
