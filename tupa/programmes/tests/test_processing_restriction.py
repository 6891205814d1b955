"""GDPR art. 18 in a group: a restricted member is listed without a name (not logged as shown),
left out of the attendance form and of the persons that can be added."""

from __future__ import annotations

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

from .support import t
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
