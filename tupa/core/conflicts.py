"""Optimistic locking: one error for "somebody else saved in between", and one check of it.

A form that changes a versioned record carries the version the user saw (a hidden ``version``
input). The service locks the row and calls :func:`ensure_version`; when somebody else saved
in between, it raises :class:`VersionConflict` and stores nothing. The form step
(:func:`tupa.core.forms.submit`, or :func:`tupa.core.forms.show_conflict` for a view that builds
its form again on the record as saved now) shows the one message, keeps what was typed and moves
the form's version on to the saved one: saving again, after comparing with the saved data, is a
deliberate choice and goes through. The page answers 409.

Every app raises this one exception, so every conflict reads the same, is caught the same way
and is tested the same way (``tupa/core/tests/test_conflicts.py``).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

#: What the user reads after a conflicting save, on every form of the product.
MESSAGE = _(
    "Joku muu on tallentanut muutoksia sillä välin, kun täytit lomaketta. Kirjoittamasi tiedot "
    "ovat yhä lomakkeella, mutta niitä ei tallennettu. Tarkista ajantasaiset tiedot ja tallenna "
    "uudelleen."
)


class VersionConflict(Exception):
    """Somebody else saved the record after the user loaded its form; nothing was stored.

    ``current`` is the record as saved now (locked and read by the service), and ``version``
    the version the form takes on to save again: the record's, or ``version`` given for a
    record whose version is not a ``version`` field (a stamp of several rows).
    """

    def __init__(self, current: Any, *, version: Any = None) -> None:
        super().__init__(f"{type(current).__name__} version conflict")
        self.current = current
        self.version = version if version is not None else getattr(current, "version", None)

    @property
    def message(self) -> str:
        return str(MESSAGE)


def ensure_version(current: Any, version: int | None) -> None:
    """Raise :class:`VersionConflict` when ``current`` (the locked row) is no longer at the
    ``version`` the user saw. ``None`` is a save without a form behind it (a command, a
    service calling another): nothing to compare."""
    if version is not None and current.version != version:
        raise VersionConflict(current)
