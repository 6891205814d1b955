"""The data-protection officer's pages: person lookup, extracts, restriction of processing.

URLs in :mod:`tupa.dataprotection.rights_urls` (namespace ``rights``, under ``/oikeudet/``).
Only the DPO (policy action ``audit.browse``); everybody else 404. The extract pages open only
for the person the DPO has just found with the exact lookup (kept in the session for an hour);
a typed person id answers 404. Every response that shows a person writes the access log with
the basis of the DPO's decision. No search term (identity code) ever travels in a URL: the
lookup is a POST.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access.marks import object_scoped, user_of
from tupa.audit.services import record_access
from tupa.core.forms import date_field, saved_redirect
from tupa.dataprotection import extracts
from tupa.dataprotection.disclosures.services import disclosures_for_person
from tupa.dataprotection.pages import (
    dpo_decision,
    dpo_document,
    dpo_person,
    remember_lookup,
    wants_pdf,
)
from tupa.people import rights
from tupa.people.models import Person

# --------------------------------------------------------------------------- forms


class PeriodForm(forms.Form):
    date_from = date_field(gettext_lazy("Alkaen"))
    date_to = date_field(gettext_lazy("Päättyen"))

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


# --------------------------------------------------------------------------- DPO: lookup


@object_scoped
@require_http_methods(["GET", "POST"])
def person_lookup(request: HttpRequest) -> HttpResponse:
    """The DPO finds a person by the exact identity code or temporary id (no name browsing)."""
    decision = dpo_decision(request)
    found: Person | None = None
    searched = False
    if request.method == "POST":
        form = LookupForm(request.POST)
        if form.is_valid():
            searched = True
            found = extracts.person_by_identifier(
                organisation_id=user_of(request).organisation_id,  # type: ignore[arg-type]
                identifier=form.cleaned_data["identifier"],
            )
            if found is not None:
                record_access(
                    request=request, subjects=[found], action="search", basis=decision.basis
                )
            remember_lookup(request, found)
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
    person, decision = dpo_person(request, pk)
    start, end = extracts.default_period()
    if "date_from" in request.GET or "date_to" in request.GET:
        form = PeriodForm(request.GET)
    else:
        form = PeriodForm(initial={"date_from": start, "date_to": end})
    rows: list[extracts.LogRow] | None = None
    # The disclosure log (tupa/dataprotection/disclosures/services.py).
    disclosure_rows: list[Any] = []
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    if not form.is_bound or form.is_valid():
        rows = extracts.log_extract(person=person, date_from=start, date_to=end)
        disclosure_rows = disclosures_for_person(person=person, date_from=start, date_to=end)
    pdf = wants_pdf(request) and rows is not None
    record_access(
        request=request, subjects=[person], action="print" if pdf else "view", basis=decision.basis
    )
    return dpo_document(
        request,
        "people/rights/log_extract.html",
        {
            "person": person,
            "form": form,
            "rows": rows,
            "disclosures": disclosure_rows,
            "date_from": start,
            "date_to": end,
            "query": request.GET.urlencode(),
        },
        pdf=pdf,
        filename=f"lokiote-{timezone.localdate():%Y-%m-%d}.pdf",
    )


# --------------------------------------------------------------------------- DPO: data extract


@object_scoped
@require_GET
def data_extract(request: HttpRequest, pk: int) -> HttpResponse:
    """The person's own data for an access request, third-party data left out."""
    person, decision = dpo_person(request, pk)
    extract = extracts.data_extract(person=person)
    pdf = wants_pdf(request)
    record_access(request=request, subjects=[person], action="export", basis=decision.basis)
    return dpo_document(
        request,
        "people/rights/data_extract.html",
        {"person": person, "extract": extract},
        pdf=pdf,
        filename=f"tietopyynto-{timezone.localdate():%Y-%m-%d}.pdf",
    )


# --------------------------------------------------------------------------- DPO: art. 18


@object_scoped
@require_http_methods(["GET", "POST"])
def processing_restriction(request: HttpRequest, pk: int) -> HttpResponse:
    """Set or clear the restriction of processing (GDPR art. 18) with a reason."""
    person, decision = dpo_person(request, pk)
    form = ProcessingRestrictionForm(request.POST if request.method == "POST" else None)
    saved = saved_redirect(
        request,
        form,
        lambda data: rights.processing_restriction_set(
            actor=user_of(request),
            person=person,
            restricted=not person.processing_restricted,
            reason=data["reason"],
        ),
        next_url=reverse("rights:processing_restriction", kwargs={"pk": person.pk}),
        # The service saves a fresh copy: ``person`` still says what was there before.
        success=_("Käsittelyn rajoitus poistettu.")
        if person.processing_restricted
        else _("Käsittelyä rajoitettu."),
    )
    if saved is not None:
        return saved
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
