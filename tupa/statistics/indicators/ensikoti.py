"""Indicators of the mother-and-baby home (Ensikoti): the Federation's common member statistics.

*Ensi- ja turvakotien liitto lukuina* (finnish-requirements §3) asks of every member's
mother-and-baby home: mothers, fathers and children; the share referred by social services;
entry during pregnancy; stays under 2 and over 6 months. These are one unit per person
(:data:`CLIENTS`) and one unit per residence (:data:`STAYS_V2`), read from the stays with the
residential indicators' shared reads (:func:`.residential.chains`: a move continues the same
residence, as everywhere else). Care days are :data:`.residential.CARE_DAYS`, which counts
every residential form.

A mother-and-baby home is a residential form marked for pregnancy stays
(:func:`tupa.residential.members.services.is_mother_and_baby_home`).

**Not counted: main diagnoses and regular medication.** Tupa records neither (no field on the
person, the episode or the stays, and the Ensikoti basic-information form asks only the reasons
for admission, pregnancy at admission, a child-welfare placement, the planned length and the
first contact). Recording them is a decision about health data in a social-welfare register;
until it is made, the Federation's two figures cannot be produced.

Entry during pregnancy, per residence (chain of stays), decided in this order:

* **yes** when the first stay was recorded as starting in pregnancy (``Stay.started_in_pregnancy``),
  the episode's basic form answers "pregnant at admission" yes, a participant of the episode
  was an expectant parent when the family arrived, a child of the episode was born after the
  arrival date, or someone of the episode has an expected due date within 300 days after it;
* **no** when the basic form answers no, or the home asks the question at admission
  (``ServiceForm.pregnancy_stays``) and it was left unticked;
* **unknown** otherwise.

The length of a residence, version 2 (:data:`STAYS_V2`, the Federation's figure "stays over 6
months"): a residence that has lasted over 6 months by the period's end is over 6 months whatever
happens later, so it is counted so even while it goes on; version 1 (:data:`STAYS`,
:data:`CLIENTS`) gives every residence still going on at the period's end the band "jatkuu",
and so counts fewer stays over 6 months. A residence still going on that has lasted at most 6
months stays "jatkuu" in version 2 too: it may yet end under 2 months, in 2–6 months or over 6
months, and its band is given by the period in which it ends (or passes 6 months).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from tupa.core.months import add_months
from tupa.core.wallclock import day_bounds, local_date
from tupa.episodes.models import Episode, Participant, ReferralSource
from tupa.people.models import Person
from tupa.residential.members.services import is_mother_and_baby_home
from tupa.residential.models import StayMember
from tupa.residential.stays.selectors import present_in

from .base import UNKNOWN, Dimension, Indicator, IndicatorRegistry, Params, Unit
from .dimensions import MUNICIPALITY, municipality_value
from .reads import shared_read
from .residential.common import (
    StayRow,
    chains,
)

MOTHER: Final = "mother"
FATHER: Final = "father"
CHILD: Final = "child"
OTHER: Final = "other"
YES: Final = "yes"
NO: Final = "no"
UNDER_2_MONTHS: Final = "under_2m"
MONTHS_2_6: Final = "2_6m"
OVER_6_MONTHS: Final = "over_6m"
ONGOING: Final = "ongoing"

#: Referral sources that are social services (since 2023 organised by the wellbeing services
#: counties; their health care has its own sources: child-health clinic, hospital).
SOCIAL_SERVICES_SOURCES: Final = frozenset(
    {
        ReferralSource.SOCIAL_SERVICES,
        ReferralSource.CHILD_PROTECTION,
        ReferralSource.WELLBEING_COUNTY,
    }
)
#: Roles of a parent of the family (a mother or a father by gender).
_PARENT_ROLES: Final = frozenset(
    {Participant.Role.CLIENT, Participant.Role.EXPECTANT_PARENT, Participant.Role.PARTNER}
)
#: An expected due date this many days after the arrival means the family came in pregnancy.
_PREGNANCY_DAYS: Final = 300
#: The basic form's question "pregnant at admission" (ensikoti_admission_reasons_definition).
_PREGNANT_AT_ADMISSION: Final = "pregnant_at_admission"


# --------------------------------------------------------------------------- dimensions

FAMILY_ROLE = Dimension(
    "family_role",
    _("asema perheessä"),
    ((MOTHER, _("äidit")), (FATHER, _("isät")), (CHILD, _("lapset")), (OTHER, _("muut"))),
)
REFERRED_BY_SOCIAL_SERVICES = Dimension(
    "referred_by_social_services",
    _("sosiaalitoimen ohjaama"),
    (
        (YES, _("sosiaalitoimi, lastensuojelu tai hyvinvointialue")),
        (NO, _("muu ohjaava taho")),
    ),
)
ENTRY_DURING_PREGNANCY = Dimension(
    "entry_during_pregnancy",
    _("tulo raskausaikana"),
    (
        (YES, _("tuli raskausaikana")),
        (NO, _("ei raskausaikana")),
        (UNKNOWN, _("ei tiedossa")),
    ),
)
STAY_LENGTH_BAND = Dimension(
    "stay_length_band",
    _("asumisjakson pituus"),
    (
        (UNDER_2_MONTHS, _("alle 2 kuukautta")),
        (MONTHS_2_6, _("2–6 kuukautta")),
        (OVER_6_MONTHS, _("yli 6 kuukautta")),
        (ONGOING, _("jatkuu")),
    ),
)
#: The same bands by the rule of :func:`settled_length_band`: "jatkuu" is then a residence still
#: going on that has lasted at most 6 months.
SETTLED_LENGTH_BAND = Dimension(
    "stay_length_band",
    _("asumisjakson pituus"),
    (
        (UNDER_2_MONTHS, _("alle 2 kuukautta")),
        (MONTHS_2_6, _("2–6 kuukautta")),
        (OVER_6_MONTHS, _("yli 6 kuukautta")),
        (ONGOING, _("jatkuu, enintään 6 kuukautta")),
    ),
)


# --------------------------------------------------------------------------- pure rules


def family_role(role: str, gender: str | None) -> str:
    """Mother, father, child or other, from the participant's role and the person's gender."""
    if role == Participant.Role.CHILD:
        return CHILD
    if role in _PARENT_ROLES:
        if gender == Person.Gender.FEMALE:
            return MOTHER
        if gender == Person.Gender.MALE:
            return FATHER
    return OTHER


def referred_by_social_services(source: str) -> str:
    return YES if source in SOCIAL_SERVICES_SOURCES else NO


def stay_length_band(arrived: dt.date, departed: dt.date | None, period_end: dt.date) -> str:
    """The residence's length from its first arrival to its last departure (local dates):
    ongoing when it has not ended by the period's end."""
    if departed is None or departed > period_end:
        return ONGOING
    if departed < add_months(arrived, 2):
        return UNDER_2_MONTHS
    if departed > add_months(arrived, 6):
        return OVER_6_MONTHS
    return MONTHS_2_6


