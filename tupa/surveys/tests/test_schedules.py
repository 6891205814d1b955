"""Schedules: the services' rules and the pages (tupa.surveys.schedules)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import resolve, reverse
from django_scopes import scopes_disabled

from tupa.access.marks import access_class
from tupa.accounts.models import Role
from tupa.core.tests.factories import ServiceFormFactory, org_role_user, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import ServiceForm
from tupa.surveys.models import Schedule, Target, Trigger
from tupa.surveys.schedules import services
from tupa.surveys.tests.support import published_questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture
def form():  # type: ignore[no-untyped-def]
    return ServiceFormFactory.create()


@pytest.fixture
def lead(form):  # type: ignore[no-untyped-def]
    return worker_in(form, role=Role.LEAD)


@pytest.fixture
def version(form, lead):  # type: ignore[no-untyped-def]
    return published_questionnaire(form, actor=lead)


def fields(**kw: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "target": Target.ADULT,
        "trigger": Trigger.EPISODE_END,
        "months_after": None,
        "channel": Schedule.Channel.LINK,
        "anonymous": True,
        "due_window_days": 30,
        "link_valid_days": 21,
    }
    values.update(kw)
    return values


def create(actor: Any, form: Any, questionnaire: Any, **kw: Any) -> Schedule:
    with scopes_disabled():
        return services.schedule_create(
            actor=actor, service_form=form, questionnaire=questionnaire, **fields(**kw)
        )


def errors_of(actor: Any, form: Any, questionnaire: Any, **kw: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        create(actor, form, questionnaire, **kw)
    return caught.value.message_dict


def test_lead_creates_a_schedule(form, lead, version) -> None:  # type: ignore[no-untyped-def]
    schedule = create(
        lead, form, version.questionnaire, trigger=Trigger.MONTHS_AFTER_END, months_after=12
    )
    assert (schedule.trigger, schedule.months_after, schedule.active) == ("months_after", 12, True)
    assert schedule.needs_contact_permission


def test_months_after_needs_the_months_and_others_drop_them(form, lead, version) -> None:  # type: ignore[no-untyped-def]
    assert "months_after" in errors_of(
        lead, form, version.questionnaire, trigger=Trigger.MONTHS_AFTER_END
    )
    schedule = create(lead, form, version.questionnaire, months_after=6)
    assert schedule.months_after is None


def test_continuous_is_a_kiosk_and_anonymous(form, lead, version) -> None:  # type: ignore[no-untyped-def]
    assert "channel" in errors_of(lead, form, version.questionnaire, trigger=Trigger.CONTINUOUS)
    assert "channel" in errors_of(lead, form, version.questionnaire, channel=Schedule.Channel.KIOSK)
    assert "anonymous" in errors_of(
        lead,
        form,
        version.questionnaire,
        trigger=Trigger.CONTINUOUS,
        channel="kiosk",
        anonymous=False,
    )
    create(lead, form, version.questionnaire, trigger=Trigger.CONTINUOUS, channel="kiosk")


def test_an_outcome_measure_is_never_anonymous(form, lead) -> None:  # type: ignore[no-untyped-def]
    measure = published_questionnaire(
        None, actor=lead, organisation_id=form.organisation_id, is_outcome_measure=True
    )
    assert "anonymous" in errors_of(lead, form, measure.questionnaire, trigger=Trigger.MANUAL)
    schedule = create(lead, form, measure.questionnaire, trigger=Trigger.MANUAL, anonymous=False)
    assert schedule.questionnaire.service_form is None  # an organisation-wide one may be used


def test_questionnaire_of_another_form_or_without_a_published_version(form, lead) -> None:  # type: ignore[no-untyped-def]
    other = ServiceFormFactory.create(organisation=form.organisation, area=form.area)
    foreign = published_questionnaire(other, actor=lead)
    assert "questionnaire" in errors_of(lead, form, foreign.questionnaire)
    draft = published_questionnaire(form, actor=lead)
    with scopes_disabled():
        draft.status = "draft"
        draft.save()
    assert "questionnaire" in errors_of(lead, form, draft.questionnaire)


def test_targets_and_triggers_that_do_not_fit(form, lead, version) -> None:  # type: ignore[no-untyped-def]
    assert "trigger" in errors_of(lead, form, version.questionnaire, target=Target.VOLUNTEER)
    assert {"target", "trigger"} <= set(
        errors_of(lead, form, version.questionnaire, target=Target.REFERRER, trigger=Trigger.YEARLY)
    )


def test_no_schedule_for_the_shelter(lead) -> None:  # type: ignore[no-untyped-def]
    shelter = ServiceFormFactory.create(kind=ServiceForm.Kind.RESIDENTIAL, violence_work="victim")
    shelter_lead = worker_in(shelter, role=Role.LEAD)
    version = published_questionnaire(shelter, actor=shelter_lead)
    with pytest.raises(ValidationError, match="THL"):
        create(shelter_lead, shelter, version.questionnaire)


def test_a_worker_may_not_set_schedules(form, version) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        create(worker_in(form), form, version.questionnaire)


def test_update_and_deactivate(form, lead, version) -> None:  # type: ignore[no-untyped-def]
    schedule = create(lead, form, version.questionnaire)
    with scopes_disabled():
        services.schedule_update(actor=lead, schedule=schedule, due_window_days=14, anonymous=False)
        services.schedule_set_active(actor=lead, schedule=schedule, active=False)
        schedule.refresh_from_db()
    assert (schedule.due_window_days, schedule.anonymous, schedule.active) == (14, False, False)


# ----------------------------------------------------------------------- pages


def test_pages_create_edit_and_deactivate(client, form, lead, version) -> None:  # type: ignore[no-untyped-def]
    login_verified(client, lead)
    url = reverse("surveys:schedule_create", args=[form.slug])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "questionnaire": version.questionnaire.pk,
            "target": "adult",
            "trigger": "months_after",
            "months_after": "",
            "channel": "link",
            "anonymous": "0",
            "due_window_days": "30",
            "link_valid_days": "21",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Kerro, montako kuukautta" in body
    assert 'value="30"' in body  # what was typed stays
    data = {
        "questionnaire": version.questionnaire.pk,
        "target": "adult",
        "trigger": "months_after",
        "months_after": "6",
        "channel": "letter",
        "anonymous": "0",
        "due_window_days": "30",
        "link_valid_days": "21",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    with scopes_disabled():
        schedule = Schedule.objects.get()
    assert (schedule.months_after, schedule.channel, schedule.anonymous) == (6, "letter", False)
    listing = client.get(reverse("surveys:schedules", args=[form.slug]))
    assert version.questionnaire.name in listing.content.decode()
    response = client.post(
        reverse("surveys:schedule_edit", args=[schedule.pk]), {**data, "months_after": "12"}
    )
    assert response.status_code == 302
    response = client.post(reverse("surveys:schedule_active", args=[schedule.pk]), {"active": "0"})
    assert response.status_code == 302
    with scopes_disabled():
        schedule.refresh_from_db()
    assert (schedule.months_after, schedule.active) == (12, False)


def test_pages_are_404_for_a_worker_and_another_forms_lead(client, form, lead, version) -> None:  # type: ignore[no-untyped-def]
    schedule = create(lead, form, version.questionnaire)
    other = ServiceFormFactory.create(organisation=form.organisation, area=form.area)
    for user in (worker_in(form), worker_in(other, role=Role.LEAD)):
        client.logout()
        login_verified(client, user)
        assert client.get(reverse("surveys:schedules", args=[form.slug])).status_code == 404
        assert client.get(reverse("surveys:schedule_edit", args=[schedule.pk])).status_code == 404
        assert (
            client.post(
                reverse("surveys:schedule_active", args=[schedule.pk]), {"active": "0"}
            ).status_code
            == 404
        )
    with scopes_disabled():
        assert Schedule.objects.get().active


def test_the_executive_director_manages_any_forms_schedules(client, form, version) -> None:  # type: ignore[no-untyped-def]
    director = org_role_user(form.organisation, Role.EXECUTIVE_DIRECTOR)
    login_verified(client, director)
    assert client.get(reverse("surveys:schedules", args=[form.slug])).status_code == 200


def test_the_tabs_link_only_the_pages_the_reader_may_open(client, form, lead) -> None:  # type: ignore[no-untyped-def]
    """A worker invites but does not set schedules; the director sets them but invites nobody:
    neither is shown a tab that answers 404 (the demo crawl followed both)."""
    tabs = {
        name: reverse(f"surveys:{name}", args=[form.slug])
        for name in ("due", "invitations", "schedules")
    }
    director = org_role_user(form.organisation, Role.EXECUTIVE_DIRECTOR)
    cases = [
        (worker_in(form), "due", {"due", "invitations"}),
        (director, "schedules", {"schedules"}),
        (lead, "due", {"due", "invitations", "schedules"}),
    ]
    for user, page, expected in cases:
        client.logout()
        login_verified(client, user)
        response = client.get(tabs[page])
        assert response.status_code == 200
        html = response.content.decode()
        shown = {name for name, url in tabs.items() if f'href="{url}"' in html}
        assert shown == expected, user
        for name in shown:
            assert client.get(tabs[name]).status_code == 200


def test_schedule_list_query_count(
    client, form, lead, version, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for _n in range(8):
        create(lead, form, published_questionnaire(form, actor=lead).questionnaire)
    login_verified(client, lead)
    url = reverse("surveys:schedules", args=[form.slug])
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("name", "kwargs", "expected"),
    [
        ("surveys:schedules", {"slug": "x"}, "object_scoped"),
        ("surveys:schedule_create", {"slug": "x"}, "object_scoped"),
        ("surveys:schedule_edit", {"pk": 1}, "object_scoped"),
        ("surveys:schedule_active", {"pk": 1}, "object_scoped"),
        ("surveys:due", {"slug": "x"}, "object_scoped"),
        ("surveys:invitations", {"slug": "x"}, "object_scoped"),
        ("surveys:invitation_create", {"slug": "x"}, "object_scoped"),
        ("surveys:invitation_cancel", {"pk": 1}, "object_scoped"),
        ("surveys:invitation_remind", {"pk": 1}, "object_scoped"),
    ],
)
def test_url_access_classes(name: str, kwargs: dict[str, Any], expected: str) -> None:
    assert str(access_class(resolve(reverse(name, kwargs=kwargs)).func)) == expected
