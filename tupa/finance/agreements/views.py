"""Purchase-service agreements under /talous/sopimukset/ (rules ``finance.agreements.view`` /
``finance.agreements.manage``).

The list of agreements with their current prices; an agreement's page with the price table by
validity (the price valid today highlighted, ended prices kept); the agreement form and the
"Uusi hinta alkaen" form. Agreements are organisation data, not client data: nothing is
access-logged. Another organisation's agreement answers 404.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access import policy
from tupa.access.finance import agreement_access
from tupa.access.marks import login_only, object_scoped, organisation_id_of, user_of
from tupa.core.forms import form_page, saved_redirect
from tupa.finance.agreements import selectors, services
from tupa.finance.agreements.forms import AgreementForm, PriceForm, agreement_initial
from tupa.finance.models import Agreement

VIEW = "finance.agreements.view"
MANAGE = services.MANAGE


def agreement_url(agreement: Agreement) -> str:
    return reverse("finance:agreement", args=[agreement.pk])


def _agreement(request: HttpRequest, pk: int, action: str) -> Agreement:
    return agreement_access(request, pk, action).obj


def _agreement_form(request: HttpRequest, **kwargs: object) -> AgreementForm:
    organisation_id = organisation_id_of(request)
    return AgreementForm(
        request.POST if request.method == "POST" else None,
        buyers=selectors.buyers(organisation_id),
        service_forms=selectors.service_forms(organisation_id),
        **kwargs,  # type: ignore[arg-type]
    )


@login_only
@require_GET
def agreement_list(request: HttpRequest) -> HttpResponse:
    """Every agreement: buyer, service forms, validity, interval and the prices valid today."""
    user = user_of(request)
    policy.require(user, VIEW)
    today = timezone.localdate()
    return render(
        request,
        "finance/agreements/list.html",
        {
            "agreements": selectors.agreements_with_current_prices(
                organisation_id_of(request), today
            ),
            "today": today,
            "may_manage": bool(policy.decide(user, MANAGE)),
        },
    )


@login_only
@require_http_methods(["GET", "POST"])
def agreement_create(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    policy.require(user, MANAGE)
    form = _agreement_form(
        request, initial={"payment_term_days": 14, "invoicing_interval": "monthly"}
    )
    saved = saved_redirect(
        request,
        form,
        lambda _data: services.agreement_create(actor=user, data=form.data_for_service()),
        success=_("Sopimus on tallennettu. Lisää seuraavaksi hinnat."),
        next_url=agreement_url,
        denied_as_404=True,
    )
    return saved or form_page(request, "finance/agreements/form.html", form, {"agreement": None})


@object_scoped
@require_GET
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The agreement's terms and its price table by validity."""
    found = _agreement(request, pk, VIEW)
    today = timezone.localdate()
    return render(
        request,
        "finance/agreements/detail.html",
        {
            "agreement": found,
            "groups": selectors.price_table(found, today),
            "today": today,
            "may_manage": bool(policy.decide(user_of(request), MANAGE, found)),
        },
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    found = _agreement(request, pk, MANAGE)
    user = user_of(request)
    form = _agreement_form(request, initial=agreement_initial(found))
    saved = saved_redirect(
        request,
        form,
        lambda _data: services.agreement_update(
            actor=user, agreement=found, data=form.data_for_service()
        ),
        success=_("Sopimus on tallennettu."),
        next_url=agreement_url(found),
        denied_as_404=True,
    )
    return saved or form_page(request, "finance/agreements/form.html", form, {"agreement": found})


@object_scoped
@require_http_methods(["GET", "POST"])
def agreement_price(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Uusi hinta alkaen": a new price of one priced thing from a date on."""
    found = _agreement(request, pk, MANAGE)
    user = user_of(request)
    initial: dict[str, object] = {"vat_rate": 0}
    for key in ("item", "meeting_type"):
        if request.GET.get(key):
            initial[key] = request.GET[key]
    form = PriceForm(request.POST if request.method == "POST" else None, initial=initial)
    saved = saved_redirect(
        request,
        form,
        lambda data: services.price_set(
            actor=user,
            agreement=found,
            item=data["item"],
            meeting_type=data.get("meeting_type") or "",
            amount=data["amount"],
            vat_rate=data["vat_rate"],
            valid_from=data["valid_from"],
        ),
        success=_("Hinta on tallennettu."),
        next_url=agreement_url(found),
        denied_as_404=True,
    )
    return saved or form_page(
        request,
        "finance/agreements/price_form.html",
        form,
        {"agreement": found, "groups": selectors.price_table(found, timezone.localdate())},
    )
