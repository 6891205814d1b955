"""Referrals between service forms: send one, the receiving form's inbox, accept or decline."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access.episodes import editable_episode_access, referral_access, referral_bases
from tupa.access.marks import login_only, object_scoped, user_of
from tupa.audit.models import Action
from tupa.core.forms import apply_errors, saved_redirect

from .. import selectors, services
from ..forms.referrals import ReferralDecisionForm, ReferralForm
from ..models import Episode, Referral
from . import episode_url
from ._common import _form_page, _header_participants, _log


@object_scoped
@require_http_methods(["GET", "POST"])
def referral_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Refer a client of this episode to another service form (with the client's consent)."""
    granted = editable_episode_access(request, pk)
    episode, basis = granted.obj, granted.basis
    participants = [p for p in _header_participants(episode) if p.person is not None]
    persons = {p.person.pk: p.person for p in participants if p.person is not None}
    form = ReferralForm(
        request.POST or None,
        persons=[(pk_, str(person)) for pk_, person in persons.items()],
        targets=selectors.referral_targets(episode=episode),
    )
    saved = saved_redirect(
        request,
        form,
        lambda data: services.referral_create(
            actor=user_of(request),
            from_episode=episode,
            to_service_form=data["to_service_form"],
            person=persons[int(data["person"])],
            reason=data["reason"],
            consent_given=data["consent_given"],
        ),
        next_url=episode_url(episode) + "#ohjaukset",
        success=_("Ohjaus on lähetetty. Vastaanottava työmuoto näkee sen ohjausten listalla."),
    )
    return saved or _form_page(
        request,
        episode,
        basis,
        form,
        title=_("Ohjaa toiseen työmuotoon"),
        submit=_("Lähetä ohjaus"),
        intro=_(
            "Ohjaus edellyttää asiakkaan suostumusta. Vastaanottava työmuoto ei näe tämän "
            "asiakkuuden tietoja; se avaa asiakkaalle oman asiakkuuden, jos ohjaus vastaanotetaan."
        ),
        extra={"persons_without_identity": not persons},
    )


@login_only
@require_GET
def referral_inbox(request: HttpRequest) -> HttpResponse:
    """Ohjaukset: referrals waiting for my service forms (name, reason, sender, date only)."""
    user = user_of(request)
    referrals = list(selectors.referral_inbox(user=user))
    for basis, group in referral_bases(user, referrals).items():
        _log(request, [r.person for r in group], basis=basis, action=Action.LIST)
    return render(
        request,
        "episodes/referral_inbox.html",
        {"rows": [(r, ReferralDecisionForm(prefix=f"r{r.pk}")) for r in referrals]},
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def referral_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept (opens a new episode here) or decline one referral to the user's service form."""
    user = user_of(request)
    granted = referral_access(request, pk)
    referral = granted.obj
    prefix = f"r{referral.pk}"
    form = ReferralDecisionForm(request.POST or None, prefix=prefix)
    if request.method == "POST" and referral.status == Referral.Status.PROPOSED and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == ReferralDecisionForm.ACCEPT:
                episode = services.referral_accept(
                    actor=user,
                    referral=referral,
                    status=data.get("status") or Episode.Status.WAITING,
                    note=data.get("note", ""),
                )
                messages.success(request, _("Ohjaus on vastaanotettu ja asiakkuus avattu."))
                return HttpResponseRedirect(episode_url(episode))
            services.referral_decline(actor=user, referral=referral, reason=data["note"])
            messages.success(request, _("Ohjaus on merkitty vastaanottamatta jätetyksi."))
            return HttpResponseRedirect(reverse("episodes:referral_inbox"))
        except ValidationError as exc:
            apply_errors(form, exc)
    _log(request, [referral.person], basis=granted.basis)
    return render(request, "episodes/referral_decide.html", {"referral": referral, "form": form})
