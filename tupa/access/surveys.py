"""Who may build, send, record and read feedback (:mod:`tupa.surveys`, ``docs/surveys.md``).

The policy rows decide per service form:

- ``surveys.manage`` — the form's lead or coordinator builds its questionnaires, publishes
  versions, sets schedules and kiosks, imports answers. An organisation-wide questionnaire (no
  form) is managed by an organisation-wide holder of the role (the executive director).
- ``surveys.invite`` — the form's client workers see its due list, make invitations and letters,
  record paper and oral feedback, and the THL form given. The persons on a due list are only
  those of episodes the user may see (:func:`tupa.access.clients.episode_basis`).
- ``surveys.results.view`` — aggregates of the form's questionnaires. A *linked* answer's free
  text is shown only to a user who may see its episode (:func:`may_read_linked_text`).
- ``surveys.quality.manage`` — the unit's yearly quality self-evaluation.

The public answering pages need no login: a one-time token (``tupa.surveys.tokens``) is the whole
authority, and it reveals nothing of the service or the person.

Anything else answers 404, whether the object exists or not.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from tupa.access import clients, policy
from tupa.access.fetch import Granted, episode_access, form_record_access, service_form_access
from tupa.access.marks import organisation_id_of, user_of
from tupa.access.policy import Basis
from tupa.organisations.models import ServiceForm
from tupa.residential.models import is_shelter
from tupa.surveys.models import Invitation, Kiosk, Questionnaire, Response, Schedule

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.episodes.models import Episode

OPEN = "surveys.open"
MANAGE = "surveys.manage"
INVITE = "surveys.invite"
RESULTS = "surveys.results.view"
QUALITY = "surveys.quality.manage"


def form_ids(user: User, action: str) -> frozenset[int] | None:
    """Form ids where ``action``'s role is held; ``None`` when held organisation-wide."""
    rule = policy.RULES[action]
    ids: set[int] = set()
    for m in policy.active_memberships(user):
        if m.role not in rule.roles:
            continue
        if m.service_form_id is None:
            return None
        ids.add(m.service_form_id)
    return frozenset(ids)


def forms_for(user: User, action: str) -> QuerySet[ServiceForm]:
    """The organisation's service forms where ``user`` may do ``action`` (ordered by name)."""
    organisation_id = user.organisation_id
    if organisation_id is None:
        return ServiceForm.objects.none()
    rows = ServiceForm.objects.filter(organisation_id=organisation_id).order_by("name", "pk")
    ids = form_ids(user, action)
    return rows if ids is None else rows.filter(pk__in=ids)


def may(user: User, action: str, service_form: ServiceForm | None) -> bool:
    """``action`` on ``service_form``; on an organisation-wide object (``None``) only an
    organisation-wide holder of the role may act."""
    if service_form is None:
        return form_ids(user, action) is None and bool(policy.decide(user, action))
    return bool(policy.decide(user, action, service_form))


def may_manage_questionnaire(user: User, questionnaire: Questionnaire) -> bool:
    """The questionnaire's form's lead or coordinator; organisation-wide ones: the ED."""
    if questionnaire.organisation_id != user.organisation_id:
        return False
    return may(user, MANAGE, questionnaire.service_form)


def questionnaires_visible_to(user: User, action: str = MANAGE) -> QuerySet[Questionnaire]:
    """Questionnaires of the forms where ``user`` may do ``action``, and organisation-wide ones
    (those every holder of the role may use; only an organisation-wide holder changes them)."""
    organisation_id = user.organisation_id
    if organisation_id is None:
        return Questionnaire.objects.none()
    rows = Questionnaire.objects.filter(organisation_id=organisation_id)
    ids = form_ids(user, action)
    if ids is None:
        return rows
    if not ids:
        return rows.none()
    return rows.filter(Q(service_form_id__in=ids) | Q(service_form__isnull=True))


def questionnaire_access(
    request: HttpRequest, pk: int, *, action: str = MANAGE
) -> Granted[Questionnaire]:
    """Questionnaire ``pk`` if ``user`` may do ``action`` with it, or 404."""
    user = user_of(request)
    organisation_id_of(request)
    questionnaire = (
        questionnaires_visible_to(user, action).select_related("service_form").filter(pk=pk).first()
    )
    if questionnaire is None:
        raise Http404
    if action == MANAGE and not may_manage_questionnaire(user, questionnaire):
        raise Http404
    basis = (
        Basis.MEMBERSHIP
        if questionnaire.service_form_id is not None
        and form_ids(user, action) not in (None, frozenset())
        else Basis.ORGANISATION_ROLE
    )
    return Granted(questionnaire, basis)


