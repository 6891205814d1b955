"""The shape of a generated organisation: names, residential units, outpatient forms, staff,
funding."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from tupa.accounts.models import Role
from tupa.organisations.models import ServiceFormFunding

SLUG_PREFIX = "kuvitteellinen"
NAME = "Kuvitteellinen ensi- ja turvakoti {n} ry"
SHELTER = "turvakoti"
ENSIKOTI = "ensikoti"
VISITATION = "tapaamispaikka"
DROP_IN = "perhetupa"
#: Minimum time between one family leaving a place and the next one arriving.
TURNOVER = dt.timedelta(hours=2)
#: A family comes back to the shelter at the earliest this long after leaving it.
RETURN_AFTER = dt.timedelta(days=30)
#: However small the scale, a residential place gets a family at least this often on average.
MAX_MEAN_GAP_DAYS = 120.0


@dataclass(frozen=True)
class UnitSpec:
    """A residential unit's stays: length in nights (lognormal, clipped) and occupancy."""

    slug: str
    median_nights: float
    sigma: float
    min_nights: int
    max_nights: int
    #: The share of the family places' time taken at scale 1.0.
    occupancy: float

    @property
    def mean_nights(self) -> float:
        return self.median_nights * math.exp(self.sigma**2 / 2)


SHELTER_SPEC = UnitSpec(SHELTER, 13.5, 0.75, 1, 120, 0.6)
ENSIKOTI_SPEC = UnitSpec(ENSIKOTI, 95.0, 0.45, 30, 240, 0.8)


@dataclass(frozen=True)
class OutpatientSpec:
    slug: str
    name: str
    area: str
    violence_work: str
    adult_task: str
    child_task: str
    #: New episodes a year at scale 1.0 (besides those referred from the shelter).
    rate: int
    #: Episode length in days (uniform).
    length: tuple[int, int]
    #: "woman", "man", "child" (a child and a parent) or "baby" (a mother and her baby)
    client: str


AREAS = (
    ("Perheväkivaltatyö", "Perheväkivaltatyön tiimi"),
    ("Vauvaperhetyö", "Vauvaperhetyön tiimi"),
    ("Perhetyö ja eroauttaminen", "Perhetyön tiimi"),
)
OUTPATIENT = (
    OutpatientSpec(
        "avokriisityo", "Avokriisityö", AREAS[0][0], "victim", "working_age", "child_family",
        45, (30, 240), "woman",
    ),
    OutpatientSpec(
        "jussi-tyo", "Jussi-työ", AREAS[0][0], "perpetrator", "working_age", "working_age",
        40, (60, 300), "man",
    ),
    OutpatientSpec(
        "lapsityo", "Lapsityö", AREAS[0][0], "victim", "child_family", "child_family",
        35, (60, 200), "child",
    ),
    OutpatientSpec(
        "baby-blues", "Baby blues", AREAS[1][0], "", "child_family", "child_family",
        40, (30, 180), "baby",
    ),
)  # fmt: skip
#: Supervised-meeting orders (families) a year at scale 1.0.
VISITATION_RATE = 25
#: Appointments of one episode at most (as the demo).
MAX_APPOINTMENTS = 14

#: (username suffix, title, grants: (role, service form slug or None))
STAFF: tuple[tuple[str, str, tuple[tuple[str, str | None], ...]], ...] = (
    ("johtaja", "toiminnanjohtaja", ((Role.EXECUTIVE_DIRECTOR, None),)),
    ("turvakoti", "perhe- ja kriisityöntekijä", ((Role.WORKER, SHELTER),)),
    (
        "esihenkilo",
        "turvakodin ja ensikodin johtaja",
        ((Role.LEAD, SHELTER), (Role.LEAD, ENSIKOTI)),
    ),
    ("ensikoti", "vauvaperhetyöntekijä", ((Role.WORKER, ENSIKOTI),)),
    (
        "avokriisi",
        "avokriisityöntekijä",
        (
            (Role.WORKER, "avokriisityo"),
            (Role.LEAD, "avokriisityo"),
            (Role.WORKER, "lapsityo"),
            (Role.LEAD, "lapsityo"),
        ),
    ),
    ("jussi", "Jussi-työntekijä", ((Role.WORKER, "jussi-tyo"), (Role.LEAD, "jussi-tyo"))),
    ("babyblues", "vauvaperhetyöntekijä", ((Role.WORKER, "baby-blues"), (Role.LEAD, "baby-blues"))),
    (
        "tapaamis",
        "tapaamisohjaaja",
        ((Role.WORKER, VISITATION), (Role.LEAD, VISITATION)),
    ),
    ("perhetupa", "perhetupaohjaaja", ((Role.WORKER, DROP_IN), (Role.LEAD, DROP_IN))),
)
#: Who funds each service form and how (funder key, ServiceFormFunding type), as the demo's
#: association: the state the shelter, the wellbeing services county buys Ensikoti and the
#: supervised meetings, STEA funds the outpatient forms and the drop-in house (STEA's results
#: report exists only for its grant targets).
FUNDING: dict[str, tuple[str, str]] = {
    SHELTER: ("state", ServiceFormFunding.Type.STATE_FUNDING),
    ENSIKOTI: ("county", ServiceFormFunding.Type.PURCHASE_AGREEMENT),
    "avokriisityo": ("stea", ServiceFormFunding.Type.TARGETED_GRANT),
    "jussi-tyo": ("stea", ServiceFormFunding.Type.TARGETED_GRANT),
    "lapsityo": ("stea", ServiceFormFunding.Type.PROJECT_GRANT),
    "baby-blues": ("stea", ServiceFormFunding.Type.TARGETED_GRANT),
    VISITATION: ("county", ServiceFormFunding.Type.PURCHASE_AGREEMENT),
    DROP_IN: ("stea", ServiceFormFunding.Type.TARGETED_GRANT),
}
#: Which worker writes the records of a service form.
WORKER_OF = {
    SHELTER: "turvakoti",
    ENSIKOTI: "ensikoti",
    "avokriisityo": "avokriisi",
    "lapsityo": "avokriisi",
    "jussi-tyo": "jussi",
    "baby-blues": "babyblues",
    VISITATION: "tapaamis",
    DROP_IN: "perhetupa",
}


def slug_for(index: int) -> str:
    """The slug of the ``index``-th (1-based) generated organisation."""
    return f"{SLUG_PREFIX}-{index:02d}"


def username_for(index: int, suffix: str) -> str:
    """A generated organisation's staff account, e.g. ``k07.turvakoti``."""
    return f"k{index:02d}.{suffix}"
