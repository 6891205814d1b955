"""What every data-protection page shares: the DPO's person, text fields and the PDF download.

The DPO pages open only for the person the DPO has just found with the exact identity-code
lookup (kept in the session for :data:`LOOKUP_VALID`); a typed person id answers 404, the same
as an unknown one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from tupa.access import policy
from tupa.access.dataprotection import DPO_ACTION
from tupa.access.marks import user_of
from tupa.core.pdf import html_to_pdf, pdf_response
from tupa.people.models import Person

REQUIRED = gettext_lazy("Tämä tieto on pakollinen.")

#: The person the DPO last found with the exact lookup, kept in the session: the extract pages
#: open for that person only, and only for :data:`LOOKUP_VALID` after the lookup.
LOOKUP_SESSION_KEY = "rights_lookup"
LOOKUP_VALID = dt.timedelta(hours=1)


def text_field(
    label: Any, *, required: bool = True, rows: int = 3, help_text: Any = ""
) -> forms.CharField:
    """A text area of at most 5000 characters (the request and disclosure forms)."""
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": REQUIRED},
    )


def wants_pdf(request: HttpRequest) -> bool:
    return request.GET.get("muoto") == "pdf"


def dpo_document(
    request: HttpRequest, template: str, context: dict[str, Any], *, pdf: bool, filename: str
) -> HttpResponse:
    """A document the DPO hands out (an extract, a decision): on screen, or with ``pdf`` the same
    page in the print frame as the download ``filename``. Both say when and by whom it was made.
    """
    context = {
        **context,
        "generated_at": timezone.localtime(),
        "generated_by": user_of(request),
        "pdf": pdf,
        "base_template": "people/rights/print_base.html" if pdf else "base.html",
    }
    if pdf:
        html = render_to_string(template, context, request=request)
        return pdf_response(html_to_pdf(html), filename)
    return render(request, template, context)


def person_page_url(person: Person) -> str:
    return reverse("people:detail", kwargs={"pk": person.pk})


def organisation_person_or_404(request: HttpRequest, pk: int) -> Person:
    organisation_id = user_of(request).organisation_id
    if organisation_id is None:
        raise Http404
    person = Person.objects.filter(pk=pk, organisation_id=organisation_id).first()
    if person is None:
        raise Http404
    return person


def remember_lookup(request: HttpRequest, person: Person | None) -> None:
    """A lookup replaces the previous one; one that finds nobody closes the previous person."""
    if person is None:
        request.session.pop(LOOKUP_SESSION_KEY, None)
    else:
        request.session[LOOKUP_SESSION_KEY] = {
            "pk": person.pk,
            "at": timezone.now().timestamp(),
        }


def looked_up(request: HttpRequest, pk: int) -> bool:
    entry = request.session.get(LOOKUP_SESSION_KEY)
    if not isinstance(entry, dict) or entry.get("pk") != pk:
        return False
    age = timezone.now().timestamp() - float(entry.get("at", 0))
    return 0 <= age < LOOKUP_VALID.total_seconds()


def dpo_decision(request: HttpRequest) -> policy.Decision:
    """The DPO's decision (its basis is what the access log records); 404 for anybody else."""
    return policy.require(user_of(request), DPO_ACTION)


def dpo_person(request: HttpRequest, pk: int) -> tuple[Person, policy.Decision]:
    """The person of a DPO page — only the one the DPO found by the exact identity code.

    A typed person id skips that lookup (and its logged search), so it answers 404, the same
    as an unknown id: the extracts are reachable only through the person lookup.
    """
    decision = dpo_decision(request)
    if not looked_up(request, pk):
        raise Http404
    return organisation_person_or_404(request, pk), decision
