"""Payment commitments of an episode and the billable care days per payer (issue 4 item 9).

- Commitment pages: client-work members of the episode's residential service form only
  (basis ``membership``); everyone else, and every bad id, gets 404. The episode's persons are
  logged once per page (a commitment is the client's data: payer, home municipality).
- Billing list and its CSV export: policy rule ``residential.billing.view`` — the form's
  client-work members (worker, lead, coordinator) and the organisation's finance role. Members
  see every line with the names; finance sees names only on lines billed to a payer under a
  payment commitment (state-paid days and days without a commitment are counts per month),
  and a family under turvakielto is never named next to its payer (see :func:`_build`); at a
  victim-work unit, a finance user who also does perpetrator work gets counts only (the wall),
  and a family with a participant under a processing restriction (GDPR art. 18) is named to
  nobody (``Käsittelyä rajoitettu``, not logged). Every
  person or alias on an itemised line is logged (``list`` for the page, ``export`` for the
  file) before anything is shown; a failed log write fails the request (fail closed).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access.fetch import Granted, episode_in_form_access, member_of
from tupa.access.marks import object_scoped, user_of
from tupa.access.policy import Basis
from tupa.access.residential import (
    billing_access,
    may_keep_stays,
    may_see_all_billing_names,
    never_names_victims_to,
)
from tupa.audit.models import Action
from tupa.audit.services import record_access
from tupa.core.forms import saved_redirect
from tupa.core.spreadsheets import csv_response, finnish_csv
from tupa.episodes.models import Episode, Participant
from tupa.organisations.models import ServiceForm
from tupa.people.processing import restricted_episode_ids
from tupa.people.restrictions import PLACEHOLDER_MSGID, protected_episode_ids
from tupa.residential.commitments import selectors, services
from tupa.residential.commitments.forms import (
    BillingPeriodForm,
    CommitmentCancelForm,
    CommitmentCorrectForm,
    CommitmentForm,
    default_billing_period,
)
from tupa.residential.models import PayerCategory, PaymentCommitment, Stay
from tupa.residential.stays.views import subjects_of

# --------------------------------------------------------------------------- helpers


def _episode_or_404(request: HttpRequest, episode_pk: int) -> Granted[Episode]:
    """A residential episode of a form the user is a client-work member of; else 404."""
    return episode_in_form_access(
        request, episode_pk, kind=ServiceForm.Kind.RESIDENTIAL, rule=member_of
    )


def _commitment_or_404(request: HttpRequest, pk: int) -> Granted[PaymentCommitment]:
    commitment = (
        PaymentCommitment.objects.select_related("episode__service_form", "payer", "municipality")
        .filter(pk=pk)
        .first()
    )
    if commitment is None:
        raise Http404
    return Granted(commitment, _episode_or_404(request, commitment.episode_id).basis)


def _log_episode(request: HttpRequest, episode: Episode, basis: Basis) -> None:
    """The episode's persons and aliases (a commitment is their data: payer, home municipality)."""
    persons = subjects_of(
        Participant.objects.filter(episode=episode).select_related("person", "alias")
    )
    if persons:
        record_access(
            request=request,
            subjects=persons,
            action=Action.VIEW,
            basis=basis,
            episode_id=episode.pk,
        )


def _family_protected(episode: Episode) -> bool:
    """Somebody of the episode's family has a restriction in force: a commitment's home
    municipality is then hidden on the episode's pages too, as on the billing list."""
    return episode.pk in protected_episode_ids([episode.pk])


def _list_url(episode_id: int) -> str:
    return reverse("residential:commitments", args=[episode_id])


def _payers(episode: Episode, include: Any = None) -> Any:
    return selectors.payer_choices(organisation_id=episode.organisation_id, include=include)


# --------------------------------------------------------------------------- commitments


