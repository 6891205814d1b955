"""Dimensions shared by many indicators: year, month, day, service form, adult/child, gender,
municipality.

An indicator with its own breakdown (THL's age bands, an appointment's type) defines it in its
own module; these are the ones whose values must mean the same in every return.
"""

from __future__ import annotations

import datetime as dt

from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from tupa.organisations.models import Municipality, ServiceForm
from tupa.people.models import Person

from .base import UNKNOWN, Choices, Dimension, Params
from .protection import protected
from .reads import shared_read

ADULT = "adult"
CHILD = "child"


def month_value(day: dt.date) -> str:
    """The value of the month dimension for a date: ``"2026-03"``."""
    return f"{day.year:04d}-{day.month:02d}"


def day_value(day: dt.date) -> str:
    """The value of the day dimension for a date: ``"2026-03-05"``."""
    return day.isoformat()


def year_value(day: dt.date) -> str:
    """The value of the year dimension for a date: ``"2026"``."""
    return f"{day.year:04d}"


def year_month_values(day: dt.date) -> tuple[str, str]:
    """The values of :data:`YEAR` and :data:`MONTH` for a date, in that order (an indicator
    whose dimensions are ``…, YEAR, MONTH, …``)."""
    return year_value(day), month_value(day)


def _years(params: Params) -> Choices:
    return tuple((str(y), str(y)) for y in range(params.start.year, params.end.year + 1))


def _days(params: Params) -> Choices:
    """Every date of the period (a report by day is meant for a month or so)."""
    count = (params.end - params.start).days + 1
    days = (params.start + dt.timedelta(days=i) for i in range(count))
    return tuple((day_value(d), formats.date_format(d, "D j.n.Y")) for d in days)


def _months(params: Params) -> Choices:
    return tuple(
        (month_value(m), formats.date_format(m, "F Y").capitalize()) for m in params.months()
    )


def _service_forms(params: Params) -> Choices:
    wanted = set(params.service_form_ids)
    return tuple(
        (str(pk), name) for pk, name in _forms_by_name(params.organisation_id) if pk in wanted
    )


@shared_read
def _forms_by_name(organisation_id: int) -> tuple[tuple[int, str], ...]:
    """The organisation's forms in the database's order of names, read once per run (a page
    that runs indicators for several sets of forms, the overview, asks for each set)."""
    with scopes_disabled():
        forms = ServiceForm.objects.filter(organisation_id=organisation_id).order_by("name")
        return tuple(forms.values_list("pk", "name"))


def _municipalities(params: Params) -> Choices:
    """Municipalities of the organisation's clients (a municipality report shows only one).

    Not the homes of protected persons, nor of anyone in a protected person's episode (the
    family shares the home): a column "Kanariakunta" would tell, even empty, that a client lives
    there (:mod:`.protection`)."""
    found = protected(params.organisation_id)
    with scopes_disabled():
        persons = Person.objects.filter(organisation_id=params.organisation_id).exclude(
            municipality=None
        )
        if found.person_ids:
            persons = persons.exclude(pk__in=found.person_ids).exclude(
                participations__episode_id__in=found.episode_ids
            )
        qs = Municipality.objects.filter(pk__in=persons.values("municipality_id"))
        if params.municipality_id is not None:
            qs = qs.filter(pk=params.municipality_id)
        rows = tuple((str(m.pk), m.name) for m in qs.order_by(Municipality.display_ordering()))
    return (*rows, (UNKNOWN, _("ei tiedossa")))


YEAR = Dimension("year", _("vuosi"), _years)
MONTH = Dimension("month", _("kuukausi"), _months)
DAY = Dimension("day", _("päivä"), _days)
SERVICE_FORM = Dimension("service_form", _("työmuoto"), _service_forms)
ADULT_CHILD = Dimension(
    "adult_child",
    _("aikuinen vai lapsi"),
    ((ADULT, _("aikuiset")), (CHILD, _("lapset")), (UNKNOWN, _("ei tiedossa"))),
)
GENDER = Dimension(
    "gender",
    _("sukupuoli"),
    (
        (Person.Gender.FEMALE, _("naiset ja tytöt")),
        (Person.Gender.MALE, _("miehet ja pojat")),
        (Person.Gender.OTHER, _("muu")),
        (UNKNOWN, _("ei tiedossa")),
    ),
)
MUNICIPALITY = Dimension("municipality", _("kotikunta"), _municipalities)


def gender_value(gender: str | None) -> str:
    if gender in (Person.Gender.FEMALE, Person.Gender.MALE, Person.Gender.OTHER):
        return str(gender)
    return UNKNOWN


def municipality_value(municipality_id: int | None) -> str:
    return UNKNOWN if municipality_id is None else str(municipality_id)


def adult_child_value(birth_date: dt.date | None, birth_year: int | None, on: dt.date) -> str:
    """Adult (18 or over on ``on``) or child, from a birth date or an alias's birth year."""
    if birth_date is not None:
        age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    elif birth_year is not None:
        age = on.year - birth_year
    else:
        return UNKNOWN
    return ADULT if age >= 18 else CHILD
