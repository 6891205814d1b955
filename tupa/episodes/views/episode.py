"""The episode page and its edits: status, intake facts, contact permission, basic information."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access.episodes import EDIT_BASES, editable_episode_access, may_assign
from tupa.access.fetch import episode_access
from tupa.access.marks import object_scoped, user_of
from tupa.access.policy import Basis
from tupa.core import registry
from tupa.organisations.models import Partner

from .. import basic_info, selectors, services
from ..forms.episode import ContactPermissionForm, EpisodeEditForm, StatusForm
from ..journal.views import EPISODE_PAGE_ENTRIES
from ..journal.views import section_context as journal_section_context
from ..models import Episode
from ._common import _form_page, _log, _save_edit


@object_scoped
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The episode page: status, participants, plan, network, referrals, basic form, journal."""
    user = user_of(request)
    granted = episode_access(request, pk, related=selectors.EPISODE_PAGE_RELATED)
    found = selectors.episode_detail(episode=granted.obj, basis=granted.basis)
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
    definition, answers = basic_info.display_answers(episode)
    context = {
        "detail": found,
        "episode": episode,
        "basis": found.basis,
        "may_edit": found.basis in EDIT_BASES,
        "is_member": may_assign(user, episode),
        "break_glass": break_glass,
        "basic_form_definition": definition,
        "basic_form_answers": answers,
        "basic_form_available": basic_info.active_definition(
            service_form_id=episode.service_form_id
        )
        is not None,
        "journal": journal_section_context(
            user=user, episode=episode, basis=found.basis, limit=EPISODE_PAGE_ENTRIES
        ),
        "panels": _panels(request, episode, found.basis),
    }
    return render(request, "episodes/detail.html", context)


def _panels(request: HttpRequest, episode: Episode, basis: Basis) -> list[dict[str, Any]]:
    """The sections other apps add to the page (``registry.episode_panels``), asked only now
    that the user is known to see the episode; a panel with nothing to show returns ``None``."""
    return registry.shown_panels(registry.episode_panels, request, episode, basis)


# --------------------------------------------------------------------------- status and facts


@object_scoped
@require_http_methods(["GET", "POST"])
def edit_status(request: HttpRequest, pk: int) -> HttpResponse:
    granted = editable_episode_access(request, pk)
    episode, basis = granted.obj, granted.basis
    if request.method == "POST":
        form = StatusForm(request.POST, episode=episode)
    else:
        form = StatusForm(
            initial={"version": episode.version, "start_date": episode.start_date},
            episode=episode,
        )
    step = _save_edit(
        request,
        episode,
        form,
        lambda data: services.episode_set_status(
            actor=user_of(request),
            episode=episode,
            status=data["status"],
            version=data["version"],
            start_date=data.get("start_date"),
            end_date=data.get("end_date"),
            end_reason=data.get("end_reason") or "",
            reason=data.get("reason") or "",
        ),
        lambda data, current: StatusForm(data, episode=current),
        success=_("Asiakkuuden tila on päivitetty."),
    )
    return step.response or _form_page(
        request,
        step.episode,
        basis,
        step.form if step.form.fields["status"].choices else None,  # type: ignore[attr-defined]
        title=_("Muuta asiakkuuden tilaa"),
        submit=_("Tallenna tila"),
        intro=_("Nykyinen tila: %(status)s.") % {"status": step.episode.get_status_display()},
        status=step.status,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the intake facts: referrer, payer, service task, start date, situation."""
    granted = editable_episode_access(request, pk)
    episode, basis = granted.obj, granted.basis
    partners = Partner.objects.filter(active=True).order_by("name")
    if request.method == "POST":
        form = EpisodeEditForm(request.POST, partners=partners)
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
    step = _save_edit(
        request,
        episode,
        form,
        lambda data: services.episode_update(
            actor=user_of(request),
            episode=episode,
            version=data["version"],
            **form.episode_fields(),
        ),
        lambda data, _current: EpisodeEditForm(data, partners=partners),
        success=_("Asiakkuuden tiedot on tallennettu."),
    )
    return step.response or _form_page(
        request,
        step.episode,
        basis,
        step.form,
        title=_("Muokkaa asiakkuuden tietoja"),
        submit=_("Tallenna"),
        status=step.status,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def contact_permission(request: HttpRequest, pk: int) -> HttpResponse:
    granted = editable_episode_access(request, pk)
    episode, basis = granted.obj, granted.basis
    if request.method == "POST":
        form = ContactPermissionForm(request.POST)
    else:
        current = {True: "yes", False: "no"}.get(episode.contact_permission, "")  # type: ignore[arg-type]
        form = ContactPermissionForm(
            initial={
                "version": episode.version,
                "permission": current,
                "date": episode.contact_permission_date,
            }
        )
    step = _save_edit(
        request,
        episode,
        form,
        lambda data: services.contact_permission_set(
            actor=user_of(request),
            episode=episode,
            permission=form.permission_value(),
            on=data.get("date"),
            version=data["version"],
        ),
        lambda data, _current: ContactPermissionForm(data),
        success=_("Yhteydenottolupa on tallennettu."),
    )
    return step.response or _form_page(
        request,
        step.episode,
        basis,
        step.form,
        title=_("Yhteydenottolupa"),
        submit=_("Tallenna"),
        intro=_(
            "Saako asiakkaaseen ottaa yhteyttä myöhemmin palautetta tai seurantaa varten? "
            "Yhteyttä otetaan vain, jos lupa on annettu."
        ),
        status=step.status,
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def basic_form(request: HttpRequest, pk: int) -> HttpResponse:
    """Fill in or change the basic-information questionnaire (perustietolomake)."""
    granted = editable_episode_access(request, pk)
    episode, basis = granted.obj, granted.basis
    definition = basic_info.active_definition(service_form_id=episode.service_form_id)
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
    field = basic_info.VERSION_FIELD
    if request.method == "POST":
        form = basic_info.BasicInfoForm(definition, request.POST, with_version=True)
    else:
        initial = basic_info.initial_answers(episode, definition)
        initial[field] = episode.version
        form = basic_info.BasicInfoForm(definition, initial=initial, with_version=True)
    step = _save_edit(
        request,
        episode,
        form,
        lambda data: services.basic_form_save(
            actor=user_of(request),
            episode=episode,
            definition=definition,
            answers=form.answers(),
            version=data[field],
        ),
        lambda data, _current: basic_info.BasicInfoForm(definition, data, with_version=True),
        success=_("Perustiedot on tallennettu."),
        field=field,
    )
    return step.response or _form_page(
        request,
        step.episode,
        basis,
        step.form,
        title=basic_info.localised(definition.title) or _("Perustiedot"),
        submit=_("Tallenna perustiedot"),
        status=step.status,
    )
