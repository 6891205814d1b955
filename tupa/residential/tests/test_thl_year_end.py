"""The year-end confirmation: an open stay blocks THL's year return until a member of the unit
records the departure or confirms that the family still lived there when the year ended.

Scenario: one shelter family (mother with THL data) arrives 20.12.2025 and is still there on
10.2.2026. THL's 2025 return counts the nights 20.–31.12 (12); the year-end check
(:func:`~tupa.residential.thl.year_end.year_end_check`, its page ``residential:thl_year_end``)
is not ready, and the return cannot be sent, until the stay is confirmed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from tupa.core.tests.factories import worker_in
from tupa.core.tests.helpers import login_verified
from tupa.residential.models import ShelterClientData as Data
from tupa.residential.models import YearEndConfirmation
from tupa.residential.thl import services as thl_services
from tupa.residential.thl.year_end import (
    YearEndCheck,
    YearEndCounts,
    year_end_check,
    year_end_counts,
)

from .support import t
from .test_thl import NOW, admit, episode_of, person_in, row, shelter, table, thl_return

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> Any:
    with time_machine.travel(NOW, tick=False):
        form = shelter()
        worker = worker_in(form)
        episode = episode_of(form)
        mother = person_in(episode, born=dt.date(1990, 5, 5))
        stay = admit(worker, episode, form, "p1", t(2025, 12, 20, 22), [mother])
        thl_services.shelter_data_save(
            actor=worker,
            episode=episode,
            rows=[row(mother, violence_forms=[Data.ViolenceForm.PHYSICAL])],
        )
        yield {"form": form, "worker": worker, "stay": stay}


def _check(form: Any) -> YearEndCheck:
    with scope(organisation=form.organisation_id):
        return year_end_check(service_form=form, year=2025)


def _counts(form: Any) -> YearEndCounts:
    with scope(organisation=form.organisation_id):
        return year_end_counts(service_form=form, year=2025)


def _days(form: Any) -> int:
    return table(thl_return(form), "shelter.residence_days", "adult_child").total


def test_an_open_stay_blocks_until_confirmed(world: dict[str, Any]) -> None:
    form, stay = world["form"], world["stay"]
    with time_machine.travel(NOW, tick=False):
        assert _days(form) == 12
        before = _check(form)
        assert [i.stay_id for i in before.open_stays] == [stay.pk]
        assert [i.stay_id for i in before.unconfirmed_open_stays] == [stay.pk]
        assert before.missing_data == []
        assert not before.ready
        assert _counts(form) == YearEndCounts(unconfirmed_open_stays=1, episodes_missing_data=0)
        problems = thl_return(form).problems
        assert len(problems) == 1 and "vahvistettu: 1" in problems[0]
        thl_services.stay_confirm_year_end(actor=world["worker"], stay=stay, year=2025)
        # Confirming twice changes nothing.
        thl_services.stay_confirm_year_end(actor=world["worker"], stay=stay, year=2025)
        after = _check(form)
        # The confirmed stay is still open, but no longer counted against the return.
        assert _counts(form) == YearEndCounts(unconfirmed_open_stays=0, episodes_missing_data=0)
        assert thl_return(form).problems == []
        assert _days(form) == 12
    assert after.ready
    # The confirmed stay stays on the list, tagged as confirmed.
    assert [(i.stay_id, i.confirmed) for i in after.open_stays] == [(stay.pk, True)]
    assert after.unconfirmed_open_stays == []
    with scopes_disabled():
        assert YearEndConfirmation.objects.count() == 1


def test_a_stay_that_began_after_the_year_or_has_left_is_refused(world: dict[str, Any]) -> None:
    with time_machine.travel(NOW, tick=False), pytest.raises(ValidationError):
        thl_services.stay_confirm_year_end(actor=world["worker"], stay=world["stay"], year=2024)


def test_the_year_end_page_confirms_and_outsiders_get_404(
    client: Client, world: dict[str, Any]
) -> None:
    form, stay = world["form"], world["stay"]
    url = reverse("residential:thl_confirm_year_end", args=[stay.pk, 2025])
    check_url = reverse("residential:thl_year_end", args=[form.slug, 2025])
    with time_machine.travel(NOW, tick=False):
        outsider = worker_in(shelter())
        login_verified(client, outsider)
        assert client.post(url).status_code == 404
        assert client.get(check_url).status_code == 404
        client.logout()
        login_verified(client, world["worker"])
        # THL's return names the problem and links to the check that fixes it.
        return_url = reverse("statistics:return", args=["thl.shelter", 2025, form.slug])
        page = client.get(return_url)
        assert page.status_code == 200
        assert page.context["computed"].problems[0].url == check_url
        assert f'href="{check_url}"' in page.content.decode()
        html = client.get(check_url).content.decode()
        assert 'data-status="not-ready"' in html
        assert url in html
        assert client.get(url).status_code == 405
        response = client.post(url)
        assert response.status_code == 302
        assert response["Location"] == check_url
        html = client.get(check_url).content.decode()
        page = client.get(return_url)
    assert 'data-status="ready"' in html
    assert f'data-confirmed="{stay.pk}"' in html
    assert page.context["computed"].problems == []
    assert check_url not in page.content.decode()


def test_an_episode_lacking_the_data_of_two_persons_counts_once(world: dict[str, Any]) -> None:
    form, worker = world["form"], world["worker"]
    with time_machine.travel(NOW, tick=False):
        episode = episode_of(form)
        mother = person_in(episode, born=dt.date(1992, 3, 3))
        child = person_in(episode, born=dt.date(2020, 3, 3))
        admit(worker, episode, form, "p2", t(2025, 6, 1, 12), [mother, child])
        check = _check(form)
        counts = _counts(form)
    assert [(i.episode.pk, len(i.participants)) for i in check.missing_data] == [(episode.pk, 2)]
    # Two open stays (the world's and this one), neither confirmed; one episode lacks data.
    assert counts == YearEndCounts(unconfirmed_open_stays=2, episodes_missing_data=1)


def test_a_stay_of_a_family_under_a_processing_restriction_is_not_confirmed(
    world: dict[str, Any],
) -> None:
    """Art. 18 "no writes": the confirmation records that the family still lived there when the
    year ended; the year-end page leaves the family out, and its URL refuses it as well."""
    from tupa.people.tests.test_processing_restriction import refused_then_allowed

    stay = world["stay"]
    with scopes_disabled():
        mother = stay.episode.participants.get().person
    with time_machine.travel(NOW, tick=False):
        refused_then_allowed(
            mother,
            lambda: thl_services.stay_confirm_year_end(actor=world["worker"], stay=stay, year=2025),
        )
    with scopes_disabled():
        assert YearEndConfirmation.objects.count() == 1  # only after the lifting
