"""The units, the planned residences and the state shared by the residential demo's steps."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from tupa.accounts.models import User
from tupa.core.wallclock import HELSINKI
from tupa.demo.calendar import history_start
from tupa.episodes.models import Episode, Participant
from tupa.organisations.models import Organisation, Partner, ServiceForm
from tupa.residential.models import (
    Place,
    ShelterClientData,
    Stay,
)

SEED = 19850404
SHELTER = "turvakoti"
ENSIKOTI = "ensikoti"
SHELTER_PLACES = 5  # the plan: five family places
#: Assumption: the plan does not give Ensikoti's number of places (seed-spec §2.1).
ENSIKOTI_PLACES = 6
WELLBEING_COUNTY = "Päijät-Hämeen hyvinvointialue"
#: Municipalities of Päijät-Häme (home municipality on the payment commitments).
HOME_MUNICIPALITIES = ("398", "398", "398", "098", "111", "560", "081")
DAILY_PRICE = {2024: Decimal("289.00"), 2025: Decimal("298.00"), 2026: Decimal("309.00")}
#: Minimum time between one family leaving a place and the next one arriving.
TURNOVER = dt.timedelta(hours=2)
_FAR = dt.datetime(9000, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class UnitSpec:
    slug: str
    places: int
    #: stay length in days: lognormal median, sigma, min, max
    median_days: float
    sigma: float
    min_days: int
    max_days: int
    #: mean number of days a place stays empty between two families
    mean_gap_days: float
    moves: int


UNITS = (
    UnitSpec(SHELTER, SHELTER_PLACES, 18.0, 0.7, 1, 60, 4.5, 4),
    UnitSpec(ENSIKOTI, ENSIKOTI_PLACES, 95.0, 0.45, 30, 183, 38.0, 2),
)


@dataclass
class Plan:
    """One family's planned residence in a unit: consecutive segments (a move starts a new one)."""

    unit: str
    arrive: dt.datetime
    depart: dt.datetime | None
    segments: list[tuple[int, dt.datetime, dt.datetime | None]]  # (place index, start, end)
    episode: Episode | None = None
    #: late arrivals: (participant or "baby", moment)
    late: list[tuple[Participant | str, dt.datetime]] = field(default_factory=list)
    pregnant: bool = False
    birth: dt.date | None = None
    destination: str = ""
    stay: Stay | None = None
    new: bool = False


def _aware(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=HELSINKI)


def _overlaps(a: dt.datetime, b: dt.datetime | None, c: dt.datetime, d: dt.datetime | None) -> bool:
    """Whether [a, b) and [c, d) come closer than the turnover time (None = open)."""
    return a < (d or _FAR) + TURNOVER and c < (b or _FAR) + TURNOVER


def age_band(born: dt.date | None, on: dt.date) -> str:
    if born is None:
        return ShelterClientData.AgeBand.UNKNOWN
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    bands = ShelterClientData.AgeBand
    for limit, band in (
        (4, bands.UNDER_4),
        (7, bands.AGE_4_6),
        (13, bands.AGE_7_12),
        (18, bands.AGE_13_17),
        (25, bands.AGE_18_24),
        (35, bands.AGE_25_34),
        (45, bands.AGE_35_44),
        (55, bands.AGE_45_54),
        (65, bands.AGE_55_64),
    ):
        if age < limit:
            return str(band)
    return str(bands.AGE_65_PLUS)


class BuilderState:
    """What every step of the residential demo reads and writes (one build, one random stream)."""

    county: Partner

    def __init__(self, organisation: Organisation) -> None:
        self.org = organisation
        self.rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not security
        self.today = timezone.localdate()
        self.now = timezone.now()
        # The demo's history (tupa.demo.calendar); the places are full from its first day on.
        self.window_start = _aware(history_start(self.today), 0)
        self.forms = {
            sf.slug: sf
            for sf in ServiceForm.objects.filter(
                organisation=organisation, slug__in=[SHELTER, ENSIKOTI]
            )
        }
        self.staff = {u.username: u for u in User.objects.filter(organisation=organisation)}
        self.places: dict[str, list[Place]] = {}
        self.busy: dict[tuple[str, int], list[tuple[dt.datetime, dt.datetime | None]]] = {}
        self.plans: list[Plan] = []
        self.lifted: list[int] = []
        self.hetu_number = 950
        self.counts: Counter[str] = Counter()

    def worker(self, slug: str, at: dt.datetime | None = None) -> User:
        if slug == SHELTER:
            night = at is not None and not 7 <= at.astimezone(HELSINKI).hour < 21
            return self.staff["turvakoti.yo" if night else "turvakoti"]
        return self.staff["ensikoti"]
