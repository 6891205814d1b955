"""Residential screens that show an anonymous client log the read against her alias.

Once the alias is linked to a person, her log extract (``tupa.dataprotection.extracts.log_extract``)
reads these events back, so a screen that names the alias without logging it would leave a
hole in the extract — the same rule as the episode page (``EpisodeDetail.persons``).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import EpisodeFactory, ParticipantFactory, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.people.models import Alias

from .support import admit, t, victim_shelter

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_now")]

NOW = t(2026, 12, 1, 12)


@pytest.fixture
def world() -> dict[str, Any]:
    """A shelter with an anonymous woman ("Kanerva") in p1 since 20.12.2025, still there."""
    form = victim_shelter(places=2)
    worker = worker_in(form)
    episode = EpisodeFactory.create(service_form=form, organisation=form.organisation)
    with scopes_disabled():
        alias = Alias.objects.create(
            organisation=form.organisation,
            label="Kanerva",
            service_form=form,
            birth_year=1990,
            created_by=worker,
        )
    participant = ParticipantFactory.create(episode=episode, person=None, alias=alias)
    stay = admit(worker, form, episode, [participant], "p1", t(2025, 12, 20, 18))
    return {"form": form, "worker": worker, "episode": episode, "alias": alias, "stay": stay}


#: (URL name, argument kind, query). The commitment pages name nobody but show the episode's
#: payer and home municipality, the client's data: they log the episode's persons, aliases too.
SCREENS = [
    ("residential:occupancy", "slug", {}),
    ("residential:admit", "episode", {}),
    ("residential:discharge", "stay", {}),
    ("residential:move", "stay", {}),
    ("residential:calendar", "slug", {}),
    ("residential:stay_members", "stay", {}),
    ("residential:commitments", "episode", {}),
    ("residential:commitment_add", "episode", {}),
    ("residential:billing", "slug", {"year": "2026", "month": "11"}),
    ("residential:billing_csv", "slug", {"year": "2026", "month": "11"}),
    ("residential:thl_episode", "episode", {}),
    # THL's year-end check lists the open stay (and the missing data) with the alias; the
    # return's figures (``statistics:return``) name nobody.
    ("residential:thl_year_end", "slug+year", {}),
]


@pytest.mark.parametrize(("name", "arg", "params"), SCREENS, ids=[s[0] for s in SCREENS])
def test_screen_naming_an_alias_logs_the_alias(
    client: Client, world: dict[str, Any], name: str, arg: str, params: dict[str, str]
) -> None:
    args: list[Any] = {
        "slug": [world["form"].slug],
        "slug+year": [world["form"].slug, 2025],  # the year-end check lists the open stay
        "episode": [world["episode"].pk],
        "stay": [world["stay"].pk],
    }[arg]
    login_verified(client, world["worker"])

    response = client.get(reverse(name, args=args), params)

    assert response.status_code == 200
    if name not in ("residential:commitments", "residential:commitment_add"):
        assert "Kanerva" in response.content.decode("utf-8")  # the screen does name her
    alias_type = ContentType.objects.get_for_model(Alias)
    with scopes_disabled():
        events = AccessEvent.objects.filter(
            user=world["worker"], subject_type=alias_type, subject_id=str(world["alias"].pk)
        )
        assert [(e.basis, e.view_name) for e in events] == [("membership", name)]
