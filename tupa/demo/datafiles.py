"""The demo's data files (``tupa/demo/data/*.json``): names, texts and the organisation's tables.

The Python modules hold the behaviour, these files the data. Every ``"comment"`` key in them is
a note for the reader; the builders ignore it. Everything in them is fictional.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any


@cache
def load(name: str) -> Any:
    """The parsed content of ``data/<name>.json`` (read once per process)."""
    return json.loads((files("tupa.demo") / "data" / f"{name}.json").read_text(encoding="utf-8"))
