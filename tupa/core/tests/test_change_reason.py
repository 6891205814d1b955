"""A written reason for a change (a lead's correction, a removal, a reopening) is kept whole in
the row's history, however long the form lets it be.

django-simple-history stores the reason in ``history_change_reason``, by default a varchar(100):
PostgreSQL refuses a longer value, so a 300-character reason that a form accepted ended in a
server error and lost what was typed (SQLite stores it anyway). The setting
``SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD`` makes the column text in every history
table; these tests run on both databases.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone
from django_scopes import scope

from tupa.accounts.models import Role
from tupa.core.tests.factories import PersonFactory, org_role_user, own_activity_form, worker_in
from tupa.dropin.models import DailyCount
from tupa.dropin.services import counts
from tupa.organisations.models import ServiceForm
from tupa.people import rights
from tupa.people.models import Person
from tupa.prevention import services as prevention
from tupa.prevention.models import Activity, ActivityKind

pytestmark = pytest.mark.django_db

#: A reason the forms accept (their limit is 300 characters or more), well over 100.
LONG_REASON = " ".join(
    ["Luvut korjattu paperilistalta, koska tabletin akku loppui kesken päivän."] * 4
)


def test_every_history_table_keeps_a_reason_of_any_length() -> None:
    short = []
    for model in apps.get_models():
        if not model.__name__.startswith("Historical") or not model.__module__.startswith("tupa"):
            continue
        fields = {f.name: f for f in model._meta.get_fields()}
        if "history_id" not in fields:  # a many-to-many table's history (no reason of its own)
            continue
        if not isinstance(fields.get("history_change_reason"), models.TextField):
            short.append(model._meta.label)
    assert short == []


def test_a_leads_long_correction_reason_is_kept_whole() -> None:
    house = own_activity_form(ServiceForm.Kind.DROP_IN)
    lead = worker_in(house, role=Role.LEAD)
    count = counts.count_correct(
        actor=lead,
        service_form=house,
        day=timezone.localdate() - dt.timedelta(days=1),
        session="day",
        programme="open_day",
        adults=4,
        children=3,
        under_ones=1,
        first_timers=0,
        reason=LONG_REASON,
    )
    assert 250 < len(LONG_REASON) <= 300
    (row,) = DailyCount.history.filter(id=count.pk)
    assert row.history_change_reason == LONG_REASON


def test_a_long_removal_reason_is_kept_whole() -> None:
    form = own_activity_form(ServiceForm.Kind.PREVENTION)
    lead = worker_in(form, role=Role.LEAD)
    activity = prevention.activity_record(
        actor=lead,
        service_form=form,
        title="Teemapäivä",
        kind=ActivityKind.EVENT,
        starts_on=timezone.localdate(),
        citizens=20,
    )
    pk = activity.pk
    prevention.activity_remove(actor=lead, activity=activity, reason=LONG_REASON)
    removed = Activity.history.get(id=pk, history_type="-")
    assert removed.history_change_reason == LONG_REASON


def test_a_long_reason_for_restricting_and_lifting_processing_is_kept_whole() -> None:
    """The DPO's reason (the form takes 1 000 characters) was cut to 100 for the old column.
    Lifting the restriction clears the person's reason field, so its history row is the only
    place the lifting reason is kept."""
    person = PersonFactory()
    dpo = org_role_user(person.organisation, Role.DATA_PROTECTION_OFFICER)
    lifting = LONG_REASON.replace("Luvut korjattu", "Tarkistettu")
    with scope(organisation=person.organisation_id):
        restricted = rights.processing_restriction_set(
            actor=dpo, person=person, restricted=True, reason=LONG_REASON
        )
        rights.processing_restriction_set(
            actor=dpo, person=restricted, restricted=False, reason=lifting
        )
        history = list(Person.history.filter(id=person.pk).order_by("history_id"))
    assert [(h.processing_restricted, h.history_change_reason) for h in history[-2:]] == [
        (True, LONG_REASON),
        (False, lifting),
    ]
