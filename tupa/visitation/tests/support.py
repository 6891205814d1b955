"""Test helpers: a Tapaamispaikka service form, a separated family and an order."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_scopes import scopes_disabled

from tupa.accounts.models import User
from tupa.core.tests.factories import (
    EpisodeFactory,
    ParticipantFactory,
    PersonFactory,
    ServiceFormFactory,
)
from tupa.core.wallclock import HELSINKI
from tupa.episodes.models import Episode, Participant
from tupa.organisations.models import Municipality, Organisation, ServiceForm
from tupa.visitation import services
from tupa.visitation.models import MeetingOrder, OrderBasis, PartyRole


def t(y: int, m: int, d: int, h: int = 12, mi: int = 0) -> dt.datetime:
    """A Helsinki wall-clock moment."""
    return dt.datetime(y, m, d, h, mi, tzinfo=HELSINKI)


#: "Today" of the tests: Monday 15.6.2026 12:00 Helsinki.
NOW = t(2026, 6, 15, 12)


def municipality(code: str, name: str) -> Municipality:
    obj, _created = Municipality.objects.get_or_create(
        code=code, defaults={"name_fi": name, "name_sv": name}
    )
    return obj


def visitation_form(organisation: Organisation | None = None, **kwargs: Any) -> ServiceForm:
    extra: dict[str, Any] = {"organisation": organisation} if organisation else {}
    if organisation is not None:
        from tupa.core.tests.factories import AreaFactory

        extra["area"] = AreaFactory.create(organisation=organisation)
    return ServiceFormFactory.create(
        kind=ServiceForm.Kind.VISITATION, name="Tapaamispaikka (testi)", **extra, **kwargs
    )


def family(
    form: ServiceForm, *, children: int = 1, names: tuple[str, str] = ("Äiti", "Isä")
) -> tuple[Episode, dict[str, Any]]:
    """An active episode: mother (client), father (client) and ``children`` children."""
    episode = EpisodeFactory.create(service_form=form, organisation=form.organisation)

    def person(first: str) -> Any:
        return PersonFactory.create(organisation=form.organisation, first_names=first)

    mother = ParticipantFactory.create(episode=episode, role="client", person=person(names[0]))
    father = ParticipantFactory.create(episode=episode, role="client", person=person(names[1]))
    kids = [
        ParticipantFactory.create(episode=episode, role="child", person=person(f"Lapsi{i}"))
        for i in range(children)
    ]
    return episode, {"mother": mother, "father": father, "children": kids}


def parties(people: dict[str, Any]) -> list[tuple[Participant, str]]:
    return [
        (people["mother"], PartyRole.RESIDENT_PARENT),
        (people["father"], PartyRole.VISITING_PARENT),
        *[(c, PartyRole.CHILD) for c in people["children"]],
    ]


def order_values(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "basis": OrderBasis.COURT_DECISION,
        "basis_date": dt.date(2026, 1, 2),
        "basis_reference": "H 26/1234",
        "authority_name": "Testin käräjäoikeus",
        "meeting_type": "supervised",
        "interval_weeks": 2,
        "duration_minutes": 120,
        "valid_from": dt.date(2026, 1, 5),
        "valid_until": dt.date(2026, 12, 31),
        "payer_municipality": municipality("398", "Lahti"),
        "arrival_offset_minutes": 15,
        "departure_offset_minutes": 15,
    }
    values.update(overrides)
    return values


def make_order(
    actor: User, episode: Episode, people: dict[str, Any], **overrides: Any
) -> MeetingOrder:
    with scopes_disabled():
        return services.order_create(
            actor=actor, episode=episode, parties=parties(people), **order_values(**overrides)
        )
