"""Helpers shared by the group-programme screens: participants' names, the access log and the
form pages' way back to the programme."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from tupa.access import clients
from tupa.access.marks import user_of
from tupa.audit.models import Action
from tupa.audit.services import record_access
from tupa.people.models import Person
from tupa.programmes.models import GroupProgramme, Member

# --------------------------------------------------------------------------- helpers


HIDDEN = "–"


def member_labels(
    request: HttpRequest, members: Iterable[Member], *, action: str = Action.VIEW
) -> dict[int, str]:
    """Member id → "Parent (Child)" for members the viewer may see; logs each person shown."""
    rows = list(members)
    bases = clients.episode_bases(
        user=user_of(request), episode_ids={m.participant.episode_id for m in rows}
    )
    labels: dict[int, str] = {}
    shown: list[tuple[Any, int, Person]] = []
    for member in rows:
        basis = bases.get(member.participant.episode_id)
        if basis is None:
            labels[member.pk] = _("Osallistuja (ei näytetä)")
            continue
        parent = member.participant.person
        child = member.child.person if member.child is not None else None
        # GDPR art. 18: a restricted person is shown without a name (and not logged as shown).
        parts = []
        for person in (parent, child):
            if person is None:
                continue
            if person.processing_restricted:
                parts.append(_("Käsittelyä rajoitettu"))
            else:
                parts.append(str(person))
                shown.append((basis, person.pk, person))
        labels[member.pk] = " – ".join(parts) if parts else str(parent)
    for basis_value, persons in clients.once_each(shown).items():  # one event per person
        record_access(request=request, subjects=persons, action=action, basis=basis_value)
    return labels


def restricted(member: Member) -> bool:
    return any(
        p is not None and p.person is not None and p.person.processing_restricted
        for p in (member.participant, member.child)
    )


def log_persons(request: HttpRequest, persons: Iterable[Person], *, action: str) -> set[int]:
    """Log the persons the viewer has a basis for; return their ids (show only those)."""
    subjects = list(persons)
    if not subjects:
        return set()
    bases = clients.person_bases(user=user_of(request), persons=subjects)
    grouped: dict[str, list[Person]] = defaultdict(list)
    for person in subjects:
        basis = bases.get(person.pk)
        if basis is not None:
            grouped[str(basis)].append(person)
    for basis_value, group in grouped.items():
        record_access(request=request, subjects=group, action=action, basis=basis_value)
    return set(bases)


def detail_url(programme: GroupProgramme) -> str:
    return reverse("programmes:detail", args=[programme.pk])


def to_detail(programme: GroupProgramme) -> HttpResponseRedirect:
    return HttpResponseRedirect(detail_url(programme))


def posted_form_page(
    request: HttpRequest, template: str, form: forms.BaseForm, context: Mapping[str, Any]
) -> HttpResponse:
    """A programme form page; 400 after any POST that was not saved.

    Like :func:`tupa.core.forms.form_page`, but the status follows the method, not the form:
    these forms bind ``request.POST or None``, so an empty POST leaves the form unbound and
    still answers 400, as these pages always have.
    """
    return render(
        request,
        template,
        {"form": form, **context},
        status=400 if request.method == "POST" else 200,
    )
