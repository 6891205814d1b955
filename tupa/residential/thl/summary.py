"""THL's shelter return (*Turvakotipalvelut*, finnish-requirements §1.2, §1.4): the year summary.

Every number is computed from the records, never typed in: the stays and their members, the
care-day ledger (:func:`.selectors.ledger_for_service_form`), the per-person statistical data
(:class:`.models.ShelterClientData`), the episodes' referral sources, the turn-aways and the 24 h
line contacts. The summary holds **aggregates only**; who is behind a number is never part of it.
The year-end check's episodes come from :func:`year_end_check`, which the view shows to members
of the unit only (and logs).

Counting rules (docs/residential-thl.md has the reasoning and the [verify] items)
--------------------------------------------------------------------------------
- **Client in the year**: a person (or an alias — an anonymous client counts the same way) whose
  stay-member period overlaps the calendar year (local time, Europe/Helsinki), counted **once**
  however many stays or episodes they had. Only stays in the service form's own places count.
- **The person's data** are those of their first stay in the year (earliest arrival) that has
  :class:`ShelterClientData`; a person without any is counted in the **"tieto puuttuu"** row of
  every variable, never dropped.
- **Adult or child**: the recorded age band; when the band is unknown or the data are missing,
  the age at the first arrival (birth date, or an alias's birth year), and failing that the
  participant's role ("lapsi" = child).
- **Residence days**: the care-day ledger of the year (default rule: nights), per person, clipped
  exactly to the year; open stays are counted to 31.12 and flagged by the year-end check.
- **Average length of stay** = residence days / clients (the national figures are computed so).
- **Stays**: residence chains (a move continues the same stay) of which some part lies in the
  year; "began in the year" = the chain's first arrival is in the year. **Families** = distinct
  episodes with such a stay; **referral source** is counted per family (an episode attribute).
- **Family places** at year end: the active family places of the unit (as now configured).
- **Turn-aways for lack of space**: reason "no free place" and directed to another shelter —
  the requests (families) and their persons; the other no-place turn-aways are shown beside.
- **Phone contacts**: the 24 h line's contacts of the unit in the year.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final

from django.db.models import Count, Q, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tupa.core.wallclock import HELSINKI
from tupa.episodes.models import Episode, Participant, ReferralSource
from tupa.organisations.models import ServiceForm
from tupa.residential.care_days import local_midnight
from tupa.residential.models import (
    LineContact,
    Place,
    ShelterClientData,
    Stay,
    StayMember,
    TurnAway,
    YearEndConfirmation,
    place_in_use_on,
)
from tupa.residential.stays.selectors import Ledger, PersonKey, ledger_for_service_form

_ONE_DAY = dt.timedelta(days=1)

#: The row of every variable for persons without recorded THL data.
MISSING: Final = "missing"
#: Violence forms: data recorded but no form ticked (e.g. a child's, or "used violence").
NO_FORMS: Final = "none"

ADULT: Final = "adult"
CHILD: Final = "child"

Data = ShelterClientData
CHILD_BANDS: Final = frozenset(
    {Data.AgeBand.UNDER_4, Data.AgeBand.AGE_4_6, Data.AgeBand.AGE_7_12, Data.AgeBand.AGE_13_17}
)
ADULT_BANDS: Final = frozenset(Data.AgeBand.values) - CHILD_BANDS - {Data.AgeBand.UNKNOWN}

#: (upper age inclusive, band) in order; 65 and over is the last band.
_BANDS: Final = (
    (3, Data.AgeBand.UNDER_4),
    (6, Data.AgeBand.AGE_4_6),
    (12, Data.AgeBand.AGE_7_12),
    (17, Data.AgeBand.AGE_13_17),
    (24, Data.AgeBand.AGE_18_24),
    (34, Data.AgeBand.AGE_25_34),
    (44, Data.AgeBand.AGE_35_44),
    (54, Data.AgeBand.AGE_45_54),
    (64, Data.AgeBand.AGE_55_64),
)

#: The single-choice variables counted per person, with the field of ShelterClientData.
PERSON_VARIABLES: Final = (
    "gender",
    "age_band",
    "stay_order",
    "client_status",
    "relationship",
    "violence_duration",
)


# --------------------------------------------------------------------------- pure helpers


def age_band_for(age: int | None) -> str:
    """THL's age band of an age in whole years (unknown when the age is not known)."""
    if age is None or age < 0:
        return Data.AgeBand.UNKNOWN
    for upper, band in _BANDS:
        if age <= upper:
            return band
    return Data.AgeBand.AGE_65_PLUS


