"""The Mieskaveri matching workflow (VOL-06): cases, intake, match, activities, follow-ups, end.

Access: the cases of a form are read by its volunteer coordinators and the executive director
(``volunteers.register.view``); they are managed — and the family's data is shown — only by a
volunteer coordinator of the form who also sees the family's client episode through
``tupa.access.clients`` (membership or assignment). Everyone else gets 404. The family's
persons shown are access-logged like the client module does (``record_access`` with the
episode); every volunteer shown is logged like the register does.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access import volunteers as access
from tupa.access.marks import login_only, object_scoped, user_of
from tupa.access.policy import Basis
from tupa.audit.services import record_access
from tupa.episodes.models import Episode, Participant
from tupa.volunteers import rules
from tupa.volunteers.common import form_view, log_volunteers
from tupa.volunteers.matching import selectors, services
from tupa.volunteers.matching.forms import (
    ActivityForm,
    CaseCreateForm,
    CaseEndForm,
    CaseStatusForm,
    FamilyLinkForm,
    FamilyLinkUpdateForm,
    FollowUpForm,
    IntakeForm,
    MatchForm,
    NoteForVolunteerForm,
)
from tupa.volunteers.models import (
    CaseStatus,
    FollowUp,
    Match,
    MatchActivity,
    MatchingCase,
    RoleKind,
    Volunteer,
)


def case_url(pk: int) -> str:
    return reverse("volunteers:case_detail", args=[pk])


def _log_family(request: HttpRequest, episode: Episode, basis: Basis) -> list[Participant]:
    """The family members shown, with one access-log row each and the episode (as the client
    module logs them)."""
    members = list(
        Participant.objects.filter(episode=episode, person__isnull=False)
        .select_related("person")
        .order_by("role", "pk")
    )
    if members:
        record_access(
            request=request,
            subjects=[m.person for m in members],
            action="view",
            basis=basis,
            episode_id=episode.pk,
        )
    return members


def _family_basis(request: HttpRequest, case: MatchingCase) -> Basis | None:
    user = user_of(request)
    if not access.may_manage_case(user, case):
        return None
    return access.family_basis(user, case.episode)


@login_only
@require_GET
def cases(request: HttpRequest) -> HttpResponse:
    """The matching cases (no family data: status, dates, friend) and the follow-ups due."""
    basis = access.register_open(request)
    user = user_of(request)
    today = timezone.localdate()
    rows = list(
        access.cases_visible_to(user)
        .select_related("service_form", "match", "match__volunteer")
        .order_by("-applied_on", "-pk")
    )
    due = selectors.follow_ups_due(cases=access.cases_visible_to(user), on=today)
    # The REP-05 figures are counted by the reporting engine (one way to count): the page
    # links to the volunteer statistics of each form it lists.
    forms = sorted({c.service_form for c in rows}, key=lambda f: (f.name, f.pk))
    friends = {c.match.volunteer.pk: c.match.volunteer for c in rows if hasattr(c, "match")}
    log_volunteers(request, friends.values(), basis=basis, action="list")
    return render(
        request,
        "volunteers/cases.html",
        {"cases": rows, "due": due, "statistics_forms": forms},
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest, episode_pk: int) -> HttpResponse:
    """The mother's application, opened from the family's episode."""
    granted = access.family_episode_access(request, episode_pk)
    episode = granted.obj
    user = user_of(request)
    form = CaseCreateForm(request.POST or None, initial={"applied_on": timezone.localdate()})
    _log_family(request, episode, granted.basis)
    return form_view(
        request,
        form=form,
        service=lambda data: services.case_open(actor=user, episode=episode, **data),
        done_url=lambda case: case_url(case.pk),
        context={"heading": "case_create", "episode": episode},
    )


@object_scoped
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    granted = access.case_access(request, pk)
    case = granted.obj
    today = timezone.localdate()
    family = _family_basis(request, case)
    match = Match.objects.filter(case=case).select_related("volunteer").first()
    steps = list(case.steps.select_related("recorded_by").order_by("changed_on", "pk"))
    activities: list[MatchActivity] = []
    follow_ups: list[FollowUp] = []
    candidates: list[Volunteer] = []
    child = None
    members: list[Participant] = []
    if family is not None:
        members = _log_family(request, case.episode, family)
        if case.child_id is not None:
            child = Participant.objects.select_related("person").get(pk=case.child_id)
        if match is not None:
            activities = list(match.activities.order_by("-date", "-pk"))
        follow_ups = list(case.follow_ups.order_by("-date", "-pk"))
        if case.status == CaseStatus.WAITING:
            candidates = selectors.match_candidates(case=case, on=today)
    shown = ([match.volunteer] if match else []) + candidates
    log_volunteers(request, shown, basis=granted.basis)
    age = None
    if child is not None and child.person is not None and child.person.birth_date:
        age = rules.age_on(child.person.birth_date, today)
    return render(
        request,
        "volunteers/case_detail.html",
        {
            "case": case,
            "family": family is not None,
            "child": child,
            "age": age,
            "members": members,
            "match": match,
            "steps": steps,
            "activities": activities,
            "follow_ups": follow_ups,
            "candidates": candidates,
            "may_manage": family is not None,
            "warnings": case.confirmed_warnings.splitlines(),
        },
    )


def _managed(request: HttpRequest, pk: int) -> MatchingCase:
    granted = access.case_access(request, pk, manage=True)
    family = access.family_basis(user_of(request), granted.obj.episode)
    assert family is not None
    _log_family(request, granted.obj.episode, family)
    return granted.obj


@object_scoped
@require_http_methods(["GET", "POST"])
def case_intake(request: HttpRequest, pk: int) -> HttpResponse:
    """The intake meeting; the VOL-06 checks come back as warnings with a confirm box."""
    case = _managed(request, pk)
    user = user_of(request)
    children = Participant.objects.filter(
        episode=case.episode, role=Participant.Role.CHILD
    ).select_related("person")
    initial = {
        "intake_on": case.intake_on or timezone.localdate(),
        "child": case.child_id,
        "contact_with_men": {None: "unknown", True: "true", False: "false"}[case.contact_with_men],
        "area": case.area,
        "wishes": case.wishes,
        "family_situation": case.family_situation,
    }
    form = IntakeForm(request.POST or None, children=children, initial=initial)
    return form_view(
        request,
        form=form,
        service=lambda data: services.case_intake(actor=user, case=case, **data),
        done_url=lambda c: case_url(c.pk),
        context={"heading": "case_intake", "case": case},
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def case_status(request: HttpRequest, pk: int) -> HttpResponse:
    case = _managed(request, pk)
    user = user_of(request)
    form = CaseStatusForm(request.POST or None, initial={"changed_on": timezone.localdate()})
    return form_view(
        request,
        form=form,
        service=lambda data: services.case_set_status(actor=user, case=case, **data),
        done_url=lambda _step: case_url(case.pk),
        context={"heading": "case_status", "case": case},
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def case_match(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose the male friend. The list holds the form's Mieskaveri volunteers; the service
    refuses anyone without a valid record check, training or active status, in Finnish."""
    case = _managed(request, pk)
    user = user_of(request)
    volunteers = (
        access.volunteers_visible_to(user)
        .filter(
            assignments__service_form_id=case.service_form_id,
            assignments__role=RoleKind.MIESKAVERI,
        )
        .distinct()
        .order_by("last_name", "first_names", "pk")
    )
    form = MatchForm(
        request.POST or None, volunteers=volunteers, initial={"started_on": timezone.localdate()}
    )
    log_volunteers(request, list(volunteers), basis=access.list_basis(user))
    return form_view(
        request,
        form=form,
        service=lambda data: services.volunteer_match(actor=user, case=case, **data),
        done_url=lambda _m: case_url(case.pk),
        context={"heading": "case_match", "case": case},
    )


