"""Episode screens: my caseload, a service form's client list, intake, the episode page and its
edits, referrals between service forms, and break-the-glass with the lead's review queue.

Thin views (ARCHITECTURE.md §4): find the object through :mod:`.selectors` / :mod:`.access`
(404 when it does not exist *or* is not the user's), bind a form, call one service, render.
Every response that shows persons writes the access log (one event per person shown) through
:func:`_log` before rendering — fail closed: if the log write fails the request fails.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    QueryDict,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tupa.access import clients
from tupa.access.marks import login_only, object_scoped
from tupa.access.policy import Basis
from tupa.accounts.models import User
from tupa.audit.models import Action
from tupa.audit.services import record_access
from tupa.organisations.models import Partner, ServiceForm
from tupa.people.models import Alias, Consent, Person

from . import basic_forms, journal_views, selectors, services
from .forms import (
    AssignmentForm,
    BreakGlassForm,
    BreakGlassReviewForm,
    ChildFormSet,
    ClientListFilterForm,
    ConsentForm,
    ContactPermissionForm,
    EpisodeEditForm,
    ExternalReferralForm,
    GoalForm,
    GoalReviewForm,
    IntakeForm,
    NetworkMeetingForm,
    ParticipantForm,
    ReferralDecisionForm,
    ReferralForm,
    StatusForm,
    apply_errors,
)
from .models import Assignment, BreakGlass, Episode, Goal, Participant, Referral

PAGE_SIZE = 25
CLIENT_LIST_FILTERS = ("q", "status", "referral_source", "opened_from", "opened_to")
EDIT_BASES = frozenset({Basis.MEMBERSHIP, Basis.ASSIGNMENT})


# --------------------------------------------------------------------------- helpers


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _log(
    request: HttpRequest,
    persons: Iterable[Person | Alias],
    *,
    basis: str,
    action: str = Action.VIEW,
    episode_id: int | None = None,
    reason: str = "",
) -> None:
    """One access-log event per distinct person shown (nothing when no person is shown)."""
    subjects = [p for p in persons if p is not None]
    if subjects:
        record_access(
            request=request,
            subjects=subjects,
            action=action,
            basis=basis,
            reason=reason,
            episode_id=episode_id,
        )


def _log_list(request: HttpRequest, episodes: Iterable[Episode]) -> None:
    """Log the persons of listed episodes, grouped by the basis on which each is visible."""
    user = _user(request)
    persons: dict[int, Person] = {}
    episode_of: dict[int, Episode] = {}
    for episode in episodes:
        for participant in getattr(episode, "current_participants", []):
            if participant.person is not None:
                persons[participant.person.pk] = participant.person
                episode_of.setdefault(participant.person.pk, episode)
    if not persons:
        return
    bases = clients.person_bases(user=user, persons=persons.values())
    groups: dict[str, list[Person]] = defaultdict(list)
    for pk, person in persons.items():
        basis: Basis | None = bases.get(pk)
        if basis is None:
            # Visible through consent or break-the-glass only: ask for that episode's basis.
            basis = clients.episode_basis(user=user, episode=episode_of[pk])
        if basis is None:  # pragma: no cover - the lists come from episodes_visible_to
            raise Http404
        groups[str(basis)].append(person)
    for basis_value, group in groups.items():
        _log(request, group, basis=basis_value, action=Action.LIST)


def _episode_or_404(request: HttpRequest, pk: int) -> tuple[Episode, Basis]:
    found = selectors.episode_for(user=_user(request), pk=pk)
    if found is None:
        raise Http404
    return found


def _editable_or_403(request: HttpRequest, pk: int) -> tuple[Episode, Basis]:
    """The episode for an edit page: 404 if not visible, 403 if visible but read-only."""
    episode, basis = _episode_or_404(request, pk)
    if basis not in EDIT_BASES:
        raise PermissionDenied
    return episode, basis


def _header_participants(episode: Episode) -> list[Participant]:
    return list(
        Participant.objects.filter(episode=episode, left_on__isnull=True)
        .select_related("person", "alias")
        .order_by("pk")
    )


def _render_episode_page(
    request: HttpRequest,
    episode: Episode,
    basis: Basis,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
) -> HttpResponse:
    """Render a page about one episode; its header names the participants, so log them."""
    participants = _header_participants(episode)
    _log(
        request,
        [p.person for p in participants if p.person is not None],
        basis=basis,
        episode_id=episode.pk,
        reason=_break_glass_reason(request, episode, basis),
    )
    context = {"episode": episode, "basis": basis, "header_participants": participants, **context}
    return render(request, template, context, status=status)


def _break_glass_reason(request: HttpRequest, episode: Episode, basis: Basis) -> str:
    if basis is not Basis.BREAK_THE_GLASS:
        return ""
    item = services.active_break_glass(user=_user(request), episode=episode)
    return item.reason if item is not None else ""


def _form_page(
    request: HttpRequest,
    episode: Episode,
    basis: Basis,
    form: Any,
    *,
    title: str,
    submit: str,
    intro: str = "",
    status: int = 200,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    return _render_episode_page(
        request,
        episode,
        basis,
        "episodes/form_page.html",
        {"form": form, "title": title, "submit": submit, "intro": intro, **(extra or {})},
        status=status,
    )


def _detail_url(episode: Episode | int) -> str:
    pk = episode if isinstance(episode, int) else episode.pk
    return reverse("episodes:detail", args=[pk])


def _conflict_data(request: HttpRequest, field: str, current: Episode) -> QueryDict:
    """The typed data with the current version, so that a second save goes through."""
    data = request.POST.copy()
    data[field] = str(current.version)
    return data


def _member_form_or_404(request: HttpRequest, slug: str) -> ServiceForm:
    service_form = ServiceForm.objects.filter(slug=slug).first()
    if service_form is None or not clients.is_member(_user(request), service_form.pk):
        raise Http404
    return service_form


# --------------------------------------------------------------------------- lists


@login_only
@require_GET
def caseload(request: HttpRequest) -> HttpResponse:
    """Omat asiakkuudet: ongoing episodes of my service forms and those assigned to me."""
    user = _user(request)
    episodes = list(selectors.caseload(user=user))
    _log_list(request, episodes)
    groups: dict[int, dict[str, Any]] = {}
    for episode in episodes:
        group = groups.setdefault(
            episode.service_form_id, {"service_form": episode.service_form, "episodes": []}
        )
        group["episodes"].append(episode)
    return render(
        request,
        "episodes/caseload.html",
        {
            "groups": list(groups.values()),
            "count": len(episodes),
            "service_forms": selectors.member_service_forms(user=user),
            "panel": selectors.dashboard_panel(user=user),
        },
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def client_list(request: HttpRequest, slug: str) -> HttpResponse:
    """A service form's client list with filters (members of the form only).

    The name filter travels in a POST body only, never in a URL, where it would end up in
    browser history and server logs: the filter form and its page buttons post. The
    non-identifying filters work as a GET query too; a name in a query string is ignored.
    """
    user = _user(request)
    service_form = _member_form_or_404(request, slug)
    data: QueryDict
    if request.method == "POST":
        data, bound = request.POST, True
    else:
        data = request.GET.copy()
        data.pop("q", None)
        bound = any(name in data for name in CLIENT_LIST_FILTERS)
    form = ClientListFilterForm(data if bound else None)
    page = None
    if not bound or form.is_valid():
        filters = form.cleaned_data if bound else {}
        episodes = selectors.client_list(
            user=user,
            service_form=service_form,
            status=filters.get("status") or None,
            q=filters.get("q") or None,
            referral_source=filters.get("referral_source") or None,
            opened_from=filters.get("opened_from"),
            opened_to=filters.get("opened_to"),
        )
        page = Paginator(episodes, PAGE_SIZE).get_page(data.get("page"))
        _log_list(request, page.object_list)
    return render(
        request,
        "episodes/client_list.html",
        {"service_form": service_form, "form": form, "page": page},
    )


# --------------------------------------------------------------------------- intake


@object_scoped
@require_http_methods(["GET", "POST"])
def open_episode(request: HttpRequest, slug: str) -> HttpResponse:
    """Open an episode for a new person or an anonymous client, children along in one go."""
    user = _user(request)
    service_form = _member_form_or_404(request, slug)
    existing = _existing_person(request)
    post = request.POST if request.method == "POST" else None
    initial: dict[str, Any] = {}
    if existing is None and service_form.anonymous_allowed:
        initial["mode"] = IntakeForm.MODE_ALIAS  # e.g. the shelter: anonymous first
    form = IntakeForm(post, existing=existing, initial=initial)
    children = ChildFormSet(post, prefix="lapset")
    if post is not None and form.is_valid() and children.is_valid():
        anonymous = form.cleaned_data["mode"] == IntakeForm.MODE_ALIAS
        subject = form.subject()
        parent_last = subject.last_name if isinstance(subject, Person | services.NewPerson) else ""
        rows = [
            row.child(anonymous=anonymous, parent_last_name=parent_last)
            for row in children
            if row.has_content()
        ]
        try:
            episode = services.episode_intake(
                actor=user,
                service_form=service_form,
                client=subject,
                role=form.cleaned_data["role"],
                violence_role=form.cleaned_data.get("violence_role") or "",
                children=rows,
                child_violence_role=form.cleaned_data.get("child_violence_role") or "",
                **form.episode_kwargs(),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Asiakkuus on avattu."))
            return HttpResponseRedirect(_detail_url(episode))
    if existing is not None:
        _log(request, [existing], basis=_person_basis(request, existing))
    return render(
        request,
        "episodes/open.html",
        {"service_form": service_form, "form": form, "children": children, "existing": existing},
    )


def _existing_person(request: HttpRequest) -> Person | None:
    """``?henkilo=<id>``: a person the user may already see (else 404, never a hint)."""
    raw = request.GET.get("henkilo") or request.POST.get("henkilo")
    if not raw:
        return None
    try:
        pk = int(raw)
    except ValueError as exc:
        raise Http404 from exc
    person = clients.persons_visible_to(user=_user(request)).filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


def _person_basis(request: HttpRequest, person: Person) -> str:
    basis = clients.person_bases(user=_user(request), persons=[person]).get(person.pk)
    if basis is None:
        raise Http404
    return str(basis)


# --------------------------------------------------------------------------- the episode page


@object_scoped
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The episode page: status, participants, plan, network, referrals, basic form, journal."""
    user = _user(request)
    found = selectors.episode_detail(user=user, pk=pk)
    if found is None:
        raise Http404
    episode = found.episode
    break_glass = (
        services.active_break_glass(user=user, episode=episode)
        if found.basis is Basis.BREAK_THE_GLASS
        else None
    )
    _log(
        request,
        found.persons(),
        basis=found.basis,
        episode_id=episode.pk,
        reason=break_glass.reason if break_glass else "",
    )
    definition, answers = basic_forms.display_answers(episode)
    context = {
        "detail": found,
        "episode": episode,
        "basis": found.basis,
        "may_edit": found.basis in EDIT_BASES,
        "is_member": clients.is_member(user, episode.service_form_id),
        "break_glass": break_glass,
        "basic_form_definition": definition,
        "basic_form_answers": answers,
        "basic_form_available": basic_forms.active_definition(
            service_form_id=episode.service_form_id
        )
        is not None,
        "journal": journal_views.section_context(user=user, episode=episode, basis=found.basis),
    }
    return render(request, "episodes/detail.html", context)


