"""GDPR art. 18 in a group: a restricted member is listed without a name (not logged as shown),
left out of the attendance form and of the persons that can be added."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from tupa.audit.models import AccessEvent
from tupa.core.tests.helpers import login_verified
from tupa.people.tests.test_processing_restriction import restrict
from tupa.programmes.models import Session

from .support import programme, t
from .test_views import NOW, world  # noqa: F401

pytestmark = pytest.mark.django_db


@time_machine.travel(NOW, tick=False)
def test_restricted_member_is_hidden_from_the_member_list_and_attendance(
    client: Client,
    world: dict[str, Any],  # noqa: F811
) -> None:
    login_verified(client, world["worker"])
    member = world["members"][0]
    mother = member.participant.person
    restrict(mother)
    html = client.get(reverse("programmes:detail", args=[world["programme"].pk])).content.decode()
    assert str(mother) not in html
    assert "Käsittelyä rajoitettu" in html
    # Her child is shown; the other pairs too.
    assert str(member.child.person) in html
    assert str(world["members"][1].participant.person) in html
    with scopes_disabled():
        assert not AccessEvent.objects.filter(subject_id=str(mother.pk)).exists()
    with scope(organisation=world["form"].organisation):
        session = Session.objects.get(programme=world["programme"], starts_at=t(2026, 3, 3))
    page = client.get(reverse("programmes:session", args=[session.pk])).content.decode()
    assert f'name="present_{member.pk}"' not in page
    assert f'name="present_{world["members"][1].pk}"' in page
    add_page = client.get(
        reverse("programmes:member_add", args=[world["programme"].pk])
    ).content.decode()
    assert str(mother) not in add_page
    restrict(mother, restricted=False)
    html = client.get(reverse("programmes:detail", args=[world["programme"].pk])).content.decode()
    assert str(mother) in html


@time_machine.travel(NOW, tick=False)
def test_restricted_person_is_not_on_the_invitation_list(
    client: Client,
    world: dict[str, Any],  # noqa: F811
) -> None:
    """The aftercare group's invitation list names the persons of past groups: a person whose
    processing is restricted is left out (not named, not logged as shown)."""
    member = world["members"][0]  # present at the session of 2.3.2026
    mother, baby = member.participant.person, member.child.person
    aftercare = programme(
        world["form"],
        world["worker"],
        name="Jälkiryhmä",
        starts_on=dt.date(2026, 3, 2),
        rules={"invitation_years": 2},
    )
    url = reverse("programmes:detail", args=[aftercare.pk])
    login_verified(client, world["worker"])
    assert str(mother) in client.get(url).content.decode()
    restrict(mother)
    with scopes_disabled():
        before = AccessEvent.objects.filter(subject_id=str(mother.pk)).count()
    html = client.get(url).content.decode()
    assert str(mother) not in html
    assert str(baby) in html  # her child is not restricted
    with scopes_disabled():
        assert AccessEvent.objects.filter(subject_id=str(mother.pk)).count() == before
