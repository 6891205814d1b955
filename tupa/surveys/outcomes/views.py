"""The episode panel's "Lähetä linkki": a one-time link to an outcome measure for one participant
at a measurement point (linked, never anonymous), made by the schedules' ``invitation_create``.

The link is shown once on the next page (only its hash is stored); the page is never cached.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tupa.access import surveys as access
from tupa.access.marks import object_scoped, user_of
from tupa.audit.models import Action
from tupa.audit.services import record_access
from tupa.episodes.models import Participant
from tupa.surveys.models import MeasurementPoint
from tupa.surveys.recorded.services import versions_for
from tupa.surveys.schedules.services import invitation_create


@object_scoped
@require_POST
def send_link(request: HttpRequest, episode_pk: int) -> HttpResponse:
    granted = access.episode_feedback_access(request, episode_pk)
    episode = granted.obj
    back = reverse("episodes:detail", args=[episode.pk]) + "#palaute"
    versions = {v.pk: v for v in versions_for(episode.service_form, outcome_only=True)}
    try:
        version = versions[int(request.POST.get("kysely", ""))]
        person_id = int(request.POST.get("henkilo", ""))
    except (KeyError, ValueError) as exc:
        raise Http404 from exc
    participant = (
        Participant.objects.filter(episode=episode, person_id=person_id)
        .select_related("person")
        .first()
    )
    if participant is None or participant.person is None:
        raise Http404
    person = participant.person
    point = request.POST.get("mittauspiste", "")
    if point not in MeasurementPoint.values:
        messages.error(request, _("Valitse mittauspiste."))
        return HttpResponseRedirect(back)
    record_access(
        request=request,
        subjects=[person],
        action=Action.VIEW,
        basis=granted.basis,
        episode_id=episode.pk,
    )
    try:
        invitation, token = invitation_create(
            actor=user_of(request),
            service_form=episode.service_form,
            target=version.questionnaire.target,
            version=version,
            episode=episode,
            person=person,
            measurement_point=point,
            anonymous=False,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return HttpResponseRedirect(back)
    link = request.build_absolute_uri(reverse("answer:invitation", kwargs={"token": token}))
    response = render(
        request,
        "surveys/outcomes/link.html",
        {"episode": episode, "invitation": invitation, "person": person, "link": link},
    )
    response["Cache-Control"] = "no-store"
    return response
