"""The year-end confirmation: an open stay blocks THL's year summary until a member of the unit
records the departure or confirms that the family still lived there when the year ended.

Scenario: one shelter family (mother with THL data) arrives 20.12.2025 and is still there on
10.2.2026. The 2025 summary counts the nights 20.–31.12 (12) and is not ready until confirmed.
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
from tupa.residential.thl import summary as thl

from .support import t
from .test_thl import NOW, admit, episode_of, person_in, row, shelter

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


def _summary(form: Any) -> thl.ThlSummary:
    with scope(organisation=form.organisation):
        return thl.thl_summary(service_form=form, year=2025)


def test_an_open_stay_blocks_until_confirmed(world: dict[str, Any]) -> None:
    with time_machine.travel(NOW, tick=False):
        before = _summary(world["form"])
        assert before.care_days == 12
        assert before.open_stay_ids == [world["stay"].pk]
        assert not before.ready
        thl_services.stay_confirm_year_end(actor=world["worker"], stay=world["stay"], year=2025)
        # Confirming twice changes nothing.
        thl_services.stay_confirm_year_end(actor=world["worker"], stay=world["stay"], year=2025)
        after = _summary(world["form"])
    assert after.ready
    assert after.care_days == 12
    assert after.unconfirmed_open_stay_ids == []
    with scopes_disabled():
        assert YearEndConfirmation.objects.count() == 1


def test_a_stay_that_began_after_the_year_or_has_left_is_refused(world: dict[str, Any]) -> None:
    with time_machine.travel(NOW, tick=False), pytest.raises(ValidationError):
        thl_services.stay_confirm_year_end(actor=world["worker"], stay=world["stay"], year=2024)


def test_the_summary_page_confirms_and_outsiders_get_404(
    client: Client, world: dict[str, Any]
) -> None:
    form, stay = world["form"], world["stay"]
    url = reverse("residential:thl_confirm_year_end", args=[stay.pk, 2025])
    summary_url = reverse("residential:thl_summary", args=[form.slug, 2025])
    with time_machine.travel(NOW, tick=False):
        outsider = worker_in(shelter())
        login_verified(client, outsider)
        assert client.post(url).status_code == 404
        client.logout()
        login_verified(client, world["worker"])
        html = client.get(summary_url).content.decode()
        assert 'data-status="not-ready"' in html
        assert url in html
        assert client.get(url).status_code == 405
        response = client.post(url)
        assert response.status_code == 302
        assert response["Location"] == summary_url
        html = client.get(summary_url).content.decode()
    assert 'data-status="ready"' in html
    assert f'data-confirmed="{stay.pk}"' in html
