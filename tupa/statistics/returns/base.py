"""A return (*ilmoitus*): what one recipient gets, composed of indicator lines in sections.

A :class:`ReturnTemplate` is versioned like an indicator: a changed template is a new version
and the old one stays registered, so a frozen submission can always be recomputed with the
template, indicator versions and parameters it was sent with.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from typing import Any, Final

from django.db import models
from django.utils.translation import gettext_lazy as _

from tupa.core.shapes import Shape

from ..choices import Provenance, Recipient
from ..indicators.base import Label, Params
from ..versioned import VersionedRegistry

#: One line's sums as the database counts them: the sum of each combination of its breakdown's
#: values that counts something, and its total (``tables.table_of``'s arguments).
LineSums = tuple[dict[tuple[str, ...], int], int]

__all__ = ["Provenance", "Recipient"]


class Scope(models.TextChoices):
    """What the return is about, i.e. the parameter that picks its data besides the year."""

    SERVICE_FORM = "service_form", _("työmuoto")
    ORGANISATION = "organisation", _("koko yhdistys")
    MUNICIPALITY = "municipality", _("kunta")


class Period(models.TextChoices):
    """The periods a return is opened for: a part of the year, or (internal follow-up reports
    only) any date range the user picks, the calendar year by default."""

    YEAR = "year", _("vuosi")
    HALF_YEAR = "half_year", _("puolivuotiskausi")
    QUARTER = "quarter", _("vuosineljännes")
    MONTH = "month", _("kuukausi")
    RANGE = "range", _("vapaa aikaväli")


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
    #: Grant kinds of the grants register (``Grant.Kind``): the return exists for a form and a
    #: year only when a grant of one of these kinds, granted in full or in part, funds the form
    #: that year (STEA reports on its grant targets, for the years it funds them).
    granted_by: frozenset[str] | None = None
    #: The ids of an organisation's forms where the return has something to show (one query;
    #: the catalogue lists the return only for them): ``None`` for every form it applies to.
    available_in: Callable[[int], Collection[int]] | None = None
    #: The return's lines counted by the database (ADR 0027): each line's sums by line index
    #: (``tables.table_of``'s), or ``None`` where it does not apply — then, and always when
    #: ``None`` here, the engine counts by the indicators' units. Sending checks it against the
    #: units (:func:`~tupa.statistics.services.submit`).
    counted_in_database: Callable[[Params], dict[int, LineSums] | None] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.period == Period.RANGE and self.outgoing:
            # A return that leaves the organisation is for a fixed period of the recipient's.
            raise ValueError(f"{self.id}: only internal returns have a free date range")

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    @property
    def sendable(self) -> bool:
        """Can it be marked as sent (frozen)? Not a report over a date range of one's choosing."""
        return self.period != Period.RANGE

    def lines(self) -> Iterator[tuple[int, Line]]:
        """Every line with its index in the return (the index is the line's address in URLs)."""
        index = 0
        for section in self.sections:
            for line in section.lines:
                yield index, line
                index += 1

    def available_for(self, form: Any, year: int | None = None) -> bool:
        """Does the return exist for ``form`` in ``year`` (``None``: in some year)? Its kind, and
        when ``granted_by``, a grant that funds the form that year.

        Reads ``form.granted`` when ``granted_by`` (fetch the forms through :meth:`forms`).
        """
        if not self.applies(form):
            return False
        return self.granted_by is None or bool(self.grants_for(form, year))

    def grants_for(self, form: Any, year: int | None) -> list[Any]:
        """The granted grants of ``granted_by``'s kinds that fund ``form`` in ``year`` (``None``:
        in any year), oldest first; empty for a template that no grant decides."""
        if self.granted_by is None:
            return []
        return [
            g
            for g in form.granted
            if g.kind in self.granted_by and (year is None or g.year_from <= year <= g.year_to)
        ]

    def forms(self, forms: models.QuerySet[Any]) -> models.QuerySet[Any]:
        """``forms`` with what :meth:`available_for` reads for this template: the granted grants
        of a granted template's forms (:func:`with_grants`), nothing more for the others."""
        return forms if self.granted_by is None else with_grants(forms)

    def read_for(self, form: Any) -> None:
        """Read onto ``form`` what :meth:`available_for` reads (as :meth:`forms` does for a
        queryset): one query for a granted template, none for the others."""
        if self.granted_by is not None:
            form.granted = _FORM_GRANTS.instances(form=form.pk, organisation=form.organisation_id)

    def deadline_for(self, year: int) -> dt.date | None:
        if self.deadline is None:
            return None
        return dt.date(year + 1, *self.deadline)


class ReturnRegistry(VersionedRegistry[ReturnTemplate]):
    """Every return template version, by ``id`` and ``version``."""


def with_grants(forms: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """Service forms with what :meth:`ReturnTemplate.available_for` reads: the grants granted in
    full or in part that fund them (``form.granted``), in one query beside the forms'."""
    return forms.prefetch_related(grants_prefetch())


def _granted() -> models.QuerySet[Any]:
    """The grants granted in full or in part, in the order a form's ``granted`` lists them."""
    from tupa.finance.models import Grant
    from tupa.finance.models.grants import FUNDING

    return Grant.objects.filter(status__in=sorted(FUNDING)).order_by(
        "year_from", "target_name", "pk"
    )


def grants_prefetch() -> models.Prefetch:
    """The grants granted in full or in part that fund a form, as its ``granted``."""
    return models.Prefetch("grants", queryset=_granted(), to_attr="granted")


#: One form's ``granted`` (:meth:`ReturnTemplate.read_for`): the return pages read it on every
#: view, so a shape compiled once per connection (ADR 0026, second addendum).
_FORM_GRANTS: Final = Shape(
    lambda s: _granted().filter(service_forms=s.form, organisation_id=s.organisation),
    name="a service form's grants",
)