# --------------------------------------------------------------------------- status and facts


@object_scoped
@require_http_methods(["GET", "POST"])
def edit_status(request: HttpRequest, pk: int) -> HttpResponse:
    episode, basis = _editable_or_403(request, pk)
    status = 200
    form: StatusForm | None
    if request.method == "POST":
        form = StatusForm(request.POST, episode=episode)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.episode_set_status(
                    actor=_user(request),
                    episode=episode,
                    status=data["status"],
                    version=data["version"],
                    start_date=data.get("start_date"),
                    end_date=data.get("end_date"),
                    end_reason=data.get("end_reason") or "",
                    reason=data.get("reason") or "",
                )
            except services.EpisodeConflict as conflict:
                episode = conflict.current
                form = StatusForm(_conflict_data(request, "version", episode), episode=episode)
                form.is_valid()
                form.add_error(None, conflict.message)
                status = 409
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Asiakkuuden tila on päivitetty."))
                return HttpResponseRedirect(_detail_url(episode))
    else:
        form = StatusForm(
            initial={"version": episode.version, "start_date": episode.start_date},
            episode=episode,
        )
    if not form.fields["status"].choices:  # type: ignore[attr-defined]
        form = None
    return _form_page(
        request,
        episode,
        basis,
        form,
        title=_("Muuta asiakkuuden tilaa"),
        submit=_("Tallenna tila"),
        intro=_("Nykyinen tila: %(status)s.") % {"status": episode.get_status_display()},
        status=status,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the intake facts: referrer, payer, service task, start date, situation."""
    episode, basis = _editable_or_403(request, pk)
    partners = Partner.objects.filter(active=True).order_by("name")
    status = 200
    if request.method == "POST":
        form = EpisodeEditForm(request.POST, partners=partners)
        if form.is_valid():
            try:
                services.episode_update(
                    actor=_user(request),
                    episode=episode,
                    version=form.cleaned_data["version"],
                    **form.episode_fields(),
                )
            except services.EpisodeConflict as conflict:
                episode = conflict.current
                form = EpisodeEditForm(
                    _conflict_data(request, "version", episode), partners=partners
                )
                form.is_valid()
                form.add_error(None, conflict.message)
                status = 409
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Asiakkuuden tiedot on tallennettu."))
                return HttpResponseRedirect(_detail_url(episode))
    else:
        form = EpisodeEditForm(
            initial={
                "version": episode.version,
                "referral_source": episode.referral_source,
                "referral_partner": episode.referral_partner_id,
                "referral_contact": episode.referral_contact,
                "payer": episode.payer_id,
                "service_task": episode.service_task,
                "start_date": episode.start_date,
                "summary": episode.summary,
            },
            partners=partners,
        )
    return _form_page(
        request,
        episode,
        basis,
        form,
        title=_("Muokkaa asiakkuuden tietoja"),
        submit=_("Tallenna"),
        status=status,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def contact_permission(request: HttpRequest, pk: int) -> HttpResponse:
    episode, basis = _editable_or_403(request, pk)
    status = 200
    if request.method == "POST":
        form = ContactPermissionForm(request.POST)
        if form.is_valid():
            try:
                services.contact_permission_set(
                    actor=_user(request),
                    episode=episode,
                    permission=form.permission_value(),
                    on=form.cleaned_data.get("date"),
                    version=form.cleaned_data["version"],
                )
            except services.EpisodeConflict as conflict:
                episode = conflict.current
                form = ContactPermissionForm(_conflict_data(request, "version", episode))
                form.is_valid()
                form.add_error(None, conflict.message)
                status = 409
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Yhteydenottolupa on tallennettu."))
                return HttpResponseRedirect(_detail_url(episode))
    else:
        current = {True: "yes", False: "no"}.get(episode.contact_permission, "")  # type: ignore[arg-type]
        form = ContactPermissionForm(
            initial={
                "version": episode.version,
                "permission": current,
                "date": episode.contact_permission_date,
            }
        )
    return _form_page(
        request,
        episode,
        basis,
        form,
        title=_("Yhteydenottolupa"),
        submit=_("Tallenna"),
        intro=_(
            "Saako asiakkaaseen ottaa yhteyttä myöhemmin palautetta tai seurantaa varten? "
            "Yhteyttä otetaan vain, jos lupa on annettu."
        ),
        status=status,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def basic_form(request: HttpRequest, pk: int) -> HttpResponse:
    """Fill in or change the service form's basic-information form (perustietolomake)."""
    episode, basis = _editable_or_403(request, pk)
    definition = basic_forms.active_definition(service_form_id=episode.service_form_id)
    if definition is None:
        return _form_page(
            request,
            episode,
            basis,
            None,
            title=_("Perustiedot"),
            submit="",
            intro=_("Tälle työmuodolle ei ole määritelty perustietolomaketta."),
        )
    status = 200
    field = basic_forms.VERSION_FIELD
    if request.method == "POST":
        form = basic_forms.BasicForm(definition, request.POST, with_version=True)
        if form.is_valid():
            try:
                services.basic_form_save(
                    actor=_user(request),
                    episode=episode,
                    definition=definition,
                    answers=form.answers(),
                    version=form.cleaned_data[field],
                )
            except services.EpisodeConflict as conflict:
                episode = conflict.current
                form = basic_forms.BasicForm(
                    definition, _conflict_data(request, field, episode), with_version=True
                )
                form.is_valid()
                form.add_error(None, conflict.message)
                status = 409
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Perustiedot on tallennettu."))
                return HttpResponseRedirect(_detail_url(episode))
    else:
        initial = basic_forms.initial_answers(episode, definition)
        initial[field] = episode.version
        form = basic_forms.BasicForm(definition, initial=initial, with_version=True)
    return _form_page(
        request,
        episode,
        basis,
        form,
        title=basic_forms.localised(definition.title) or _("Perustiedot"),
        submit=_("Tallenna perustiedot"),
        status=status,
    )


# --------------------------------------------------------------------------- participants


@object_scoped
@require_http_methods(["GET", "POST"])
def add_participant(request: HttpRequest, pk: int) -> HttpResponse:
    episode, basis = _editable_or_403(request, pk)
    if request.method == "POST":
        form = ParticipantForm(request.POST)
        if form.is_valid():
            try:
                services.participant_add(
                    actor=_user(request),
                    episode=episode,
                    new=form.subject(),  # type: ignore[arg-type]
                    role=form.cleaned_data["role"],
                    violence_role=form.cleaned_data.get("violence_role") or "",
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Osallistuja on lisätty."))
                return HttpResponseRedirect(_detail_url(episode))
    else:
        anonymous = (
            Participant.objects.filter(episode=episode, alias__isnull=False).exists()
            and not Participant.objects.filter(episode=episode, person__isnull=False).exists()
        )
        form = ParticipantForm(
            initial={
                "mode": ParticipantForm.MODE_ALIAS if anonymous else ParticipantForm.MODE_PERSON
            }
        )
    return _form_page(
        request,
        episode,
        basis,
        form,
        title=_("Lisää osallistuja"),
        submit=_("Lisää osallistuja"),
        intro=_(
            "Esimerkiksi lapsi, joka tuli mukaan, tai läheinen, joka osallistuu työskentelyyn."
        ),
        extra={"subject_form": True},
    )


@object_scoped
@require_POST
def participant_remove(request: HttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    episode, _basis = _editable_or_403(request, pk)
    participant = Participant.objects.filter(pk=participant_pk, episode=episode).first()
    if participant is None:
        raise Http404
    try:
        services.participant_remove(actor=_user(request), participant=participant)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Osallistuja on merkitty poistuneeksi asiakkuudesta."))
    return HttpResponseRedirect(_detail_url(episode))


# --------------------------------------------------------------------------- co-workers


@object_scoped
@require_http_methods(["GET", "POST"])
def assignment_add(request: HttpRequest, pk: int) -> HttpResponse:
    episode, basis = _editable_or_403(request, pk)
    if not clients.is_member(_user(request), episode.service_form_id):
        raise PermissionDenied
    users = selectors.assignable_users(episode=episode)
    form = AssignmentForm(request.POST or None, users=users)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.assignment_add(
                actor=_user(request),
                episode=episode,
                user=data["user"],
                valid_from=data.get("valid_from"),
                valid_until=data.get("valid_until"),
                is_primary=data.get("is_primary", False),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Työntekijä on nimetty asiakkuuteen."))
            return HttpResponseRedirect(_detail_url(episode))
    return _form_page(
        request,
        episode,
        basis,
        form,
        title=_("Nimeä työntekijä asiakkuuteen"),
        submit=_("Nimeä"),
        intro=_(
            "Nimetty työntekijä näkee tämän asiakkuuden, vaikka hän työskentelisi toisessa "
            "työmuodossa, esimerkiksi työparina."
        ),
    )


@object_scoped
@require_POST
def assignment_end(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    episode, _basis = _editable_or_403(request, pk)
    assignment = Assignment.objects.filter(pk=assignment_pk, episode=episode).first()
    if assignment is None:
        raise Http404
    if not clients.is_member(_user(request), episode.service_form_id):
        raise PermissionDenied
    services.assignment_end(actor=_user(request), assignment=assignment)
    messages.success(request, _("Työntekijän nimeäminen on päättynyt."))
    return HttpResponseRedirect(_detail_url(episode))


# --------------------------------------------------------------------------- consents


@object_scoped
@require_http_methods(["GET", "POST"])
def consent_add(request: HttpRequest, pk: int) -> HttpResponse:
    episode, basis = _editable_or_403(request, pk)
    form = ConsentForm(request.POST or None, episode=episode)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(actor=_user(request), episode=episode, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Suostumus on kirjattu."))
            return HttpResponseRedirect(_detail_url(episode) + "#suostumukset")
    return _form_page(
        request,
        episode,
        basis,
        form,
        title=_("Kirjaa suostumus"),
        submit=_("Kirjaa suostumus"),
        intro=_(
            "Kirjaa asiakkaan antama suostumus. Tietojen jakamiseen annettu suostumus avaa tämän "
            "asiakkuuden valitun työmuodon työntekijöille, kunnes suostumus perutaan tai päättyy."
        ),
    )


@object_scoped
@require_POST
def consent_withdraw(request: HttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    episode, _basis = _editable_or_403(request, pk)
    consent = Consent.objects.filter(pk=consent_pk, episode=episode).first()
    if consent is None:
        raise Http404
    try:
        services.consent_withdraw(actor=_user(request), consent=consent)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Suostumus on peruttu."))
    return HttpResponseRedirect(_detail_url(episode) + "#suostumukset")


# --------------------------------------------------------------------------- plan and network


@object_scoped
@require_http_methods(["GET", "POST"])
def goal_add(request: HttpRequest, pk: int) -> HttpResponse:
    episode, basis = _editable_or_403(request, pk)
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_add(actor=_user(request), episode=episode, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Tavoite on lisätty suunnitelmaan."))
            return HttpResponseRedirect(_detail_url(episode) + "#suunnitelma")
    return _form_page(
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
    episode, basis = _editable_or_403(request, pk)
    goal = Goal.objects.filter(pk=goal_pk, episode=episode).first()
    if goal is None:
        raise Http404
    form = GoalReviewForm(request.POST or None, initial={"achieved": goal.achieved or None})
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_review(
                actor=_user(request),
                goal=goal,
                achieved=form.cleaned_data["achieved"],
                next_review=form.cleaned_data.get("next_review"),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Tavoitteen arviointi on tallennettu."))
            return HttpResponseRedirect(_detail_url(episode) + "#suunnitelma")
    return _form_page(
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
    episode, basis = _editable_or_403(request, pk)
    partners = Partner.objects.filter(active=True).order_by("name")
    form = NetworkMeetingForm(request.POST or None, partners=partners)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.network_meeting_add(
                actor=_user(request),
                episode=episode,
                held_on=data["held_on"],
                external_participants=data.get("external_participants", ""),
                partners=data.get("partners") or [],
                notes=data.get("notes", ""),
                child_participated=data.get("child_participated", False),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Verkostoneuvottelu on kirjattu."))
            return HttpResponseRedirect(_detail_url(episode) + "#verkosto")
    return _form_page(
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
    episode, basis = _editable_or_403(request, pk)
    partners = Partner.objects.filter(active=True).order_by("name")
    form = ExternalReferralForm(request.POST or None, partners=partners)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.external_referral_add(
                actor=_user(request),
                episode=episode,
                service_name=data["service_name"],
                referred_on=data.get("referred_on"),
                partner=data.get("partner"),
                note=data.get("note", ""),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Ohjaus ulkopuoliseen palveluun on kirjattu."))
            return HttpResponseRedirect(_detail_url(episode) + "#ohjaukset")
    return _form_page(
        request,
        episode,
        basis,
        form,
        title=_("Kirjaa ohjaus ulkopuoliseen palveluun"),
        submit=_("Tallenna"),
    )


# --------------------------------------------------------------------------- referrals


@object_scoped
@require_http_methods(["GET", "POST"])
def referral_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Refer a client of this episode to another service form (with the client's consent)."""
    episode, basis = _editable_or_403(request, pk)
    participants = [p for p in _header_participants(episode) if p.person is not None]
    persons = {p.person.pk: p.person for p in participants if p.person is not None}
    form = ReferralForm(
        request.POST or None,
        persons=[(pk_, str(person)) for pk_, person in persons.items()],
        targets=selectors.referral_targets(episode=episode),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.referral_create(
                actor=_user(request),
                from_episode=episode,
                to_service_form=data["to_service_form"],
                person=persons[int(data["person"])],
                reason=data["reason"],
                consent_given=data["consent_given"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Ohjaus on lähetetty. Vastaanottava työmuoto näkee sen ohjausten listalla."),
            )
            return HttpResponseRedirect(_detail_url(episode) + "#ohjaukset")
    return _form_page(
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
    referrals = list(selectors.referral_inbox(user=_user(request)))
    # Handling referrals to one's own service form is the work task: basis membership.
    _log(request, [r.person for r in referrals], basis=Basis.MEMBERSHIP, action=Action.LIST)
    return render(
        request,
        "episodes/referral_inbox.html",
        {"rows": [(r, ReferralDecisionForm(prefix=f"r{r.pk}")) for r in referrals]},
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def referral_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept (opens a new episode here) or decline one referral to the user's service form."""
    user = _user(request)
    referral = selectors.referral_for_receiver(user=user, pk=pk)
    if referral is None:
        raise Http404
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
                return HttpResponseRedirect(_detail_url(episode))
            services.referral_decline(actor=user, referral=referral, reason=data["note"])
            messages.success(request, _("Ohjaus on merkitty vastaanottamatta jätetyksi."))
            return HttpResponseRedirect(reverse("episodes:referral_inbox"))
        except ValidationError as exc:
            apply_errors(form, exc)
    _log(request, [referral.person], basis=Basis.MEMBERSHIP)
    return render(request, "episodes/referral_decide.html", {"referral": referral, "form": form})


# --------------------------------------------------------------------------- break-the-glass


@object_scoped
@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest, pk: int) -> HttpResponse:
    """Emergency access to an episode the user knows by its number.

    Shows nothing about the episode before access is granted — not even its service form — and
    is no oracle of which numbers exist (issue 10): for staff doing client work, the page is the
    same for any number they cannot see (another unit's episode, one behind the wall, another
    organisation's, or none at all), and a reason given for one they may not open gets the same
    refusal (404, the form kept) as one given for a number that does not exist. Staff without
    client work get 404 for every number; who can already see the episode goes to it.
    """
    user = _user(request)
    episode = Episode.objects.select_related("service_form").filter(pk=pk).first()
    if episode is not None and clients.episode_basis(user=user, episode=episode) is not None:
        return HttpResponseRedirect(_detail_url(episode))
    if not clients.user_scope(user).has_client_work:
        raise Http404
    form = BreakGlassForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        match = request.resolver_match
        try:
            if episode is None or not clients.may_break_glass(user=user, episode=episode):
                raise PermissionDenied
            item = services.break_glass_open(
                actor=user,
                episode=episode,
                reason=form.cleaned_data["reason"],
                hours=form.cleaned_data["hours"],
                request_id=str(getattr(request, "request_id", "") or ""),
                view_name=match.view_name if match else "",
            )
        except PermissionDenied:
            form.add_error(None, _("Poikkeuksellinen pääsy tähän asiakkuuteen ei ole mahdollinen."))
            status = 404
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.warning(
                request,
                _(
                    "Poikkeuksellinen pääsy on voimassa %(time)s asti. Käyttö kirjataan, ja "
                    "työmuodon esihenkilö tarkastaa sen."
                )
                % {"time": _local_time(item.expires_at)},
            )
            return HttpResponseRedirect(_detail_url(episode))
    return render(
        request, "episodes/break_glass.html", {"episode_id": pk, "form": form}, status=status
    )


def _local_time(value: Any) -> str:
    from django.utils import timezone

    local = timezone.localtime(value)
    return f"{local.day}.{local.month}.{local.year} {local:%H.%M}"


def _lead_or_404(request: HttpRequest) -> None:
    if not clients.user_scope(_user(request)).lead_form_ids:
        raise Http404


@login_only
@require_GET
def break_glass_queue(request: HttpRequest) -> HttpResponse:
    """The lead's review queue of emergency accesses to the forms they lead (no person data)."""
    _lead_or_404(request)
    user = _user(request)
    items = list(selectors.break_glass_review_queue(user=user))
    return render(
        request,
        "episodes/break_glass_queue.html",
        {
            "rows": [(item, BreakGlassReviewForm(prefix=f"b{item.pk}")) for item in items],
            "reviewed": selectors.break_glass_reviewed(user=user),
        },
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def break_glass_review(request: HttpRequest, pk: int) -> HttpResponse:
    _lead_or_404(request)
    user = _user(request)
    item: BreakGlass | None = selectors.break_glass_review_queue(user=user).filter(pk=pk).first()
    if item is None:
        raise Http404
    form = BreakGlassReviewForm(request.POST or None, prefix=f"b{item.pk}")
    if request.method == "POST" and form.is_valid():
        try:
            services.break_glass_review(actor=user, item=item, note=form.cleaned_data["note"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Poikkeuksellinen pääsy on tarkastettu."))
            return HttpResponseRedirect(reverse("episodes:break_glass_queue"))
    return render(request, "episodes/break_glass_review.html", {"item": item, "form": form})