def age_at(*, birth_date: dt.date | None, birth_year: int | None, on: dt.date) -> int | None:
    """Age on ``on`` from a birth date; an alias's birth year gives the age reached that year."""
    if birth_date is not None:
        return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    if birth_year is not None:
        return on.year - birth_year
    return None


def statistical_gender(gender: str | None) -> str:
    """Person/alias gender → THL's categories (female, male, unknown; "muu" → unknown)."""
    if gender in (Data.Gender.FEMALE, Data.Gender.MALE):
        return str(gender)
    return Data.Gender.UNKNOWN


def is_child(*, age_band: str, fallback_age_band: str, role: str) -> bool:
    """Adult or child: the recorded band, else the band from the birth date, else the role."""
    for band in (age_band, fallback_age_band):
        if band in CHILD_BANDS:
            return True
        if band in ADULT_BANDS:
            return False
    return role == Participant.Role.CHILD


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _overlaps_year(start: dt.date, end: dt.date) -> Q:
    """Rows whose [arrived_at, departed_at) has a moment inside the local dates start..end."""
    return Q(arrived_at__lt=local_midnight(end + _ONE_DAY)) & (
        Q(departed_at__isnull=True) | Q(departed_at__gt=local_midnight(start))
    )


def _local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(HELSINKI).date()


