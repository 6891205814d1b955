"""Invitations: made from a due-list row (the link shown once), cancelled, reminded; the
reminder list and "lupa peruttu" (tupa.surveys.schedules)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from tupa.audit.models import AccessEvent, Action
from tupa.core.tests.factories import (
    EpisodeFactory,
    ParticipantFactory,
    PersonFactory,
    ServiceFormFactory,
    worker_in,
)
from tupa.core.tests.helpers import login_verified
from tupa.episodes.models import Episode
from tupa.people.models import Consent
from tupa.surveys import tokens
from tupa.surveys.models import Invitation, Schedule, Target, Trigger
from tupa.surveys.schedules import services
from tupa.surveys.schedules.selectors import invitation_overview
from tupa.surveys.tests.support import published_questionnaire

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 15, 9, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _clock():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def form():  # type: ignore[no-untyped-def]
    return ServiceFormFactory.create()


@pytest.fixture
def worker(form):  # type: ignore[no-untyped-def]
    return worker_in(form)


def make_schedule(form: Any, actor: Any, **kw: Any) -> Schedule:
    version = published_questionnaire(form, actor=actor, target=kw.get("target", Target.ADULT))
    values: dict[str, Any] = {
        "target": Target.ADULT,
        "trigger": Trigger.EPISODE_END,
        "channel": Schedule.Channel.LINK,
        "anonymous": True,
        "link_valid_days": 14,
    }
    values.update(kw)
    with scopes_disabled():
        return Schedule.objects.create(
            organisation_id=form.organisation_id,
            questionnaire=version.questionnaire,
            service_form=form,
            created_by=actor,
            **values,
        )


def ended_client(
    form: Any, *, end: dt.date = dt.date(2026, 6, 1), **episode: Any
) -> tuple[Episode, Any]:
    ep = EpisodeFactory.create(
        service_form=form,
        organisation=form.organisation,
        status="ended",
        start_date=dt.date(2025, 1, 1),
        opened_at=dt.datetime(2025, 1, 1, 9, tzinfo=dt.UTC),
        end_date=end,
        end_reason="planned_end",
        **episode,
    )
    person = PersonFactory.create(organisation=form.organisation, first_names="Aino")
    ParticipantFactory.create(episode=ep, person=person)
    return ep, person


def invite(
    actor: Any, form: Any, schedule: Schedule | None = None, **kw: Any
) -> tuple[Invitation, str]:
    with scopes_disabled():
        return services.invitation_create(
            actor=actor,
            service_form=form,
            schedule=schedule,
            target=schedule.target if schedule else kw.pop("target", Target.ADULT),
            **kw,
        )


# ----------------------------------------------------------------------- services


def test_create_returns_the_token_once_and_stores_only_its_hash(form, worker) -> None:  # type: ignore[no-untyped-def]
    schedule = make_schedule(form, worker)
    ep, person = ended_client(form)
    invitation, token = invite(
        worker, form, schedule, episode=ep, person=person, due_on=dt.date(2026, 6, 1)
    )
    assert invitation.token_hash == tokens.hash_token(token) and token not in invitation.token_hash
    assert invitation.expires_at == NOW + dt.timedelta(days=14)
    assert (invitation.anonymous, invitation.target, invitation.status) == (True, "adult", "open")
    assert invitation.version.number == 1


def test_create_uses_the_latest_published_version(form, worker) -> None:  # type: ignore[no-untyped-def]
    schedule = make_schedule(form, worker)
    with scopes_disabled():
        first = schedule.questionnaire.versions.get()
        second = type(first).objects.create(
            questionnaire=schedule.questionnaire,
            number=2,
            title_fi="Uusi",
            status="published",
            published_at=timezone.now(),
            published_by=worker,
        )
        type(first).objects.create(
            questionnaire=schedule.questionnaire, number=3, title_fi="Luonnos"
        )
    ep, person = ended_client(form)
    invitation, _t = invite(worker, form, schedule, episode=ep, person=person)
    assert invitation.version == second


def test_refusals(form, worker) -> None:  # type: ignore[no-untyped-def]
    schedule = make_schedule(form, worker)
    ep, person = ended_client(form)
    stranger = PersonFactory.create(organisation=form.organisation)
    with pytest.raises(ValidationError, match="osallistujista"):
        invite(worker, form, schedule, episode=ep, person=stranger)
    invite(worker, form, schedule, episode=ep, person=person)
    with pytest.raises(ValidationError, match="jo avoin kutsu"):
        invite(worker, form, schedule, episode=ep, person=person)
    other = ServiceFormFactory.create(organisation=form.organisation, area=form.area)
    with pytest.raises(PermissionDenied):
        invite(worker_in(other), form, schedule, episode=ep, person=person)  # no invite right
    other_ep, other_person = ended_client(other)
    with pytest.raises(PermissionDenied):
        invite(worker, form, schedule, episode=other_ep, person=other_person)  # another form's


def test_an_outcome_measure_is_linked(form, worker) -> None:  # type: ignore[no-untyped-def]
    measure = published_questionnaire(
        None, actor=worker, organisation_id=form.organisation_id, is_outcome_measure=True
    )
    ep, person = ended_client(form)
    with pytest.raises(ValidationError, match="nimetön"):
        invite(worker, form, version=measure, episode=ep, person=person, anonymous=True)
    invitation, _t = invite(
        worker, form, version=measure, episode=ep, person=person, measurement_point="end"
    )
    assert (invitation.anonymous, invitation.measurement_point, invitation.expires_at) == (
        False,
        "end",
        NOW + dt.timedelta(days=21),
    )


def test_a_follow_up_needs_a_valid_permission(form, worker) -> None:  # type: ignore[no-untyped-def]
    schedule = make_schedule(
        form, worker, trigger=Trigger.MONTHS_AFTER_END, months_after=12, anonymous=False
    )
    ep, person = ended_client(form, end=dt.date(2025, 6, 1))
    with pytest.raises(ValidationError, match="yhteydenottolupaa"):
        invite(worker, form, schedule, episode=ep, person=person)
    with scopes_disabled():
        Episode.objects.filter(pk=ep.pk).update(
            contact_permission=True, contact_permission_date=dt.date(2025, 6, 1)
        )
        ep.refresh_from_db()
    invitation, _t = invite(worker, form, schedule, episode=ep, person=person)
    assert services.contact_still_allowed(invitation)
    with scopes_disabled():
        Consent.objects.create(
            person=person,
            purpose="follow_up",
            episode=ep,
            given_on=dt.date(2025, 6, 1),
            withdrawn_on=dt.date(2026, 6, 15),
            recorded_by=worker,
        )
    assert not services.contact_still_allowed(invitation)
    with pytest.raises(ValidationError, match="peruttu"):
        services.invitation_require_contact(invitation)
    with pytest.raises(ValidationError, match="peruttu"), scopes_disabled():
        services.invitation_remind(actor=worker, invitation=invitation)


def test_no_invitation_for_the_shelter() -> None:
    from tupa.organisations.models import ServiceForm

    shelter = ServiceFormFactory.create(kind=ServiceForm.Kind.RESIDENTIAL, violence_work="victim")
    user = worker_in(shelter)
    version = published_questionnaire(shelter, actor=user)
    ep, person = ended_client(shelter)
    with pytest.raises(ValidationError, match="THL"):
        invite(user, shelter, version=version, episode=ep, person=person)


def test_cancel_and_remind(form, worker) -> None:  # type: ignore[no-untyped-def]
    schedule = make_schedule(form, worker)
    ep, person = ended_client(form)
    invitation, _t = invite(worker, form, schedule, episode=ep, person=person)
    with scopes_disabled():
        services.invitation_remind(actor=worker, invitation=invitation)
        services.invitation_remind(actor=worker, invitation=invitation)
        with pytest.raises(ValidationError, match="2 kertaa"):
            services.invitation_remind(actor=worker, invitation=invitation)
        assert (invitation.reminders, invitation.reminded_on) == (2, TODAY)
        services.invitation_cancel(actor=worker, invitation=invitation)
        with pytest.raises(ValidationError):
            services.invitation_cancel(actor=worker, invitation=invitation)
    assert invitation.status == "cancelled"
    # A cancelled invitation does not block a new one.
    invite(worker, form, schedule, episode=ep, person=person)


def test_reminder_list(form, worker) -> None:  # type: ignore[no-untyped-def]
    schedule = make_schedule(form, worker, link_valid_days=30)
    follow = make_schedule(
        form, worker, trigger=Trigger.MONTHS_AFTER_END, months_after=12, anonymous=False
    )
    made: dict[str, Invitation] = {}
    for label, days_ago, reminders in (
        ("uusi", 6, 0),  # six days: not yet
        ("vanha", 7, 0),  # seven days: reminded
        ("kahdesti", 20, 2),  # reminded twice: no more
        ("juuri", 20, 1),  # reminded three days ago: not yet again
    ):
        ep, person = ended_client(form)
        with time_machine.travel(NOW - dt.timedelta(days=days_ago), tick=False):
            made[label], _t = invite(worker, form, schedule, episode=ep, person=person)
        with scopes_disabled():
            Invitation.objects.filter(pk=made[label].pk).update(
                reminders=reminders,
                reminded_on=TODAY - dt.timedelta(days=3) if label == "juuri" else None,
            )
    ep, person = ended_client(
        form, contact_permission=True, contact_permission_date=dt.date(2025, 6, 1)
    )
    with time_machine.travel(NOW - dt.timedelta(days=10), tick=False):
        revoked, _t = invite(worker, form, follow, episode=ep, person=person)
    with scopes_disabled():
        Episode.objects.filter(pk=ep.pk).update(contact_permission=False)
        Consent.objects.create(
            person=person,
            purpose="follow_up",
            episode=ep,
            given_on=dt.date(2025, 6, 1),
            withdrawn_on=dt.date(2026, 6, 10),
            recorded_by=worker,
        )
        overview = invitation_overview(user=worker, service_form=form, today=TODAY)
    assert [row.invitation.pk for row in overview.reminders] == [made["vanha"].pk]
    by_pk = {row.invitation.pk: row for row in overview.open}
    assert not by_pk[revoked.pk].permission_ok and by_pk[made["vanha"].pk].age_days == 7
    assert len(overview.open) == 5


# ----------------------------------------------------------------------- pages


def _row(schedule: Schedule, ep: Episode, person: Any) -> dict[str, Any]:
    return {"schedule": schedule.pk, "episode": ep.pk, "person": person.pk, "due_on": "2026-06-01"}


def test_create_page_shows_the_link_once_and_logs_the_person(client, form, worker) -> None:  # type: ignore[no-untyped-def]
    schedule = make_schedule(form, worker)
    ep, person = ended_client(form)
    login_verified(client, worker)
    due = client.get(reverse("surveys:due", args=[form.slug])).content.decode()
    assert "Luo kutsu" in due
    response = client.post(
        reverse("surveys:invitation_create", args=[form.slug]), _row(schedule, ep, person)
    )
    assert response.status_code == 200
    with scopes_disabled():
        invitation = Invitation.objects.get()
    link = response.context["link"]
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert invitation.token_hash == tokens.hash_token(token)
    assert link in response.content.decode()
    assert reverse("surveys:invitation_letter", args=[invitation.pk]) in response.content.decode()
    with scopes_disabled():
        assert AccessEvent.objects.filter(
            user=worker, action=Action.VIEW, subject_id=str(person.pk)
        ).exists()
    # The same row again: refused with a Finnish message, nothing new stored.
    again = client.post(
        reverse("surveys:invitation_create", args=[form.slug]), _row(schedule, ep, person)
    )
    assert again.status_code == 400
    assert "jo avoin kutsu" in again.content.decode()
    with scopes_disabled():
        assert Invitation.objects.count() == 1


def test_forged_rows_are_404(client, form, worker) -> None:  # type: ignore[no-untyped-def]
    schedule = make_schedule(form, worker)
    ep, person = ended_client(form)
    other = ServiceFormFactory.create(organisation=form.organisation, area=form.area)
    other_worker = worker_in(other)
    other_schedule = make_schedule(other, other_worker)
    other_ep, other_person = ended_client(other)
    login_verified(client, worker)
    url = reverse("surveys:invitation_create", args=[form.slug])
    # Another form's schedule, another form's episode, through this form's page:
    assert client.post(url, _row(other_schedule, ep, person)).status_code == 404
    assert client.post(url, _row(schedule, other_ep, other_person)).status_code == 404
    # Another form's page altogether:
    other_url = reverse("surveys:invitation_create", args=[other.slug])
    assert client.post(other_url, _row(other_schedule, other_ep, other_person)).status_code == 404
    with scopes_disabled():
        assert not Invitation.objects.exists()


def test_invitations_page_cancel_and_remind(
    client, form, worker, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    schedule = make_schedule(form, worker, link_valid_days=30)
    rows = []
    for _n in range(6):
        ep, person = ended_client(form)
        with time_machine.travel(NOW - dt.timedelta(days=8), tick=False):
            rows.append(invite(worker, form, schedule, episode=ep, person=person)[0])
    login_verified(client, worker)
    url = reverse("surveys:invitations", args=[form.slug])
    with django_assert_max_num_queries(17):
        response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("Merkitse muistutetuksi") == 12  # each row in both tables
    with scopes_disabled():
        assert AccessEvent.objects.filter(user=worker, action=Action.LIST).count() == 6
    assert client.post(reverse("surveys:invitation_remind", args=[rows[0].pk])).status_code == 302
    assert client.post(reverse("surveys:invitation_cancel", args=[rows[1].pk])).status_code == 302
    with scopes_disabled():
        rows[0].refresh_from_db()
        rows[1].refresh_from_db()
    assert (rows[0].reminders, rows[0].reminded_on, rows[1].status) == (1, TODAY, "cancelled")
    assert client.post(reverse("surveys:invitation_cancel", args=[rows[1].pk])).status_code == 400


def test_invitation_pages_are_404_for_another_forms_worker(client, form, worker) -> None:  # type: ignore[no-untyped-def]
    schedule = make_schedule(form, worker)
    ep, person = ended_client(form)
    invitation, _t = invite(worker, form, schedule, episode=ep, person=person)
    outsider = worker_in(ServiceFormFactory.create(organisation=form.organisation, area=form.area))
    login_verified(client, outsider)
    assert client.get(reverse("surveys:invitations", args=[form.slug])).status_code == 404
    assert (
        client.post(reverse("surveys:invitation_cancel", args=[invitation.pk])).status_code == 404
    )
    assert (
        client.post(reverse("surveys:invitation_remind", args=[invitation.pk])).status_code == 404
    )
    with scopes_disabled():
        invitation.refresh_from_db()
    assert (invitation.status, invitation.reminders) == ("open", 0)


def test_a_withdrawn_permission_shows_lupa_peruttu_without_send_buttons(
    client, form, worker
) -> None:  # type: ignore[no-untyped-def]
    follow = make_schedule(
        form, worker, trigger=Trigger.MONTHS_AFTER_END, months_after=12, anonymous=False
    )
    ep, person = ended_client(
        form, end=dt.date(2025, 6, 1), contact_permission=True, contact_permission_date=TODAY
    )
    invitation, _t = invite(worker, form, follow, episode=ep, person=person)
    login_verified(client, worker)
    url = reverse("surveys:invitations", args=[form.slug])
    link = reverse("surveys:invitation_link", args=[invitation.pk])
    assert link in client.get(url).content.decode()
    with scopes_disabled():
        Consent.objects.create(
            person=person,
            purpose="follow_up",
            episode=ep,
            given_on=dt.date(2025, 6, 1),
            withdrawn_on=TODAY,
            recorded_by=worker,
        )
    body = client.get(url).content.decode()
    assert "lupa peruttu" in body
    assert link not in body
    assert reverse("surveys:invitation_cancel", args=[invitation.pk]) in body
    assert (
        client.post(reverse("surveys:invitation_remind", args=[invitation.pk])).status_code == 400
    )
