"""Turvakielto management, revealing restricted fields, and the client's rights (DPO tasks).

URLs in :mod:`tupa.people.urls_rights` (namespace ``rights``, under ``/oikeudet/``).

- Restriction add/lift/list and reveal: workers whose work task covers the person
  (MEMBERSHIP basis, :func:`tupa.people.rights.may_reveal`); everybody else 404.
- Person lookup, log extract, data extract, processing restriction: the data-protection officer
  (policy action ``audit.browse``); everybody else 404. The extract pages open only for the
  person the DPO has just found with the exact lookup (kept in the session for an hour); a
  typed person id answers 404.

Every response that shows a person writes the access log. No search term (identity code) ever
travels in a URL: the DPO's lookup is a POST.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access import policy
from tupa.access.marks import object_scoped
from tupa.access.policy import Basis
from tupa.audit.disclosures import disclosures_for_person
from tupa.audit.services import record_access
from tupa.core import dates

from . import rights
from .models import RESTRICTED_FIELDS, Person, Restriction
from .restrictions import restriction_for

if TYPE_CHECKING:
    from tupa.accounts.models import User

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]
DATE_INVALID = gettext_lazy("Anna päivämäärä muodossa p.k.vvvv.")
REQUIRED = gettext_lazy("Tämä tieto on pakollinen.")


def _date_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": DATE_INVALID, "required": REQUIRED},
    )


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
    valid_from = _date_field(gettext_lazy("Voimassa alkaen"))
    valid_until = _date_field(
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
    lifted_on = _date_field(gettext_lazy("Päättymispäivä"))
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


class PeriodForm(forms.Form):
    date_from = _date_field(gettext_lazy("Alkaen"))
    date_to = _date_field(gettext_lazy("Päättyen"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("date_from", "date_to"):  # 2000–2100: no year 9999 ("end + 1 day")
            self.fields[name].validators.append(dates.validate_date)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Päättymispäivä ei voi olla ennen alkamispäivää."))
        return cleaned


class LookupForm(forms.Form):
    identifier = forms.CharField(
        label=gettext_lazy("Henkilötunnus tai tilapäinen tunniste"),
        max_length=20,
        help_text=gettext_lazy(
            "Koko tunniste täsmälleen, esimerkiksi 010190-123A tai T-1A2B3C4D5E."
        ),
        error_messages={"required": gettext_lazy("Anna henkilötunnus tai tilapäinen tunniste.")},
    )


class ProcessingRestrictionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Peruste"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Esimerkiksi: henkilö on kiistänyt tietojen paikkansapitävyyden; tarkistus kesken."
        ),
        error_messages={"required": gettext_lazy("Kerro peruste.")},
    )


# --------------------------------------------------------------------------- helpers


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _person_or_404(request: HttpRequest, pk: int) -> Person:
    organisation_id = _user(request).organisation_id
    if organisation_id is None:
        raise Http404
    person = Person.objects.filter(pk=pk, organisation_id=organisation_id).first()
    if person is None:
        raise Http404
    return person


def _worker_person(request: HttpRequest, pk: int) -> Person:
    """The person, if the user's work task covers them (MEMBERSHIP basis); otherwise 404."""
    person = _person_or_404(request, pk)
    if not rights.may_reveal(user=_user(request), person=person):
        raise Http404
    return person


#: The person the DPO last found with the exact lookup, kept in the session: the extract pages
#: open for that person only, and only for :data:`LOOKUP_VALID` after the lookup.
LOOKUP_SESSION_KEY = "rights_lookup"
LOOKUP_VALID = dt.timedelta(hours=1)


def _remember_lookup(request: HttpRequest, person: Person | None) -> None:
    """A lookup replaces the previous one; one that finds nobody closes the previous person."""
    if person is None:
        request.session.pop(LOOKUP_SESSION_KEY, None)
    else:
        request.session[LOOKUP_SESSION_KEY] = {
            "pk": person.pk,
            "at": timezone.now().timestamp(),
        }


def _looked_up(request: HttpRequest, pk: int) -> bool:
    entry = request.session.get(LOOKUP_SESSION_KEY)
    if not isinstance(entry, dict) or entry.get("pk") != pk:
        return False
    age = timezone.now().timestamp() - float(entry.get("at", 0))
    return 0 <= age < LOOKUP_VALID.total_seconds()