def form_access(request: HttpRequest, slug: str, *, action: str) -> Granted[ServiceForm]:
    """The service form ``slug`` where the user may do ``action`` (a surveys row), or 404."""
    return service_form_access(request, slug, rule=action)


def invitation_basis(user: User, invitation: Invitation) -> Basis | None:
    """May ``user`` act on ``invitation`` (its link, letter, reminder, cancellation), and on what
    basis: ``surveys.invite`` on its form and, when it names an episode, sight of that episode."""
    decision = policy.decide(user, INVITE, invitation.service_form)
    if not decision:
        return None
    if invitation.episode_id is not None:
        return clients.episode_basis(user=user, episode=invitation.episode)  # type: ignore[arg-type]
    return decision.basis


def invitation_access(request: HttpRequest, pk: int) -> Granted[Invitation]:
    """Invitation ``pk`` if :func:`invitation_basis` allows, otherwise 404."""
    invitation = (
        Invitation.objects.filter(pk=pk, organisation_id=organisation_id_of(request))
        .select_related("service_form", "episode", "version__questionnaire")
        .first()
    )
    if invitation is None:
        raise Http404
    basis = invitation_basis(user_of(request), invitation)
    if basis is None:
        raise Http404
    return Granted(invitation, basis)


def kiosk_access(request: HttpRequest, pk: int) -> Granted[Kiosk]:
    """Kiosk ``pk`` for ``surveys.manage`` on its form, or 404."""
    return form_record_access(request, Kiosk, pk, action=MANAGE, related=("questionnaire",))


def schedule_access(request: HttpRequest, pk: int) -> Granted[Schedule]:
    """Schedule ``pk`` for ``surveys.manage`` on its form (its lead or coordinator), or 404."""
    return form_record_access(request, Schedule, pk, action=MANAGE, related=("questionnaire",))


def may_read_linked_text(user: User, response: Response) -> bool:
    """A linked response's free text: only for a user who may see its episode. Anonymous text is
    read under the results rule (and suppressed for small groups by the results pages)."""
    if response.anonymous or response.episode_id is None:
        return may(user, RESULTS, response.service_form)
    episode = response.episode
    return episode is not None and clients.episode_basis(user=user, episode=episode) is not None


def may_see_small_cells(user: User, service_form: ServiceForm) -> bool:
    """Results from fewer respondents than ``SURVEYS_SMALL_CELL`` unsuppressed on screen: only
    for those who hold the results role *in the form itself* (its own unit). A viewer from
    outside the form (an organisation-wide role such as the executive director) sees "< 5";
    exports are suppressed for everyone (``docs/surveys-results.md``)."""
    if service_form.organisation_id != user.organisation_id:
        return False
    roles = policy.RULES[RESULTS].roles
    return any(
        m.role in roles and m.service_form_id == service_form.pk
        for m in policy.active_memberships(user)
    )


def is_thl_feedback_form(service_form: ServiceForm) -> bool:
    """The shelter: its clients answer THL's own form, never Tupa's (FBK-06, CON-06)."""
    return is_shelter(service_form)


def episode_feedback_access(request: HttpRequest, pk: int) -> Granted[Episode]:
    """Episode ``pk`` for recording its feedback, outcome measures or the THL form given: the
    user sees the episode (:func:`tupa.access.clients.episode_basis`) and holds
    ``surveys.invite`` in its form; otherwise 404."""
    granted = episode_access(request, pk)
    if not may(user_of(request), INVITE, granted.obj.service_form):
        raise Http404
    return granted


def linked_episode_bases(user: User, responses: Iterable[Response]) -> dict[int, Basis]:
    """Episode id → the user's basis, for the linked responses whose episode ``user`` may see
    (one query): the batch form of :func:`may_read_linked_text` for lists. A linked response
    whose episode is missing here shows neither the person nor the free text."""
    ids = {r.episode_id for r in responses if not r.anonymous and r.episode_id is not None}
    return clients.episode_bases(user=user, episode_ids=ids) if ids else {}


def may_record_feedback(user: User, episode: Episode) -> bool:
    """The episode panel's buttons: the user sees the episode and may record its feedback."""
    return may(user, INVITE, episode.service_form) and (
        clients.episode_basis(user=user, episode=episode) is not None
    )