def settled_length_band(arrived: dt.date, departed: dt.date | None, period_end: dt.date) -> str:
    """Version 2 of :func:`stay_length_band`: a residence still going on at the period's end is
    over 6 months when it would be so whenever it ends. Its earliest departure is the day after
    the period's end, so that is when ``period_end + 1 day`` is past the 6 months (the same
    comparison as for a departure); otherwise its band is not yet known: "jatkuu"."""
    band = stay_length_band(arrived, departed, period_end)
    if band == ONGOING and period_end + dt.timedelta(days=1) > add_months(arrived, 6):
        return OVER_6_MONTHS
    return band


@dataclass(frozen=True)
class EpisodeFacts:
    """What an episode tells about a pregnancy at arrival (see the module docstring)."""

    #: The basic form's answer to "pregnant at admission" (None: not answered).
    pregnant_answer: bool | None
    #: (role, joined_on, birth date, expected due date) of each participant.
    participants: tuple[tuple[str, dt.date | None, dt.date | None, dt.date | None], ...]


def entry_during_pregnancy(head: StayRow, facts: EpisodeFacts | None) -> str:
    arrived = local_date(head.arrived_at)
    if head.started_in_pregnancy or (facts is not None and facts.pregnant_answer is True):
        return YES
    for role, joined_on, birth_date, due_date in facts.participants if facts else ():
        if role == Participant.Role.EXPECTANT_PARENT and (
            joined_on is None or joined_on <= arrived
        ):
            return YES
        if role == Participant.Role.CHILD and birth_date is not None and birth_date > arrived:
            return YES
        if due_date is not None and 0 <= (due_date - arrived).days <= _PREGNANCY_DAYS:
            return YES
    if (facts is not None and facts.pregnant_answer is False) or head.pregnancy_stays:
        return NO
    return UNKNOWN


