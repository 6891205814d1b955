"""Views of the client journal and its attachments.

Included into the ``episodes`` namespace by ``tupa/episodes/urls.py``
(``urlpatterns += journal_urlpatterns``), so names are ``episodes:journal_*``.

Access: every view resolves the episode through :func:`tupa.access.clients.episode_basis`;
no basis → 404 (also for ids that do not exist). Writing needs a write basis
(:data:`tupa.episodes.journal.WRITE_BASES`): a reader whose access rests on the client's consent
sees the journal but gets 403 on the write pages. Every response that shows journal content or
the episode's participants logs one access-log event per identified participant person.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access.clients import episode_basis, user_scope
from tupa.access.marks import object_scoped
from tupa.access.policy import Basis
from tupa.accounts.models import User
from tupa.audit.services import record_access
from tupa.people.models import Alias, Person

from . import attachments as attachment_files
from . import journal
from .journal_forms import AttachmentForm, EntryCorrectForm, EntryCreateForm
from .models import Attachment, BreakGlass, Entry, Episode

# --- helpers ----------------------------------------------------------------------------------


def episode_url(episode: Episode) -> str:
    return reverse("episodes:detail", args=[episode.pk])


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _visible_episode(request: HttpRequest, pk: int) -> tuple[Episode, Basis]:
    episode = Episode.objects.select_related("service_form").filter(pk=pk).first()
    if episode is None:
        raise Http404
    basis = episode_basis(user=_user(request), episode=episode)
    if basis is None:
        raise Http404
    return episode, basis


def _visible_entry(request: HttpRequest, pk: int) -> tuple[Entry, Basis]:
    found = journal.visible_entry(user=_user(request), pk=pk)
    if found is None:
        raise Http404
    return found


def _require_write(basis: Basis) -> None:
    if basis not in journal.WRITE_BASES:
        raise PermissionDenied(_("Sinulla ei ole oikeutta kirjata tähän asiakkuuteen."))


def _break_glass_reason(request: HttpRequest, *, episode: Episode, basis: Basis) -> str:
    """The written reason of an emergency access, recorded with each access-log event."""
    if basis is not Basis.BREAK_THE_GLASS:
        return ""
    access = (
        BreakGlass.objects.filter(
            episode=episode, user=_user(request), expires_at__gt=timezone.now()
        )
        .order_by("-expires_at")
        .first()
    )
    return access.reason if access is not None else ""


def _log(
    request: HttpRequest, *, subjects: Sequence[Person | Alias], episode: Episode, basis: Basis
) -> None:
    record_access(
        request=request,
        subjects=subjects,
        action="view",
        basis=basis,
        reason=_break_glass_reason(request, episode=episode, basis=basis),
        episode_id=episode.pk,
    )


def _log_episode(request: HttpRequest, *, episode: Episode, basis: Basis) -> None:
    """One access-log event per identified participant person of ``episode``."""
    _log(request, subjects=journal.episode_persons(episode), episode=episode, basis=basis)


def section_context(*, user: User, episode: Episode, basis: Basis | None = None) -> dict[str, Any]:
    """Context for ``episodes/journal/_section.html`` (the caller logs the read).

    ``entries`` are the current versions, newest first; ``can_write`` shows the write links;
    ``can_correct_all`` lets a lead correct anyone's entry (others only their own).
    """
    if basis is None:
        basis = episode_basis(user=user, episode=episode)
    can_write = journal.can_write(user=user, episode=episode, basis=basis)
    return {
        "episode": episode,
        "entries": journal.current_entries(episode),
        "can_write": can_write,
        "can_correct_all": can_write and episode.service_form_id in user_scope(user).lead_form_ids,
    }


# --- pages ------------------------------------------------------------------------------------


@object_scoped
@require_GET
def journal_list(request: HttpRequest, episode_pk: int) -> HttpResponse:
    episode, basis = _visible_episode(request, episode_pk)
    context = section_context(user=_user(request), episode=episode, basis=basis)
    context["episode_url"] = episode_url(episode)
    _log_episode(request, episode=episode, basis=basis)
    return render(request, "episodes/journal/list.html", context)


@object_scoped
@require_http_methods(["GET", "POST"])
def journal_create(request: HttpRequest, episode_pk: int) -> HttpResponse:
    episode, basis = _visible_episode(request, episode_pk)
    _require_write(basis)
    user = _user(request)
    if request.method == "POST":
        form = EntryCreateForm(request.POST, request.FILES, episode=episode, actor=user)
        if form.is_valid():
            try:
                with transaction.atomic():
                    entry = journal.entry_create(
                        actor=user, episode=episode, **form.service_kwargs()
                    )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Kirjaus on tallennettu."))
                return HttpResponseRedirect(f"{episode_url(episode)}#kirjaus-{entry.pk}")
    else:
        form = EntryCreateForm(episode=episode, actor=user)
    _log_episode(request, episode=episode, basis=basis)
    return render(
        request,
        "episodes/journal/create.html",
        {
            "episode": episode,
            "episode_url": episode_url(episode),
            "form": form,
            "file_was_sent": bool(request.FILES),
        },
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def journal_correct(request: HttpRequest, pk: int) -> HttpResponse:
    entry, basis = _visible_entry(request, pk)
    _require_write(basis)
    user = _user(request)
    if Entry.objects.filter(supersedes=entry).exists():
        messages.info(request, _("Kirjausta on jo korjattu. Vain uusimman version voi korjata."))
        return redirect("episodes:journal_versions", pk=entry.pk)
    if not journal.may_correct(user=user, entry=entry, basis=basis):
        raise PermissionDenied(
            _("Vain kirjauksen tekijä tai työmuodon esihenkilö voi korjata kirjauksen.")
        )
    episode = entry.episode
    if request.method == "POST":
        form = EntryCorrectForm(request.POST, entry=entry, actor=user)
        if form.is_valid():
            try:
                with transaction.atomic():
                    new = journal.entry_correct(actor=user, entry=entry, **form.service_kwargs())
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Korjattu versio on tallennettu."))
                return HttpResponseRedirect(f"{episode_url(episode)}#kirjaus-{new.pk}")
    else:
        form = EntryCorrectForm(entry=entry, actor=user)
    _log_episode(request, episode=episode, basis=basis)
    return render(
        request,
        "episodes/journal/correct.html",
        {"episode": episode, "episode_url": episode_url(episode), "entry": entry, "form": form},
    )


@object_scoped
@require_GET
def journal_versions(request: HttpRequest, pk: int) -> HttpResponse:
    entry, basis = _visible_entry(request, pk)
    episode = entry.episode
    versions = journal.entry_versions(entry)
    _log_episode(request, episode=episode, basis=basis)
    return render(
        request,
        "episodes/journal/versions.html",
        {
            "episode": episode,
            "episode_url": episode_url(episode),
            "entry": entry,
            "versions": versions,
            "newest": versions[-1],
        },
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def journal_attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    entry, basis = _visible_entry(request, pk)
    _require_write(basis)
    episode = entry.episode
    if Entry.objects.filter(supersedes=entry).exists():
        messages.info(request, _("Kirjauksesta on uudempi versio. Lisää liite uusimpaan versioon."))
        return redirect("episodes:journal_versions", pk=entry.pk)
    if request.method == "POST":
        form = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                with transaction.atomic():
                    attachment_files.attachment_add(
                        actor=_user(request),
                        entry=entry,
                        uploaded=form.cleaned_data["file"],
                        kind=form.cleaned_data["kind"],
                    )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Liite on tallennettu."))
                return HttpResponseRedirect(f"{episode_url(episode)}#kirjaus-{entry.pk}")
    else:
        form = AttachmentForm()
    _log_episode(request, episode=episode, basis=basis)
    return render(
        request,
        "episodes/journal/attachment_add.html",
        {
            "episode": episode,
            "episode_url": episode_url(episode),
            "entry": entry,
            "form": form,
            "file_was_sent": bool(request.FILES),
        },
    )


@object_scoped
@require_GET
def journal_attachment(request: HttpRequest, pk: int) -> FileResponse:
    """The only way to read an attachment: access checked, read logged, never cached/sniffed."""
    attachment = (
        Attachment.objects.select_related("entry", "entry__episode", "entry__episode__service_form")
        .filter(pk=pk)
        .first()
    )
    if attachment is None:
        raise Http404
    entry = attachment.entry
    basis = episode_basis(user=_user(request), episode=entry.episode)
    if basis is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    _log(request, subjects=journal.entry_subjects(entry), episode=entry.episode, basis=basis)
    inline = attachment.content_type in attachment_files.IMAGE_TYPES
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


journal_urlpatterns = [
    path("<int:episode_pk>/kirjaukset/", journal_list, name="journal_list"),
    path("<int:episode_pk>/kirjaukset/uusi/", journal_create, name="journal_create"),
    path("kirjaukset/<int:pk>/korjaa/", journal_correct, name="journal_correct"),
    path("kirjaukset/<int:pk>/versiot/", journal_versions, name="journal_versions"),
    path("kirjaukset/<int:pk>/liite/", journal_attachment_add, name="journal_attachment_add"),
    path("liitteet/<int:pk>/", journal_attachment, name="journal_attachment"),
]