def _dpo_person(request: HttpRequest, pk: int) -> tuple[Person, policy.Decision]:
    """The person of a DPO page — only the one the DPO found by the exact identity code.

    A typed person id skips that lookup (and its logged search), so it answers 404, the same
    as an unknown id: the extracts are reachable only through :func:`person_lookup`.
    """
    decision = policy.require(_user(request), rights.DPO_ACTION)
    if not _looked_up(request, pk):
        raise Http404
    return _person_or_404(request, pk), decision


def person_page_url(person: Person) -> str:
    return reverse("people:detail", kwargs={"pk": person.pk})


def _apply_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _pdf(html: str, filename: str) -> HttpResponse:
    import weasyprint  # lazily: heavy import, needed only for downloads

    pdf = weasyprint.HTML(string=html, base_url=None).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _wants_pdf(request: HttpRequest) -> bool:
    return request.GET.get("muoto") == "pdf"


# --------------------------------------------------------------------------- restrictions


@object_scoped
@require_GET
def restriction_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The person's restrictions (in force and past); contact addresses are not shown here."""
    person = _worker_person(request, pk)
    restrictions = list(Restriction.objects.filter(person=person).select_related("created_by"))
    record_access(request=request, subjects=[person], action="view", basis=Basis.MEMBERSHIP)
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
    person = _worker_person(request, pk)
    if request.method == "POST":
        form = RestrictionForm(request.POST)
        if form.is_valid():
            try:
                rights.restriction_add(actor=_user(request), person=person, **form.cleaned_data)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Suojaus tallennettu."))
                return redirect("rights:restrictions", pk=person.pk)
    else:
        form = RestrictionForm(initial={"valid_from": timezone.localdate()})
    record_access(request=request, subjects=[person], action="view", basis=Basis.MEMBERSHIP)
    return render(request, "people/restrictions/add.html", {"person": person, "form": form})


