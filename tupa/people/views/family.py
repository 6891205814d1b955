"""Relationships and households (families) around a person."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tupa.access.episodes import editable_person_access
from tupa.access.marks import object_scoped, user_of
from tupa.core.forms import submit

from .. import selectors, services
from ..forms import HouseholdForm, HouseholdMemberForm, RelationshipForm
from ..models import Household
from ._common import _log_persons


@object_scoped
@require_http_methods(["GET", "POST"])
def relationship_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    person = editable_person_access(request, pk).obj
    candidates = selectors.relationship_candidates(user=user, person=person)
    form = RelationshipForm(
        request.POST if request.method == "POST" else None, candidates=candidates
    )
    if request.method == "POST":
        done = submit(
            form,
            lambda data: services.relationship_add(
                actor=user,
                person=data["relative"],
                relative=person,
                kind=data["kind"],
                valid_from=data.get("valid_from"),
                note=data.get("note") or "",
            ),
        )
        if done.ok:
            messages.success(request, _("Läheissuhde tallennettu."))
            return redirect("people:detail", pk=person.pk)
    shown = [person, *candidates]
    _log_persons(request, shown, "list")
    return render(request, "people/relationship_form.html", {"person": person, "form": form})


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
    if request.method == "POST":
        done = submit(
            form,
            lambda data: services.household_create(
                actor=user,
                name=data["name"],
                family_types=data["family_types"],
                members=[person, *data["members"]],
            ),
        )
        if done.ok:
            messages.success(request, _("Perhe tallennettu."))
            return redirect("people:detail", pk=person.pk)
    _log_persons(request, [person, *candidates], "list")
    return render(request, "people/household_form.html", {"person": person, "form": form})


@object_scoped
@require_http_methods(["GET", "POST"])
def household_add_member(request: HttpRequest, pk: int, household_pk: int) -> HttpResponse:
    """Add a related person to one of the person's households."""
    user = user_of(request)
    person = editable_person_access(request, pk).obj
    household = Household.objects.filter(pk=household_pk, members__person=person).first()
    if household is None:
        raise Http404
    candidates = selectors.relationship_candidates(user=user, person=person).exclude(
        household_memberships__household=household
    )
    form = HouseholdMemberForm(
        request.POST if request.method == "POST" else None, candidates=candidates
    )
    if request.method == "POST":
        done = submit(
            form,
            lambda data: services.household_add_member(
                actor=user,
                household=household,
                person=data["member"],
                valid_from=data.get("valid_from"),
            ),
        )
        if done.ok:
            messages.success(request, _("Perheenjäsen lisätty."))
            return redirect("people:detail", pk=person.pk)
    _log_persons(request, [person, *candidates], "list")
    return render(
        request,
        "people/household_form.html",
        {"person": person, "form": form, "household": household},
    )
