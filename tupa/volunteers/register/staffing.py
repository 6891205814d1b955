"""Volunteers on group sessions and Perhetupa childcare (issue 12 item 7).

The session apps (:mod:`tupa.programmes`, :mod:`tupa.dropin`) may not import this app (the
"features" contract of ADR 0008); they ask through the registry
(:func:`tupa.core.registry.volunteer_choices`), and this module, registered in
``registrations.py``, answers with the rules of :mod:`tupa.volunteers.rules`:

- the volunteer was **active** on the session's day (the status history, not today's status);
- they had a **task in the session's service form** current on that day;
- for **work with children** (a childminder, or a task that needs the check itself:
  ``rules.needs_record_check``) a **valid record check** on that day (Act 148/2014).

A volunteer who fails one of them may still be listed (a session already naming them shows who
they are) but carries the Finnish reason, and the session services refuse to name them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from tupa.core.dates import fi_date
from tupa.core.registry import VolunteerChoice
from tupa.volunteers import rules
from tupa.volunteers.models import Assignment, RecordCheck, Status, StatusChange, Volunteer

if TYPE_CHECKING:
    from tupa.organisations.models import ServiceForm


def status_on(changes: Iterable[StatusChange], on: dt.date) -> str | None:
    """The lifecycle status a volunteer had on ``on`` (the latest step taken by then)."""
    taken = [c for c in changes if c.changed_on <= on]
    if not taken:
        return None
    return max(taken, key=lambda c: (c.changed_on, c.pk or 0)).status


def problem_of(
    volunteer: Volunteer,
    *,
    service_form: ServiceForm,
    on: dt.date,
    with_children: bool,
) -> str:
    """Why ``volunteer`` cannot be put on a session of ``service_form`` on ``on`` ("" = may).

    Reads the prefetched ``assignments`` (of the form), ``record_checks`` and ``status_changes``.
    """
    name = str(volunteer)
    day = fi_date(on)
    if status_on(volunteer.status_changes.all(), on) != Status.ACTIVE:
        return _("%(name)s ei ollut aktiivinen vapaaehtoinen %(day)s.") % {"name": name, "day": day}
    tasks = [
        a
        for a in volunteer.assignments.all()
        if a.service_form_id == service_form.pk and a.is_current(on)
    ]
    if not tasks:
        return _(
            "%(name)s: ei voimassa olevaa vapaaehtoistehtävää työmuodossa %(form)s %(day)s."
        ) % {"name": name, "form": service_form.name, "day": day}
    needs_check = with_children or any(rules.needs_record_check(a) for a in tasks)
    if needs_check:
        latest = rules.latest_check(c for c in volunteer.record_checks.all() if c.seen_on <= on)
        if not rules.check_is_valid(latest, on):
            return _(
                "%(name)s ei voi toimia lasten kanssa: hänellä ei ole voimassa olevaa "
                "rikostaustan tarkistusta (tulos: ei estettä) %(day)s."
            ) % {"name": name, "day": day}
    return ""


def session_choices(
    *,
    service_form: ServiceForm,
    on: dt.date,
    with_children: bool,
    include: Collection[int] = (),
) -> list[VolunteerChoice]:
    """The organisation's volunteers with a task in ``service_form`` (and ``include``), each
    with the answer for a session on ``on`` (four queries)."""
    rows = (
        Volunteer.objects.filter(organisation_id=service_form.organisation_id)
        .filter(Q(assignments__service_form=service_form) | Q(pk__in=list(include)))
        .distinct()
        .only("pk", "first_names", "last_name", "organisation_id")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(service_form=service_form),
            ),
            Prefetch("record_checks", queryset=RecordCheck.objects.filter(seen_on__lte=on)),
            Prefetch("status_changes", queryset=StatusChange.objects.filter(changed_on__lte=on)),
        )
        .order_by("last_name", "first_names", "pk")
    )
    return [
        VolunteerChoice(
            pk=v.pk,
            name=str(v),
            problem=problem_of(v, service_form=service_form, on=on, with_children=with_children),
        )
        for v in rows
    ]
