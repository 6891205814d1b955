"""Indicators of the residential units: the shelter's THL figures and the care days of every unit.

The counting rules are THL's year summary's (:mod:`tupa.residential.thl.summary`, whose module
docstring is the reference) and the care-day ledger's and billing's
(:mod:`tupa.residential.care_days`, :mod:`tupa.residential.stays.selectors`,
:mod:`tupa.residential.commitments.selectors`). The summary counts one service form and one
calendar year into fixed tables; the indicators give the same figures as units, for any period
and any set of service forms, and keep who is behind each unit (episode, person, home
municipality) for the drill-down and a municipality's report. The tests compare the two on the
summary's own hand-computed year.

What is reused, so that a rule lives in one place:

* the pure helpers of the summary: :func:`~tupa.residential.thl.summary.age_at`,
  :func:`~tupa.residential.thl.summary.age_band_for`, :func:`~tupa.residential.thl.summary.is_child`
  and its constants (:data:`~tupa.residential.thl.summary.MISSING` …);
* the care-day interval query :func:`~tupa.residential.stays.selectors.member_intervals` and the
  counting rule :func:`~tupa.residential.care_days.care_days` (residence days);
* the billing selector :func:`~tupa.residential.commitments.selectors.billable_days` as a whole
  (care days by payer).

The per-person rows of the summary (which stay's THL data describe a person) are private to
:func:`~tupa.residential.thl.summary.thl_summary`; :func:`person_rows` reads them the same way
(one query) across several service forms. A person who stayed in two of the selected shelters
is one client.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Final

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from tupa.core.wallclock import HELSINKI
from tupa.episodes.models import Participant, ReferralSource
from tupa.organisations.models import Partner, ServiceForm
from tupa.residential.care_days import DEFAULT_RULE, care_days, last_complete_date, local_midnight
from tupa.residential.commitments import selectors as billing_selectors
from tupa.residential.models import (
    LineContact,
    PaymentCommitment,
    Place,
    ShelterClientData,
    Stay,
    StayMember,
    TurnAway,
    is_shelter,
    place_in_use_on,
)
from tupa.residential.stays.selectors import PersonKey, member_intervals
from tupa.residential.thl import summary as thl

from .base import UNKNOWN, Choices, Dimension, Indicator, IndicatorRegistry, Params, Unit
from .dimensions import (
    ADULT,
    ADULT_CHILD,
    CHILD,
    MONTH,
    MUNICIPALITY,
    SERVICE_FORM,
    month_value,
    municipality_value,
)

Data = ShelterClientData
_ONE_DAY = dt.timedelta(days=1)

#: Values of the stays' "began" dimension.
BEGAN: Final = "began"
EARLIER: Final = "earlier"
#: Values of the turn-aways' destination dimension (THL counts those sent to another shelter).
OTHER_SHELTER: Final = "other_shelter"
ELSEWHERE: Final = "elsewhere"
#: Values of the payer dimension besides the payers' partner ids (billing's groups).
STATE: Final = billing_selectors.STATE
NO_COMMITMENT: Final = billing_selectors.MISSING

#: The participant roles whose person speaks for the family (the episode's municipality).
_MAIN_ROLES: Final = (Participant.Role.CLIENT, Participant.Role.EXPECTANT_PARENT)


def is_residential(form: Any) -> bool:
    return bool(form.kind == ServiceForm.Kind.RESIDENTIAL)


# --------------------------------------------------------------------------- dimensions

_MISSING_CHOICE = (thl.MISSING, _("tieto puuttuu"))


def _with_missing(choices: Iterable[tuple[str, Any]]) -> Choices:
    return (*((str(v), label) for v, label in choices), _MISSING_CHOICE)


THL_GENDER = Dimension("gender", _("sukupuoli (tilasto)"), _with_missing(Data.Gender.choices))
AGE_BAND = Dimension("age_band", _("ikäryhmä tulohetkellä"), _with_missing(Data.AgeBand.choices))
STAY_ORDER = Dimension(
    "stay_order", _("ensimmäinen vai toistuva jakso"), _with_missing(Data.StayOrder.choices)
)
CLIENT_STATUS = Dimension(
    "client_status", _("asiakkaan asema"), _with_missing(Data.ClientStatus.choices)
)
RELATIONSHIP = Dimension(
    "relationship", _("suhde väkivallan käyttäjään"), _with_missing(Data.Relationship.choices)
)
VIOLENCE_DURATION = Dimension(
    "violence_duration",
    _("väkivallan kesto ennen tuloa"),
    _with_missing(Data.ViolenceDuration.choices),
)
VIOLENCE_FORM = Dimension(
    "violence_form",
    _("väkivallan muoto"),
    (
        *((str(v), label) for v, label in Data.ViolenceForm.choices),
        (thl.NO_FORMS, _("ei kirjattua väkivallan muotoa")),
        _MISSING_CHOICE,
    ),
)
REFERRAL_SOURCE = Dimension("referral_source", _("ohjaava taho"), tuple(ReferralSource.choices))
BEGAN_IN_PERIOD = Dimension(
    "began",
    _("alkamisaika"),
    ((BEGAN, _("alkoi ajanjaksolla")), (EARLIER, _("alkoi ennen ajanjaksoa"))),
)
DESTINATION = Dimension(
    "destination",
    _("ohjattu"),
    (
        (OTHER_SHELTER, _("toiseen turvakotiin")),
        (ELSEWHERE, _("muualle tai ei ohjattu")),
    ),
)
LINE_CHANNEL = Dimension("channel", _("kanava"), tuple(LineContact.Channel.choices))
LINE_CALLER = Dimension("caller", _("yhteydenottaja"), tuple(LineContact.Caller.choices))
LINE_OUTCOME = Dimension("outcome", _("tulos"), tuple(LineContact.Outcome.choices))


def _payers(params: Params) -> Choices:
    """State, every partner that pays by a commitment in the forms, and "no commitment"."""
    with scopes_disabled():
        partners = Partner.objects.filter(
            organisation_id=params.organisation_id,
            pk__in=PaymentCommitment.objects.filter(
                organisation_id=params.organisation_id,
                episode__service_form_id__in=params.service_form_ids,
            ).values("payer_id"),
        ).order_by("name")
        rows = tuple((str(p.pk), p.name) for p in partners)
    return (
        (STATE, _("valtio (turvakotien valtionkorvaus)")),
        *rows,
        (NO_COMMITMENT, _("ei maksusitoumusta")),
    )


PAYER = Dimension("payer", _("maksaja"), _payers)


# --------------------------------------------------------------------------- shared reads


def overlapping(start: dt.date, end: dt.date) -> Q:
    """Rows whose ``[arrived_at, departed_at)`` has a moment inside the local dates start..end
    (the summary's ``_overlaps_year``: a departure at the first midnight does not overlap)."""
    return Q(arrived_at__lt=local_midnight(end + _ONE_DAY)) & (
        Q(departed_at__isnull=True) | Q(departed_at__gt=local_midnight(start))
    )


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(HELSINKI).date()


def episode_municipalities(episode_ids: Iterable[int]) -> dict[int, int | None]:
    """The home municipality of each episode's main client (the first named client or
    expectant parent): the municipality of a family's stay. One query."""
    ids = set(episode_ids)
    found: dict[int, int | None] = {}
    if not ids:
        return found
    with scopes_disabled():
        rows = (
            Participant.objects.filter(
                episode_id__in=ids, role__in=_MAIN_ROLES, person__isnull=False
            )
            .order_by("pk")
            .values_list("episode_id", "person__municipality_id")
        )
        for episode_id, municipality_id in rows:
            found.setdefault(episode_id, municipality_id)
    return found


@dataclass(frozen=True)
class StayRow:
    pk: int
    episode_id: int
    referral_source: str
    arrived_at: dt.datetime
    departed_at: dt.datetime | None
    moved_from_id: int | None
    started_in_pregnancy: bool
    pregnancy_stays: bool


@dataclass
class Chains:
    """The residence chains (stays joined by moves) of which some part lies in the period."""

    by_pk: dict[int, StayRow]
    #: Chain head (first stay) of every stay of the episodes read.
    head_of: dict[int, int]
    #: Last stay of each chain, by head.
    tail_of: dict[int, int]
    #: Heads of the chains that overlap the period, in order of arrival.
    heads: list[int]

    def head(self, pk: int) -> StayRow:
        return self.by_pk[self.head_of[pk]]

    def tail(self, head_pk: int) -> StayRow:
        return self.by_pk[self.tail_of[head_pk]]


def chains(params: Params) -> Chains:
    """Every stay of the episodes with a stay overlapping the period in the selected forms,
    grouped into chains (the summary's ``_count_stays``). One query."""
    start, end = params.start, params.end
    with scopes_disabled():
        in_period = Stay.objects.filter(
            organisation_id=params.organisation_id,
            place__service_form_id__in=params.service_form_ids,
        ).filter(overlapping(start, end))
        rows = [
            StayRow(*values)
            for values in Stay.objects.filter(
                organisation_id=params.organisation_id,
                place__service_form_id__in=params.service_form_ids,
                episode_id__in=in_period.values("episode_id"),
            )
            .order_by("arrived_at", "pk")
            .values_list(
                "pk",
                "episode_id",
                "episode__referral_source",
                "arrived_at",
                "departed_at",
                "moved_from_id",
                "started_in_pregnancy",
                "place__service_form__pregnancy_stays",
            )
        ]
    by_pk = {r.pk: r for r in rows}
    head_of: dict[int, int] = {}
    for r in rows:
        head = r.pk
        while (previous := by_pk[head].moved_from_id) is not None and previous in by_pk:
            head = previous
        head_of[r.pk] = head
    tail_of: dict[int, int] = {}
    for r in rows:  # in order of arrival: the last stay of a chain comes last
        tail_of[head_of[r.pk]] = r.pk
    lower, upper = local_midnight(start), local_midnight(end + _ONE_DAY)
    heads: dict[int, None] = {}
    for r in rows:
        if r.arrived_at < upper and (r.departed_at is None or r.departed_at > lower):
            heads.setdefault(head_of[r.pk], None)
    return Chains(by_pk, head_of, tail_of, sorted(heads, key=lambda h: by_pk[h].arrived_at))


_DATA_FIELDS: Final = (*thl.PERSON_VARIABLES, "violence_forms")


@dataclass(frozen=True)
class PersonRow:
    """One person of the period as THL counts them: the stay-member period that describes them
    (their first one in the period with THL data, else their first one) and its data."""

    key: PersonKey
    person_id: int | None
    municipality_id: int | None
    episode_id: int
    referral_source: str
    group: str  # dimensions.ADULT or CHILD
    data: dict[str, Any] | None


def person_rows(params: Params) -> list[PersonRow]:
    """Every person with a stay-member period overlapping the period in the selected forms.

    The rule and the query of :func:`tupa.residential.thl.summary.thl_summary` (step 1): the
    rows in order of arrival, the first one with THL data chosen, adult or child by
    :func:`~tupa.residential.thl.summary.is_child`. One query.
    """
    with scopes_disabled():
        rows = (
            StayMember.objects.filter(
                stay__organisation_id=params.organisation_id,
                stay__place__service_form_id__in=params.service_form_ids,
            )
            .filter(overlapping(params.start, params.end))
            .values_list(
                "participant__person_id",
                "participant__alias_id",
                "participant__role",
                "participant__person__birth_date",
                "participant__alias__birth_year",
                "participant__person__municipality_id",
                "participant__episode_id",
                "participant__episode__referral_source",
                "participant__shelter_data__id",
                *(f"participant__shelter_data__{name}" for name in _DATA_FIELDS),
                "arrived_at",
            )
            .order_by("arrived_at", "pk")
        )
        per_person: dict[PersonKey, list[tuple[Any, ...]]] = defaultdict(list)
        for row in rows:
            person_id, alias_id = row[0], row[1]
            key: PersonKey = ("person", person_id) if person_id is not None else ("alias", alias_id)
            per_person[key].append(row)
    result = []
    for key, member_rows in per_person.items():
        chosen = next((r for r in member_rows if r[8] is not None), member_rows[0])
        (
            person_id,
            _alias_id,
            role,
            birth_date,
            birth_year,
            municipality_id,
            episode_id,
            referral_source,
            data_id,
            *values,
            arrived_at,
        ) = chosen
        data = dict(zip(_DATA_FIELDS, values, strict=True)) if data_id is not None else None
        age = thl.age_at(birth_date=birth_date, birth_year=birth_year, on=local_date(arrived_at))
        child = thl.is_child(
            age_band=data["age_band"] if data else Data.AgeBand.UNKNOWN,
            fallback_age_band=thl.age_band_for(age),
            role=role,
        )
        result.append(
            PersonRow(
                key=key,
                person_id=person_id,
                municipality_id=municipality_id,
                episode_id=episode_id,
                referral_source=referral_source,
                group=CHILD if child else ADULT,
                data=data,
            )
        )
    return result


def _forms(params: Params) -> list[ServiceForm]:
    with scopes_disabled():
        return list(
            ServiceForm.objects.filter(
                organisation_id=params.organisation_id, pk__in=params.service_form_ids
            ).order_by("pk")
        )


def _moment_bounds(params: Params) -> Q:
    return Q(occurred_at__gte=local_midnight(params.start)) & Q(
        occurred_at__lt=local_midnight(params.end + _ONE_DAY)
    )


def _month_of(moment: dt.datetime) -> str:
    return month_value(local_date(moment))


# --------------------------------------------------------------------------- shelter units


def client_units(params: Params) -> Iterator[Unit]:
    for p in person_rows(params):
        d = p.data
        yield Unit(
            values=(
                p.group,
                *(str(d[name]) if d else thl.MISSING for name in thl.PERSON_VARIABLES),
                p.referral_source,
                municipality_value(p.municipality_id),
            ),
            episode_id=p.episode_id,
            person_id=p.person_id,
            municipality_id=p.municipality_id,
        )


def violence_form_units(params: Params) -> Iterator[Unit]:
    for p in person_rows(params):
        if p.data is None:
            forms = [thl.MISSING]
        else:
            forms = [str(f) for f in dict.fromkeys(p.data["violence_forms"] or [])] or [
                thl.NO_FORMS
            ]
        for form in forms:
            yield Unit(
                values=(p.group, form),
                episode_id=p.episode_id,
                person_id=p.person_id,
                municipality_id=p.municipality_id,
            )


def residence_day_units(params: Params) -> Iterator[Unit]:
    """Each person's care days by the ledger's rule, per month and episode (one unit each)."""
    people = {p.key: p for p in person_rows(params)}
    open_until = last_complete_date(timezone.now(), rule=DEFAULT_RULE)
    counts: Counter[tuple[PersonKey, str, int]] = Counter()
    with scopes_disabled():
        for form in _forms(params):
            per_person, _open = member_intervals(
                service_form=form,
                period_start=params.start,
                period_end=params.end,
                label=lambda row: row.episode_id,
            )
            for key, intervals in per_person.items():
                days = care_days(
                    intervals,
                    period_start=params.start,
                    period_end=params.end,
                    open_until=open_until,
                )
                for day, episode_id in days.days.items():
                    assert isinstance(episode_id, int)
                    counts[(key, month_value(day), episode_id)] += 1
    for (key, month, episode_id), n in sorted(counts.items()):
        person = people.get(key)
        yield Unit(
            values=(person.group if person else UNKNOWN, month),
            weight=n,
            episode_id=episode_id,
            person_id=key[1] if key[0] == "person" else None,
            municipality_id=person.municipality_id if person else None,
        )


def stay_units(params: Params) -> Iterator[Unit]:
    found = chains(params)
    municipalities = episode_municipalities(found.by_pk[h].episode_id for h in found.heads)
    for head_pk in found.heads:
        head = found.by_pk[head_pk]
        began = params.start <= local_date(head.arrived_at) <= params.end
        yield Unit(
            values=(BEGAN if began else EARLIER, head.referral_source),
            episode_id=head.episode_id,
            municipality_id=municipalities.get(head.episode_id),
        )


def family_units(params: Params) -> Iterator[Unit]:
    found = chains(params)
    episodes: dict[int, str] = {}
    for head_pk in found.heads:
        head = found.by_pk[head_pk]
        episodes.setdefault(head.episode_id, head.referral_source)
    municipalities = episode_municipalities(episodes)
    for episode_id, source in episodes.items():
        yield Unit(
            values=(source,),
            episode_id=episode_id,
            municipality_id=municipalities.get(episode_id),
        )


def _turn_away_rows(params: Params) -> list[tuple[dt.datetime, str, int, int]]:
    with scopes_disabled():
        return list(
            TurnAway.objects.filter(
                _moment_bounds(params),
                organisation_id=params.organisation_id,
                service_form_id__in=params.service_form_ids,
                reason=TurnAway.Reason.NO_PLACE,
            ).values_list("occurred_at", "directed_to", "adults", "children")
        )


def _destination(directed_to: str) -> str:
    return OTHER_SHELTER if directed_to == TurnAway.DirectedTo.OTHER_SHELTER else ELSEWHERE


def turned_away_units(params: Params) -> Iterator[Unit]:
    for occurred_at, directed_to, adults, children in _turn_away_rows(params):
        month, destination = _month_of(occurred_at), _destination(directed_to)
        for group, n in ((ADULT, adults), (CHILD, children)):
            if n:
                yield Unit(values=(destination, group, month), weight=n)


def turn_away_request_units(params: Params) -> Iterator[Unit]:
    for occurred_at, directed_to, _adults, _children in _turn_away_rows(params):
        yield Unit(values=(_destination(directed_to), _month_of(occurred_at)))


def line_contact_units(params: Params) -> Iterator[Unit]:
    with scopes_disabled():
        rows = list(
            LineContact.objects.filter(
                _moment_bounds(params),
                organisation_id=params.organisation_id,
                service_form_id__in=params.service_form_ids,
            ).values_list("occurred_at", "channel", "caller", "outcome")
        )
    for occurred_at, channel, caller, outcome in rows:
        yield Unit(values=(_month_of(occurred_at), channel, caller, outcome))


# --------------------------------------------------------------------------- residential units


def family_place_units(params: Params) -> Iterator[Unit]:
    with scopes_disabled():
        rows = list(
            Place.objects.filter(
                organisation_id=params.organisation_id,
                service_form_id__in=params.service_form_ids,
                kind=Place.Kind.FAMILY_PLACE,
            ).values_list("service_form_id", "active", "active_from", "active_until")
        )
    for service_form_id, active, active_from, active_until in rows:
        if place_in_use_on(
            params.end, active=active, active_from=active_from, active_until=active_until
        ):
            yield Unit(values=(str(service_form_id),))


def care_day_units(params: Params) -> Iterator[Unit]:
    """The billing list's care days (:func:`billable_days` of each form) as units: one per
    participant, episode, month and payer, weighted by the days."""
    lines: list[tuple[int, str, billing_selectors.BillingLine]] = []
    with scopes_disabled():
        for form in _forms(params):
            billing = billing_selectors.billable_days(
                service_form=form, period_start=params.start, period_end=params.end
            )
            for group in billing.groups:
                for line in group.lines:
                    if group.kind == billing_selectors.COMMITMENT:
                        assert line.commitment is not None
                        payer = str(line.commitment.payer_id)
                    else:
                        payer = group.kind
                    lines.append((form.pk, payer, line))
        participant_ids = {pid for _f, _p, line in lines for pid in line.person_days}
        people = {
            pk: (person_id, municipality_id)
            for pk, person_id, municipality_id in Participant.objects.filter(
                pk__in=participant_ids
            ).values_list("pk", "person_id", "person__municipality_id")
        }
    for form_id, payer, line in lines:
        year, month = line.month
        for participant_id, days in line.person_days.items():
            person_id, municipality_id = people.get(participant_id, (None, None))
            yield Unit(
                values=(str(form_id), month_value(dt.date(year, month, 1)), payer),
                weight=days,
                episode_id=line.episode_id,
                person_id=person_id,
                municipality_id=municipality_id,
            )


# --------------------------------------------------------------------------- indicators

_PERSON_DIMENSIONS = (
    ADULT_CHILD,
    THL_GENDER,
    AGE_BAND,
    STAY_ORDER,
    CLIENT_STATUS,
    RELATIONSHIP,
    VIOLENCE_DURATION,
    REFERRAL_SOURCE,
    MUNICIPALITY,
)

SHELTER_CLIENTS = Indicator(
    id="shelter.clients",
    version=1,
    title=_("Turvakodin asiakkaat"),
    rule=_(
        "Henkilö (myös nimettömänä peitenimellä asunut) lasketaan kerran, jos hänen "
        "oleskelunsa turvakodin paikassa osuu ajanjaksolle (Suomen aikaa), vaikka hänellä olisi "
        "useita asumisjaksoja tai asiakkuuksia. Taustatiedot ovat hänen ajanjakson ensimmäisen "
        "THL-tiedot sisältävän oleskelunsa tiedot; ilman tietoja hän on rivillä ”tieto "
        "puuttuu”. Aikuinen vai lapsi: kirjattu ikäryhmä, muuten ikä tulohetkellä, muuten rooli."
    ),
    unit_label=_("henkilöä"),
    dimensions=_PERSON_DIMENSIONS,
    units=client_units,
    applies=is_shelter,
)

SHELTER_RESIDENCE_DAYS = Indicator(
    id="shelter.residence_days",
    version=1,
    title=_("Asumisvuorokaudet"),
    rule=_(
        "Jokainen turvakodissa vietetty yö lasketaan henkilöittäin (lapset mukaan lukien) "
        "illan päivämäärälle: tulopäivästä lähtöpäivää edeltävään päivään, saman päivän "
        "oleskelu yhtenä vuorokautena. Siirto paikasta toiseen ei lisää eikä vähennä "
        "vuorokausia. Jakso, jonka lähtöä ei ole kirjattu, lasketaan ajanjakson loppuun tai, "
        "jos se on tulevaisuudessa, eiliseen asti. Aikuinen vai lapsi kuten asiakasmäärässä."
    ),
    unit_label=_("vuorokautta"),
    dimensions=(ADULT_CHILD, MONTH),
    units=residence_day_units,
    applies=is_shelter,
)

SHELTER_STAYS = Indicator(
    id="shelter.stays",
    version=1,
    title=_("Turvakodin asumisjaksot"),
    rule=_(
        "Asumisjakso, josta jokin osa osuu ajanjaksolle; siirto paikasta toiseen jatkaa samaa "
        "asumisjaksoa. ”Alkoi ajanjaksolla”: asumisjakson ensimmäinen tulo on ajanjaksolla. "
        "Ohjaava taho on asiakkuuden tieto."
    ),
    unit_label=_("asumisjaksoa"),
    dimensions=(BEGAN_IN_PERIOD, REFERRAL_SOURCE),
    units=stay_units,
    applies=is_shelter,
)

SHELTER_FAMILIES = Indicator(
    id="shelter.families",
    version=1,
    title=_("Turvakodin perheet (asiakkuudet)"),
    rule=_(
        "Asiakkuus, jolla on ajanjaksolle osuva asumisjakso, lasketaan kerran, vaikka sillä "
        "olisi useita asumisjaksoja. Ohjaava taho on asiakkuuden tieto (THL laskee sen "
        "perheittäin)."
    ),
    unit_label=_("perhettä"),
    dimensions=(REFERRAL_SOURCE,),
    units=family_units,
    applies=is_shelter,
)

SHELTER_VIOLENCE_FORMS = Indicator(
    id="shelter.violence_forms",
    version=1,
    title=_("Väkivallan muodot"),
    rule=_(
        "Jokaisesta ajanjakson asiakkaasta lasketaan yksi kutakin hänen tiedoissaan valittua "
        "väkivallan muotoa kohden, joten summa on mainintojen eikä henkilöiden määrä. Henkilö, "
        "jolle ei ole valittu yhtään muotoa, lasketaan kerran rivillä ”ei kirjattua väkivallan "
        "muotoa” ja henkilö ilman tietoja rivillä ”tieto puuttuu”. Tiedot ja aikuinen vai "
        "lapsi kuten asiakasmäärässä."
    ),
    unit_label=_("mainintaa"),
    dimensions=(ADULT_CHILD, VIOLENCE_FORM),
    units=violence_form_units,
    applies=is_shelter,
)

SHELTER_TURNED_AWAY = Indicator(
    id="shelter.turned_away",
    version=1,
    title=_("Tilanpuutteen vuoksi käännytetyt henkilöt"),
    rule=_(
        "Paikkapyynnöt, joita ei voitu ottaa vastaan syystä ”ei vapaata paikkaa”, henkilöinä "
        "(pyynnölle kirjatut aikuiset ja lapset) pyynnön ajankohdan (Suomen aikaa) "
        "kuukaudelle. THL:n luku on toiseen turvakotiin ohjatut."
    ),
    unit_label=_("henkilöä"),
    dimensions=(DESTINATION, ADULT_CHILD, MONTH),
    units=turned_away_units,
    applies=is_shelter,
    records=False,
)

SHELTER_TURN_AWAY_REQUESTS = Indicator(
    id="shelter.turn_away_requests",
    version=1,
    title=_("Tilanpuutteen vuoksi käännytetyt pyynnöt"),
    rule=_(
        "Jokainen paikkapyyntö (perhe), jota ei voitu ottaa vastaan syystä ”ei vapaata "
        "paikkaa”, lasketaan kerran pyynnön ajankohdan (Suomen aikaa) kuukaudelle."
    ),
    unit_label=_("pyyntöä"),
    dimensions=(DESTINATION, MONTH),
    units=turn_away_request_units,
    applies=is_shelter,
    records=False,
)

SHELTER_LINE_CONTACTS = Indicator(
    id="shelter.line_contacts",
    version=1,
    title=_("Puhelin- ja chat-yhteydenotot"),
    rule=_(
        "Jokainen turvakodin 24 h -linjan yhteydenotto lasketaan ajankohtansa (Suomen aikaa) "
        "kuukaudelle. Yhteydenotot kirjataan nimettöminä."
    ),
    unit_label=_("yhteydenottoa"),
    dimensions=(MONTH, LINE_CHANNEL, LINE_CALLER, LINE_OUTCOME),
    units=line_contact_units,
    applies=is_shelter,
    records=False,
)

FAMILY_PLACES = Indicator(
    id="residential.family_places",
    version=1,
    title=_("Perhepaikat ajanjakson lopussa"),
    rule=_(
        "Työmuodon perhepaikat, jotka ovat käytössä ajanjakson viimeisenä päivänä paikan "
        "käyttöpäivien mukaan (ei nykyisten asetusten). Huoneet ja vuodepaikat eivät ole "
        "mukana."
    ),
    unit_label=_("paikkaa"),
    dimensions=(SERVICE_FORM,),
    units=family_place_units,
    applies=is_residential,
    records=False,
)

CARE_DAYS = Indicator(
    id="residential.care_days",
    version=1,
    title=_("Hoitovuorokaudet"),
    rule=_(
        "Asumisvuorokaudet henkilöittäin (yöt illan päivämäärälle, kuten asumisvuorokausissa) "
        "laskutuksen säännöllä: valtion korvaaman asumisjakson vuorokaudet maksaa valtio, "
        "muut se maksaja, jonka maksusitoumus on voimassa kyseisenä päivänä; ilman voimassa "
        "olevaa sitoumusta vuorokausi on rivillä ”ei maksusitoumusta”. Tulevia öitä ei "
        "lasketa."
    ),
    unit_label=_("vuorokautta"),
    dimensions=(SERVICE_FORM, MONTH, PAYER),
    units=care_day_units,
    applies=is_residential,
)


def register(registry: IndicatorRegistry) -> None:
    registry.register(
        SHELTER_CLIENTS,
        SHELTER_RESIDENCE_DAYS,
        SHELTER_STAYS,
        SHELTER_FAMILIES,
        SHELTER_VIOLENCE_FORMS,
        SHELTER_TURNED_AWAY,
        SHELTER_TURN_AWAY_REQUESTS,
        SHELTER_LINE_CONTACTS,
        FAMILY_PLACES,
        CARE_DAYS,
    )
