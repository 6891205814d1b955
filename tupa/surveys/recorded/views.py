"""Staff-recorded feedback and the team's feedback list.

- ``surveys:record_new`` (``/palaute/<slug>/kirjaa/``, ``surveys.invite``): choose a published
  questionnaire of the form (or an organisation-wide one), then type what the paper form or the
  client said. Opened from an episode (``?asiakkuus=<pk>``, the episode panel's buttons) the
  answer may be linked to one of the episode's participants and, for an outcome measure, to a
  measurement point; otherwise it is anonymous. Errors keep everything typed.
- ``surveys:feedback`` (``/palaute/<slug>/palautteet/``, ``surveys.results.view``): the form's
  responses, newest first, with their answers (see :mod:`.selectors` for what each viewer sees).

Every person shown is access-logged with the basis of their episode.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access import surveys as access
from tupa.access.marks import object_scoped, user_of
from tupa.audit.models import Action
from tupa.audit.services import record_access
from tupa.core.forms import submit
from tupa.core.params import plain_int
from tupa.episodes.models import Episode, Participant
from tupa.organisations.models import ServiceForm
from tupa.surveys.models import Channel, MeasurementPoint, QuestionnaireVersion
from tupa.surveys.recorded import selectors, services
from tupa.surveys.recorded.forms import (
    ANONYMOUS,
    ChooseForm,
    FilterForm,
    RecordForm,
    new_form_key,
)
from tupa.surveys.rendering import questions
from tupa.surveys.results import suppression


def record_url(service_form: ServiceForm, **params: Any) -> str:
    base = reverse("surveys:record_new", args=[service_form.slug])
    query = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{base}?{urlencode(query)}" if query else base


def _episode(request: HttpRequest, service_form: ServiceForm) -> tuple[Episode | None, Any]:
    raw = request.POST.get("asiakkuus") or request.GET.get("asiakkuus")
    if not raw:
        return None, None
    try:
        pk = int(raw)
    except ValueError as exc:
        raise Http404 from exc
    granted = access.episode_feedback_access(request, pk)
    if granted.obj.service_form_id != service_form.pk:
        raise Http404
    return granted.obj, granted.basis


def _participants(request: HttpRequest, episode: Episode, basis: Any) -> list[Participant]:
    rows = list(
        Participant.objects.filter(episode=episode, person__isnull=False)
        .select_related("person")
        .order_by("role", "pk")
    )
    if rows:
        record_access(
            request=request,
            subjects=[p.person for p in rows],
            action=Action.VIEW,
            basis=basis,
            episode_id=episode.pk,
        )
    return rows


@object_scoped
@require_http_methods(["GET", "POST"])
def record_new(request: HttpRequest, slug: str) -> HttpResponse:
    service_form = access.form_access(request, slug, action=access.INVITE).obj
    user = user_of(request)
    episode, basis = _episode(request, service_form)
    versions = services.versions_for(service_form, linked=episode is not None)
    by_pk = {v.pk: v for v in versions}
    chosen = plain_int(request.POST.get("version") or request.GET.get("kysely"))
    version: QuestionnaireVersion | None = by_pk.get(chosen) if chosen is not None else None
    context: dict[str, Any] = {
        "service_form": service_form,
        "episode": episode,
        "shelter": access.is_thl_feedback_form(service_form),
    }
    if version is None:
        if len(versions) == 1 and request.method == "GET":
            version = versions[0]
        else:
            context["choose"] = ChooseForm(versions=versions) if versions else None
            return render(request, "surveys/recorded/choose.html", context)
    outcome = version.questionnaire.is_outcome_measure
    participants = _participants(request, episode, basis) if episode is not None else None
    answer_errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        form = RecordForm(request.POST, participants=participants, outcome=outcome)

        def record(data: dict[str, Any]) -> object:
            person = form.person
            return services.feedback_record(
                actor=user,
                version=version,
                service_form=service_form,
                channel=data["channel"],
                raw=request.POST,
                form_key=data["form_key"],
                submitted_on=data["submitted_on"],
                anonymous=person is None,
                episode=episode if person is not None else None,
                person=person,
                measurement_point=data.get("measurement_point", ""),
            )

        # Not saved_redirect(): the answers' own errors (AnswersInvalid) go beside the questions.
        try:
            done = submit(form, record)
        except services.AnswersInvalid as invalid:
            answer_errors = invalid.errors
        else:
            if done.ok:
                messages.success(
                    request, _("Palaute on tallennettu ja merkitty työntekijän kirjaamaksi.")
                )
                if episode is not None:
                    return HttpResponseRedirect(
                        reverse("episodes:detail", args=[episode.pk]) + "#palaute"
                    )
                return HttpResponseRedirect(record_url(service_form, kysely=version.pk))
        status = 400
        if "" in answer_errors:
            form.add_error(None, answer_errors.pop(""))
    else:
        point = request.GET.get("mittauspiste", "")
        person = request.GET.get("henkilo", "")
        form = RecordForm(
            initial={
                "version": version.pk,
                "form_key": new_form_key(),
                "channel": Channel.PAPER if not outcome else Channel.IN_PERSON,
                "submitted_on": timezone.localdate(),
                "measurement_point": point if point in MeasurementPoint.values else "",
                "respondent": person if person.isdigit() else ("" if outcome else ANONYMOUS),
            },
            participants=participants,
            outcome=outcome,
        )
    context.update(
        {
            "version": version,
            "form": form,
            "sections": questions(
                version,
                language=get_language() or "fi",
                values=request.POST if request.method == "POST" else None,
                errors=answer_errors,
            ),
            "outcome": outcome,
        }
    )
    return render(request, "surveys/recorded/record.html", context, status=status)


@object_scoped
@require_GET
def feedback(request: HttpRequest, slug: str) -> HttpResponse:
    """The form's responses for the team: filters, one page, answers per response."""
    service_form = access.form_access(request, slug, action=access.RESULTS).obj
    user = user_of(request)
    questionnaires = list(selectors.questionnaires_of(service_form))
    filters = FilterForm(request.GET or None, questionnaires=questionnaires)
    page, rows, shown = selectors.feedback_page(
        user=user,
        service_form=service_form,
        page_number=request.GET.get("sivu", 1),
        **filters.values(),
    )
    # One access-log call per basis (a page shows many episodes; each person is one event).
    for basis in sorted(set(shown.values())):
        episodes = {e for e, b in shown.items() if b == basis}
        record_access(
            request=request,
            subjects=[r.person for r in rows if r.person and r.response.episode_id in episodes],
            action=Action.LIST,
            basis=basis,
            episode_id=next(iter(episodes)) if len(episodes) == 1 else None,
        )
    query = request.GET.copy()
    query.pop("sivu", None)
    return render(
        request,
        "surveys/recorded/feedback.html",
        {
            "service_form": service_form,
            "filters": filters,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "small_cell": suppression.threshold(),
            "may_record": access.may(user, access.INVITE, service_form)
            and not access.is_thl_feedback_form(service_form),
        },
    )
