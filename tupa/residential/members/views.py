"""The people of a stay: list, later arrival, early departure and a baby born (issue 4).

Only client-work members of the episode's residential service form (basis ``membership``);
404 for everyone else and for bad ids. Every person shown is written to the access log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access.fetch import Granted
from tupa.access.marks import object_scoped, user_of
from tupa.access.residential import stay_access
from tupa.audit.models import Action
from tupa.audit.services import record_access
from tupa.core.forms import saved_redirect
from tupa.episodes.models import Participant
from tupa.people.models import Alias, Person
from tupa.residential.members import services
from tupa.residential.members.forms import BabyBornForm, MemberArriveForm, MemberDepartForm
from tupa.residential.models import Stay, StayMember
from tupa.residential.stays.views import subject_of


def _members(stay: Stay) -> list[StayMember]:
    return list(
        StayMember.objects.filter(stay=stay)
        .select_related("participant__person", "participant__alias")
        .order_by("arrived_at", "pk")
    )


def _candidates(stay: Stay) -> QuerySet[Participant]:
    """Participants of the episode who are not in this stay now: those who have not come yet
    and those who left early and may come back (``returning``)."""
    periods = StayMember.objects.filter(stay=stay, participant=OuterRef("pk"))
    return (
        Participant.objects.filter(episode_id=stay.episode_id, left_on__isnull=True)
        .exclude(Exists(periods.filter(departed_at__isnull=True)))
        .annotate(returning=Exists(periods))
        .select_related("person", "alias")
        .order_by("pk")
    )


def _log(
    request: HttpRequest, granted: Granted[Stay], persons: Iterable[Person | Alias | None]
) -> None:
    subjects = [p for p in persons if p is not None]
    if subjects:
        record_access(
            request=request,
            subjects=subjects,
            action=Action.VIEW,
            basis=granted.basis,
            episode_id=granted.obj.episode_id,
        )


def _members_url(stay: Stay) -> str:
    return reverse("residential:stay_members", args=[stay.pk])


def _saved_to_open_stay(
    request: HttpRequest,
    stay: Stay,
    form: BaseForm,
    service: Callable[[dict[str, Any]], object],
    *,
    field_map: dict[str, str],
) -> HttpResponse | None:
    """Somebody joins a stay (a later arrival, a baby): on a POST, ``service``; when done, the
    stay's people. A stay that has ended takes no one: its form is shown again, unsaved."""
    if stay.departed_at is not None:
        return None
    return saved_redirect(
        request,
        form,
        service,
        next_url=_members_url(stay),
        field_map=field_map,
        denied_as_404=True,
    )


def _refused_status(request: HttpRequest, stay: Stay) -> int:
    """The status of a joining form: 400 when its POST was refused; 200 on a GET, and when the
    stay has ended and nothing was tried (:func:`_saved_to_open_stay`)."""
    return 400 if request.method == "POST" and stay.departed_at is None else 200


def _page(
    request: HttpRequest,
    granted: Granted[Stay],
    template: str,
    context: dict[str, Any],
    *,
    persons: Iterable[Person | Alias | None],
    status: int = 200,
) -> HttpResponse:
    _log(request, granted, persons)
    stay = granted.obj
    return render(
        request, template, {"stay": stay, "episode": stay.episode, **context}, status=status
    )


@object_scoped
@require_GET
def stay_members(request: HttpRequest, pk: int) -> HttpResponse:
    granted = stay_access(request, pk)
    stay = granted.obj
    members = _members(stay)
    candidates = list(_candidates(stay))
    return _page(
        request,
        granted,
        "residential/member_list.html",
        {
            "members": members,
            "has_candidates": bool(candidates),
            "ensikoti": services.is_mother_and_baby_home(stay.episode.service_form),
        },
        persons=[subject_of(m.participant) for m in members],
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    granted = stay_access(request, pk)
    stay = granted.obj
    candidates = _candidates(stay)
    form = MemberArriveForm(request.POST or None, participants=candidates)
    saved = _saved_to_open_stay(
        request,
        stay,
        form,
        lambda data: services.member_arrive(
            actor=user_of(request),
            stay=stay,
            participant=data["participant"],
            arrived_at=form.moment(),
        ),
        field_map={"arrived_at": "arrival_date"},
    )
    if saved is not None:
        return saved
    listed = list(candidates)
    return _page(
        request,
        granted,
        "residential/member_form.html",
        {
            "form": form,
            "title": _("Myöhemmin tuleva tai palaava henkilö"),
            "intro": _(
                "Valitse asiakkuuden henkilö, joka tulee jaksolle muita myöhemmin tai palaa "
                "jaksolle lähdettyään aiemmin. Aiempi jakso säilyy sellaisenaan."
            ),
            "submit": _("Kirjaa tulo"),
            "empty": not listed,
        },
        persons=[subject_of(p) for p in listed],
        status=_refused_status(request, stay),
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def member_depart(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    granted = stay_access(request, pk)
    stay = granted.obj
    member = (
        StayMember.objects.filter(stay=stay, pk=member_pk)
        .select_related("participant__person", "participant__alias")
        .first()
    )
    if member is None:
        raise Http404
    member.stay = stay
    form = MemberDepartForm(request.POST or None)
    saved = saved_redirect(
        request,
        form,
        lambda data: services.member_depart(
            actor=user_of(request), member=member, departed_at=form.moment()
        ),
        next_url=_members_url(stay),
        field_map={"departed_at": "departure_date"},
        denied_as_404=True,
    )
    if saved is not None:
        return saved
    return _page(
        request,
        granted,
        "residential/member_form.html",
        {
            "form": form,
            "member": member,
            "title": _("Henkilön lähtö ennen muita"),
            "intro": _("Kirjaa, milloin henkilö lähti. Muut jatkavat jaksolla."),
            "submit": _("Kirjaa lähtö"),
            "empty": member.departed_at is not None,
        },
        persons=[subject_of(member.participant)],
        status=400 if request.method == "POST" else 200,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def baby_born(request: HttpRequest, pk: int) -> HttpResponse:
    granted = stay_access(request, pk)
    stay = granted.obj
    if not services.is_mother_and_baby_home(stay.episode.service_form):
        raise Http404
    mothers = list(
        Participant.objects.filter(
            stay_memberships__stay=stay,
            stay_memberships__departed_at__isnull=True,
            person__isnull=False,
        )
        .exclude(role=Participant.Role.CHILD)
        .select_related("person")
        .order_by("pk")
    )
    form = BabyBornForm(
        request.POST or None,
        mothers=Participant.objects.filter(pk__in=[m.pk for m in mothers]).select_related(
            "person", "alias"
        ),
    )
    saved = _saved_to_open_stay(
        request,
        stay,
        form,
        lambda data: services.baby_born(
            actor=user_of(request),
            stay=stay,
            first_names=data["first_names"],
            last_name=data["last_name"],
            born_at=form.moment(),
            gender=data["gender"],
            hetu=data["hetu"] or None,
            mother=data["mother"],
        ),
        field_map={"born_at": "birth_date"},
    )
    if saved is not None:
        return saved
    return _page(
        request,
        granted,
        "residential/member_form.html",
        {
            "form": form,
            "title": _("Vauva syntyi"),
            "intro": _(
                "Vauva lisätään henkilönä asiakkuuteen (rooli lapsi) ja tämän jakson henkilöksi "
                "syntymähetkestä alkaen."
            ),
            "submit": _("Kirjaa syntymä"),
            "empty": False,
        },
        persons=[m.person for m in mothers],
        status=_refused_status(request, stay),
    )
