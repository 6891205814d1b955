"""Residential services: places, stays and the people in them (seed-spec §2.1, §2.5, RES-01..03).

A **stay** is one episode's period in one **place**. Every person of the family in the stay is a
**stay member** with their own arrival and departure (a child may come a day later or leave
earlier), always inside the stay's own period.

**Moves** are modelled as consecutive stays, not as a separate table: a move ends the stay in the
old place at the moment of the move and opens the next stay of the same episode in the new place
at the same moment, linked by ``Stay.moved_from``. The stay chain (follow ``moved_from``) is the
family's whole residence; only the last stay of a chain has a departure destination. The care-day
ledger merges touching intervals of a person, so a move never creates or loses a care day.

No double booking: a family place (and a bed) holds one stay at a time; a room holds at most
``capacity`` persons. The services check this with the place row locked (``select_for_update``),
which serialises admissions to the same place on PostgreSQL; SQLite's IMMEDIATE transactions
serialise all writers.

One module per part: :mod:`.places`, :mod:`.stays` (stays, members, payer categories and
destinations), :mod:`.shelter` (line contacts, turn-aways, shift notes), :mod:`.thl` (THL data,
year-end confirmations), :mod:`.commitments` (payment commitments).
"""

from .commitments import PaymentCommitment
from .places import Place, is_shelter, place_in_use_on
from .shelter import LineContact, ShiftNote, TurnAway
from .stays import Destination, PayerCategory, Stay, StayMember
from .thl import ShelterClientData, YearEndConfirmation

__all__ = [
    "Destination",
    "LineContact",
    "PayerCategory",
    "PaymentCommitment",
    "Place",
    "ShelterClientData",
    "ShiftNote",
    "Stay",
    "StayMember",
    "TurnAway",
    "YearEndConfirmation",
    "is_shelter",
    "place_in_use_on",
]
