"""The shelter's random details, shared by the residential demo (:mod:`.around`) and the
federation-scale generator (:mod:`tupa.demo.federation_scale.shelter`): THL's shelter data of a
family and the 24 h line's calls, with the same weights in both.

Both builders draw from one seeded random stream, so every function here makes its draws in a
fixed order (the one the builders had before these were shared): reordering them would change
the generated data.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

from tupa.accounts.models import User
from tupa.demo.residential.units import age_band
from tupa.episodes.models import Participant
from tupa.residential.models import LineContact, ShelterClientData

_V = ShelterClientData.ViolenceForm
_R = ShelterClientData.Relationship
_C, _T = LineContact.Caller, LineContact.Topic

#: THL's forms of violence and their weights (a family's data names one to four of them).
VIOLENCE_FORMS = (
    _V.PSYCHOLOGICAL,
    _V.PHYSICAL,
    _V.THREAT,
    _V.ECONOMIC,
    _V.DIGITAL,
    _V.STALKING,
    _V.SEXUAL,
    _V.CHEMICAL,
    _V.CULTURAL_RELIGIOUS,
    _V.OTHER,
)
VIOLENCE_FORM_WEIGHTS = (30, 22, 14, 8, 7, 6, 5, 2, 2, 1)
#: Who used the violence against the adult client (a child's is always the parent).
RELATIONSHIPS = (
    _R.CURRENT_PARTNER,
    _R.FORMER_PARTNER,
    _R.PARENT,
    _R.OTHER_RELATIVE,
    _R.OTHER,
    _R.UNKNOWN,
)
RELATIONSHIP_WEIGHTS = (45, 33, 5, 6, 5, 6)
#: Weights of ShelterClientData.ViolenceDuration's values, in their order.
DURATION_WEIGHTS = (8, 14, 14, 38, 20, 6)

LINE_CHANNELS = (LineContact.Channel.PHONE, LineContact.Channel.CHAT, LineContact.Channel.OTHER)
LINE_CHANNEL_WEIGHTS = (78, 20, 2)
LINE_CALLERS = (_C.VICTIM, _C.RELATIVE, _C.PROFESSIONAL, _C.PERPETRATOR, _C.OTHER, _C.UNKNOWN)
LINE_CALLER_WEIGHTS = (55, 15, 14, 6, 5, 5)
#: What a call is about (one or two topics).
LINE_TOPICS = (
    _T.CLOSE_RELATIONSHIP_VIOLENCE,
    _T.SAFETY_PLANNING,
    _T.SHELTER_PLACE,
    _T.CHILDREN,
    _T.LEGAL,
    _T.HOUSING,
    _T.OTHER,
)
LINE_TOPIC_WEIGHTS = (40, 15, 15, 12, 8, 6, 4)


def violence_forms(rng: random.Random) -> list[str]:
    """One to four forms of violence, sorted."""
    return sorted(set(rng.choices(VIOLENCE_FORMS, VIOLENCE_FORM_WEIGHTS, k=rng.randint(1, 4))))


def violence_relationship(rng: random.Random) -> str:
    return rng.choices(RELATIONSHIPS, RELATIONSHIP_WEIGHTS)[0]


def violence_duration(rng: random.Random) -> str:
    return rng.choices(list(ShelterClientData.ViolenceDuration.values), DURATION_WEIGHTS)[0]


@dataclass(frozen=True)
class FamilyViolence:
    """THL's data of one shelter stay that its persons share."""

    forms: list[str]
    relationship: str
    stay_order: str
    duration: str

    def data_of(
        self, participant: Participant, rng: random.Random, arrived: dt.date, updated_by: User
    ) -> ShelterClientData:
        """One person's THL data (unsaved): a child is mostly in the violent environment and
        the parent is who used the violence; the age band on the arrival day."""
        child = participant.role == Participant.Role.CHILD
        person, alias = participant.person, participant.alias
        gender = (person.gender if person else alias.gender if alias else "") or ""
        born: dt.date | None = person.birth_date if person else None
        if born is None and alias is not None and alias.birth_year:
            born = dt.date(alias.birth_year, 7, 1)
        return ShelterClientData(
            participant=participant,
            client_status=ShelterClientData.ClientStatus.VIOLENT_ENVIRONMENT
            if child and rng.random() < 0.8
            else ShelterClientData.ClientStatus.VICTIM,
            gender=gender if gender in ShelterClientData.Gender.values else "unknown",
            age_band=age_band(born, arrived),
            violence_forms=self.forms,
            relationship=_R.PARENT if child else self.relationship,
            stay_order=self.stay_order,
            violence_duration=self.duration,
            updated_by=updated_by,
        )


@dataclass(frozen=True)
class LineCall:
    """A 24 h line call's length, channel, caller and topics."""

    duration_minutes: int
    channel: str
    caller: str
    topics: list[str]


def line_call(rng: random.Random) -> LineCall:
    """About a quarter of an hour (1–120 minutes), mostly by phone, mostly the victim."""
    return LineCall(
        duration_minutes=max(1, min(120, round(rng.lognormvariate(math.log(14), 0.6)))),
        channel=rng.choices(LINE_CHANNELS, LINE_CHANNEL_WEIGHTS)[0],
        caller=rng.choices(LINE_CALLERS, LINE_CALLER_WEIGHTS)[0],
        topics=sorted(set(rng.choices(LINE_TOPICS, LINE_TOPIC_WEIGHTS, k=rng.randint(1, 2)))),
    )
