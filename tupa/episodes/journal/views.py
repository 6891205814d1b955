"""Views of the client journal and its attachments.

Included into the ``episodes`` namespace by ``tupa/episodes/urls.py``
(``urlpatterns += journal_urlpatterns`` from :mod:`.urls`), so names are ``episodes:journal_*``.

Access: every view gets its episode, entry or attachment and the basis from
:mod:`tupa.access.episodes` / :mod:`tupa.access.fetch`; no basis → 404 (also for ids that do not
exist). Writing needs a write basis (:data:`tupa.access.episodes.JOURNAL_WRITE_BASES`): a reader
whose access rests on the client's consent sees the journal but gets 403 on the write pages. Every response that shows journal content or
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
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access.episodes import (
    attachment_access,
    entry_access,
    may_correct_any_entry,
    may_correct_entry,
    may_write_journal,
    require_journal_write,
)
from tupa.access.fetch import episode_access
from tupa.access.marks import object_scoped, user_of
from tupa.access.policy import Basis
from tupa.accounts.models import User
from tupa.audit.services import record_access
from tupa.core.forms import saved_redirect
from tupa.people.models import Alias, Person

from ..models import Entry, Episode
from ..services import break_glass_reason
from ..views import episode_url
from . import attachments as attachment_files
from . import selectors, services
from .forms import AttachmentForm, EntryCorrectForm, EntryCreateForm

# --- helpers ----------------------------------------------------------------------------------


def _log(
    request: HttpRequest, *, subjects: Sequence[Person | Alias], episode: Episode, basis: Basis
) -> None:
    record_access(
        request=request,
        subjects=subjects,
        action="view",
        basis=basis,
        reason=break_glass_reason(user=user_of(request), episode=episode, basis=basis),
        episode_id=episode.pk,
    )


def _log_episode(request: HttpRequest, *, episode: Episode, basis: Basis) -> None:
    """One access-log event per identified participant person of ``episode``."""
    _log(request, subjects=selectors.episode_persons(episode), episode=episode, basis=basis)


def _episode_page(
    request: HttpRequest,
    template: str,
    *,
    episode: Episode,
    basis: Basis,
    context: dict[str, Any],
) -> HttpResponse:
    """A journal page of ``episode`` (also a form shown again: 200): its participants are
    logged as shown, every time the page is drawn."""
    _log_episode(request, episode=episode, basis=basis)
    return render(
        request, template, {"episode": episode, "episode_url": episode_url(episode), **context}
    )


def _at_entry(episode: Episode, entry: Entry) -> str:
    """The episode's page at ``entry`` in its journal."""
    return f"{episode_url(episode)}#kirjaus-{entry.pk}"


#: How many of the newest entries the episode page shows; the journal's own page shows them all.
EPISODE_PAGE_ENTRIES = 20


def section_context(
    *, user: User, episode: Episode, basis: Basis | None = None, limit: int | None = None
) -> dict[str, Any]:
    """Context for ``episodes/journal/_section.html`` (the caller logs the read).

    ``entries`` are the current versions, newest first — the ``limit`` newest, with ``more``
    telling whether there are older ones (the section then links to the whole journal);
    ``can_write`` shows the write links; ``can_correct_all`` lets a lead correct anyone's entry
    (others only their own).
    """
    can_write = may_write_journal(user=user, episode=episode, basis=basis)
    entries, more = selectors.current_entries(episode, limit=limit)
    return {
        "episode": episode,
        "entries": entries,
        "more": more,
        "can_write": can_write,
        "can_correct_all": can_write
        and may_correct_any_entry(user=user, episode=episode, basis=basis),
    }


# --- pages ------------------------------------------------------------------------------------


