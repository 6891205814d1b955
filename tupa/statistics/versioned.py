"""A registry of versioned definitions (indicators, return templates), by ``id`` and ``version``.

A changed definition is registered under the same ``id`` with a higher ``version``; the old one
stays, so whatever was computed or sent with it can be reproduced.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, Protocol, TypeVar


class Versioned(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def version(self) -> int: ...

    @property
    def key(self) -> str: ...


T = TypeVar("T", bound=Versioned)


class VersionedRegistry(Generic[T]):
    def __init__(self) -> None:
        self._items: dict[tuple[str, int], T] = {}

    def register(self, *items: T) -> None:
        for item in items:
            key = (item.id, item.version)
            if key in self._items and self._items[key] is not item:
                raise ValueError(f"{item.key} is registered twice")
            self._items[key] = item

    def get(self, id: str, version: int | None = None) -> T:
        """A version of ``id``; the newest when ``version`` is not given (``KeyError`` if none)."""
        if version is None:
            versions = [v for (i, v) in self._items if i == id]
            if not versions:
                raise KeyError(id)
            version = max(versions)
        return self._items[(id, version)]

    def __iter__(self) -> Iterator[T]:
        return iter(self._items[key] for key in sorted(self._items))

    def latest(self) -> list[T]:
        """The newest version of every id, in id order."""
        newest: dict[str, T] = {}
        for item in self:
            newest[item.id] = item
        return list(newest.values())