@object_scoped
@require_GET
def commitment_list(request: HttpRequest, episode_pk: int) -> HttpResponse:
    granted = _episode_or_404(request, episode_pk)
    episode = granted.obj
    commitments = selectors.commitments_of_episode(episode=episode)
    stays = list(
        Stay.objects.filter(episode=episode).select_related("place").order_by("arrived_at", "pk")
    )
    _log_episode(request, episode, granted.basis)
    rows = [{"commitment": c, "history": history} for c, history in commitments]
    return render(
        request,
        "residential/commitment_list.html",
        {
            "episode": episode,
            "rows": rows,
            "stays": stays,
            "protected": _family_protected(episode),
        },
    )


def _commitment_form_view(
    request: HttpRequest,
    episode: Episode,
    form: Any,
    save: Callable[[dict[str, Any]], object],
    *,
    basis: Basis,
    title: str,
    button: str,
    commitment: PaymentCommitment | None = None,
) -> HttpResponse:
    """A commitment form of the episode: a POST runs ``save`` through the form and goes back to
    the episode's commitments when it is done; otherwise the form page (400 after a refused
    POST), which names the episode's persons and so logs them."""
    saved = saved_redirect(request, form, save, next_url=_list_url(episode.pk), denied_as_404=True)
    if saved is not None:
        return saved
    _log_episode(request, episode, basis)
    return render(
        request,
        "residential/commitment_form.html",
        {
            "episode": episode,
            "form": form,
            "title": title,
            "submit": button,
            "commitment": commitment,
        },
        status=400 if request.method == "POST" else 200,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def commitment_add(request: HttpRequest, episode_pk: int) -> HttpResponse:
    granted = _episode_or_404(request, episode_pk)
    episode = granted.obj
    initial = {"valid_from": timezone.localdate()}
    form = CommitmentForm(request.POST or None, payers=_payers(episode), initial=initial)
    return _commitment_form_view(
        request,
        episode,
        form,
        lambda data: services.commitment_add(actor=user_of(request), episode=episode, **data),
        basis=granted.basis,
        title=_("Uusi maksusitoumus"),
        button=_("Tallenna maksusitoumus"),
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def commitment_correct(request: HttpRequest, pk: int) -> HttpResponse:
    granted = _commitment_or_404(request, pk)
    commitment = granted.obj
    episode = commitment.episode
    if commitment.cancelled_on is not None:
        return HttpResponseRedirect(_list_url(episode.pk))
    initial = {
        "payer": commitment.payer_id,
        "municipality": commitment.municipality_id,
        "reference": commitment.reference,
        "valid_from": commitment.valid_from,
        "valid_until": commitment.valid_until,
        "daily_price": commitment.daily_price,
        "note": commitment.note,
    }
    form = CommitmentCorrectForm(
        request.POST or None, payers=_payers(episode, commitment.payer), initial=initial
    )
    if _family_protected(episode):
        form.hide_fields("municipality", placeholder=_(PLACEHOLDER_MSGID))

    def save(data: dict[str, Any]) -> object:
        return services.commitment_correct(
            actor=user_of(request), commitment=commitment, **form.keeping_hidden(data)
        )

    return _commitment_form_view(
        request,
        episode,
        form,
        save,
        basis=granted.basis,
        title=_("Korjaa maksusitoumusta"),
        button=_("Tallenna korjaus"),
        commitment=commitment,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def commitment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    granted = _commitment_or_404(request, pk)
    commitment = granted.obj
    episode = commitment.episode
    if commitment.cancelled_on is not None:
        return HttpResponseRedirect(_list_url(episode.pk))
    form = CommitmentCancelForm(
        request.POST or None, initial={"cancelled_on": timezone.localdate()}
    )
    return _commitment_form_view(
        request,
        episode,
        form,
        lambda data: services.commitment_cancel(
            actor=user_of(request),
            commitment=commitment,
            reason=data["reason"],
            cancelled_on=data["cancelled_on"],
        ),
        basis=granted.basis,
        title=_("Peru maksusitoumus"),
        button=_("Peru maksusitoumus"),
        commitment=commitment,
    )


# --------------------------------------------------------------------------- billing


def _participant_name(participant: Participant) -> str:
    if participant.person is not None:
        return f"{participant.person.first_names} {participant.person.last_name}"
    label = participant.alias.label if participant.alias is not None else ""
    return _("%(label)s (peitenimi)") % {"label": label}


def _group_title(group: selectors.PayerGroup) -> str:
    if group.kind == selectors.MISSING:
        return _("Ei maksusitoumusta")
    if group.kind == selectors.STATE:
        return str(PayerCategory.STATE.label)
    assert group.payer is not None
    return group.payer.name


def _itemised_line(
    line: selectors.BillingLine,
    participants: dict[int, Participant],
    *,
    protected: bool,
    member: bool,
    restricted: bool = False,
) -> dict[str, Any]:
    """One billing line per episode, month and commitment, with whom it bills.

    ``protected``: somebody of the family is under turvakielto. The payer of a commitment is
    often her home municipality, so the line keeps its payer, reference, days and price (the
    invoice needs them, and the payer knows its own decision by the reference) but never names
    the family next to it: the persons and the home municipality read "Suojattu tieto", and
    the episode number too for a viewer outside the unit (finance), for whom it would be the
    key that links the row to the family elsewhere.

    ``restricted``: somebody of the family is under a processing restriction (GDPR art. 18,
    hidden from lists): the line keeps its days and payer but names nobody of the family, in
    the same way, with "Käsittelyä rajoitettu" (as the occupancy page).
    """
    placeholder = _(PLACEHOLDER_MSGID)
    commitment = line.commitment
    municipality = ""
    if restricted:
        placeholder = _("Käsittelyä rajoitettu")
        protected = True
    if protected:
        municipality = placeholder
    elif commitment is not None and commitment.municipality is not None:
        municipality = commitment.municipality.name
    persons = (
        [(placeholder, line.days)]
        if protected
        else [
            (_participant_name(participants[pid]), days)
            for pid, days in sorted(line.person_days.items())
        ]
    )
    return {
        "line": line,
        "month": f"{line.month[1]}/{line.month[0]}",
        "episode": line.episode_id if member or not protected else None,
        "persons": persons,
        "reference": commitment.reference if commitment else "",
        "municipality": municipality,
    }


def _month_counts(group: selectors.PayerGroup) -> list[dict[str, Any]]:
    """The group's care days per month as counts only (persons and days, no one named)."""
    persons: dict[tuple[int, int], set[int]] = {}
    days: Counter[tuple[int, int]] = Counter()
    for line in group.lines:
        persons.setdefault(line.month, set()).update(line.person_days)
        days[line.month] += line.days
    return [
        {"month": f"{month[1]}/{month[0]}", "persons": len(persons[month]), "days": days[month]}
        for month in sorted(days)
    ]


def _build(
    request: HttpRequest, slug: str
) -> tuple[ServiceForm, BillingPeriodForm, dict[str, Any] | None]:
    """Authorise, bind the period and compute; ``None`` data when the period is invalid.

    What each viewer needs, and no more: the unit's members see every line with the names
    (they work with these families and record the missing commitments). Finance sees names
    only on the lines billed to a payer under a payment commitment; care days that bill nobody
    (the shelters' state compensation) or cannot yet be billed (no commitment) are counts per
    month. A family under turvakielto is never named next to its payer (:func:`_itemised_line`).
    ``subjects`` are the persons and aliases of the itemised lines, for the access log.
    """
    granted = billing_access(request, slug)
    service_form = granted.obj
    member = may_see_all_billing_names(user_of(request), service_form)
    names = member or not never_names_victims_to(user_of(request), service_form)
    bound = "year" in request.GET or "month" in request.GET
    form = BillingPeriodForm(request.GET if bound else default_billing_period(timezone.localdate()))
    if not form.is_valid():
        return service_form, form, None
    start, end = form.period()
    billing = selectors.billable_days(service_form=service_form, period_start=start, period_end=end)
    participants = selectors.billing_participants(billing)
    protected = protected_episode_ids(billing.episode_ids)
    restricted = restricted_episode_ids(billing.episode_ids)
    groups = []
    subjects: list[Any] = []
    for group in billing.groups:
        itemised = member or (names and group.kind == selectors.COMMITMENT)
        if itemised:
            lines = [
                _itemised_line(
                    line,
                    participants,
                    protected=line.episode_id in protected,
                    member=member,
                    restricted=line.episode_id in restricted,
                )
                for line in group.lines
            ]
            for line in group.lines:
                if line.episode_id in restricted:
                    continue  # named nowhere, so not shown
                for pid in line.person_days:
                    subject = participants[pid].person or participants[pid].alias
                    if subject is not None:
                        subjects.append(subject)
        else:
            lines = _month_counts(group)
        groups.append(
            {"group": group, "title": _group_title(group), "lines": lines, "itemised": itemised}
        )
    data = {
        "billing": billing,
        "groups": groups,
        "subjects": subjects,
        "basis": granted.basis,
        "start": start,
        "end": end,
    }
    return service_form, form, data


def _log_subjects(request: HttpRequest, data: dict[str, Any], action: str) -> None:
    """One event per person (or alias) on an itemised line; record_access drops repeats."""
    if data["subjects"]:
        record_access(
            request=request, subjects=data["subjects"], action=action, basis=str(data["basis"])
        )


@object_scoped
@require_GET
def billing(request: HttpRequest, slug: str) -> HttpResponse:
    service_form, form, data = _build(request, slug)
    if data is not None:
        _log_subjects(request, data, Action.LIST)
    context: dict[str, Any] = {
        "service_form": service_form,
        "form": form,
        "data": data,
        "is_member": may_keep_stays(user_of(request), service_form.pk),
        "query": request.GET.urlencode() if data is not None else "",
    }
    response = render(
        request, "residential/billing_list.html", context, status=200 if data else 400
    )
    response["Cache-Control"] = "no-store"
    return response


@object_scoped
@require_GET
def billing_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The billing list as CSV for Finnish Excel (``;``, UTF-8 with BOM), one row per person."""
    service_form, _form, data = _build(request, slug)
    if data is None:
        raise Http404
    _log_subjects(request, data, Action.EXPORT)
    header = [
        _("Maksaja"),
        _("Y-tunnus"),
        _("Kotikunta"),
        _("Päätöksen numero tai viite"),
        _("Kuukausi"),
        _("Asiakkuus"),
        _("Henkilö"),
        _("Hoitovuorokaudet"),
        _("Vuorokausihinta (€)"),
        _("Summa (€)"),
    ]
    rows: list[list[Any]] = []
    placeholder = _(PLACEHOLDER_MSGID)
    for group in data["groups"]:
        payer = group["group"].payer
        if not group["itemised"]:
            for row in group["lines"]:
                rows.append([group["title"], "", "", "", row["month"], "", "", row["days"], "", ""])
            continue
        for row in group["lines"]:
            price = row["line"].daily_price
            episode = row["episode"] if row["episode"] is not None else placeholder
            for name, days in row["persons"]:
                rows.append(
                    [
                        group["title"],
                        payer.business_id if payer else "",
                        row["municipality"],
                        row["reference"],
                        row["month"],
                        episode,
                        name,
                        days,
                        price,
                        None if price is None else price * days,
                    ]
                )
    start = data["start"]
    suffix = f"{start:%Y-%m}" if data["end"].month == start.month else f"{start:%Y}"
    return csv_response(
        finnish_csv(header, rows), f"hoitovuorokaudet-{service_form.slug}-{suffix}.csv"
    )
