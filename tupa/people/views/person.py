"""The person page and editing a person's data."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access import contact
from tupa.access.episodes import EDIT_BASES, editable_person_access, households_behind_wall
from tupa.access.marks import object_scoped, user_of
from tupa.access.policy import Basis
from tupa.core.conflicts import VersionConflict
from tupa.core.forms import apply_errors, show_conflict

from .. import hetu as hetu_rules
from .. import selectors, services
from ..forms import DuplicateChoiceForm, PersonEditForm
from ..models import CONTACT_FIELDS, Person
from ..restrictions import restricted_person_ids, restriction_for
from ._common import _duplicate_rows, _duplicate_step, _episode_rows, _log_persons


@object_scoped
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    person = selectors.visible_person(user=user, pk=pk)
    if person is None:
        target = selectors.merged_target(user=user, pk=pk)
        if target is None:
            raise Http404
        return redirect("people:detail", pk=target.pk)
    page = selectors.person_page(user=user, person=person)
    shown = page.shown_persons
    restricted_ids = restricted_person_ids(shown)
    hold = contact.withheld_contact(user=user, persons=[person]).get(person.pk)
    restriction = restriction_for(person) if person.pk in restricted_ids else None
    # A child covered by a household member's restriction: its kind and dates are that
    # member's data, told only to a user who sees her (the covering member is a household
    # member, so the page has decided her basis already).
    restriction_details = restriction is not None and (
        restriction.person_id == person.pk or restriction.person_id in page.bases
    )
    _log_persons(request, shown, "view", bases=page.bases)
    may_reveal = contact.may_reveal_person(
        user=user, person=person, basis=page.basis, withheld=hold is not None
    )
    context = {
        # Her stored contact data withheld (an intake reused her record): the given ones.
        "person": person if hold is None else selectors.as_given(person, hold),
        "page": page,
        "basis": page.basis,
        "restricted_ids": restricted_ids,
        "restriction": restriction,
        "restriction_details": restriction_details,
        "restriction_may_reveal": may_reveal,
        "may_manage_restrictions": may_reveal,
        "show_full_hetu": page.basis is Basis.MEMBERSHIP,
        "masked_hetu": hetu_rules.mask_hetu(person.hetu),
        # A lead who may confirm the hold is told so (never the worker who is held).
        "confirmable_hold": (
            hold if hold is not None and contact.may_confirm_hold(user=user, hold=hold) else None
        ),
        "may_edit": page.basis in EDIT_BASES,
        # Households the user may not add members to (the wall), their links hidden.
        "walled_households": households_behind_wall(
            user=user, household_ids=[row.household.pk for row in page.households]
        ),
        "episodes": _episode_rows(page.participations),
        "duplicates": _duplicate_rows(user, person, page.duplicates),
        "age": person.age_on(timezone.localdate()),
    }
    return render(request, "people/detail.html", context)


@object_scoped
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    granted = editable_person_access(request, pk)
    person = granted.obj
    restricted = person.pk in restricted_person_ids([person])
    # Her stored contact data withheld (an intake reused her record): the form shows and
    # changes the contact data given to the user's form, never the stored ones.
    hold = contact.withheld_contact(user=user, persons=[person]).get(person.pk)
    shown = person if hold is None else selectors.as_given(person, hold)
    # The full identity code on a membership basis only, as on the person page.
    show_hetu = granted.basis is Basis.MEMBERSHIP
    dup_form: DuplicateChoiceForm | None = None
    duplicates: list[Person] = []
    current: Person | None = None
    if request.method == "POST":
        stored = Person.objects.get(pk=person.pk)
        form = PersonEditForm(
            request.POST,
            instance=stored if hold is None else selectors.as_given(stored, hold),
            restricted=restricted,
            show_hetu=show_hetu,
        )
        if form.is_valid():
            fields = form.person_fields()
            candidate = Person(
                pk=person.pk,
                organisation_id=person.organisation_id,
                hetu=fields.get("hetu", person.hetu),
                first_names=fields["first_names"],
                last_name=fields["last_name"],
                birth_date=fields.get("birth_date"),
            )
            known = selectors.visible_duplicates(user=user, person=person)
            dup_form, duplicates, choice = _duplicate_step(
                request,
                candidate=candidate,
                exclude=known,
                new_label=_("Eri henkilöitä – tallenna silti"),
            )
            if choice is not None and choice != DuplicateChoiceForm.NEW:
                # "The same person" while editing: merging is the lead's decision.
                dup_form.add_error(  # type: ignore[union-attr]
                    "choice",
                    _(
                        "Saman henkilön tiedot yhdistetään henkilösivulta (esihenkilö). "
                        "Tallenna muutokset vasta, kun asia on selvitetty."
                    ),
                )
                choice = None
            if choice is not None:
                try:
                    given = None
                    if hold is not None and not restricted:
                        given = {name: fields.pop(name, None) for name in CONTACT_FIELDS}
                    with transaction.atomic():
                        services.person_update(
                            actor=user,
                            person=person,
                            version=form.cleaned_data["version"],
                            **fields,
                        )
                        if hold is not None and given is not None:
                            services.hold_given_update(actor=user, hold=hold, fields=given)
                except VersionConflict as conflict:
                    current = conflict.current
                    if hold is not None:
                        current = selectors.as_given(current, hold)
                    show_conflict(form, conflict)
                except ValidationError as error:
                    apply_errors(form, error)
                else:
                    messages.success(request, _("Henkilön tiedot tallennettu."))
                    return redirect("people:detail", pk=person.pk)
    else:
        form = PersonEditForm(
            instance=shown,
            restricted=restricted,
            show_hetu=show_hetu,
            initial={"version": person.version},
        )
    _log_persons(request, [person], "view")
    return render(
        request,
        "people/person_form.html",
        {
            "form": form,
            "person": shown,
            "current": current,
            "restricted": restricted,
            "restricted_ids": {person.pk} if restricted else set(),
            "masked_hetu": None if show_hetu else hetu_rules.mask_hetu(person.hetu),
            "restriction_may_reveal": contact.may_reveal_person(
                user=user, person=person, withheld=hold is not None
            ),
            "dup_form": dup_form,
            "duplicates": _duplicate_rows(user, person, duplicates),
            "creating": False,
        },
        status=409 if current is not None else 200,
    )
