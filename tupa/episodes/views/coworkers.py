"""Co-worker assignments of an episode (members of the episode's own form only)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tupa.access.episodes import editable_episode_access, may_assign
from tupa.access.marks import object_scoped, user_of
from tupa.core.forms import saved_redirect

from .. import selectors, services
from ..forms.plan import AssignmentForm
from ..models import Assignment
from . import episode_url
from ._common import _form_page


@object_scoped
@require_http_methods(["GET", "POST"])
def assignment_add(request: HttpRequest, pk: int) -> HttpResponse:
    granted = editable_episode_access(request, pk)
    episode, basis = granted.obj, granted.basis
    if not may_assign(user_of(request), episode):
        raise PermissionDenied
    users = selectors.assignable_users(episode=episode)
    form = AssignmentForm(request.POST or None, users=users)
    saved = saved_redirect(
        request,
        form,
        lambda data: services.assignment_add(
            actor=user_of(request),
            episode=episode,
            user=data["user"],
            valid_from=data.get("valid_from"),
            valid_until=data.get("valid_until"),
            is_primary=data.get("is_primary", False),
        ),
        next_url=episode_url(episode),
        success=_("Työntekijä on nimetty asiakkuuteen."),
    )
    return saved or _form_page(
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
    episode = editable_episode_access(request, pk).obj
    assignment = Assignment.objects.filter(pk=assignment_pk, episode=episode).first()
    if assignment is None:
        raise Http404
    if not may_assign(user_of(request), episode):
        raise PermissionDenied
    services.assignment_end(actor=user_of(request), assignment=assignment)
    messages.success(request, _("Työntekijän nimeäminen on päättynyt."))
    return HttpResponseRedirect(episode_url(episode))
