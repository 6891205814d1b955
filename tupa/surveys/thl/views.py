"""THL pages: the shelter's periodic summaries (list, upload, download) and the "THL form link
given" button of the shelter episode's panel.

The summaries are read under ``surveys.results.view`` and uploaded under ``surveys.manage`` of a
shelter form; any other form answers 404. A document is served only through
:func:`summary_download` (checked, never cached, always a download), never from a media URL. The
summaries hold no person data, so reading them is not access-logged; the "given" record names a
person and is logged with the episode.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tupa.access import surveys as access
from tupa.access.marks import object_scoped, user_of
from tupa.audit.models import Action
from tupa.audit.services import record_access
from tupa.core.forms import saved_redirect, submit
from tupa.core.params import plain_int
from tupa.episodes.models import Participant
from tupa.organisations.models import ServiceForm
from tupa.surveys.thl import selectors, services
from tupa.surveys.thl.forms import GivenForm, SummaryForm


def _shelter(request: HttpRequest, slug: str, action: str) -> ServiceForm:
    service_form = access.form_access(request, slug, action=action).obj
    if not access.is_thl_feedback_form(service_form):
        raise Http404
    return service_form


@object_scoped
@require_http_methods(["GET", "POST"])
def summaries(request: HttpRequest, slug: str) -> HttpResponse:
    """THL's summaries of the shelter's client feedback, and (for the lead) a new one."""
    service_form = _shelter(request, slug, access.RESULTS)
    user = user_of(request)
    may_upload = access.may(user, access.MANAGE, service_form)
    form = SummaryForm(request.POST or None, request.FILES or None) if may_upload else None
    if form is None and request.method == "POST":
        raise Http404
    saved: HttpResponse | None = None
    if form is not None:
        saved = saved_redirect(
            request,
            form,
            lambda data: services.thl_summary_upload(
                actor=user,
                service_form=service_form,
                period_start=data["period_start"],
                period_end=data["period_end"],
                uploaded=data["document"],
                note=data["note"],
            ),
            next_url=request.path,
            success=_("Yhteenveto on tallennettu."),
        )
    # Not form_page(): a reader without the upload right sees the list and no form.
    return saved or render(
        request,
        "surveys/thl/summaries.html",
        {
            "service_form": service_form,
            "summaries": list(selectors.summaries_of(service_form)),
            "form": form,
            "file_was_sent": bool(form is not None and form.is_bound and form.errors),
        },
        status=400 if form is not None and form.is_bound else 200,
    )


@object_scoped
@require_GET
def summary_download(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    service_form = _shelter(request, slug, access.RESULTS)
    summary = selectors.summary_of(service_form, pk)
    if summary is None:
        raise Http404
    try:
        handle = summary.document.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=selectors.download_name(summary),
        content_type=selectors.content_type_of(summary),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@object_scoped
@require_POST
def form_given(request: HttpRequest, episode_pk: int) -> HttpResponse:
    """The panel's button: THL's form link was given to one participant (once per person).

    A bad date (or the service's refusal) shows the form again on a page of its own, with the
    message and the date as typed (status 400); a person not in the episode is 404.
    """
    granted = access.episode_feedback_access(request, episode_pk)
    episode = granted.obj
    person_pk = plain_int(request.POST.get("person"))
    if person_pk is None:
        raise Http404
    participant = (
        Participant.objects.filter(episode=episode, person_id=person_pk, person__isnull=False)
        .select_related("person")
        .first()
    )
    if participant is None or participant.person is None:
        raise Http404
    person = participant.person
    form = GivenForm(request.POST)
    done = submit(
        form,
        lambda data: services.thl_form_given_record(
            actor=user_of(request), episode=episode, person=person, given_on=data["given_on"]
        ),
    )
    record_access(
        request=request,
        subjects=[person],
        action=Action.VIEW,
        basis=granted.basis,
        episode_id=episode.pk,
    )
    if done.ok:
        messages.success(
            request,
            _("Kirjattu: THL:n asiakaspalautelomakkeen linkki annettu (%(name)s).")
            % {"name": person},
        )
        return HttpResponseRedirect(reverse("episodes:detail", args=[episode.pk]) + "#palaute")
    return render(
        request,
        "surveys/thl/given.html",
        {"episode": episode, "person": person, "form": form},
        status=400,
    )