@object_scoped
@require_http_methods(["GET", "POST"])
def restriction_lift(request: HttpRequest, pk: int, restriction_pk: int) -> HttpResponse:
    person = _worker_person(request, pk)
    restriction = Restriction.objects.filter(pk=restriction_pk, person=person).first()
    if restriction is None:
        raise Http404
    if request.method == "POST":
        form = LiftForm(request.POST, restriction=restriction)
        if form.is_valid():
            try:
                rights.restriction_lift(
                    actor=_user(request), restriction=restriction, **form.cleaned_data
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Suojaus päätetty."))
                return redirect("rights:restrictions", pk=person.pk)
    else:
        form = LiftForm(initial={"lifted_on": timezone.localdate()}, restriction=restriction)
    record_access(request=request, subjects=[person], action="view", basis=Basis.MEMBERSHIP)
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
    person = _worker_person(request, pk)
    revealed = False
    if request.method == "POST":
        form = RevealForm(request.POST)
        if form.is_valid():
            record_access(
                request=request,
                subjects=[person],
                action="reveal",
                basis=Basis.MEMBERSHIP,
                reason=form.cleaned_data["reason"],
            )
            revealed = True
    else:
        form = RevealForm()
    if not revealed:
        record_access(request=request, subjects=[person], action="view", basis=Basis.MEMBERSHIP)
    restriction = restriction_for(person)
    return render(
        request,
        "people/restrictions/reveal.html",
        {
            "person": person,
            "form": form,
            "revealed": revealed,
            "restriction": restriction,
            "fields": [
                (rights.field_label(name), getattr(person, name)) for name in RESTRICTED_FIELDS
            ]
            if revealed
            else [],
            "restriction_contact": restriction.contact_address if revealed and restriction else "",
            "person_url": person_page_url(person),
        },
    )


# --------------------------------------------------------------------------- DPO: lookup


@object_scoped
@require_http_methods(["GET", "POST"])
def person_lookup(request: HttpRequest) -> HttpResponse:
    """The DPO finds a person by the exact identity code or temporary id (no name browsing)."""
    decision = policy.require(_user(request), rights.DPO_ACTION)
    found: Person | None = None
    searched = False
    if request.method == "POST":
        form = LookupForm(request.POST)
        if form.is_valid():
            searched = True
            found = rights.person_by_identifier(
                organisation_id=_user(request).organisation_id,  # type: ignore[arg-type]
                identifier=form.cleaned_data["identifier"],
            )
            if found is not None:
                record_access(
                    request=request, subjects=[found], action="search", basis=decision.basis
                )
            _remember_lookup(request, found)
    else:
        form = LookupForm()
    return render(
        request,
        "people/rights/lookup.html",
        {"form": form, "found": found, "searched": searched},
    )


# --------------------------------------------------------------------------- DPO: log extract


@object_scoped
@require_GET
def log_extract(request: HttpRequest, pk: int) -> HttpResponse:
    """Who processed the person's data, when and on what basis (default: the last two years)."""
    person, decision = _dpo_person(request, pk)
    start, end = rights.default_period()
    if "date_from" in request.GET or "date_to" in request.GET:
        form = PeriodForm(request.GET)
    else:
        form = PeriodForm(initial={"date_from": start, "date_to": end})
    rows: list[rights.LogRow] | None = None
    disclosure_rows: list[Any] = []  # the disclosure log (tupa/audit/disclosures.py)
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    if not form.is_bound or form.is_valid():
        rows = rights.log_extract(person=person, date_from=start, date_to=end)
        disclosure_rows = disclosures_for_person(person=person, date_from=start, date_to=end)
    pdf = _wants_pdf(request) and rows is not None
    record_access(
        request=request, subjects=[person], action="print" if pdf else "view", basis=decision.basis
    )
    context = {
        "person": person,
        "form": form,
        "rows": rows,
        "disclosures": disclosure_rows,
        "date_from": start,
        "date_to": end,
        "generated_at": timezone.localtime(),
        "generated_by": _user(request),
        "query": request.GET.urlencode(),
        "pdf": pdf,
        "base_template": "people/rights/print_base.html" if pdf else "base.html",
    }
    if pdf:
        html = render_to_string("people/rights/log_extract.html", context, request=request)
        return _pdf(html, f"lokiote-{timezone.localdate():%Y-%m-%d}.pdf")
    return render(request, "people/rights/log_extract.html", context)


# --------------------------------------------------------------------------- DPO: data extract


@object_scoped
@require_GET
def data_extract(request: HttpRequest, pk: int) -> HttpResponse:
    """The person's own data for an access request, third-party data left out."""
    person, decision = _dpo_person(request, pk)
    extract = rights.data_extract(person=person)
    pdf = _wants_pdf(request)
    record_access(request=request, subjects=[person], action="export", basis=decision.basis)
    context = {
        "person": person,
        "extract": extract,
        "generated_at": timezone.localtime(),
        "generated_by": _user(request),
        "pdf": pdf,
        "base_template": "people/rights/print_base.html" if pdf else "base.html",
    }
    if pdf:
        html = render_to_string("people/rights/data_extract.html", context, request=request)
        return _pdf(html, f"tietopyynto-{timezone.localdate():%Y-%m-%d}.pdf")
    return render(request, "people/rights/data_extract.html", context)


# --------------------------------------------------------------------------- DPO: art. 18


@object_scoped
@require_http_methods(["GET", "POST"])
def processing_restriction(request: HttpRequest, pk: int) -> HttpResponse:
    """Set or clear the restriction of processing (GDPR art. 18) with a reason."""
    person, decision = _dpo_person(request, pk)
    if request.method == "POST":
        form = ProcessingRestrictionForm(request.POST)
        if form.is_valid():
            try:
                rights.processing_restriction_set(
                    actor=_user(request),
                    person=person,
                    restricted=not person.processing_restricted,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Käsittelyn rajoitus poistettu.")
                    if person.processing_restricted
                    else _("Käsittelyä rajoitettu."),
                )
                return redirect("rights:processing_restriction", pk=person.pk)
    else:
        form = ProcessingRestrictionForm()
    record_access(request=request, subjects=[person], action="view", basis=decision.basis)
    history = list(
        person.history.filter(history_change_reason__isnull=False)  # type: ignore[attr-defined]
        .exclude(history_change_reason="")
        .select_related("history_user")
        .order_by("-history_date")[:20]
    )
    return render(
        request,
        "people/rights/processing_restriction.html",
        {"person": person, "form": form, "history": history},
    )