def _match_of(case: MatchingCase) -> Match:
    match = Match.objects.filter(case=case).first()
    if match is None:
        raise Http404
    match.case = case
    return match


@object_scoped
@require_http_methods(["GET", "POST"])
def match_note(request: HttpRequest, pk: int) -> HttpResponse:
    case = _managed(request, pk)
    match = _match_of(case)
    user = user_of(request)
    form = NoteForVolunteerForm(
        request.POST or None, initial={"note_for_volunteer": match.note_for_volunteer}
    )
    return form_view(
        request,
        form=form,
        service=lambda data: services.match_note_set(actor=user, match=match, **data),
        done_url=lambda _m: case_url(case.pk),
        context={"heading": "match_note", "case": case},
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def activity_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _managed(request, pk)
    match = _match_of(case)
    user = user_of(request)
    form = ActivityForm(request.POST or None, initial={"date": timezone.localdate()})
    return form_view(
        request,
        form=form,
        service=lambda data: services.activity_add(actor=user, match=match, **data),
        done_url=lambda _a: case_url(case.pk),
        context={"heading": "activity", "case": case},
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def follow_up_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _managed(request, pk)
    user = user_of(request)
    form = FollowUpForm(request.POST or None, initial={"date": timezone.localdate()})
    return form_view(
        request,
        form=form,
        service=lambda data: services.follow_up_add(actor=user, case=case, **data),
        done_url=lambda _f: case_url(case.pk),
        context={"heading": "follow_up", "case": case},
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def case_end(request: HttpRequest, pk: int) -> HttpResponse:
    case = _managed(request, pk)
    user = user_of(request)
    form = CaseEndForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    return form_view(
        request,
        form=form,
        service=lambda data: services.case_end(actor=user, case=case, **data),
        done_url=lambda c: case_url(c.pk),
        context={"heading": "case_end", "case": case},
    )


# --------------------------------------------------------------------------- family links (VOL-14)


@object_scoped
@require_http_methods(["GET", "POST"])
def family_link_add(request: HttpRequest, episode_pk: int) -> HttpResponse:
    """Offer a volunteer (e.g. a doula) to the family of an episode, with a note for them."""
    granted = access.family_episode_access(request, episode_pk)
    episode = granted.obj
    user = user_of(request)
    volunteers = (
        access.volunteers_visible_to(user)
        .filter(assignments__service_form_id__in=_manageable_ids(user))
        .distinct()
        .order_by("last_name", "first_names", "pk")
    )
    form = FamilyLinkForm(
        request.POST or None, volunteers=volunteers, initial={"started_on": timezone.localdate()}
    )
    _log_family(request, episode, granted.basis)
    log_volunteers(request, list(volunteers), basis=access.list_basis(user), action="list")
    return form_view(
        request,
        form=form,
        service=lambda data: services.family_link_add(actor=user, episode=episode, **data),
        done_url=lambda link: reverse("volunteers:detail", args=[link.volunteer_id]),
        context={"heading": "family_link", "episode": episode},
    )


def _manageable_ids(user: Any) -> Any:
    forms = access.manageable_form_ids(user)
    if forms is None:
        return access.manageable_forms(user).values("pk")
    return list(forms)


@object_scoped
@require_http_methods(["GET", "POST"])
def family_link_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the note meant for the volunteer, or end the link."""
    granted = access.family_link_access(request, pk)
    link = granted.obj
    user = user_of(request)
    form = FamilyLinkUpdateForm(
        request.POST or None,
        initial={"note_for_volunteer": link.note_for_volunteer, "ended_on": link.ended_on},
    )
    _log_family(request, link.episode, granted.basis)
    log_volunteers(request, [link.volunteer], basis=access.list_basis(user))
    return form_view(
        request,
        form=form,
        service=lambda data: services.family_link_update(actor=user, link=link, **data),
        done_url=lambda _l: reverse("volunteers:detail", args=[link.volunteer_id]),
        context={"heading": "family_link", "volunteer": link.volunteer},
    )
