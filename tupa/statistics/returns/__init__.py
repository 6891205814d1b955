"""Every return template, registered in :data:`registry` (one module per recipient)."""

from __future__ import annotations

from .base import Line, Provenance, Recipient, ReturnRegistry, ReturnTemplate, Scope, Section

registry = ReturnRegistry()

__all__ = [
    "Line",
    "Provenance",
    "Recipient",
    "ReturnTemplate",
    "Scope",
    "Section",
    "registry",
]


def _load() -> None:
    from . import avi, board, federation, internal, municipality, stea, thl

    for module in (thl, stea, municipality, avi, federation, board, internal):
        module.register(registry)


_load()
