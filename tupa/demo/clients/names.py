"""The demo's invented names and texts (``data/names.json``, ``data/texts.json``)."""

from __future__ import annotations

from typing import Any

from tupa.demo import datafiles

#: Invented names (``data/names.json``): common Finnish first names, made-up surnames.
_NAMES: dict[str, Any] = datafiles.load("names")
WOMEN: list[str] = _NAMES["women"]
MEN: list[str] = _NAMES["men"]
GIRLS: list[str] = _NAMES["girls"]
BOYS: list[str] = _NAMES["boys"]
SURNAMES: list[str] = _NAMES["surnames"]

_TEXTS: dict[str, Any] = datafiles.load("texts")["clients"]
ENTRY_TEXTS: dict[str, str] = _TEXTS["entry_texts"]
#: Invented client-plan goals and network meetings (``data/texts.json``).
GOALS: list[dict[str, str]] = _TEXTS["goals"]
NETWORK_MEETINGS: list[dict[str, str]] = _TEXTS["network_meetings"]
#: The forms whose episodes get a client plan (most of them), and those whose families also
