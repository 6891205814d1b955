"""A new client: the person and an enquiry in one of the user's service forms."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tupa.access.marks import object_scoped, user_of
from tupa.core.forms import apply_errors
from tupa.episodes import services as episode_services

from .. import selectors
from ..forms import DuplicateChoiceForm, PersonCreateForm
from ..models import Person
from ._common import _duplicate_rows, _duplicate_step, _intake_person, _organisation


@object_scoped
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """A new client: the person and an enquiry in one of the user's service forms.

    Creating a person alone would give nobody access, so the person is always created together
    with an episode (``episode_open``). The same identity code and name reuse the existing
    record without telling whether it existed; a record the user could not see keeps its
    stored contact data withheld from the form until a lead confirms (:mod:`tupa.access.contact`).
    """
    user = user_of(request)
    service_forms = selectors.intake_service_forms(user=user)
    if not service_forms:
        raise Http404
    dup_form: DuplicateChoiceForm | None = None
    duplicates: list[Person] = []
    if request.method == "POST":
        form = PersonCreateForm(request.POST, service_forms=service_forms)
        if form.is_valid():
            fields = form.person_fields()
            candidate = Person(organisation=_organisation(user), **fields)
            dup_form, duplicates, choice = _duplicate_step(request, candidate=candidate)
            if choice is not None:
                try:
                    with transaction.atomic():
                        person = _intake_person(
                            user,
                            duplicates,
                            choice,
                            service_form=form.cleaned_data["service_form"],
                            fields=fields,
                        )
                        episode_services.episode_open(
                            actor=user,
                            service_form=form.cleaned_data["service_form"],
                            person=person,
                            service_task=form.cleaned_data.get("service_task") or None,
                            status="enquiry",
                        )
                except ValidationError as error:
                    apply_errors(form, error)
                except PermissionDenied as exc:
                    raise Http404 from exc
                else:
                    messages.success(
                        request,
                        _("Asiakkuus (yhteydenotto) avattu: %(name)s, %(form)s.")
                        % {"name": person, "form": form.cleaned_data["service_form"]},
                    )
                    return redirect("people:detail", pk=person.pk)
    else:
        form = PersonCreateForm(service_forms=service_forms)
    return render(
        request,
        "people/person_form.html",
        {
            "form": form,
            "dup_form": dup_form,
            "duplicates": _duplicate_rows(user, None, duplicates),
            "creating": True,
        },
    )
