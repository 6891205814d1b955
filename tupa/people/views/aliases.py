"""Identifying an anonymous client: linking an alias to a person, with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tupa.access.episodes import editable_alias_access, person_access
from tupa.access.marks import object_scoped, user_of
from tupa.core.forms import apply_errors

from .. import services
from ..forms import DuplicateChoiceForm, IdentifyForm
from ..models import Person
from ._common import (
    _duplicate_rows,
    _duplicate_step,
    _episode_rows,
    _intake_person,
    _log_aliases,
)


@object_scoped
@require_http_methods(["GET", "POST"])
def alias_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Identify an anonymous client: link the alias to a person (existing or new), with a reason."""
    user = user_of(request)
    alias = editable_alias_access(request, pk).obj
    if alias.person_id is not None:
        target = person_access(request, alias.person_id).obj
        messages.info(request, _("Peitenimi on jo tunnistettu."))
        return redirect("people:detail", pk=target.pk)
    dup_form: DuplicateChoiceForm | None = None
    duplicates: list[Person] = []
    if request.method == "POST":
        form = IdentifyForm(request.POST)
        if form.is_valid():
            fields = form.person_fields()
            fields.pop("reason", None)
            candidate = Person(organisation_id=alias.organisation_id, **fields)
            dup_form, duplicates, choice = _duplicate_step(
                request,
                candidate=candidate,
                new_label=_("Eri henkilö – luo uusi henkilö"),
            )
            if choice is not None:
                try:
                    with transaction.atomic():
                        person = _intake_person(
                            user,
                            duplicates,
                            choice,
                            service_form=alias.service_form,
                            fields=fields,
                            organisation=alias.organisation_id,
                        )
                        services.alias_link(
                            actor=user,
                            alias=alias,
                            person=person,
                            reason=form.cleaned_data["reason"],
                        )
                except ValidationError as error:
                    apply_errors(form, error)
                else:
                    messages.success(
                        request,
                        _("Peitenimi %(label)s tunnistettu: %(name)s.")
                        % {"label": alias.label, "name": person},
                    )
                    return redirect("people:detail", pk=person.pk)
    else:
        form = IdentifyForm(initial={"gender": alias.gender})
    _log_aliases(request, [alias], "view")
    return render(
        request,
        "people/alias_link.html",
        {
            "alias": alias,
            "episodes": _episode_rows(alias.visible_participations),  # type: ignore[attr-defined]
            "form": form,
            "dup_form": dup_form,
            "duplicates": _duplicate_rows(user, None, duplicates),
        },
    )
