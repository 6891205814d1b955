"""A return (*ilmoitus*): what one recipient gets, composed of indicator lines in sections.

A :class:`ReturnTemplate` is versioned like an indicator: a changed template is a new version
and the old one stays registered, so a frozen submission can always be recomputed with the
template, indicator versions and parameters it was sent with.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
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
    """A part of a return: its figures, a note, and (``plan_goals``) the service form's goals
    of the year from the annual plan with their follow-up (:mod:`..plan_goals`)."""

    title: Label
    lines: tuple[Line, ...]
    note: Label = ""
    plan_goals: bool = False


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

    @property
    def has_plan_goals(self) -> bool:
        """Does a section show the form's goals of the year (:mod:`..plan_goals`)?"""
        return self.scope == Scope.SERVICE_FORM and any(s.plan_goals for s in self.sections)

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

    def deadline_for(self, year: int, registered: Collection[Registered] = ()) -> dt.date | None:
        """The deadline of the return of ``year``: ``deadline``, (month, day) of the year after —
        unless the return is a report of grants (``granted_by``) and the grants register has the
        results-report deadlines of its grants that year (``registered``, as
        :meth:`GrantsRegister.deadline` gives them): then the earliest of them still open, or
        when all are done, the earliest. The catalogue, the overview, the return page and a
        grant's page all ask :meth:`GrantsRegister.deadline`, so they and the finance manager's
        deadline list agree."""
        if self.granted_by is not None and registered:
            still_open = [due for due, done in registered if done is None]
            return min(still_open or [due for due, _done in registered])
        if self.deadline is None:
            return None
        return dt.date(year + 1, *self.deadline)


class ReturnRegistry(VersionedRegistry[ReturnTemplate]):
    """Every return template version, by ``id`` and ``version``."""


#: A results-report deadline of the grants register: when it is due, and when it was done
#: (``None``: still open).
Registered = tuple[dt.date, dt.date | None]


class GrantsRegister:
    """The grants register's results-report deadlines (*tuloksellisuusraportti*), by grant and
    the year reported on (the year before the deadline: the rule of
    ``finance.grants.selectors.results_reports``). Read in one query the first time a report
    with grants asks (:meth:`of_year`: an organisation's of one year, shared by the catalogue's
    rows and its targets; :meth:`of_grant`: one grant's of every year), never for a page that
    shows no grant."""

    def __init__(self, read: Callable[[], Iterable[tuple[int, dt.date, dt.date | None]]]) -> None:
        self._read = read

    @classmethod
    def of_year(cls, organisation_id: int | None, year: int) -> GrantsRegister:
        from tupa.finance.grants.selectors import results_reports

        def read() -> Iterable[tuple[int, dt.date, dt.date | None]]:
            if organisation_id is None:  # a user of no organisation: nothing of anyone's
                return []
            rows = results_reports(organisation_id=organisation_id, year=year)
            return rows.values_list("grant_id", "due_on", "done_on")

        return cls(read)

    @classmethod
    def of_grant(cls, grant: Any) -> GrantsRegister:
        from tupa.finance.models import GrantDeadline

        def read() -> Iterable[tuple[int, dt.date, dt.date | None]]:
            rows = GrantDeadline.objects.filter(grant=grant, kind=GrantDeadline.Kind.RESULTS_REPORT)
            return rows.values_list("grant_id", "due_on", "done_on")

        return cls(read)

    @functools.cached_property
    def _by_grant(self) -> dict[tuple[int, int], list[Registered]]:
        out: dict[tuple[int, int], list[Registered]] = defaultdict(list)
        for grant_id, due_on, done_on in self._read():
            out[(grant_id, due_on.year - 1)].append((due_on, done_on))
        return out

    def registered(self, grants: Iterable[Any], year: int) -> list[Registered]:
        """The results-report deadlines of ``grants`` for ``year`` (no read without grants)."""
        return [entry for g in grants for entry in self._by_grant.get((g.pk, year), ())]

    def deadline(
        self, template: ReturnTemplate, grants: Iterable[Any], year: int
    ) -> dt.date | None:
        """The deadline of ``template``'s report of ``year`` for ``grants``: the register's when
        it has one, else the template's own (31 March for STEA), as
        :meth:`ReturnTemplate.deadline_for` decides. Every page that shows a report's deadline
        or its state (late, still to send) asks here."""
        return template.deadline_for(year, self.registered(grants, year))

    def reported_on(self, grants: Iterable[Any], year: int) -> dt.date | None:
        """When the register says the results report of ``year`` of every one of ``grants`` was
        done (a STEA report sent outside Tupa, or before its statistics were in use): the latest
        date, or ``None`` (no grants, or one with no deadline done)."""
        dates = []
        for grant in grants:
            done = [d for _due, d in self.registered([grant], year) if d is not None]
            if not done:
                return None
            dates.append(max(done))
        return max(dates) if dates else None


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
