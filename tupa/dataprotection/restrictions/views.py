"""Turvakielto management and revealing restricted fields (URLs in ``rights_urls``).

Workers whose work task covers the person (:func:`tupa.access.dataprotection.may_reveal`, a
MEMBERSHIP basis) list, add and lift restrictions and reveal the restricted fields with a
logged reason; everybody else 404. Every response that shows a person writes the access log.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access.dataprotection import reveal_access
from tupa.access.marks import object_scoped, user_of
from tupa.audit.services import record_access
from tupa.core.forms import date_field, saved_redirect
from tupa.dataprotection.extracts import field_label
from tupa.dataprotection.pages import person_page_url
from tupa.people import rights
from tupa.people.models import RESTRICTED_FIELDS, Person, Restriction
from tupa.people.restrictions import restriction_for

# --------------------------------------------------------------------------- forms


class RestrictionForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Laji"),
        choices=[("", gettext_lazy("Valitse")), *Restriction.Kind.choices],
        error_messages={
            "required": gettext_lazy("Valitse suojauksen laji."),
            "invalid_choice": gettext_lazy("Valitse laji listasta."),
        },
    )
    source = forms.CharField(
        label=gettext_lazy("Lähde"),
        required=False,
        max_length=200,
        help_text=gettext_lazy(
            "Mistä tieto on saatu, esimerkiksi väestötietojärjestelmän ote tai asiakkaan "
            "ilmoitus. Pakollinen turvakiellolle."
        ),
    )
    valid_from = date_field(gettext_lazy("Voimassa alkaen"))
    valid_until = date_field(
        gettext_lazy("Voimassa asti"),
        required=False,
        help_text=gettext_lazy(
            "Jätä tyhjäksi, jos päättymispäivää ei tiedetä. Suojaus pysyy voimassa myös "
            "päättymispäivän jälkeen, kunnes työntekijä tarkistaa ja päättää sen."
        ),
    )
    contact_address = forms.CharField(
        label=gettext_lazy("Yhteysosoite"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Osoite, jota kautta henkilöä voi tavoittaa. Näytetään vain syyn kanssa."
        ),
    )
    covers_household_children = forms.BooleanField(
        label=gettext_lazy("Koskee myös perheen lapsia"), required=False
    )


class LiftForm(forms.Form):
    lifted_on = date_field(gettext_lazy("Päättymispäivä"))
    reason = forms.CharField(
        label=gettext_lazy("Peruste"),
        max_length=100,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Esimerkiksi: turvakielto ei ole enää voimassa väestötietojärjestelmässä."
        ),
        error_messages={"required": gettext_lazy("Kerro, miksi suojaus päätetään.")},
    )

    def __init__(self, *args: Any, restriction: Restriction, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.restriction = restriction

    def clean_lifted_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["lifted_on"]
        if day < self.restriction.valid_from:
            raise ValidationError(_("Päättymispäivä ei voi olla ennen suojauksen alkamispäivää."))
        return day


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Syy tietojen näyttämiseen"),
        max_length=500,
        min_length=5,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Kirjoita, mihin työtehtävään tarvitset osoite- tai yhteystietoja. Syy ja "
            "näyttäminen tallentuvat käyttölokiin."
        ),
        error_messages={
            "required": gettext_lazy("Kerro syy tietojen näyttämiseen."),
            "min_length": gettext_lazy("Kirjoita syy vähintään muutamalla sanalla."),
        },
    )


# --------------------------------------------------------------------------- restrictions


def _list_url(person: Person) -> str:
    """Where adding or lifting a restriction returns: the person's restrictions."""
    return reverse("rights:restrictions", kwargs={"pk": person.pk})


@object_scoped
@require_GET
def restriction_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The person's restrictions (in force and past); contact addresses are not shown here."""
    granted = reveal_access(request, pk)
    person = granted.obj
    restrictions = list(Restriction.objects.filter(person=person).select_related("created_by"))
    record_access(request=request, subjects=[person], action="view", basis=granted.basis)
    today = timezone.localdate()
    return render(
        request,
        "people/restrictions/list.html",
        {
            "person": person,
            "restriction": restriction_for(person),
            "restrictions": [
                {
                    "obj": r,
                    "in_force": r.valid_from <= today
                    and (r.lifted_on is None or r.lifted_on > today),
                    "expired": r.lifted_on is None
                    and r.valid_until is not None
                    and r.valid_until < today,
                }
                for r in restrictions
            ],
            "person_url": person_page_url(person),
            "restriction_may_reveal": True,
        },
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def restriction_add(request: HttpRequest, pk: int) -> HttpResponse:
    granted = reveal_access(request, pk)
    person = granted.obj
    form = RestrictionForm(
        request.POST if request.method == "POST" else None,
        initial={"valid_from": timezone.localdate()},
    )
    saved = saved_redirect(
        request,
        form,
        lambda data: rights.restriction_add(actor=user_of(request), person=person, **data),
        next_url=_list_url(person),
        success=_("Suojaus tallennettu."),
    )
    if saved is not None:
        return saved
    record_access(request=request, subjects=[person], action="view", basis=granted.basis)
    return render(request, "people/restrictions/add.html", {"person": person, "form": form})


@object_scoped
@require_http_methods(["GET", "POST"])
def restriction_lift(request: HttpRequest, pk: int, restriction_pk: int) -> HttpResponse:
    granted = reveal_access(request, pk)
    person = granted.obj
    restriction = Restriction.objects.filter(pk=restriction_pk, person=person).first()
    if restriction is None:
        raise Http404
    form = LiftForm(
        request.POST if request.method == "POST" else None,
        initial={"lifted_on": timezone.localdate()},
        restriction=restriction,
    )
    saved = saved_redirect(
        request,
        form,
        lambda data: rights.restriction_lift(
            actor=user_of(request), restriction=restriction, **data
        ),
        next_url=_list_url(person),
        success=_("Suojaus päätetty."),
    )
    if saved is not None:
        return saved
    record_access(request=request, subjects=[person], action="view", basis=granted.basis)
    return render(
        request,
        "people/restrictions/lift.html",
        {"person": person, "restriction": restriction, "form": form},
    )


# --------------------------------------------------------------------------- reveal


@object_scoped
@require_http_methods(["GET", "POST"])
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a restricted person's address and contact data, once, with a logged reason.

    The values are rendered into this response only; nothing is put in the session, and a
    reload asks for the reason again.
    """
    granted = reveal_access(request, pk)
    person = granted.obj
    revealed = False
    if request.method == "POST":
        form = RevealForm(request.POST)
        if form.is_valid():
            record_access(
                request=request,
                subjects=[person],
                action="reveal",
                basis=granted.basis,
                reason=form.cleaned_data["reason"],
            )
            revealed = True
    else:
        form = RevealForm()
    if not revealed:
        record_access(request=request, subjects=[person], action="view", basis=granted.basis)
    restriction = restriction_for(person)
    return render(
        request,
        "people/restrictions/reveal.html",
        {
            "person": person,
            "form": form,
            "revealed": revealed,
            "restriction": restriction,
            "fields": [(field_label(name), getattr(person, name)) for name in RESTRICTED_FIELDS]
            if revealed
            else [],
            "restriction_contact": restriction.contact_address if revealed and restriction else "",
            "person_url": person_page_url(person),
        },
    )
