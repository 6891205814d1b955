"""Participants and leaders of a programme: adding, and ending a participant's period."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tupa.access.marks import object_scoped, user_of
from tupa.access.programmes import member_or_404, programme_or_404
from tupa.accounts.selectors import active_staff
from tupa.audit.models import Action
from tupa.core.forms import saved_redirect
from tupa.episodes.models import Episode, Participant
from tupa.organisations.models import ServiceForm
from tupa.programmes import selectors, services
from tupa.programmes.forms import LeaderForm, LeaveForm, MemberForm
from tupa.programmes.views.common import detail_url, log_persons, posted_form_page, to_detail
from tupa.programmes.views.programmes import RefusedLeave, detail_page

# --------------------------------------------------------------------------- members and leaders


def _open_participants(service_form: ServiceForm) -> QuerySet[Participant]:
    return (
        Participant.objects.filter(
            episode__service_form=service_form,
            person__isnull=False,
            person__processing_restricted=False,
            left_on__isnull=True,
        )
        .exclude(episode__status=Episode.Status.ENDED)
        .select_related("person")
        .order_by("person__last_name", "person__first_names", "pk")
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_or_404(request, pk)
    open_rows = _open_participants(programme.service_form)
    adults = open_rows.exclude(role=Participant.Role.CHILD)
    children = open_rows.filter(role=Participant.Role.CHILD)
    form = MemberForm(request.POST or None, adults=adults, children=children)
    saved = saved_redirect(
        request,
        form,
        lambda data: services.member_add(
            actor=user_of(request),
            programme=programme,
            participant=data["participant"],
            child=data["child"],
            joined_on=data["joined_on"],
        ),
        next_url=detail_url(programme),
        success=_("Osallistuja lisätty ryhmään."),
    )
    if saved is not None:
        return saved
    shown = [p.person for p in list(adults) + list(children) if p.person is not None]
    log_persons(request, list({p.pk: p for p in shown}.values()), action=Action.LIST)
    return posted_form_page(
        request,
        "programmes/member_form.html",
        form,
        {"service_form": programme.service_form, "programme": programme},
    )


@object_scoped
@require_POST
def member_leave(request: HttpRequest, pk: int) -> HttpResponse:
    """End a participant's period on the typed day; a day that cannot be read, is out of range
    or before the joining day is refused on the programme page, the typed value kept."""
    member = member_or_404(request, pk)
    form = LeaveForm(request.POST)
    errors: list[str] = []
    if form.is_valid():
        try:
            services.member_leave(
                actor=user_of(request), member=member, left_on=form.cleaned_data["left_on"]
            )
        except ValidationError as error:
            errors = list(error.messages)
        else:
            messages.success(request, _("Osallistujan ryhmäjakso päätetty."))
            return to_detail(member.programme)
    else:
        errors = [str(e) for e in form.errors.get("left_on", [])]
    typed = request.POST.get("left_on", "").replace("\x00", "")
    return detail_page(
        request,
        member.programme,
        refused=RefusedLeave(member_id=member.pk, typed=typed, errors=errors),
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def leader_add(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_or_404(request, pk)
    users = active_staff(organisation_id=programme.organisation_id)
    form = LeaderForm(
        request.POST or None, users=users, volunteers=selectors.volunteer_options(programme)
    )
    saved = saved_redirect(
        request,
        form,
        lambda data: services.leader_add(
            actor=user_of(request),
            programme=programme,
            kind=data["kind"],
            task=data["task"],
            user=data["user"],
            name=data["name"],
            volunteer_id=data["volunteer"],
        ),
        next_url=detail_url(programme),
        success=_("Ohjaaja lisätty."),
    )
    return saved or posted_form_page(
        request,
        "programmes/leader_form.html",
        form,
        {"service_form": programme.service_form, "programme": programme},
    )
