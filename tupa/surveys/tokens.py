"""One-time tokens for answering links and kiosks.

A token is 256 bits from :mod:`secrets`, URL-safe. Only its SHA-256 is stored, so nobody with the
database can rebuild a link; a forged or mistyped token finds no row. The token is the whole URL
argument: it names no person, service or questionnaire.
"""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 32


def new_token() -> tuple[str, str]:
    """A fresh token and the hash to store."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def looks_like_token(token: str) -> bool:
    """A cheap shape check before any query (43 URL-safe characters)."""
    return len(token) == 43 and all(c.isalnum() or c in "-_" for c in token)
