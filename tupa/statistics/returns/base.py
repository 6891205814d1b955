"""A return (*ilmoitus*): what one recipient gets, composed of indicator lines in sections.

A :class:`ReturnTemplate` is versioned like an indicator: a changed template is a new version
and the old one stays registered, so a frozen submission can always be recomputed with the
template, indicator versions and parameters it was sent with.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import Provenance, Recipient
from ..indicators.base import Label, Params

__all__ = ["Provenance", "Recipient"]


class Scope(models.TextChoices):
    """What the return is about, i.e. the parameter that picks its data besides the year."""

    SERVICE_FORM = "service_form", _("työmuoto")
    ORGANISATION = "organisation", _("koko yhdistys")
    MUNICIPALITY = "municipality", _("kunta")


class Period(models.TextChoices):
    YEAR = "year", _("vuosi")
    HALF_YEAR = "half_year", _("puolivuotiskausi")
    QUARTER = "quarter", _("vuosineljännes")


@dataclass(frozen=True)
class Line:
    """One figure of a return: an indicator version, its breakdown and provenance."""

    indicator: str
    version: int
    breakdown: tuple[str, ...] = ()
    provenance: str = Provenance.COUNTED
    label: Label | None = None


@dataclass(frozen=True)
class Section:
    title: Label
    lines: tuple[Line, ...]
    note: Label = ""


@dataclass(frozen=True)
class ReturnTemplate:
    """A report template for one recipient.

    ``visible`` is a policy action decided on the service form (form-scoped templates) or the
    organisation. ``applies(form)`` picks the service forms a form-scoped template exists for.
    ``deadline`` is ``(month, day)`` in the year after the reported year. ``outgoing`` returns
    leave the organisation: small cells are suppressed on every output. ``checks(params)``
    returns the problems that block marking the return as sent (e.g. stays open at year end).
    """

    id: str
    version: int
    recipient: str
    title: Label
    description: Label
    sections: tuple[Section, ...]
    scope: str = Scope.SERVICE_FORM
    applies: Callable[[Any], bool] = lambda form: True
    period: str = Period.YEAR
    deadline: tuple[int, int] | None = None
    outgoing: bool = True
    visible: str = "statistics.returns.view"
    checks: Callable[[Params], list[str]] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    def lines(self) -> Iterator[tuple[int, Line]]:
        """Every line with its index in the return (the index is the line's address in URLs)."""
        index = 0
        for section in self.sections:
            for line in section.lines:
                yield index, line
                index += 1

    def deadline_for(self, year: int) -> dt.date | None:
        if self.deadline is None:
            return None
        return dt.date(year + 1, *self.deadline)


class ReturnRegistry:
    def __init__(self) -> None:
        self._items: dict[tuple[str, int], ReturnTemplate] = {}

    def register(self, *templates: ReturnTemplate) -> None:
        for t in templates:
            key = (t.id, t.version)
            if key in self._items and self._items[key] is not t:
                raise ValueError(f"return {t.key} is registered twice")
            self._items[key] = t

    def get(self, id: str, version: int | None = None) -> ReturnTemplate:
        if version is None:
            versions = [v for (i, v) in self._items if i == id]
            if not versions:
                raise KeyError(id)
            version = max(versions)
        return self._items[(id, version)]

    def latest(self) -> list[ReturnTemplate]:
        newest: dict[str, ReturnTemplate] = {}
        for key in sorted(self._items):
            newest[key[0]] = self._items[key]
        return list(newest.values())

    def __iter__(self) -> Iterator[ReturnTemplate]:
        return iter(self._items[k] for k in sorted(self._items))
