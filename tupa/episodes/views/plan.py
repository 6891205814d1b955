"""The client plan (goals and their reviews) and the network (meetings, outside referrals)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tupa.access.episodes import editable_episode_access
from tupa.access.marks import object_scoped, user_of
from tupa.core.forms import saved_redirect
from tupa.organisations.models import Partner

from .. import services
from ..forms.plan import ExternalReferralForm, GoalForm, GoalReviewForm, NetworkMeetingForm
from ..models import Goal
from . import episode_url
from ._common import _form_page


@object_scoped
@require_http_methods(["GET", "POST"])
def goal_add(request: HttpRequest, pk: int) -> HttpResponse:
    granted = editable_episode_access(request, pk)
    episode, basis = granted.obj, granted.basis
    form = GoalForm(request.POST or None)
    saved = saved_redirect(
        request,
        form,
        lambda data: services.goal_add(actor=user_of(request), episode=episode, **data),
        next_url=episode_url(episode) + "#suunnitelma",
        success=_("Tavoite on lisätty suunnitelmaan."),
    )
    return saved or _form_page(
        request,
        episode,
        basis,
        form,
        title=_("Lisää tavoite"),
        submit=_("Lisää tavoite"),
        intro=_("Asiakkaan kanssa yhdessä määritelty tavoite ja sen arviointipäivä."),
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def goal_review(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    granted = editable_episode_access(request, pk)
    episode, basis = granted.obj, granted.basis
    goal = Goal.objects.filter(pk=goal_pk, episode=episode).first()
    if goal is None:
        raise Http404
    form = GoalReviewForm(request.POST or None, initial={"achieved": goal.achieved or None})
    saved = saved_redirect(
        request,
        form,
        lambda data: services.goal_review(
            actor=user_of(request),
            goal=goal,
            achieved=data["achieved"],
            next_review=data.get("next_review"),
        ),
        next_url=episode_url(episode) + "#suunnitelma",
        success=_("Tavoitteen arviointi on tallennettu."),
    )
    return saved or _form_page(
        request,
        episode,
        basis,
        form,
        title=_("Arvioi tavoite"),
        submit=_("Tallenna arviointi"),
        intro=goal.text,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def network_meeting_add(request: HttpRequest, pk: int) -> HttpResponse:
    granted = editable_episode_access(request, pk)
    episode, basis = granted.obj, granted.basis
    partners = Partner.objects.filter(active=True).order_by("name")
    form = NetworkMeetingForm(request.POST or None, partners=partners)
    saved = saved_redirect(
        request,
        form,
        lambda data: services.network_meeting_add(
            actor=user_of(request),
            episode=episode,
            held_on=data["held_on"],
            external_participants=data.get("external_participants", ""),
            partners=data.get("partners") or [],
            notes=data.get("notes", ""),
            child_participated=data.get("child_participated", False),
        ),
        next_url=episode_url(episode) + "#verkosto",
        success=_("Verkostoneuvottelu on kirjattu."),
    )
    return saved or _form_page(
        request,
        episode,
        basis,
        form,
        title=_("Kirjaa verkostoneuvottelu"),
        submit=_("Tallenna"),
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def external_referral_add(request: HttpRequest, pk: int) -> HttpResponse:
    granted = editable_episode_access(request, pk)
    episode, basis = granted.obj, granted.basis
    partners = Partner.objects.filter(active=True).order_by("name")
    form = ExternalReferralForm(request.POST or None, partners=partners)
    saved = saved_redirect(
        request,
        form,
        lambda data: services.external_referral_add(
            actor=user_of(request),
            episode=episode,
            service_name=data["service_name"],
            referred_on=data.get("referred_on"),
            partner=data.get("partner"),
            note=data.get("note", ""),
        ),
        next_url=episode_url(episode) + "#ohjaukset",
        success=_("Ohjaus ulkopuoliseen palveluun on kirjattu."),
    )
    return saved or _form_page(
        request,
        episode,
        basis,
        form,
        title=_("Kirjaa ohjaus ulkopuoliseen palveluun"),
        submit=_("Tallenna"),
    )