@object_scoped
@require_GET
def journal_list(request: HttpRequest, episode_pk: int) -> HttpResponse:
    granted = episode_access(request, episode_pk)
    episode, basis = granted.obj, granted.basis
    context = section_context(user=user_of(request), episode=episode, basis=basis)
    return _episode_page(
        request, "episodes/journal/list.html", episode=episode, basis=basis, context=context
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def journal_create(request: HttpRequest, episode_pk: int) -> HttpResponse:
    granted = episode_access(request, episode_pk)
    require_journal_write(granted)
    episode, basis = granted.obj, granted.basis
    user = user_of(request)
    posted = request.method == "POST"
    form = EntryCreateForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        episode=episode,
        actor=user,
    )
    saved = saved_redirect(
        request,
        form,
        transaction.atomic(
            lambda _data: services.entry_create(
                actor=user, episode=episode, **form.service_kwargs()
            )
        ),
        next_url=lambda entry: _at_entry(episode, entry),
        success=_("Kirjaus on tallennettu."),
    )
    if saved is not None:
        return saved
    return _episode_page(
        request,
        "episodes/journal/create.html",
        episode=episode,
        basis=basis,
        context={"form": form, "file_was_sent": bool(request.FILES)},
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def journal_correct(request: HttpRequest, pk: int) -> HttpResponse:
    granted = entry_access(request, pk)
    require_journal_write(granted)
    entry, basis = granted.obj, granted.basis
    user = user_of(request)
    if Entry.objects.filter(supersedes=entry).exists():
        messages.info(request, _("Kirjausta on jo korjattu. Vain uusimman version voi korjata."))
        return redirect("episodes:journal_versions", pk=entry.pk)
    if not may_correct_entry(user=user, entry=entry, basis=basis):
        raise PermissionDenied(
            _("Vain kirjauksen tekijä tai työmuodon esihenkilö voi korjata kirjauksen.")
        )
    episode = entry.episode
    form = (
        EntryCorrectForm(request.POST, entry=entry, actor=user)
        if request.method == "POST"
        else EntryCorrectForm(entry=entry, actor=user)  # the entry's values as initial
    )
    saved = saved_redirect(
        request,
        form,
        transaction.atomic(
            lambda _data: services.entry_correct(actor=user, entry=entry, **form.service_kwargs())
        ),
        next_url=lambda new: _at_entry(episode, new),
        success=_("Korjattu versio on tallennettu."),
    )
    if saved is not None:
        return saved
    return _episode_page(
        request,
        "episodes/journal/correct.html",
        episode=episode,
        basis=basis,
        context={"entry": entry, "form": form},
    )


@object_scoped
@require_GET
def journal_versions(request: HttpRequest, pk: int) -> HttpResponse:
    granted = entry_access(request, pk)
    entry, basis = granted.obj, granted.basis
    episode = entry.episode
    versions = selectors.entry_versions(entry)
    return _episode_page(
        request,
        "episodes/journal/versions.html",
        episode=episode,
        basis=basis,
        context={"entry": entry, "versions": versions, "newest": versions[-1]},
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def journal_attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    granted = entry_access(request, pk)
    require_journal_write(granted)
    entry, basis = granted.obj, granted.basis
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
                        actor=user_of(request),
                        entry=entry,
                        uploaded=form.cleaned_data["file"],
                        kind=form.cleaned_data["kind"],
                    )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Liite on tallennettu."))
                return HttpResponseRedirect(_at_entry(episode, entry))
    else:
        form = AttachmentForm()
    return _episode_page(
        request,
        "episodes/journal/attachment_add.html",
        episode=episode,
        basis=basis,
        context={"entry": entry, "form": form, "file_was_sent": bool(request.FILES)},
    )


@object_scoped
@require_GET
def journal_attachment(request: HttpRequest, pk: int) -> FileResponse:
    """The only way to read an attachment: access checked, read logged, never cached/sniffed."""
    granted = attachment_access(request, pk)
    attachment, basis = granted.obj, granted.basis
    entry = attachment.entry
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    _log(request, subjects=selectors.entry_subjects(entry), episode=entry.episode, basis=basis)
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