# --------------------------------------------------------------------------- reads


def episode_facts(episode_ids: set[int]) -> dict[int, EpisodeFacts]:
    """The basic-form answer and the participants of each episode. Two queries."""
    if not episode_ids:
        return {}
    with scopes_disabled():
        participants: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        for episode_id, *values in Participant.objects.filter(
            episode_id__in=episode_ids
        ).values_list(
            "episode_id", "role", "joined_on", "person__birth_date", "person__expected_due_date"
        ):
            participants[episode_id].append(tuple(values))
        answers = dict(Episode.objects.filter(pk__in=episode_ids).values_list("pk", "basic_form"))
    facts = {}
    for episode_id in episode_ids:
        answer = ((answers.get(episode_id) or {}).get("answers") or {}).get(_PREGNANT_AT_ADMISSION)
        facts[episode_id] = EpisodeFacts(
            pregnant_answer=answer if isinstance(answer, bool) else None,
            participants=tuple(participants.get(episode_id, ())),
        )
    return facts


@dataclass(frozen=True)
class Residence:
    """The values of one residence (chain of stays) shared by its family's units."""

    episode_id: int
    referred: str
    entry: str
    #: The length band of version 1 (:func:`stay_length_band`) and of version 2
    #: (:func:`settled_length_band`).
    length: str
    settled_length: str


@shared_read
def _residences(params: Params) -> dict[int, Residence]:
    """Each chain of the period by its head: what the Federation's figures say of it."""
    found = chains(params)
    facts = episode_facts({found.by_pk[h].episode_id for h in found.heads})
    _lower, upper = day_bounds(params.start, params.end)
    result = {}
    for head_pk in found.heads:
        head, tail = found.by_pk[head_pk], found.tail(head_pk)
        departed = local_date(tail.departed_at) if tail.departed_at is not None else None
        # A departure at the midnight that ends the period (the next day's 00:00) is by its
        # end: the family was there on the period's last day and on no day of the next period
        # (``present_in``), so this period is the last to count the residence.
        by_end = tail.departed_at is not None and tail.departed_at <= upper
        arrived = local_date(head.arrived_at)
        end = departed if by_end and departed is not None else params.end
        result[head_pk] = Residence(
            episode_id=head.episode_id,
            referred=referred_by_social_services(head.referral_source),
            entry=entry_during_pregnancy(head, facts.get(head.episode_id)),
            length=stay_length_band(arrived, departed, end),
            settled_length=settled_length_band(arrived, departed, end),
        )
    return result


# --------------------------------------------------------------------------- units


def client_units(params: Params) -> Iterator[Unit]:
    """One unit per person who stayed in the period, described by their first stay in it."""
    with scopes_disabled():
        rows = (
            StayMember.objects.filter(
                stay__organisation_id=params.organisation_id,
                stay__place__service_form_id__in=params.service_form_ids,
            )
            .filter(present_in(params.start, params.end))
            .values_list(
                "participant__person_id",
                "participant__alias_id",
                "participant__role",
                "participant__person__gender",
                "participant__alias__gender",
                "participant__person__municipality_id",
                "stay_id",
            )
            .order_by("arrived_at", "pk")
        )
        first: dict[tuple[str, int], tuple[Any, ...]] = {}
        for row in rows:
            key = ("person", row[0]) if row[0] is not None else ("alias", row[1])
            first.setdefault(key, row)
    found = chains(params)
    residences = _residences(params)
    for (
        person_id,
        _alias_id,
        role,
        person_gender,
        alias_gender,
        municipality_id,
        stay_id,
    ) in first.values():
        residence = residences[found.head_of[stay_id]]
        gender = person_gender if person_id is not None else alias_gender
        yield Unit(
            values=(
                family_role(role, gender),
                residence.referred,
                residence.entry,
                residence.length,
                municipality_value(municipality_id),
            ),
            episode_id=residence.episode_id,
            person_id=person_id,
            municipality_id=municipality_id,
        )


def stay_units(params: Params, *, settled: bool = False) -> Iterator[Unit]:
    """One unit per residence of the period; its length by version 1's rule, or by version 2's
    (``settled``: :func:`settled_length_band`)."""
    found = chains(params)
    residences = _residences(params)
    municipalities = found.municipalities
    for residence in residences.values():
        length = residence.settled_length if settled else residence.length
        yield Unit(
            values=(residence.referred, residence.entry, length),
            episode_id=residence.episode_id,
            municipality_id=municipalities.get(residence.episode_id),
        )


