"""Relationships and households (families) around a person."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tupa.access.episodes import editable_person_access, households_behind_wall
from tupa.access.marks import object_scoped, user_of
from tupa.core.forms import saved_redirect

from .. import selectors, services
from ..forms import HouseholdForm, HouseholdMemberForm, RelationshipForm
from ..models import Household, Person
from ._common import _log_persons


def _family_page(
    request: HttpRequest,
    template: str,
    person: Person,
    candidates: Iterable[Person],
    form: forms.BaseForm,
    **context: Any,
) -> HttpResponse:
    """The form again (a GET, or refused with its errors: 200): the person and the relatives
    offered are shown, so they are logged here, never after a save."""
    _log_persons(request, [person, *candidates], "list")
    return render(request, template, {"person": person, "form": form, **context})


@object_scoped
@require_http_methods(["GET", "POST"])
def relationship_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    person = editable_person_access(request, pk).obj
    candidates = selectors.relationship_candidates(user=user, person=person)
    form = RelationshipForm(
        request.POST if request.method == "POST" else None, candidates=candidates
    )
    saved = saved_redirect(
        request,
        form,
        lambda data: services.relationship_add(
            actor=user,
            person=data["relative"],
            relative=person,
            kind=data["kind"],
            valid_from=data.get("valid_from"),
            note=data.get("note") or "",
        ),
        next_url=reverse("people:detail", kwargs={"pk": person.pk}),
        success=_("Läheissuhde tallennettu."),
    )
    return saved or _family_page(request, "people/relationship_form.html", person, candidates, form)


@object_scoped
@require_http_methods(["GET", "POST"])
def household_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a family (household) around the person, with family types and members."""
    user = user_of(request)
    person = editable_person_access(request, pk).obj
    candidates = selectors.relationship_candidates(user=user, person=person)
    form = HouseholdForm(
        request.POST if request.method == "POST" else None,
        candidates=candidates,
        initial={"name": person.last_name},
    )
    saved = saved_redirect(
        request,
        form,
        lambda data: services.household_create(
            actor=user,
            name=data["name"],
            family_types=data["family_types"],
            members=[person, *data["members"]],
        ),
        next_url=reverse("people:detail", kwargs={"pk": person.pk}),
        success=_("Perhe tallennettu."),
    )
    return saved or _family_page(request, "people/household_form.html", person, candidates, form)


@object_scoped
@require_http_methods(["GET", "POST"])
def household_add_member(request: HttpRequest, pk: int, household_pk: int) -> HttpResponse:
    """Add a related person to one of the person's households."""
    user = user_of(request)
    person = editable_person_access(request, pk).obj
    household = Household.objects.filter(pk=household_pk, members__person=person).first()
    if household is None or households_behind_wall(user=user, household_ids=[household.pk]):
        raise Http404
    candidates = selectors.relationship_candidates(user=user, person=person).exclude(
        household_memberships__household=household
    )
    form = HouseholdMemberForm(
        request.POST if request.method == "POST" else None, candidates=candidates
    )
    saved = saved_redirect(
        request,
        form,
        lambda data: services.household_add_member(
            actor=user,
            household=household,
            person=data["member"],
            valid_from=data.get("valid_from"),
        ),
        next_url=reverse("people:detail", kwargs={"pk": person.pk}),
        success=_("Perheenjäsen lisätty."),
    )
    return saved or _family_page(
        request, "people/household_form.html", person, candidates, form, household=household
    )
