"""The episode's feedback and outcome panel: the answers per person and measurement point side
by side, the change between the first and the latest measurement (hand-computed), the buttons,
the link, and the wall (who does not see the episode sees no panel and gets 404 on the actions)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django_scopes import scopes_disabled

from tupa.access.marks import access_class
from tupa.accounts.models import Role
from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import (
    ParticipantFactory,
    PersonFactory,
    ServiceFormFactory,
    client_in,
    org_role_user,
    worker_in,
)
from tupa.core.tests.helpers import login_verified
from tupa.surveys.models import Channel, Invitation, ItemKind, Questionnaire
from tupa.surveys.outcomes import selectors
from tupa.surveys.outcomes.panels import suggested_point
from tupa.surveys.recorded import services as recorded
from tupa.surveys.tests.support import published_questionnaire

pytestmark = pytest.mark.django_db

ITEMS = {
    "arki": (ItemKind.SCALE5, False),
    "voimavarat": (ItemKind.SCALE5, False),
    "verkosto": (ItemKind.SCALE5, False),
    "vapaa": (ItemKind.TEXT, False),
}


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 6, 15, 12), tick=False):
        yield


@pytest.fixture
def world() -> dict[str, Any]:
    form = ServiceFormFactory.create(name="Alvari", slug="alvari")
    worker = worker_in(form)
    mother, episode = client_in(form, first_names="Ruusunmarja")
    version = published_questionnaire(
        None,
        actor=worker,
        organisation_id=form.organisation_id,
        name="Vaikuttavuus esiin",
        items=ITEMS,
        builtin=Questionnaire.Builtin.VAIKUTTAVUUS_ESIIN,
        is_outcome_measure=True,
    )
    return {"form": form, "worker": worker, "mother": mother, "episode": episode, "v": version}


def _measure(
    w: dict[str, Any], point: str, day: dt.date, person: Any = None, **values: str
) -> None:
    with scopes_disabled():
        recorded.feedback_record(
            actor=w["worker"],
            version=w["v"],
            service_form=w["form"],
            channel=Channel.IN_PERSON,
            raw=values,
            form_key=f"{point}{day:%Y%m%d}{(person or w['mother']).pk:04d}".ljust(32, "0")[:32],
            submitted_on=day,
            anonymous=False,
            episode=w["episode"],
            person=person or w["mother"],
            measurement_point=point,
        )


def _three(w: dict[str, Any]) -> None:
    _measure(w, "start", dt.date(2026, 2, 1), arki="2", voimavarat="3", verkosto="1")
    _measure(w, "interim", dt.date(2026, 4, 1), arki="3", voimavarat="3", verkosto="2")
    _measure(w, "end", dt.date(2026, 6, 10), arki="4", voimavarat="2", vapaa="Kiitos")


def test_the_change_is_latest_minus_first_over_items_answered_both_times(
    world: dict[str, Any],
) -> None:
    # Recorded out of order: the end first, then the start and the interim point.
    _measure(world, "end", dt.date(2026, 6, 10), arki="4", voimavarat="2", vapaa="Kiitos")
    _measure(world, "start", dt.date(2026, 2, 1), arki="2", voimavarat="3", verkosto="1")
    _measure(world, "interim", dt.date(2026, 4, 1), arki="3", voimavarat="3", verkosto="2")
    with scopes_disabled():
        (group,) = selectors.outcome_measures(world["episode"])
    assert [m.measurement_point for m in group.measurements] == ["start", "interim", "end"]
    rows = {r.code: (r.values, r.change) for r in group.items}
    assert rows == {
        "arki": ([2, 3, 4], 2),  # 4 − 2
        "voimavarat": ([3, 3, 2], -1),  # 2 − 3
        "verkosto": ([1, 2, None], None),  # not answered at the end: no change
    }
    assert group.totals == [6, 8, 6]
    assert group.total_change == 1  # (+2) + (−1); verkosto does not count


def test_one_measurement_has_no_change(world: dict[str, Any]) -> None:
    _measure(world, "start", dt.date(2026, 2, 1), arki="2")
    with scopes_disabled():
        (group,) = selectors.outcome_measures(world["episode"])
    assert group.total_change is None and group.items[0].change is None


def test_the_suggested_point(world: dict[str, Any]) -> None:
    episode = world["episode"]
    assert suggested_point(episode, set()) == "start"
    assert suggested_point(episode, {"start"}) == "interim"
    episode.status = "ended"
    assert suggested_point(episode, {"start"}) == "end"
    assert suggested_point(episode, {"start", "end"}) == "follow_up"


def test_the_worker_sees_the_panel_with_the_change(client: Client, world: dict[str, Any]) -> None:
    _three(world)
    login_verified(client, world["worker"])
    response = client.get(reverse("episodes:detail", args=[world["episode"].pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Palaute ja vaikuttavuus" in html
    assert "Vaikuttavuus esiin – Ruusunmarja Keksitty" in html
    assert "<td>+2</td>" in html and "<td>-1</td>" in html and "<td>+1</td>" in html
    assert "Kirjaa mittaus" in html and "Lähetä linkki" in html
    with scopes_disabled():
        # One event per person and page: the page logs the participants, the panel adds none.
        assert (
            AccessEvent.objects.filter(
                user=world["worker"],
                subject_id=str(world["mother"].pk),
                view_name="episodes:detail",
                episode_id=world["episode"].pk,
            ).count()
            == 1
        )


def test_the_wall_no_panel_and_404_on_the_actions(client: Client, world: dict[str, Any]) -> None:
    _three(world)
    outsider = worker_in(ServiceFormFactory.create(organisation=world["form"].organisation))
    login_verified(client, outsider)
    episode = world["episode"]
    assert client.get(reverse("episodes:detail", args=[episode.pk])).status_code == 404
    send = client.post(
        reverse("surveys:outcome_send", args=[episode.pk]),
        {"kysely": world["v"].pk, "henkilo": world["mother"].pk, "mittauspiste": "end"},
    )
    assert send.status_code == 404
    record = client.get(reverse("surveys:record_new", args=["alvari"]), {"asiakkuus": episode.pk})
    assert record.status_code == 404
    with scopes_disabled():
        assert not Invitation.objects.exists()


def test_results_readers_who_do_not_see_the_episode_get_no_buttons(
    client: Client, world: dict[str, Any]
) -> None:
    """A lead holding an assignment-free role elsewhere cannot open the episode at all; the
    executive director may read results but never records measures."""
    director = org_role_user(world["form"].organisation, Role.EXECUTIVE_DIRECTOR)
    login_verified(client, director)
    response = client.post(
        reverse("surveys:outcome_send", args=[world["episode"].pk]),
        {"kysely": world["v"].pk, "henkilo": world["mother"].pk, "mittauspiste": "start"},
    )
    assert response.status_code == 404


def test_send_link_makes_a_linked_invitation_at_the_point(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["worker"])
    response = client.post(
        reverse("surveys:outcome_send", args=[world["episode"].pk]),
        {"kysely": world["v"].pk, "henkilo": world["mother"].pk, "mittauspiste": "start"},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "/vastaa/" in html
    with scopes_disabled():
        invitation = Invitation.objects.get()
    assert (invitation.person_id, invitation.measurement_point, invitation.anonymous) == (
        world["mother"].pk,
        "start",
        False,
    )
    page = client.get(reverse("episodes:detail", args=[world["episode"].pk])).content.decode()
    assert "Palautekutsut" in page and "avoin" in page


def test_record_measure_from_the_panel_stores_an_in_person_answer(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["worker"])
    url = reverse("surveys:record_new", args=["alvari"])
    page = client.get(
        url,
        {
            "asiakkuus": world["episode"].pk,
            "kysely": world["v"].pk,
            "henkilo": world["mother"].pk,
            "mittauspiste": "interim",
        },
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="interim" ' in html and "checked" in html
    key = page.context["form"].initial["form_key"]
    response = client.post(
        url,
        {
            "asiakkuus": world["episode"].pk,
            "version": world["v"].pk,
            "form_key": key,
            "channel": Channel.IN_PERSON,
            "submitted_on": "2026-06-15",
            "respondent": world["mother"].pk,
            "measurement_point": "interim",
            "arki": "3",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        (group,) = selectors.outcome_measures(world["episode"])
    assert group.measurements[0].measurement_point == "interim"
    assert group.measurements[0].recorded_by_id == world["worker"].pk


def test_the_panel_adds_no_query_per_measurement_or_person(
    client: Client, world: dict[str, Any]
) -> None:
    _three(world)
    login_verified(client, world["worker"])
    url = reverse("episodes:detail", args=[world["episode"].pk])
    client.get(url)
    with CaptureQueriesContext(connection) as baseline:
        assert client.get(url).status_code == 200
    for name in ("Kielo", "Vuokko"):
        child = PersonFactory.create(organisation=world["form"].organisation, first_names=name)
        ParticipantFactory.create(episode=world["episode"], person=child, role="child")
        _measure(world, "start", dt.date(2026, 3, 1), person=child, arki="1")
        _measure(world, "end", dt.date(2026, 6, 1), person=child, arki="3")
    with CaptureQueriesContext(connection) as more:
        response = client.get(url)
    assert "Vaikuttavuus esiin – Vuokko Keksitty" in response.content.decode()
    assert len(more) <= len(baseline.captured_queries)


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [("surveys:outcome_send", {"episode_pk": 1})],
)
def test_url_access_classes(name: str, kwargs: dict[str, Any]) -> None:
    assert access_class(resolve(reverse(name, kwargs=kwargs)).func) == "object_scoped"
