"""Tapaamispaikka screens: orders, scheduling, outcomes and records, contacts, billing, statistics.

Thin views over :mod:`.selectors` and :mod:`.services`.

Access (ARCHITECTURE.md §6): the order, meeting and contact screens are for client-work members
of the visitation service form only — the basis of the episode must be ``membership``; everyone
else gets 404, also for ids that do not exist. Every person shown is written to the access log
(fail closed). Billing and statistics are aggregates without persons: they follow the policy
rules ``visitation.billing.view`` / ``visitation.statistics.view`` (members of the form, the
executive director; finance also sees billing) and need no access log.

Turvakielto: no page here shows a person's address, municipality or contact data. The payer
municipality of an order is shown as "Suojattu tieto" when a party has a restriction in force
(it is the child's home municipality); it appears in the billing aggregate only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access import clients, policy
from tupa.access.clients import is_member
from tupa.access.marks import object_scoped
from tupa.access.policy import Basis
from tupa.accounts.models import User
from tupa.audit.models import Action
from tupa.audit.services import record_access
from tupa.core.forms import apply_errors
from tupa.episodes import journal
from tupa.episodes.models import Episode, Participant
from tupa.organisations.models import Partner, ServiceForm

from . import rules, selectors, services
from .forms import (
    ContactForm,
    MeetingForm,
    OrderForm,
    OutcomeForm,
    PeriodForm,
    ScheduleForm,
    previous_month,
    year_to_date,
)
from .models import Meeting, MeetingOrder, MeetingType, Outcome, PartyRole

#: How far ahead the front page lists meetings.
UPCOMING_DAYS = 14

# --------------------------------------------------------------------------- helpers


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _log(
    request: HttpRequest,
    subjects: Iterable[Any],
    *,
    action: str = Action.VIEW,
    episode_id: int | None = None,
) -> None:
    subjects = list(subjects)
    if subjects:
        record_access(
            request=request,
            subjects=subjects,
            action=action,
            basis=Basis.MEMBERSHIP,
            episode_id=episode_id,
        )


def _visitation_form(slug: str) -> ServiceForm | None:
    return (
        ServiceForm.objects.filter(slug=slug, kind=ServiceForm.Kind.VISITATION)
        .select_related("area", "team")
        .first()
    )


def _member_form_or_404(request: HttpRequest, slug: str) -> ServiceForm:
    service_form = _visitation_form(slug)
    if service_form is None or not is_member(_user(request), service_form.pk):
        raise Http404
    return service_form


def _aggregate_form_or_404(request: HttpRequest, slug: str, action: str) -> ServiceForm:
    service_form = _visitation_form(slug)
    if service_form is None:
        raise Http404
    policy.require(_user(request), action, service_form)
    return service_form


def _member_episode_or_404(request: HttpRequest, episode: Episode | None) -> Episode:
    if episode is None or episode.service_form.kind != ServiceForm.Kind.VISITATION:
        raise Http404
    if clients.episode_basis(user=_user(request), episode=episode) is not Basis.MEMBERSHIP:
        raise Http404
    return episode


def _order_or_404(request: HttpRequest, pk: int) -> MeetingOrder:
    order = selectors.order_detail(pk=pk)
    if order is None:
        raise Http404
    _member_episode_or_404(request, order.episode)
    return order


def _meeting_or_404(request: HttpRequest, pk: int) -> tuple[Meeting, MeetingOrder]:
    meeting = Meeting.objects.filter(pk=pk).select_related("record_entry").first()
    if meeting is None:
        raise Http404
    order = _order_or_404(request, meeting.order_id)
    meeting.order = order
    return meeting, order


def _partners(organisation_id: int) -> QuerySet[Partner]:
    return Partner.objects.filter(organisation_id=organisation_id, active=True).order_by("name")


def _order_url(order_id: int) -> str:
    return reverse("visitation:order_detail", args=[order_id])


def _current_participants(episode: Episode) -> list[Participant]:
    return list(
        Participant.objects.filter(episode=episode, left_on__isnull=True)
        .select_related("person", "alias")
        .order_by("pk")
    )


def _subjects(participants: Iterable[Participant]) -> list[Any]:
    return [p.person or p.alias for p in participants if p.person or p.alias]


def _roles(order: MeetingOrder) -> list[str]:
    return list(dict.fromkeys(p.role for p in order.parties.all()))


# --------------------------------------------------------------------------- front page


@object_scoped
@require_GET
def order_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Orders in force (or all), the next two weeks' meetings and episodes without an order."""
    service_form = _member_form_or_404(request, slug)
    today = timezone.localdate()
    show_all = request.GET.get("kaikki") == "1"
    orders = list(
        selectors.orders_for_form(service_form=service_form, on=None if show_all else today)
    )
    start = rules.local_moment(today, dt.time(0, 0))
    upcoming = list(
        selectors.upcoming_meetings(
            service_form=service_form,
            start=start,
            end=rules.local_moment(today + dt.timedelta(days=UPCOMING_DAYS), dt.time(0, 0)),
        )
    )
    with_order = set(
        MeetingOrder.objects.filter(episode__service_form=service_form)
        .filter(valid_from__lte=today)
        .exclude(valid_until__lt=today)
        .values_list("episode_id", flat=True)
    )
    without = list(
        Episode.objects.filter(service_form=service_form, status=Episode.Status.ACTIVE)
        .exclude(pk__in=with_order)
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.filter(left_on__isnull=True)
                .select_related("person", "alias")
                .order_by("pk"),
            )
        )
        .order_by("-start_date", "-pk")
    )
    subjects: list[Any] = []
    for order in orders:
        subjects += selectors.persons_of_parties(order.parties.all())
    for meeting in upcoming:
        subjects += selectors.persons_of_parties(meeting.order.parties.all())
    for episode in without:
        subjects += _subjects(episode.participants.all())
    _log(request, subjects, action=Action.LIST)
    return render(
        request,
        "visitation/order_list.html",
        {
            "service_form": service_form,
            "orders": orders,
            "upcoming": upcoming,
            "without": without,
            "show_all": show_all,
            "upcoming_days": UPCOMING_DAYS,
            "may_stats": bool(
                policy.decide(_user(request), "visitation.statistics.view", service_form)
            ),
        },
    )


