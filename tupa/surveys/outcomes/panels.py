"""The feedback and outcome panel of the client's episode page (``registry.episode_panels``).

The episode page calls it only after deciding that the user sees the episode. It shows:

- for a **shelter** episode only "THL:n asiakaspalautelomakkeen linkki annettu": per participant
  (adults and children) the day the THL form's link was given, or a button to record it. No Tupa
  questionnaire is offered and no answer is shown (FBK-06, CON-06);
- otherwise the outcome measures (Vaikuttavuus esiin) per person and measurement point with the
  change between the first and the latest measurement, the buttons "Kirjaa mittaus" and
  "Lähetä linkki" (for those who may record the form's feedback), and the episode's feedback
  invitations with their status.

Nothing to show returns ``None``. Every person shown is access-logged with the episode's basis:
the participants by the episode page itself, anyone else (a former participant's answers) here.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from tupa.access import surveys as access
from tupa.access.marks import user_of
from tupa.audit.models import Action
from tupa.audit.services import record_access
from tupa.episodes.models import Participant
from tupa.episodes.selectors import participants_of
from tupa.surveys.models import MeasurementPoint
from tupa.surveys.outcomes import selectors
from tupa.surveys.recorded.services import versions_for
from tupa.surveys.thl.selectors import given_in


def _log(request: HttpRequest, persons: list[Any], episode: Any, basis: Any) -> None:
    """Log the persons shown who are not the episode's participants: the episode page has
    logged every participant already (one event per person and page)."""
    listed = {p.person_id for p in _participants(episode)}
    others = list({p.pk: p for p in persons if p.pk not in listed}.values())
    if others:
        record_access(
            request=request,
            subjects=others,
            action=Action.VIEW,
            basis=basis,
            episode_id=episode.pk,
        )


def _participants(episode: Any) -> list[Participant]:
    """The episode's named participants, current and former, by role. The episode page has
    read them already (``episodes.selectors.participants_of``), so they are not read again; for
    any other episode object this is one query."""
    named = [p for p in participants_of(episode) if p.person_id is not None]
    return sorted(named, key=lambda p: (p.role, p.pk))


def suggested_point(episode: Any, measured: set[str]) -> str:
    """Start when nothing is measured yet; end once the episode has ended; else interim."""
    if not measured:
        return MeasurementPoint.START
    if episode.status == "ended":
        return (
            MeasurementPoint.FOLLOW_UP
            if MeasurementPoint.END in measured
            else (MeasurementPoint.END)
        )
    return MeasurementPoint.INTERIM


def _shelter_panel(request: HttpRequest, episode: Any, basis: Any) -> dict[str, Any]:
    participants = _participants(episode)
    given = given_in(episode)
    _log(request, [p.person for p in participants], episode, basis)
    return {
        "shelter": True,
        "rows": [{"participant": p, "given": given.get(p.person_id or 0)} for p in participants],
        "may_record": access.may_record_feedback(user_of(request), episode),
        "today": timezone.localdate(),
    }


def episode_panel(request: HttpRequest, episode: Any, basis: Any) -> dict[str, Any] | None:
    if access.is_thl_feedback_form(episode.service_form):
        return _shelter_panel(request, episode, basis)
    user = user_of(request)
    may_record = access.may_record_feedback(user, episode)
    measures = selectors.outcome_measures(episode)
    invitations = selectors.invitations_of(episode)
    instruments = versions_for(episode.service_form, outcome_only=True) if may_record else []
    participants = _participants(episode) if instruments else []
    if not (measures or invitations or instruments):
        return None
    measured: dict[int, set[str]] = {}
    for group in measures:
        measured.setdefault(group.person.pk, set()).update(group.points)
    people = [
        {
            "participant": p,
            "point": suggested_point(episode, measured.get(p.person_id or 0, set())),
        }
        for p in participants
    ]
    _log(
        request,
        [g.person for g in measures]
        + [i.person for i in invitations if i.person is not None]
        + [p.person for p in participants],
        episode,
        basis,
    )
    return {
        "shelter": False,
        "measures": measures,
        "invitations": invitations,
        "instruments": instruments,
        "people": people,
        "points": MeasurementPoint.choices,
        "may_record": may_record,
    }
