"""Bad input in every form of the group screens: overlong text, NUL bytes, impossible dates and
negative or huge numbers are refused with a Finnish message, what was typed kept, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tupa.core.tests.helpers import login_verified

from .test_views import NOW, world  # noqa: F401

pytestmark = pytest.mark.django_db

LONG = "x" * 5000
NUL = "Ryhmä\x00"


def _cases(w: dict[str, Any]) -> list[tuple[str, dict[str, Any], str]]:
    prog, slug, m = w["programme"], w["form"].slug, w["members"][0]
    programme_base = {"name": "Kevät", "type": "closed", "target_group": "baby_parent"}
    session = {"day": "2026-03-09", "start_time": "09:00", "end_time": "12:00", "weeks": "1"}
    return [
        (
            reverse("programmes:create", args=[slug]),
            {**programme_base, "starts_on": "31.2.2026"},
            "p.k.vvvv",
        ),
        (
            reverse("programmes:create", args=[slug]),
            {**programme_base, "starts_on": "1.1.1066"},
            "2100",
        ),
        (
            reverse("programmes:create", args=[slug]),
            {**programme_base, "name": LONG, "starts_on": "2.3.2026"},
            "200",
        ),
        (
            reverse("programmes:create", args=[slug]),
            {**programme_base, "name": NUL, "starts_on": "2.3.2026"},
            "Nimi",
        ),
        (
            reverse("programmes:create", args=[slug]),
            {**programme_base, "starts_on": "2.3.2026", "capacity": "-5"},
            "vähintään",
        ),
        (
            reverse("programmes:create", args=[slug]),
            {**programme_base, "starts_on": "2.3.2026", "capacity": "99999999999999999999"},
            "enintään",
        ),
        (
            reverse("programmes:create", args=[slug]),
            {**programme_base, "starts_on": "2.3.2026", "planned_hours_per_week": "1e999"},
            "0,5–60",
        ),
        (
            reverse("programmes:create", args=[slug]),
            {**programme_base, "starts_on": "2.3.2026", "planned_hours_per_week": "NaN"},
            "tuntimäärä numerona",
        ),
        (
            reverse("programmes:create", args=[slug]),
            {**programme_base, "starts_on": "2.3.2026", "pairs_max": "100000"},
            "enintään",
        ),
        (
            reverse("programmes:edit", args=[prog.pk]),
            {**programme_base, "starts_on": "2.3.2026", "ends_on": "2026-13-01"},
            "p.k.vvvv",
        ),
        (
            reverse("programmes:session_add", args=[prog.pk]),
            {**session, "day": "30.2.2026"},
            "p.k.vvvv",
        ),
        (
            reverse("programmes:session_add", args=[prog.pk]),
            {**session, "start_time": "25:99"},
            "tt:mm",
        ),
        (
            reverse("programmes:session_add", args=[prog.pk]),
            {**session, "weeks": "-1"},
            "vähintään",
        ),
        (
            reverse("programmes:session_add", args=[prog.pk]),
            {**session, "weeks": "10" * 20},
            "enintään",
        ),
        (reverse("programmes:session_add", args=[prog.pk]), {**session, "topic": LONG}, "200"),
        (
            reverse("programmes:session_add", args=[prog.pk]),
            {**session, "weekdays": ["9"]},
            "Valitse",
        ),
        (
            reverse("programmes:member_add", args=[prog.pk]),
            {"participant": "abc", "joined_on": "2026-03-09"},
            "Valitse osallistuja listasta.",
        ),
        (
            reverse("programmes:member_add", args=[prog.pk]),
            {"participant": str(m.participant_id), "joined_on": "0000-01-01"},
            "p.k.vvvv",
        ),
        (
            reverse("programmes:leader_add", args=[prog.pk]),
            {"kind": "co_worker", "name": LONG},
            "200",
        ),
        (
            reverse("programmes:leader_add", args=[prog.pk]),
            {"kind": "co_worker", "name": "A\x00"},
            "Nimi",
        ),
        (
            reverse("programmes:leader_add", args=[prog.pk]),
            {"kind": "volunteer", "volunteer": "-1"},
            "Valitse vapaaehtoinen luettelosta.",
        ),
        (
            reverse("programmes:session", args=[w["session"].pk]),
            {"anonymous_adults": "70000", "anonymous_children": "0"},
            "enintään 500",
        ),
        (
            reverse("programmes:session", args=[w["session"].pk]),
            {"anonymous_adults": "0", "anonymous_children": "0", "topic": "A\x00"},
            "Aihe",
        ),
    ]


@time_machine.travel(NOW, tick=False)
def test_bad_input_is_refused_in_finnish(client: Client, world: dict[str, Any]) -> None:  # noqa: F811
    login_verified(client, world["worker"])
    for url, data, expected in _cases(world):
        response = client.post(url, data)
        assert response.status_code == 400, (url, data, response.status_code)
        html = response.content.decode()
        assert expected in html, (url, data)
        assert 'aria-invalid="true"' in html, (url, data)
