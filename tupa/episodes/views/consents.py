"""Consents recorded in an episode: record one, withdraw one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tupa.access.episodes import editable_episode_access
from tupa.access.marks import object_scoped, user_of
from tupa.core.forms import saved_redirect
from tupa.people.models import Consent

from .. import services
from ..forms.consents import ConsentForm
from . import episode_url
from ._common import _form_page


@object_scoped
@require_http_methods(["GET", "POST"])
def consent_add(request: HttpRequest, pk: int) -> HttpResponse:
    granted = editable_episode_access(request, pk)
    episode, basis = granted.obj, granted.basis
    form = ConsentForm(request.POST or None, episode=episode)
    saved = saved_redirect(
        request,
        form,
        lambda data: services.consent_record(actor=user_of(request), episode=episode, **data),
        next_url=episode_url(episode) + "#suostumukset",
        success=_("Suostumus on kirjattu."),
    )
    return saved or _form_page(
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
    episode = editable_episode_access(request, pk).obj
    consent = Consent.objects.filter(pk=consent_pk, episode=episode).first()
    if consent is None:
        raise Http404
    try:
        services.consent_withdraw(actor=user_of(request), consent=consent)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Suostumus on peruttu."))
    return HttpResponseRedirect(episode_url(episode) + "#suostumukset")
