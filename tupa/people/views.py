"""Person screens: quick search, the person page, new client, edit, merge, identifying an alias.

Every view answers 404 for a person the user may not see (:mod:`tupa.access.clients`), and
every response that shows a person writes one access-log event per person shown, with the
basis the visibility rules give (ARCHITECTURE.md §6).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access.clients import person_bases, user_scope
from tupa.access.marks import login_only, object_scoped
from tupa.access.policy import Basis
from tupa.accounts.models import User
from tupa.audit.services import record_access
from tupa.episodes import services as episode_services
from tupa.organisations.models import Organisation, ServiceForm

from . import hetu as hetu_rules
from . import rights, selectors, services
from .forms import (
    DuplicateChoiceForm,
    HouseholdForm,
    HouseholdMemberForm,
    IdentifyForm,
    MergeForm,
    PersonCreateForm,
    PersonEditForm,
    RelationshipForm,
    apply_errors,
)
from .models import Alias, Household, Person
from .restrictions import restricted_person_ids, restriction_for

#: Bases on which a user may change a person's data (consent and break-the-glass only read).
EDIT_BASES = frozenset({Basis.MEMBERSHIP, Basis.ASSIGNMENT})


# --------------------------------------------------------------------------- helpers


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def episode_url(pk: int) -> str:
    return reverse("episodes:detail", kwargs={"pk": pk})


def _log_persons(request: HttpRequest, persons: Iterable[Person], action: str) -> None:
    """One access-log event per person, with the basis each one is visible on."""
    for basis, group in selectors.bases_for(user=_user(request), persons=persons).items():
        record_access(request=request, subjects=group, action=action, basis=basis)


def _log_aliases(request: HttpRequest, aliases: Iterable[Alias], action: str) -> None:
    grouped: dict[Basis, list[Alias]] = {}
    for alias in aliases:
        grouped.setdefault(selectors.alias_basis(user=_user(request), alias=alias), []).append(
            alias
        )
    for basis, group in grouped.items():
        record_access(request=request, subjects=group, action=action, basis=basis)


def _organisation(user: User) -> Organisation:
    if user.organisation is None:
        raise Http404
    return user.organisation


def _require_client_work(user: User) -> None:
    if not user_scope(user).has_client_work:
        raise Http404


def _person_or_404(request: HttpRequest, pk: int) -> Person:
    person = selectors.visible_person(user=_user(request), pk=pk)
    if person is None:
        raise Http404
    return person


def _editable_person_or_404(request: HttpRequest, pk: int) -> Person:
    person = _person_or_404(request, pk)
    basis = person_bases(user=_user(request), persons=[person]).get(person.pk)
    if basis not in EDIT_BASES:
        raise Http404
    return person


def _episode_rows(participations: Iterable[Any]) -> list[dict[str, Any]]:
    return [
        {
            "participant": part,
            "episode": part.episode,
            "service_form": part.episode.service_form,
            "url": episode_url(part.episode_id),
        }
        for part in participations
    ]


def _duplicate_rows(user: User, person: Person | None, duplicates: list[Person]) -> list[Any]:
    rows = []
    for dup in duplicates:
        rows.append(
            {
                "person": dup,
                "service_forms": selectors.service_forms_of_rows(
                    getattr(dup, "visible_participations", [])
                ),
                "merge_url": (
                    reverse("people:merge", kwargs={"pk": person.pk, "other_pk": dup.pk})
                    if person is not None
                    and person.pk is not None
                    and selectors.may_merge(user=user, keep=person, merge=dup)
                    else None
                ),
            }
        )
    return rows


def _member_service_forms(user: User) -> list[ServiceForm]:
    ids = user_scope(user).member_form_ids
    return list(ServiceForm.objects.filter(pk__in=ids, active=True).order_by("name"))


# --------------------------------------------------------------------------- quick search


@login_only
@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    """Quick search by name, identity code, temporary id, birth date or alias.

    Only persons the user may see are ever searched. A hidden person and a person who does
    not exist give the very same page. The query travels in a POST body, never in the URL:
    a name or an identity code must not end up in browser history or server logs.
    """
    user = _user(request)
    _require_client_work(user)
    query = (request.POST.get("q") or "")[:100] if request.method == "POST" else ""
    results = selectors.search_persons(user=user, query=query)
    _log_persons(request, results.persons, "search")
    _log_aliases(request, results.aliases, "search")
    rows = [
        {
            "person": p,
            "service_forms": selectors.service_forms_of_rows(p.visible_participations),  # type: ignore[attr-defined]
        }
        for p in results.persons
    ]
    alias_rows = [
        {
            "alias": a,
            "service_forms": selectors.service_forms_of_rows(a.visible_participations),  # type: ignore[attr-defined]
        }
        for a in results.aliases
    ]
    context = {
        "query": results.query,
        "results": results,
        "rows": rows,
        "alias_rows": alias_rows,
        "may_create": bool(_member_service_forms(user)),
    }
    template = (
        "people/search.html#results" if getattr(request, "htmx", False) else "people/search.html"
    )
    return render(request, template, context)


# --------------------------------------------------------------------------- person page


@object_scoped
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    person = selectors.visible_person(user=user, pk=pk)
    if person is None:
        target = selectors.merged_target(user=user, pk=pk)
        if target is None:
            raise Http404
        return redirect("people:detail", pk=target.pk)
    page = selectors.person_page(user=user, person=person)
    shown = page.shown_persons
    restricted_ids = restricted_person_ids(shown)
    restriction = restriction_for(person) if person.pk in restricted_ids else None
    _log_persons(request, shown, "view")
    may_reveal = rights.may_reveal(user=user, person=person)
    context = {
        "person": person,
        "page": page,
        "basis": page.basis,
        "restricted_ids": restricted_ids,
        "restriction": restriction,
        "restriction_may_reveal": may_reveal,
        "may_manage_restrictions": may_reveal,
        "show_full_hetu": page.basis is Basis.MEMBERSHIP,
        "masked_hetu": hetu_rules.mask_hetu(person.hetu),
        "may_edit": page.basis in EDIT_BASES,
        "episodes": _episode_rows(page.participations),
        "duplicates": _duplicate_rows(user, person, page.duplicates),
        "age": person.age_on(timezone.localdate()),
    }
    return render(request, "people/detail.html", context)


# --------------------------------------------------------------------------- new client


def _duplicate_step(
    request: HttpRequest,
    *,
    candidate: Person,
    exclude: Iterable[Person] = (),
    new_label: Any = None,
) -> tuple[DuplicateChoiceForm | None, list[Person], str | None]:
    """Visible possible duplicates of ``candidate`` and the user's decision about them.

    Returns ``(form, duplicates, choice)``; ``choice`` is None while the user has not decided
    (the page then shows the warning and asks). Hidden persons never take part.
    """
    user = _user(request)
    skip = {p.pk for p in exclude}
    duplicates = [
        d for d in selectors.visible_duplicates(user=user, person=candidate) if d.pk not in skip
    ]
    if not duplicates:
        return None, [], DuplicateChoiceForm.NEW
    same_code = any(candidate.hetu and d.hetu == candidate.hetu for d in duplicates)
    bound = "dup-choice" in request.POST
    form = DuplicateChoiceForm(
        request.POST if bound else None,
        duplicates=duplicates,
        allow_new=not same_code,
        new_label=new_label,
    )
    _log_persons(request, duplicates, "search")
    if bound and form.is_valid():
        return form, duplicates, form.cleaned_data["choice"]
    return form, duplicates, None


def _chosen(duplicates: list[Person], choice: str) -> Person | None:
    for dup in duplicates:
        if str(dup.pk) == choice:
            return dup
    return None


@object_scoped
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """A new client: the person and an enquiry in one of the user's service forms.

    Creating a person alone would give nobody access, so the person is always created together
    with an episode (``episode_open``). The same identity code and name reuse the existing
    record without telling whether it existed.
    """
    user = _user(request)
    service_forms = _member_service_forms(user)
    if not service_forms:
        raise Http404
    dup_form: DuplicateChoiceForm | None = None
    duplicates: list[Person] = []
    if request.method == "POST":
        form = PersonCreateForm(request.POST, service_forms=service_forms)
        if form.is_valid():
            fields = form.person_fields()
            candidate = Person(organisation=_organisation(user), **fields)
            dup_form, duplicates, choice = _duplicate_step(request, candidate=candidate)
            if choice is not None:
                try:
                    with transaction.atomic():
                        person = _chosen(duplicates, choice)
                        if person is None:
                            person, _created = services.person_find_or_create(
                                actor=user,
                                for_service_form=form.cleaned_data["service_form"],
                                **fields,
                            )
                        episode_services.episode_open(
                            actor=user,
                            service_form=form.cleaned_data["service_form"],
                            person=person,
                            service_task=form.cleaned_data.get("service_task") or None,
                            status="enquiry",
                        )
                except ValidationError as error:
                    apply_errors(form, error)
                except PermissionDenied as exc:
                    raise Http404 from exc
                else:
                    messages.success(
                        request,
                        _("Asiakkuus (yhteydenotto) avattu: %(name)s, %(form)s.")
                        % {"name": person, "form": form.cleaned_data["service_form"]},
                    )
                    return redirect("people:detail", pk=person.pk)
    else:
        form = PersonCreateForm(service_forms=service_forms)
    return render(
        request,
        "people/person_form.html",
        {
            "form": form,
            "dup_form": dup_form,
            "duplicates": _duplicate_rows(user, None, duplicates),
            "creating": True,
        },
    )


# --------------------------------------------------------------------------- edit


@object_scoped
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    person = _editable_person_or_404(request, pk)
    restricted = person.pk in restricted_person_ids([person])
    dup_form: DuplicateChoiceForm | None = None
    duplicates: list[Person] = []
    current: Person | None = None
    if request.method == "POST":
        form = PersonEditForm(
            request.POST, instance=Person.objects.get(pk=person.pk), restricted=restricted
        )
        if form.is_valid():
            fields = form.person_fields()
            candidate = Person(
                pk=person.pk,
                organisation_id=person.organisation_id,
                hetu=fields.get("hetu"),
                first_names=fields["first_names"],
                last_name=fields["last_name"],
                birth_date=fields.get("birth_date"),
            )
            known = selectors.visible_duplicates(user=user, person=person)
            dup_form, duplicates, choice = _duplicate_step(
                request,
                candidate=candidate,
                exclude=known,
                new_label=_("Eri henkilöitä – tallenna silti"),
            )
            if choice is not None and choice != DuplicateChoiceForm.NEW:
                # "The same person" while editing: merging is the lead's decision.
                dup_form.add_error(  # type: ignore[union-attr]
                    "choice",
                    _(
                        "Saman henkilön tiedot yhdistetään henkilösivulta (esihenkilö). "
                        "Tallenna muutokset vasta, kun asia on selvitetty."
                    ),
                )
                choice = None
            if choice is not None:
                try:
                    services.person_update(
                        actor=user,
                        person=person,
                        version=form.cleaned_data["version"],
                        **fields,
                    )
                except services.PersonConflict as conflict:
                    current = conflict.current
                    form.add_error(None, conflict.message)
                    data = request.POST.copy()
                    data["version"] = str(current.version)
                    form.data = data
                except ValidationError as error:
                    apply_errors(form, error)
                else:
                    messages.success(request, _("Henkilön tiedot tallennettu."))
                    return redirect("people:detail", pk=person.pk)
    else:
        form = PersonEditForm(
            instance=person, restricted=restricted, initial={"version": person.version}
        )
    shown = [person, *([current] if current is not None else [])]
    _log_persons(request, shown[:1], "view")
    return render(
        request,
        "people/person_form.html",
        {
            "form": form,
            "person": person,
            "current": current,
            "restricted": restricted,
            "restricted_ids": {person.pk} if restricted else set(),
            "restriction_may_reveal": rights.may_reveal(user=user, person=person),
            "dup_form": dup_form,
            "duplicates": _duplicate_rows(user, person, duplicates),
            "creating": False,
        },
    )


# --------------------------------------------------------------------------- merge


@object_scoped
@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest, pk: int, other_pk: int) -> HttpResponse:
    """Merge two records of the same human (a lead of a form where they are clients)."""
    user = _user(request)
    person = _person_or_404(request, pk)
    other = _person_or_404(request, other_pk)
    if not selectors.may_merge(user=user, keep=person, merge=other):
        raise Http404
    pair = [person, other]
    form = MergeForm(
        request.POST if request.method == "POST" else None,
        persons=pair,
        initial={"keep": str(person.pk)},
    )
    if request.method == "POST" and form.is_valid():
        keep = person if form.cleaned_data["keep"] == str(person.pk) else other
        gone = other if keep is person else person
        try:
            services.person_merge(actor=user, keep=keep, merge=gone)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Henkilöt yhdistetty. Kaikki asiakkuudet näkyvät nyt henkilöllä %(name)s.")
                % {"name": keep},
            )
            return redirect("people:detail", pk=keep.pk)
    _log_persons(request, pair, "view")
    restricted_ids = restricted_person_ids(pair)
    return render(
        request,
        "people/merge.html",
        {
            "person": person,
            "other": other,
            "pair": [
                {
                    "person": p,
                    "episodes": _episode_rows(p.visible_participations),  # type: ignore[attr-defined]
                }
                for p in pair
            ],
            "form": form,
            "restricted_ids": restricted_ids,
        },
    )


# --------------------------------------------------------------------------- aliases


@object_scoped
@require_http_methods(["GET", "POST"])
def alias_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Identify an anonymous client: link the alias to a person (existing or new), with a reason."""
    user = _user(request)
    alias = selectors.visible_alias(user=user, pk=pk)
    if alias is None or selectors.alias_basis(user=user, alias=alias) not in EDIT_BASES:
        raise Http404
    if alias.person_id is not None:
        target = selectors.visible_person(user=user, pk=alias.person_id)
        if target is None:
            raise Http404
        messages.info(request, _("Peitenimi on jo tunnistettu."))
        return redirect("people:detail", pk=target.pk)
    dup_form: DuplicateChoiceForm | None = None
    duplicates: list[Person] = []
    if request.method == "POST":
        form = IdentifyForm(request.POST)
        if form.is_valid():
            fields = form.person_fields()
            fields.pop("reason", None)
            candidate = Person(organisation_id=alias.organisation_id, **fields)
            dup_form, duplicates, choice = _duplicate_step(
                request,
                candidate=candidate,
                new_label=_("Eri henkilö – luo uusi henkilö"),
            )
            if choice is not None:
                try:
                    with transaction.atomic():
                        person = _chosen(duplicates, choice)
                        if person is None:
                            person, _created = services.person_find_or_create(
                                actor=user,
                                organisation=alias.organisation_id,
                                for_service_form=alias.service_form,
                                **fields,
                            )
                        services.alias_link(
                            actor=user,
                            alias=alias,
                            person=person,
                            reason=form.cleaned_data["reason"],
                        )
                except ValidationError as error:
                    apply_errors(form, error)
                else:
                    messages.success(
                        request,
                        _("Peitenimi %(label)s tunnistettu: %(name)s.")
                        % {"label": alias.label, "name": person},
                    )
                    return redirect("people:detail", pk=person.pk)
    else:
        form = IdentifyForm(initial={"gender": alias.gender})
    _log_aliases(request, [alias], "view")
    return render(
        request,
        "people/alias_link.html",
        {
            "alias": alias,
            "episodes": _episode_rows(alias.visible_participations),  # type: ignore[attr-defined]
            "form": form,
            "dup_form": dup_form,
            "duplicates": _duplicate_rows(user, None, duplicates),
        },
    )