def settled_stay_units(params: Params) -> Iterator[Unit]:
    return stay_units(params, settled=True)


# --------------------------------------------------------------------------- indicators

CLIENTS = Indicator(
    id="ensikoti.clients",
    version=1,
    title=_("Ensikodin asiakkaat"),
    rule=_(
        "Henkilö lasketaan kerran, jos hänen oleskelunsa ensikodissa osuu ajanjaksolle (Suomen "
        "aikaa). Äiti tai isä: vanhemman, odottavan vanhemman tai puolison roolissa oleva nainen "
        "tai mies; lapsi: lapsen roolissa. Ohjaava taho, tulo raskausaikana ja pituus ovat "
        "hänen ajanjakson ensimmäisen asumisjaksonsa tietoja; pituus on koko asumisjakson "
        "(siirrot mukaan lukien) ensimmäisestä tulosta lähtöön, ”jatkuu”, jos lähtö ei ole "
        "ajanjakson loppuun mennessä."
    ),
    unit_label=_("henkilöä"),
    dimensions=(
        FAMILY_ROLE,
        REFERRED_BY_SOCIAL_SERVICES,
        ENTRY_DURING_PREGNANCY,
        STAY_LENGTH_BAND,
        MUNICIPALITY,
    ),
    units=client_units,
    applies=is_mother_and_baby_home,
)

STAYS = Indicator(
    id="ensikoti.stays",
    version=1,
    title=_("Ensikodin asumisjaksot"),
    rule=_(
        "Asumisjakso, josta jokin osa osuu ajanjaksolle; siirto paikasta toiseen jatkaa samaa "
        "asumisjaksoa. Tulo raskausaikana: jakso on kirjattu alkaneeksi raskausaikana, "
        "perustietolomakkeen vastaus on kyllä, asiakkuudessa on odottava vanhempi, lapsi on "
        "syntynyt tulon jälkeen tai laskettu aika on 300 päivän sisällä tulosta. Pituus ensimmäisestä tulosta lähtöön "
        "kalenterikuukausina, ”jatkuu”, jos lähtö ei ole ajanjakson loppuun mennessä."
    ),
    unit_label=_("asumisjaksoa"),
    dimensions=(REFERRED_BY_SOCIAL_SERVICES, ENTRY_DURING_PREGNANCY, STAY_LENGTH_BAND),
    units=stay_units,
    applies=is_mother_and_baby_home,
)


#: Version 2: a residence that has lasted over 6 months by the period's end is over 6 months
#: while it goes on (:func:`settled_length_band`); the Federation's member statistics count
#: their referral, pregnancy and length lines by it (``federation.members`` version 2).
STAYS_V2 = Indicator(
    id="ensikoti.stays",
    version=2,
    title=_("Ensikodin asumisjaksot"),
    rule=_(
        "Asumisjakso, josta jokin osa osuu ajanjaksolle; siirto paikasta toiseen jatkaa samaa "
        "asumisjaksoa, ja perhe lasketaan kerran, vaikka siinä on useita henkilöitä. Ohjaava "
        "taho ja tulo raskausaikana ovat asumisjakson ensimmäisen jakson tietoja. Tulo "
        "raskausaikana: jakso on kirjattu alkaneeksi raskausaikana, perustietolomakkeen vastaus "
        "on kyllä, asiakkuudessa on odottava vanhempi, lapsi on syntynyt tulon jälkeen tai "
        "laskettu aika on 300 päivän sisällä tulosta. Pituus ensimmäisestä tulosta lähtöön "
        "kalenterikuukausina. Jakso, joka jatkuu ajanjakson lopussa, on yli 6 kuukautta, jos se "
        "on kestänyt ajanjakson loppuun mennessä yli 6 kuukautta; muuten ”jatkuu, enintään 6 "
        "kuukautta”, koska sen lopullinen pituus ei ole vielä tiedossa."
    ),
    unit_label=_("asumisjaksoa"),
    dimensions=(REFERRED_BY_SOCIAL_SERVICES, ENTRY_DURING_PREGNANCY, SETTLED_LENGTH_BAND),
    units=settled_stay_units,
    applies=is_mother_and_baby_home,
)


def register(registry: IndicatorRegistry) -> None:
    registry.register(CLIENTS, STAYS, STAYS_V2)
