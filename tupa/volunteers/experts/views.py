"""Experience experts (VOL-12): the list of experts, a consent given and withdrawn."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access import volunteers as access
from tupa.access.marks import login_only, object_scoped, user_of
from tupa.volunteers.common import form_view, log_volunteers, volunteer_url
from tupa.volunteers.experts import selectors, services
from tupa.volunteers.experts.forms import ExpertConsentForm, WithdrawForm

FORM = "volunteers/group_form.html"


@login_only
@require_GET
def expert_list(request: HttpRequest) -> HttpResponse:
    basis = access.register_open(request)
    user = user_of(request)
    show_all = request.GET.get("kaikki") == "1"
    consents = list(
        selectors.expert_list(user=user, on=timezone.localdate(), current_only=not show_all)
    )
    log_volunteers(
        request,
        {c.volunteer.pk: c.volunteer for c in consents}.values(),
        basis=basis,
        action="list",
    )
    return render(
        request, "volunteers/expert_list.html", {"consents": consents, "show_all": show_all}
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def consent_add(request: HttpRequest, pk: int) -> HttpResponse:
    granted = access.volunteer_access(request, pk, manage=True)
    volunteer = granted.obj
    user = user_of(request)
    forms_qs = access.manageable_forms(user).filter(
        pk__in=volunteer.assignments.values("service_form_id")
    )
    if not forms_qs.exists():
        raise Http404
    form = ExpertConsentForm(
        request.POST or None, forms_qs=forms_qs, initial={"given_on": timezone.localdate()}
    )
    return form_view(
        request,
        form=form,
        service=lambda data: services.expert_consent_give(actor=user, volunteer=volunteer, **data),
        done_url=lambda _c: volunteer_url(volunteer.pk),
        template=FORM,
        context={"volunteer": volunteer, "heading": "expert_consent"},
        shown=[volunteer],
        basis=granted.basis,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    granted = access.expert_consent_access(request, pk)
    consent = granted.obj
    form = WithdrawForm(request.POST or None, initial={"withdrawn_on": timezone.localdate()})
    return form_view(
        request,
        form=form,
        service=lambda data: services.expert_consent_withdraw(
            actor=user_of(request), consent=consent, **data
        ),
        done_url=lambda _c: volunteer_url(consent.volunteer.pk),
        template=FORM,
        context={"volunteer": consent.volunteer, "consent": consent, "heading": "expert_withdraw"},
        shown=[consent.volunteer],
        basis=granted.basis,
    )
