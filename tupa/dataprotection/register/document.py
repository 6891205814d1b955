"""The parts of a register description: statements (:class:`Item`), sections, the description."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from tupa.organisations.models import (
    DataProtectionProfile,
    Organisation,
    RegisterDescription,
    ServiceForm,
)

Text = str | Promise


@dataclass(frozen=True)
class Item:
    """One generated statement."""

    text: Text
    verify: bool = False
    detail: Text = ""  # shown inside the organisation only (settings in force)
    ok: bool = True  # False: a safeguard that is NOT in force (shown as a warning)


@dataclass
class Section:
    key: str
    title: Text
    items: list[Item] = field(default_factory=list)
    prose: str = ""  # the administrator's text for this section

    def add(self, text: Text, **kwargs: Any) -> None:
        self.items.append(Item(text, **kwargs))


@dataclass
class Description:
    organisation: Organisation
    service_form: ServiceForm
    profile: DataProtectionProfile | None
    prose: RegisterDescription | None
    sections: list[Section]
    internal: bool

    @property
    def verify_count(self) -> int:
        return sum(1 for s in self.sections for i in s.items if i.verify)

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)
