"""Test helpers: a group service form, families with episodes in it, programmes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_scopes import scope

from tupa.core.tests.factories import (
    EpisodeFactory,
    ParticipantFactory,
    ServiceFormFactory,
    worker_in,
)
from tupa.core.wallclock import HELSINKI
from tupa.episodes.models import Participant
from tupa.organisations.models import ServiceForm
from tupa.programmes import services
from tupa.programmes.models import GroupProgramme, Member, Session


def t(y: int, m: int, d: int, h: int = 9, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=HELSINKI)


def group_form(**kwargs: Any) -> ServiceForm:
    kwargs.setdefault("kind", ServiceForm.Kind.GROUP)
    return ServiceFormFactory.create(**kwargs)  # type: ignore[no-any-return]


def pair(
    form: ServiceForm, *, child: bool = True, **person: Any
) -> tuple[Participant, Participant | None]:
    """An active episode of ``form`` with a parent (client) and optionally a child."""
    episode = EpisodeFactory.create(service_form=form, organisation=form.organisation)
    parent = ParticipantFactory.create(episode=episode, role="client", **person)
    kid = ParticipantFactory.create(episode=episode, role="child") if child else None
    return parent, kid


def programme(form: ServiceForm, actor: Any, **kwargs: Any) -> GroupProgramme:
    kwargs.setdefault("name", "Testiryhmä")
    kwargs.setdefault("type", GroupProgramme.Type.CLOSED)
    kwargs.setdefault("target_group", GroupProgramme.TargetGroup.BABY_PARENT)
    kwargs.setdefault("starts_on", dt.date(2026, 3, 2))
    with scope(organisation=form.organisation):
        return services.programme_create(actor=actor, service_form=form, **kwargs)


def add_member(
    prog: GroupProgramme,
    actor: Any,
    parent: Participant,
    child: Participant | None = None,
    **kw: Any,
) -> Member:
    with scope(organisation=prog.organisation):
        return services.member_add(
            actor=actor, programme=prog, participant=parent, child=child, **kw
        )


def add_session(
    prog: GroupProgramme, actor: Any, start: dt.datetime, hours: int = 3, **kw: Any
) -> Session:
    with scope(organisation=prog.organisation):
        return services.session_create(
            actor=actor,
            programme=prog,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=hours),
            **kw,
        )


def record(session: Session, actor: Any, statuses: dict[Member, str], **kw: Any) -> Session:
    with scope(organisation=session.programme.organisation):
        return services.session_record(
            actor=actor, session=session, statuses={m.pk: s for m, s in statuses.items()}, **kw
        )


__all__ = [
    "add_member",
    "add_session",
    "group_form",
    "pair",
    "programme",
    "record",
    "t",
    "worker_in",
]
