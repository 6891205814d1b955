"""GDPR art. 18 on the occupancy page: a restricted resident is listed without a name and not
logged as shown; the stay still counts in the figures."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.audit.models import AccessEvent
from tupa.core.tests.helpers import login_verified
from tupa.people.tests.test_processing_restriction import restrict

from .test_views import NOW, _figure, world  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_now")]


def test_restricted_resident_is_listed_without_a_name(
    client: Client,
    world: dict[str, Any],  # noqa: F811
) -> None:
    login_verified(client, world["member"])
    url = reverse("residential:occupancy", args=[world["form"].slug])
    mother = world["b"][1][0].person
    name = f"{mother.first_names} {mother.last_name}"
    before = client.get(url).content.decode()
    assert name in before and "Käsittelyä rajoitettu" not in before
    restrict(mother)
    with scopes_disabled():
        logged = AccessEvent.objects.filter(subject_id=str(mother.pk)).count()
    after = client.get(url).content.decode()
    assert name not in after
    assert "Käsittelyä rajoitettu" in after
    for figure in ("places", "occupied", "free", "persons"):
        assert _figure(after, figure) == _figure(before, figure)
    assert _figure(after, "occupied") == "1"
    with scopes_disabled():
        assert AccessEvent.objects.filter(subject_id=str(mother.pk)).count() == logged
