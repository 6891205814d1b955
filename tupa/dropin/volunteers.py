"""The volunteer childminders of Perhetupa's childcare sessions (issue 12 item 7).

A childminder is a record of the volunteer register. This app may not import the volunteers
app (ADR 0008, the "features" contract): it asks through the registry
(:func:`tupa.core.registry.volunteer_choices`), and the volunteers app answers with its rules:
the volunteer was active and had a task in the house's service form on the day and — childcare
is work with children — had a valid record check that day (Act 148/2014).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from tupa.core import registry

if TYPE_CHECKING:
    from tupa.organisations.models import ServiceForm


def choices(
    *, service_form: ServiceForm, on: dt.date, include: Collection[int] = ()
) -> list[registry.VolunteerChoice]:
    """The form's volunteers with the answer for childcare on ``on`` (four queries)."""
    return registry.volunteer_choices(
        service_form=service_form, on=on, with_children=True, include=include
    )


def options(
    *, service_form: ServiceForm, on: dt.date, named: Collection[int] = ()
) -> list[tuple[int, str]]:
    """What the childcare form offers: the volunteers who may mind children on ``on`` and
    those already named on the session."""
    return [
        (c.pk, c.name)
        for c in choices(service_form=service_form, on=on, include=named)
        if not c.problem or c.pk in named
    ]


def problems(
    *, service_form: ServiceForm, on: dt.date, volunteer_ids: Collection[int]
) -> list[str]:
    """Why these volunteers cannot be named on a childcare session on ``on`` (empty: they may)."""
    if not volunteer_ids:
        return []
    answers = {
        c.pk: c.problem for c in choices(service_form=service_form, on=on, include=volunteer_ids)
    }
    unknown = _("Valitse vapaaehtoinen vapaaehtoisrekisteristä.")
    found = [answers.get(pk, unknown) for pk in volunteer_ids]
    return [problem for problem in found if problem]
