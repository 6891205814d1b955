"""Volunteer leaders and childminders of group programmes (issue 12 item 7).

A volunteer leader is a record of the volunteer register. This app may not import the
volunteers app (ADR 0008, the "features" contract): it asks through the registry
(:func:`tupa.core.registry.volunteer_choices`), and the volunteers app answers with its rules —
the volunteer was active and had a task in the programme's service form on the day, and, for
work with children, a valid record check (Act 148/2014).

**Work with children [verify with the association]**: a childminder, or any leader of a
programme whose target group is children (e.g. the children's peer group of *Ero
lapsiperheessä*). Baby–parent and family groups have the parents present.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.utils import timezone
from django.utils.translation import gettext as _

from tupa.core import registry

from .models import GroupProgramme, Leader


def works_with_children(*, task: str, programme: GroupProgramme) -> bool:
    return (
        task == Leader.Task.CHILDMINDER
        or programme.target_group == GroupProgramme.TargetGroup.CHILDREN
    )


def leader_day(programme: GroupProgramme, today: dt.date | None = None) -> dt.date:
    """The day a new volunteer leader is checked on: today, within the programme's period."""
    day = today or timezone.localdate()
    if programme.ends_on is not None and day > programme.ends_on:
        day = programme.ends_on
    return max(day, programme.starts_on)


def choices(
    *,
    programme: GroupProgramme,
    on: dt.date,
    with_children: bool,
    include: Collection[int] = (),
) -> list[registry.VolunteerChoice]:
    return registry.volunteer_choices(
        service_form=programme.service_form, on=on, with_children=with_children, include=include
    )


def problem(
    *, programme: GroupProgramme, volunteer_id: int, on: dt.date, with_children: bool
) -> str:
    """Why the volunteer cannot lead or mind children in ``programme`` on ``on`` ("" = may)."""
    for choice in choices(
        programme=programme, on=on, with_children=with_children, include=[volunteer_id]
    ):
        if choice.pk == volunteer_id:
            return choice.problem
    return _("Valitse vapaaehtoinen vapaaehtoisrekisteristä.")


def _answers(leaders: list[Leader], on: dt.date) -> dict[tuple[int, bool], str]:
    """(volunteer id, with children) → problem for the volunteer leaders (4 queries a kind)."""
    volunteers = [leader for leader in leaders if leader.volunteer_id is not None]
    if not volunteers:
        return {}
    programme = volunteers[0].programme
    ids = [leader.volunteer_id for leader in volunteers if leader.volunteer_id is not None]
    answers: dict[tuple[int, bool], str] = {}
    for with_children in {
        works_with_children(task=leader.task, programme=programme) for leader in volunteers
    }:
        for choice in choices(programme=programme, on=on, with_children=with_children, include=ids):
            answers[(choice.pk, with_children)] = choice.problem
    return answers


def _problem_of(leader: Leader, answers: dict[tuple[int, bool], str]) -> str:
    if leader.kind != Leader.Kind.VOLUNTEER:
        return ""
    if leader.volunteer_id is None:
        return _(
            "%(name)s ei ole vapaaehtoisrekisterissä: lisää hänet rekisteristä ryhmän "
            "vapaaehtoiseksi ennen kuin merkitset hänet kokoontumiseen."
        ) % {"name": leader.name}
    key = (
        leader.volunteer_id,
        works_with_children(task=leader.task, programme=leader.programme),
    )
    return answers.get(key, _("Valitse vapaaehtoinen vapaaehtoisrekisteristä."))


def session_problems(*, leaders: list[Leader], on: dt.date) -> list[str]:
    """Why these leaders cannot be put on a session on ``on`` (messages; empty when they may).

    ``leaders`` are the ones being added to the session (those already on it stay). A volunteer
    named in free text before the register cannot be added: there is no record to check.
    """
    answers = _answers(leaders, on)
    return [p for p in (_problem_of(leader, answers) for leader in leaders) if p]


def addable(*, leaders: list[Leader], on: dt.date) -> set[int]:
    """The ids of the leaders that may be put on a session on ``on`` (staff always)."""
    answers = _answers(leaders, on)
    return {leader.pk for leader in leaders if not _problem_of(leader, answers)}