def _one_decimal(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


# --------------------------------------------------------------------------- the summary


@dataclass(frozen=True)
class Table:
    """One presentational table of the summary (also one block of the CSV)."""

    key: str
    title: Promise | str
    columns: tuple[Promise | str, ...]
    rows: tuple[tuple[Promise | str, tuple[Any, ...]], ...]


@dataclass
class ThlSummary:
    """The THL year summary of one shelter. Aggregates only: no person, no episode."""

    service_form: ServiceForm
    year: int
    adults: int = 0
    children: int = 0
    care_days_adults: int = 0
    care_days_children: int = 0
    #: variable → Counter[(ADULT|CHILD, value)]; value MISSING for persons without data.
    by_variable: dict[str, Counter[tuple[str, str]]] = field(default_factory=dict)
    #: Counter[(ADULT|CHILD, violence form code | NO_FORMS | MISSING)] (multi-select: persons).
    violence_forms: Counter[tuple[str, str]] = field(default_factory=Counter)
    stays: int = 0
    stays_began: int = 0
    families: int = 0
    referral_sources: Counter[str] = field(default_factory=Counter)
    family_places: int = 0
    turned_away_families: int = 0
    turned_away_adults: int = 0
    turned_away_children: int = 0
    turned_away_no_place_other: int = 0
    line_contacts: int = 0
    line_by_channel: Counter[str] = field(default_factory=Counter)
    #: The year-end check, as counts (the episodes are in :func:`year_end_check`).
    open_stay_ids: list[int] = field(default_factory=list)
    #: Open stays a worker has confirmed as continuing over the year's end (they do not block).
    confirmed_open_stay_ids: list[int] = field(default_factory=list)
    episodes_missing_data: list[int] = field(default_factory=list)

    @property
    def clients(self) -> int:
        return self.adults + self.children

    @property
    def care_days(self) -> int:
        return self.care_days_adults + self.care_days_children

    @property
    def average_length(self) -> Decimal | None:
        return _one_decimal(self.care_days, self.clients)

    @property
    def ready(self) -> bool:
        """ "Valmis lähetettäväksi": no unconfirmed open stay and no episode lacking THL data."""
        return not self.unconfirmed_open_stay_ids and not self.episodes_missing_data

    @property
    def unconfirmed_open_stay_ids(self) -> list[int]:
        confirmed = set(self.confirmed_open_stay_ids)
        return [pk for pk in self.open_stay_ids if pk not in confirmed]

    @property
    def turned_away_persons(self) -> int:
        return self.turned_away_adults + self.turned_away_children

    # ------------------------------------------------------------------ presentation

    def tables(self) -> list[Table]:
        """Every figure as tables (adults / children / total where persons are counted)."""
        group_columns = (_("Aikuiset"), _("Lapset"), _("Yhteensä"))

        def person_rows(
            counts: Counter[tuple[str, str]], choices: list[tuple[str, Any]]
        ) -> tuple[tuple[Promise | str, tuple[int, int, int]], ...]:
            rows = []
            for value, label in [*choices, (MISSING, _("tieto puuttuu"))]:
                a, c = counts[(ADULT, value)], counts[(CHILD, value)]
                rows.append((label, (a, c, a + c)))
            return tuple(rows)

        def variable(key: str, title: Promise, choices: list[tuple[str, Any]]) -> Table:
            return Table(key, title, group_columns, person_rows(self.by_variable[key], choices))

        average_adults = _one_decimal(self.care_days_adults, self.adults)
        average_children = _one_decimal(self.care_days_children, self.children)
        tables = [
            Table(
                "clients",
                _("Asiakkaat ja asumisvuorokaudet"),
                group_columns,
                (
                    (_("Asiakkaita vuoden aikana"), (self.adults, self.children, self.clients)),
                    (
                        _("Asumisvuorokaudet"),
                        (self.care_days_adults, self.care_days_children, self.care_days),
                    ),
                    (
                        _("Keskimääräinen asumisaika (vrk / asiakas)"),
                        (average_adults, average_children, self.average_length),
                    ),
                ),
            ),
            variable("gender", _("Sukupuoli"), Data.Gender.choices),
            variable("age_band", _("Ikäryhmä tulohetkellä"), Data.AgeBand.choices),
            variable("stay_order", _("Ensimmäinen vai toistuva jakso"), Data.StayOrder.choices),
            variable("client_status", _("Asiakkaan asema"), Data.ClientStatus.choices),
            Table(
                "violence_forms",
                _("Väkivallan muodot (useita voi valita)"),
                group_columns,
                person_rows(
                    self.violence_forms,
                    [*Data.ViolenceForm.choices, (NO_FORMS, _("ei kirjattua väkivallan muotoa"))],
                ),
            ),
            variable("relationship", _("Suhde väkivallan käyttäjään"), Data.Relationship.choices),
            variable(
                "violence_duration",
                _("Väkivallan kesto ennen tuloa"),
                Data.ViolenceDuration.choices,
            ),
            Table(
                "stays",
                _("Asumisjaksot ja perhepaikat"),
                (_("Lukumäärä"),),
                (
                    (
                        _("Asumisjaksot vuoden aikana (siirto ei aloita uutta jaksoa)"),
                        (self.stays,),
                    ),
                    (_("joista alkoi vuoden aikana"), (self.stays_began,)),
                    (_("Perheet (asiakkuudet)"), (self.families,)),
                    (_("Perhepaikat vuoden lopussa"), (self.family_places,)),
                ),
            ),
            Table(
                "referral_source",
                _("Ohjaava taho (perheittäin)"),
                (_("Perheitä"),),
                tuple(
                    (label, (self.referral_sources[value],))
                    for value, label in ReferralSource.choices
                ),
            ),
            Table(
                "turn_aways",
                _("Tilanpuutteen vuoksi toiseen turvakotiin ohjatut"),
                (_("Lukumäärä"),),
                (
                    (_("Perheet (pyynnöt)"), (self.turned_away_families,)),
                    (_("Henkilöt yhteensä"), (self.turned_away_persons,)),
                    (_("joista aikuisia"), (self.turned_away_adults,)),
                    (_("joista lapsia"), (self.turned_away_children,)),
                    (
                        _("Muut tilanpuutteen vuoksi käännytetyt pyynnöt (ohjattu muualle)"),
                        (self.turned_away_no_place_other,),
                    ),
                ),
            ),
            Table(
                "line",
                _("Puhelin- ja chat-yhteydenotot"),
                (_("Lukumäärä"),),
                (
                    (_("Yhteydenotot yhteensä"), (self.line_contacts,)),
                    *(
                        (label, (self.line_by_channel[value],))
                        for value, label in LineContact.Channel.choices
                    ),
                ),
            ),
        ]
        return tables


@dataclass
class _PersonRow:
    participant_id: int
    episode_id: int
    role: str
    arrived_at: dt.datetime
    fallback_band: str
    data: dict[str, Any] | None


_DATA_FIELDS: Final = (*PERSON_VARIABLES, "violence_forms")


def thl_summary(*, service_form: ServiceForm, year: int) -> ThlSummary:
    """The THL year summary of ``service_form`` (run inside the organisation scope).

    A constant number of queries (eight) whatever the number of stays or persons.
    """
    start, end = year_bounds(year)
    summary = ThlSummary(service_form=service_form, year=year)
    summary.by_variable = {name: Counter() for name in PERSON_VARIABLES}

    # 1. Every stay-member period of the unit overlapping the year, with the person's data.
    member_rows = (
        StayMember.objects.filter(stay__place__service_form=service_form)
        .filter(_overlaps_year(start, end))
        .values_list(
            "participant_id",
            "participant__person_id",
            "participant__alias_id",
            "participant__role",
            "participant__person__birth_date",
            "participant__alias__birth_year",
            "participant__episode_id",
            "participant__shelter_data__id",
            *(f"participant__shelter_data__{name}" for name in _DATA_FIELDS),
            "arrived_at",
        )
        .order_by("arrived_at", "pk")
    )
    per_person: dict[PersonKey, list[_PersonRow]] = defaultdict(list)
    missing_episodes: set[int] = set()
    for (
        participant_id,
        person_id,
        alias_id,
        role,
        birth_date,
        birth_year,
        episode_id,
        data_id,
        *values,
        arrived_at,
    ) in member_rows:
        key: PersonKey = ("person", person_id) if person_id is not None else ("alias", alias_id)
        data = dict(zip(_DATA_FIELDS, values, strict=True)) if data_id is not None else None
        if data is None:
            missing_episodes.add(episode_id)
        age = age_at(birth_date=birth_date, birth_year=birth_year, on=_local_date(arrived_at))
        per_person[key].append(
            _PersonRow(participant_id, episode_id, role, arrived_at, age_band_for(age), data)
        )

    # 2. Residence days per person from the ledger (the same rule as every other figure).
    ledger: Ledger = ledger_for_service_form(
        service_form=service_form, period_start=start, period_end=end
    )
    summary.open_stay_ids = list(ledger.open_stay_ids)
    summary.confirmed_open_stay_ids = sorted(
        YearEndConfirmation.objects.filter(
            stay_id__in=summary.open_stay_ids, year=year
        ).values_list("stay_id", flat=True)
    )
    summary.episodes_missing_data = sorted(missing_episodes)

    for key, rows in per_person.items():
        chosen = next((r for r in rows if r.data is not None), rows[0])
        data = chosen.data
        child = is_child(
            age_band=data["age_band"] if data else Data.AgeBand.UNKNOWN,
            fallback_age_band=chosen.fallback_band,
            role=chosen.role,
        )
        group = CHILD if child else ADULT
        days = ledger.by_person.get(key, 0)
        if child:
            summary.children += 1
            summary.care_days_children += days
        else:
            summary.adults += 1
            summary.care_days_adults += days
        for name in PERSON_VARIABLES:
            summary.by_variable[name][(group, data[name] if data else MISSING)] += 1
        if data is None:
            summary.violence_forms[(group, MISSING)] += 1
        else:
            forms = [f for f in dict.fromkeys(data["violence_forms"] or [])]
            for form in forms:
                summary.violence_forms[(group, str(form))] += 1
            if not forms:
                summary.violence_forms[(group, NO_FORMS)] += 1

    # 3. Stays (move chains), families and referral sources.
    _count_stays(summary, service_form=service_form, start=start, end=end)

    # 4. Family places, turn-aways, line contacts.
    # The places in use on 31.12. of the reported year — not today's configuration.
    summary.family_places = sum(
        1
        for active, active_from, active_until in Place.objects.filter(
            service_form=service_form, kind=Place.Kind.FAMILY_PLACE
        ).values_list("active", "active_from", "active_until")
        if place_in_use_on(end, active=active, active_from=active_from, active_until=active_until)
    )
    in_year = Q(occurred_at__gte=local_midnight(start)) & Q(
        occurred_at__lt=local_midnight(end + _ONE_DAY)
    )
    for row in (
        TurnAway.objects.filter(in_year, service_form=service_form, reason=TurnAway.Reason.NO_PLACE)
        .values("directed_to")
        .annotate(n=Count("pk"), adults_sum=Sum("adults"), children_sum=Sum("children"))
        .order_by()
    ):
        if row["directed_to"] == TurnAway.DirectedTo.OTHER_SHELTER:
            summary.turned_away_families += row["n"]
            summary.turned_away_adults += row["adults_sum"] or 0
            summary.turned_away_children += row["children_sum"] or 0
        else:
            summary.turned_away_no_place_other += row["n"]
    for row in (
        LineContact.objects.filter(in_year, service_form=service_form)
        .values("channel")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        summary.line_by_channel[row["channel"]] += row["n"]
        summary.line_contacts += row["n"]
    return summary


def _count_stays(
    summary: ThlSummary, *, service_form: ServiceForm, start: dt.date, end: dt.date
) -> None:
    """Residence chains overlapping the year (one query: every stay of the episodes involved)."""
    in_year = Stay.objects.filter(place__service_form=service_form).filter(
        _overlaps_year(start, end)
    )
    rows = list(
        Stay.objects.filter(
            place__service_form=service_form, episode_id__in=in_year.values("episode_id")
        ).values_list(
            "pk",
            "episode_id",
            "episode__referral_source",
            "arrived_at",
            "departed_at",
            "moved_from_id",
        )
    )
    by_pk = {row[0]: row for row in rows}
    year_start, year_end = local_midnight(start), local_midnight(end + _ONE_DAY)
    heads: set[int] = set()
    families: dict[int, str] = {}
    for pk, episode_id, source, arrived, departed, _moved_from in rows:
        if not (arrived < year_end and (departed is None or departed > year_start)):
            continue
        head = pk
        while by_pk[head][5] is not None and by_pk[head][5] in by_pk:
            head = by_pk[head][5]
        heads.add(head)
        families[episode_id] = source
    summary.stays = len(heads)
    summary.stays_began = sum(1 for h in heads if start <= _local_date(by_pk[h][3]) <= end)
    summary.families = len(families)
    summary.referral_sources = Counter(families.values())


# --------------------------------------------------------------------------- year-end check


@dataclass
class CheckItem:
    """One episode on the year-end check list (shown to members of the unit only)."""

    episode: Episode
    stay_id: int | None = None
    confirmed: bool = False
    place: str = ""
    arrived_at: dt.datetime | None = None
    participants: list[Participant] = field(default_factory=list)


@dataclass
class YearEndCheck:
    open_stays: list[CheckItem]
    missing_data: list[CheckItem]

    def persons(self) -> list[Any]:
        """The named persons on the list (for the access log); aliases are anonymous."""
        seen: dict[int, Any] = {}
        for item in [*self.open_stays, *self.missing_data]:
            for participant in item.participants:
                if participant.person is not None:
                    seen[participant.person.pk] = participant.person
        return list(seen.values())


def year_end_check(*, service_form: ServiceForm, year: int, summary: ThlSummary) -> YearEndCheck:
    """The episodes behind the check's counts (for members of the unit only; the view filters
    them by visibility and logs the persons shown).

    Open stays list the stay's members; episodes lacking data list the persons of the year's
    stays who have no THL data. Two queries.
    """
    start, end = year_bounds(year)
    open_rows = list(
        StayMember.objects.filter(stay_id__in=summary.open_stay_ids)
        .select_related("stay__episode", "stay__place", "participant__person", "participant__alias")
        .order_by("stay__arrived_at", "stay_id", "pk")
    )
    confirmed = set(summary.confirmed_open_stay_ids)
    open_items: dict[int, CheckItem] = {}
    for member in open_rows:
        item = open_items.setdefault(
            member.stay_id,
            CheckItem(
                episode=member.stay.episode,
                stay_id=member.stay_id,
                confirmed=member.stay_id in confirmed,
                place=member.stay.place.name,
                arrived_at=member.stay.arrived_at,
            ),
        )
        if all(p.pk != member.participant_id for p in item.participants):
            item.participants.append(member.participant)

    missing_rows = list(
        StayMember.objects.filter(
            stay__place__service_form=service_form,
            stay__episode_id__in=summary.episodes_missing_data,
            participant__shelter_data__isnull=True,
        )
        .filter(_overlaps_year(start, end))
        .select_related("stay__episode", "participant__person", "participant__alias")
        .order_by("stay__episode_id", "arrived_at", "pk")
    )
    missing_items: dict[int, CheckItem] = {}
    for member in missing_rows:
        episode = member.stay.episode
        item = missing_items.setdefault(
            episode.pk, CheckItem(episode=episode, arrived_at=member.arrived_at)
        )
        if all(p.pk != member.participant_id for p in item.participants):
            item.participants.append(member.participant)
    return YearEndCheck(
        open_stays=list(open_items.values()), missing_data=list(missing_items.values())
    )