# --------------------------------------------------------------------------- orders


def _render_order_form(
    request: HttpRequest,
    *,
    episode: Episode,
    form: OrderForm,
    order: MeetingOrder | None,
    status: int,
) -> HttpResponse:
    _log(request, _subjects(form.participants), episode_id=episode.pk)
    return render(
        request,
        "visitation/order_form.html",
        {
            "episode": episode,
            "service_form": episode.service_form,
            "form": form,
            "order": order,
            "title": _("Muokkaa tapaamismääräystä") if order else _("Uusi tapaamismääräys"),
        },
        status=status,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def order_create(request: HttpRequest, episode_pk: int) -> HttpResponse:
    episode = _member_episode_or_404(
        request, Episode.objects.select_related("service_form").filter(pk=episode_pk).first()
    )
    if episode.status == Episode.Status.ENDED:
        raise Http404
    participants = _current_participants(episode)
    initial: dict[str, Any] = {"valid_from": timezone.localdate()}
    for p in participants:
        if p.role == Participant.Role.CHILD:
            initial[f"party_{p.pk}"] = PartyRole.CHILD
    form = OrderForm(
        request.POST or None,
        partners=_partners(episode.organisation_id),
        participants=participants,
        initial=initial,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                order = services.order_create(
                    actor=_user(request),
                    episode=episode,
                    parties=form.parties(),
                    **form.order_values(),
                )
            except ValidationError as error:
                apply_errors(form, error, field_map={"parties": "__all__"})
            except PermissionDenied as exc:  # pragma: no cover - checked above
                raise Http404 from exc
            else:
                return HttpResponseRedirect(_order_url(order.pk))
        status = 400
    return _render_order_form(request, episode=episode, form=form, order=None, status=status)


@object_scoped
@require_http_methods(["GET", "POST"])
def order_edit(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_or_404(request, pk)
    episode = order.episode
    participants = _current_participants(episode)
    # Parties who have since left the episode stay choosable, so that saving keeps them.
    known = {p.pk for p in participants}
    participants += [
        party.participant for party in order.parties.all() if party.participant_id not in known
    ]
    form = OrderForm(
        request.POST or None,
        partners=_partners(episode.organisation_id),
        participants=participants,
        initial=OrderForm.initial_for(order),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.order_update(
                    actor=_user(request),
                    order=order,
                    version=form.cleaned_data.get("version"),
                    parties=form.parties(),
                    **form.order_values(),
                )
            except ValidationError as error:
                apply_errors(form, error, field_map={"parties": "__all__"})
            else:
                return HttpResponseRedirect(_order_url(order.pk))
        status = 400
    return _render_order_form(request, episode=episode, form=form, order=order, status=status)


@object_scoped
@require_GET
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_or_404(request, pk)
    parties = list(order.parties.all())
    roles = _roles(order)
    meetings = list(selectors.meetings_of(order))
    now = timezone.now()
    rows = [
        {
            "meeting": m,
            "times": selectors.party_times_for(m, order, roles),
            "past": m.starts_at <= now,
        }
        for m in meetings
    ]
    restricted = selectors.restricted_parties(parties)
    contacts = list(selectors.contacts_of(order))
    _log(request, selectors.persons_of_parties(parties), episode_id=order.episode_id)
    next_start = None
    if meetings:
        last = meetings[-1]
        local = timezone.localtime(last.starts_at, rules.HELSINKI)
        next_start = local + dt.timedelta(weeks=order.interval_weeks)
    return render(
        request,
        "visitation/order_detail.html",
        {
            "order": order,
            "episode": order.episode,
            "service_form": order.episode.service_form,
            "parties": parties,
            "rows": rows,
            "contacts": contacts,
            "has_restriction": bool(restricted),
            "next_start": next_start,
            "is_exchange": order.meeting_type == MeetingType.EXCHANGE,
        },
    )


# --------------------------------------------------------------------------- scheduling


@object_scoped
@require_http_methods(["GET", "POST"])
def schedule(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_or_404(request, pk)
    last = Meeting.objects.filter(order=order).order_by("-starts_at").first()
    if last is not None:
        local = timezone.localtime(last.starts_at, rules.HELSINKI)
        initial = {
            "first_day": local.date() + dt.timedelta(weeks=order.interval_weeks),
            "time": local.time(),
        }
    else:
        initial = {"first_day": max(order.valid_from, timezone.localdate()), "time": dt.time(17, 0)}
    form = ScheduleForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.meetings_schedule(
                    actor=_user(request),
                    order=order,
                    first_day=form.cleaned_data["first_day"],
                    time=form.cleaned_data["time"],
                    count=form.cleaned_data["count"],
                    location=form.cleaned_data["location"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                return HttpResponseRedirect(_order_url(order.pk) + "#tapaamiset")
        status = 400
    parties = list(order.parties.all())
    _log(request, selectors.persons_of_parties(parties), episode_id=order.episode_id)
    return render(
        request,
        "visitation/schedule.html",
        {
            "order": order,
            "parties": parties,
            "form": form,
            "service_form": order.episode.service_form,
        },
        status=status,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, order = _meeting_or_404(request, pk)
    local = timezone.localtime(meeting.starts_at, rules.HELSINKI)
    form = MeetingForm(
        request.POST or None,
        initial={
            "start_date": local.date(),
            "start_time": local.time(),
            "duration_minutes": meeting.duration_minutes,
            "location": meeting.location,
            "version": meeting.version,
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.meeting_update(
                    actor=_user(request),
                    meeting=meeting,
                    version=form.cleaned_data["version"],
                    starts_at=form.starts_at(),
                    duration_minutes=form.cleaned_data["duration_minutes"],
                    location=form.cleaned_data["location"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                return HttpResponseRedirect(_order_url(order.pk) + "#tapaamiset")
        status = 400
    parties = list(order.parties.all())
    _log(request, selectors.persons_of_parties(parties), episode_id=order.episode_id)
    return render(
        request,
        "visitation/meeting_form.html",
        {
            "order": order,
            "meeting": meeting,
            "form": form,
            "times": selectors.party_times_for(meeting, order, _roles(order)),
            "service_form": order.episode.service_form,
        },
        status=status,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def meeting_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, order = _meeting_or_404(request, pk)
    parties = list(order.parties.all())
    initial = {
        "outcome": meeting.outcome or None,
        "no_show_role": meeting.no_show_role,
        "late_cancellation": meeting.late_cancellation,
        "interruption_reason": meeting.interruption_reason,
        "outcome_note": meeting.outcome_note,
        "version": meeting.version,
        "written_with_client": True,
    }
    form = OutcomeForm(
        request.POST or None,
        parties=parties,
        record_exists=meeting.record_entry_id is not None,
        initial=initial,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.meeting_record_outcome(
                    actor=_user(request),
                    meeting=meeting,
                    version=data["version"],
                    outcome=data["outcome"],
                    no_show_role=data["no_show_role"],
                    late_cancellation=data["late_cancellation"],
                    interruption_reason=data["interruption_reason"],
                    outcome_note=data["outcome_note"],
                    record_text=data.get("record_text", ""),
                    written_with_client=data.get("written_with_client", False),
                    present=data.get("present") or [],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                return HttpResponseRedirect(_order_url(order.pk) + "#tapaamiset")
        status = 400
    _log(request, selectors.persons_of_parties(parties), episode_id=order.episode_id)
    return render(
        request,
        "visitation/meeting_outcome.html",
        {
            "order": order,
            "meeting": meeting,
            "form": form,
            "service_form": order.episode.service_form,
            "times": selectors.party_times_for(meeting, order, _roles(order)),
            # The correction view's own predicate: offer the link only to who may follow it.
            "may_correct_record": meeting.record_entry is not None
            and journal.may_correct(user=_user(request), entry=meeting.record_entry),
        },
        status=status,
    )


# --------------------------------------------------------------------------- contact log


@object_scoped
@require_http_methods(["GET", "POST"])
def contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order_or_404(request, pk)
    parties = list(order.parties.all())
    form = ContactForm(
        request.POST or None,
        parties=parties,
        partners=_partners(order.organisation_id),
        initial={"contacted_on": timezone.localdate()},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.contact_add(
                    actor=_user(request),
                    order=order,
                    contacted_on=data["contacted_on"],
                    channel=data["channel"],
                    summary=data["summary"],
                    party=data["party"],
                    partner=data["partner"],
                    other=data["other"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                return HttpResponseRedirect(_order_url(order.pk) + "#yhteydenpito")
        status = 400
    _log(request, selectors.persons_of_parties(parties), episode_id=order.episode_id)
    return render(
        request,
        "visitation/contact_form.html",
        {"order": order, "form": form, "service_form": order.episode.service_form},
        status=status,
    )


# --------------------------------------------------------------------------- billing, statistics


def _period(
    request: HttpRequest, default: dict[str, dt.date]
) -> tuple[PeriodForm, dt.date | None, dt.date | None]:
    data = request.GET if ("start" in request.GET or "end" in request.GET) else None
    form = PeriodForm(data, initial=default)
    if data is None:
        return form, default["start"], default["end"]
    if form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, None, None


@object_scoped
@require_GET
def billing(request: HttpRequest, slug: str) -> HttpResponse:
    service_form = _aggregate_form_or_404(request, slug, "visitation.billing.view")
    form, start, end = _period(request, previous_month(timezone.localdate()))
    result = (
        selectors.billing(service_form=service_form, start=start, end=end)
        if start and end
        else None
    )
    if result is not None and request.GET.get("muoto") == "csv":
        return _billing_csv(service_form, result, start, end)  # type: ignore[arg-type]
    return render(
        request,
        "visitation/billing.html",
        {
            "service_form": service_form,
            "form": form,
            "result": result,
            "start": start,
            "end": end,
            "type_labels": MeetingType.labels,
            "billable_labels": [
                Outcome(o).label for o in Outcome.values if result and o in result.rule.outcomes
            ],
            "late_billable": result.rule.late_cancellations if result else False,
            "csv_query": request.GET.urlencode(),
        },
        status=200 if result is not None else 400,
    )


def _billing_csv(
    service_form: ServiceForm, result: selectors.Billing, start: dt.date, end: dt.date
) -> HttpResponse:
    """For Finnish Excel: ``;`` as separator, UTF-8 with a BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(
        [_("Kuntanumero"), _("Kunta"), _("Kuukausi")]
        + [str(label) for label in MeetingType.labels]
        + [_("Yhteensä")]
    )
    for row in result.rows:
        writer.writerow(
            [
                row.municipality_code,
                row.municipality,
                row.month.strftime("%Y-%m"),
                *row.type_counts(),
                row.total,
            ]
        )
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="tapaamiset-laskutus-{service_form.slug}-'
        f'{start:%Y%m%d}-{end:%Y%m%d}.csv"'
    )
    return response


@object_scoped
@require_GET
def statistics(request: HttpRequest, slug: str) -> HttpResponse:
    service_form = _aggregate_form_or_404(request, slug, "visitation.statistics.view")
    form, start, end = _period(request, year_to_date(timezone.localdate()))
    result = (
        selectors.statistics(service_form=service_form, start=start, end=end)
        if start and end
        else None
    )
    return render(
        request,
        "visitation/statistics.html",
        {
            "service_form": service_form,
            "form": form,
            "result": result,
            "start": start,
            "end": end,
            "is_member": is_member(_user(request), service_form.pk),
            "interruption_rows": _interruption_rows(result),
        },
        status=200 if result is not None else 400,
    )


def _interruption_rows(result: selectors.Statistics | None) -> list[tuple[str, int]]:
    if result is None:
        return []
    from .models import InterruptionReason

    return [
        (str(label), result.interruptions.get(code, 0))
        for code, label in InterruptionReason.choices
    ]
