"""Communications (VOL-09, CON-01): the mailing list, its CSV for the mail tool, and the
consent to be contacted on a volunteer's page.

The CSV is the Finnish Excel way (``;``, UTF-8 with a byte-order mark: the one writer of Tupa,
:func:`tupa.core.spreadsheets.finnish_csv`); a cell that a spreadsheet would run as a formula is
quoted with ``'``. Showing the list
logs a *list* read and the CSV an *export* of each volunteer on it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access import volunteers as access
from tupa.access.marks import login_only, object_scoped, user_of
from tupa.audit.models import Action
from tupa.core.spreadsheets import csv_response, finnish_csv
from tupa.volunteers.common import form_view, log_volunteers, volunteer_url
from tupa.volunteers.mailing import selectors, services
from tupa.volunteers.mailing.forms import ConsentForm, ConsentWithdrawForm, MailingFilterForm
from tupa.volunteers.models import Volunteer

FORM = "volunteers/group_form.html"


def mailing_csv(volunteers: list[Volunteer]) -> bytes:
    """The list for the mail tool: ``;``-separated, UTF-8 with BOM, one row per volunteer."""
    header = [
        _("Etunimet"),
        _("Sukunimi"),
        _("Sähköposti"),
        _("Katuosoite"),
        _("Postinumero"),
        _("Postitoimipaikka"),
    ]
    rows = [
        [v.first_names, v.last_name, v.email, v.street_address, v.postal_code, v.post_office]
        for v in volunteers
    ]
    return finnish_csv(header, rows)


def _filtered(request: HttpRequest) -> tuple[MailingFilterForm, list[Volunteer]]:
    user = user_of(request)
    form = MailingFilterForm(request.GET or None, forms_qs=access.viewable_forms(user))
    filters: dict[str, Any] = {}
    if form.is_bound:
        if not form.is_valid():
            return form, []
        filters = form.cleaned_data
    rows = selectors.mailing_list(user=user, on=timezone.localdate(), **filters)
    return form, list(rows)


@login_only
@require_GET
def mailing_list(request: HttpRequest) -> HttpResponse:
    basis = access.register_open(request)
    form, volunteers = _filtered(request)
    log_volunteers(request, volunteers, basis=basis, action=Action.LIST)
    return render(
        request,
        "volunteers/mailing_list.html",
        {
            "form": form,
            "volunteers": volunteers,
            "without_email": sum(1 for v in volunteers if not v.email),
            "query": request.GET.urlencode(),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_only
@require_GET
def mailing_export(request: HttpRequest) -> HttpResponse:
    basis = access.register_open(request)
    form, volunteers = _filtered(request)
    if form.is_bound and form.errors:
        return HttpResponseRedirect(
            reverse("volunteers:mailing_list") + "?" + request.GET.urlencode()
        )
    log_volunteers(request, volunteers, basis=basis, action=Action.EXPORT)
    day = timezone.localdate().isoformat()
    return csv_response(mailing_csv(volunteers), f"postituslista-{day}.csv")


@object_scoped
@require_http_methods(["GET", "POST"])
def consent_give(request: HttpRequest, pk: int) -> HttpResponse:
    granted = access.volunteer_access(request, pk, manage=True)
    volunteer = granted.obj
    form = ConsentForm(request.POST or None, initial={"given_on": timezone.localdate()})
    return form_view(
        request,
        form=form,
        service=lambda data: services.contact_consent_give(
            actor=user_of(request), volunteer=volunteer, **data
        ),
        done_url=lambda _c: volunteer_url(volunteer.pk),
        template=FORM,
        context={"volunteer": volunteer, "heading": "contact_consent"},
        shown=[volunteer],
        basis=granted.basis,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    granted = access.contact_consent_access(request, pk)
    consent = granted.obj
    form = ConsentWithdrawForm(request.POST or None, initial={"withdrawn_on": timezone.localdate()})
    return form_view(
        request,
        form=form,
        service=lambda data: services.contact_consent_withdraw(
            actor=user_of(request), consent=consent, **data
        ),
        done_url=lambda _c: volunteer_url(consent.volunteer.pk),
        template=FORM,
        context={"volunteer": consent.volunteer, "consent": consent, "heading": "contact_withdraw"},
        shown=[consent.volunteer],
        basis=granted.basis,
    )