# --------------------------------------------------------------------------- relationships


@object_scoped
@require_http_methods(["GET", "POST"])
def relationship_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    person = _editable_person_or_404(request, pk)
    candidates = selectors.relationship_candidates(user=user, person=person)
    form = RelationshipForm(
        request.POST if request.method == "POST" else None, candidates=candidates
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.relationship_add(
                actor=user,
                person=form.cleaned_data["relative"],
                relative=person,
                kind=form.cleaned_data["kind"],
                valid_from=form.cleaned_data.get("valid_from"),
                note=form.cleaned_data.get("note") or "",
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Läheissuhde tallennettu."))
            return redirect("people:detail", pk=person.pk)
    shown = [person, *candidates]
    _log_persons(request, shown, "list")
    return render(request, "people/relationship_form.html", {"person": person, "form": form})


@object_scoped
@require_http_methods(["GET", "POST"])
def household_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a family (household) around the person, with family types and members."""
    user = _user(request)
    person = _editable_person_or_404(request, pk)
    candidates = selectors.relationship_candidates(user=user, person=person)
    form = HouseholdForm(
        request.POST if request.method == "POST" else None,
        candidates=candidates,
        initial={"name": person.last_name},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.household_create(
                actor=user,
                name=form.cleaned_data["name"],
                family_types=form.cleaned_data["family_types"],
                members=[person, *form.cleaned_data["members"]],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Perhe tallennettu."))
            return redirect("people:detail", pk=person.pk)
    _log_persons(request, [person, *candidates], "list")
    return render(request, "people/household_form.html", {"person": person, "form": form})


@object_scoped
@require_http_methods(["GET", "POST"])
def household_add_member(request: HttpRequest, pk: int, household_pk: int) -> HttpResponse:
    """Add a related person to one of the person's households."""
    user = _user(request)
    person = _editable_person_or_404(request, pk)
    household = Household.objects.filter(pk=household_pk, members__person=person).first()
    if household is None:
        raise Http404
    candidates = selectors.relationship_candidates(user=user, person=person).exclude(
        household_memberships__household=household
    )
    form = HouseholdMemberForm(
        request.POST if request.method == "POST" else None, candidates=candidates
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.household_add_member(
                actor=user,
                household=household,
                person=form.cleaned_data["member"],
                valid_from=form.cleaned_data.get("valid_from"),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Perheenjäsen lisätty."))
            return redirect("people:detail", pk=person.pk)
    _log_persons(request, [person, *candidates], "list")
    return render(
        request,
        "people/household_form.html",
        {"person": person, "form": form, "household": household},
    )
