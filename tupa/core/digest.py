"""Canonical JSON and its SHA-256: the one way Tupa fingerprints data it must recognise again.

A sent return's content hash, the digest of the plan's goals a send form carries and an
invoicing basis's fingerprint all hash the same text of their data: keys sorted, no spaces,
non-ASCII as it is. The same data give the same digest whatever order a dict was built in.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(value: Any) -> str:
    """``value`` as canonical JSON (sorted keys, compact separators, UTF-8 text)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256_text(text: str) -> str:
    """SHA-256 (hex) of ``text`` in UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical_sha256(value: Any) -> str:
    """SHA-256 (hex) of :func:`canonical_json` of ``value``."""
    return sha256_text(canonical_json(value))
