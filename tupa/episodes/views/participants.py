"""Participants of an episode: add a person or alias, mark one as left."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tupa.access.episodes import editable_episode_access
from tupa.access.marks import object_scoped, user_of
from tupa.core.forms import saved_redirect

from .. import services
from ..forms.intake import ParticipantForm
from ..models import Participant
from . import episode_url
from ._common import _form_page


@object_scoped
@require_http_methods(["GET", "POST"])
def add_participant(request: HttpRequest, pk: int) -> HttpResponse:
    granted = editable_episode_access(request, pk)
    episode, basis = granted.obj, granted.basis
    if request.method == "POST":
        form = ParticipantForm(request.POST)
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
    saved = saved_redirect(
        request,
        form,
        lambda data: services.participant_add(
            actor=user_of(request),
            episode=episode,
            new=form.subject(),  # type: ignore[arg-type]
            role=data["role"],
            violence_role=data.get("violence_role") or "",
        ),
        next_url=episode_url(episode),
        success=_("Osallistuja on lisätty."),
    )
    return saved or _form_page(
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
    episode = editable_episode_access(request, pk).obj
    participant = Participant.objects.filter(pk=participant_pk, episode=episode).first()
    if participant is None:
        raise Http404
    try:
        services.participant_remove(actor=user_of(request), participant=participant)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Osallistuja on merkitty poistuneeksi asiakkuudesta."))
    return HttpResponseRedirect(episode_url(episode))
