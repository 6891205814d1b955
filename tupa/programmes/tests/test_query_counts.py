"""The programme's pages read a constant number of queries however many participants, pairs,
sessions and invitees they show (no query per row)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tupa.core.tests.helpers import login_verified

from .support import add_member, add_session, pair, programme, record, t
from .test_views import NOW, world  # noqa: F401

pytestmark = pytest.mark.django_db


def _counts(client: Client, urls: list[str]) -> list[int]:
    result = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        result.append(len(queries))
    return result


@time_machine.travel(NOW, tick=False)
def test_pages_do_not_read_per_participant(
    client: Client,
    world: dict[str, Any],  # noqa: F811
) -> None:
    worker, prog, form = world["worker"], world["programme"], world["form"]
    aftercare = programme(
        form,
        worker,
        name="Jälkiryhmä",
        starts_on=dt.date(2026, 3, 2),
        rules={"invitation_years": 2},
    )
    session = add_session(prog, worker, t(2026, 3, 4))
    urls = [
        reverse("programmes:detail", args=[prog.pk]),
        reverse("programmes:detail", args=[aftercare.pk]),
        reverse("programmes:session", args=[session.pk]),
        reverse("programmes:member_add", args=[prog.pk]),
        reverse("programmes:list", args=[form.slug]),
    ]
    login_verified(client, worker)
    _counts(client, urls)  # warm the per-request caches of the first requests
    before = _counts(client, urls)
    members = []
    for i in range(8):
        parent, child = pair(form, person__first_names=f"Lisä{i}")
        members.append(add_member(prog, worker, parent, child, joined_on=dt.date(2026, 3, 2)))
        pair(form, person__first_names=f"Ehdokas{i}")  # offered on the add page
    record(add_session(prog, worker, t(2026, 3, 5)), worker, {m: "present" for m in members})
    assert _counts(client, urls) == before
