"""The access request's draft reads the person's episodes once: the data extract it builds on
(:func:`tupa.dataprotection.extracts.data_extract`) has already read the person's
participations, the other participants of those episodes and the third-party name pattern; the
draft takes them from there instead of reading them again."""

from __future__ import annotations

import re
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from tupa.dataprotection import access_requests as ars
from tupa.dataprotection.tests import test_access_requests as base

from .support import order_family

pytestmark = pytest.mark.django_db

world = base.world

#: A query that reads participants (not merely joins them).
PARTICIPANT_READ = re.compile(r'^SELECT .* FROM "episodes_participant"', re.DOTALL)


def test_the_draft_reads_the_participants_and_the_name_pattern_once(world: Any) -> None:
    with time_machine.travel(base.NOW, tick=False), scopes_disabled():
        family = order_family(world["org"])
    mother = family["mother"]
    ar = ars.request_create(actor=world["dpo"], person=mother, received_on=base.NOW.date())
    with CaptureQueriesContext(connection) as captured:
        draft = ars.build_draft(mother, ar)
    sql = [q["sql"] for q in captured.captured_queries]
    participant_reads = [s for s in sql if PARTICIPANT_READ.match(s)]
    # The extract: her participations and the other participants of her episodes.
    assert len(participant_reads) == 2, participant_reads
    # The relatives of the name pattern (the extract's relationship list is the other one).
    assert len([s for s in sql if '"people_relationship"' in s]) == 2
    # The draft still knows the other party (the reviewer sees why the order is withheld).
    order_item = draft.item(f"meeting_order:{family['order'].pk}")
    assert order_item is not None and "Kalevi" in order_item.text
    assert order_item.review_reasons
