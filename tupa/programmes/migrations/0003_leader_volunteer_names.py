"""Carry the free-text names of volunteer leaders to the volunteer register (issue 12 item 7).

Forward (``link_named_volunteers``): a leader of kind ``volunteer`` with a name, no staff user
and no volunteer record gets the volunteer of the programme's organisation whose "first names
last name" is the same name — case and runs of spaces ignored — **only when exactly one
volunteer matches**, and only once per programme (the ``leader_volunteer_once`` constraint). The
name is then cleared: the record carries it. Every other leader keeps its text as it was, so
nothing is lost; such a leader stays on the programme and its past sessions.

Backward (``unlink_volunteers``): every leader linked to a volunteer — by this migration or
later by the services — gets the volunteer's name back as its text and loses the link, because
the schema of 0002 (which the backward step returns to next) has no link and requires a user or
a name. The text may differ from the original in case and spacing only.

The change history is not written (the migration itself is the record); the session links
(``Session.leaders``) point at the same leader rows and do not change.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import migrations


def normalise(name: str) -> str:
    """A name as it is compared: runs of white space as one space, case folded."""
    return " ".join(name.split()).casefold()


def link_named_volunteers(apps: Any, schema_editor: Any) -> None:
    Leader = apps.get_model("programmes", "Leader")
    Volunteer = apps.get_model("volunteers", "Volunteer")
    named = list(
        Leader.objects.filter(kind="volunteer", volunteer__isnull=True, user__isnull=True)
        .exclude(name="")
        .select_related("programme")
        .order_by("pk")
    )
    if not named:
        return
    organisations = {leader.programme.organisation_id for leader in named}
    by_name: dict[tuple[int, str], list[int]] = defaultdict(list)
    for volunteer in Volunteer.objects.filter(organisation_id__in=organisations).only(
        "pk", "organisation_id", "first_names", "last_name"
    ):
        key = normalise(f"{volunteer.first_names} {volunteer.last_name}")
        by_name[(volunteer.organisation_id, key)].append(volunteer.pk)
    taken: set[tuple[int, int]] = set(
        Leader.objects.filter(
            programme_id__in={leader.programme_id for leader in named}, volunteer__isnull=False
        ).values_list("programme_id", "volunteer_id")
    )
    for leader in named:
        found = by_name.get((leader.programme.organisation_id, normalise(leader.name)), [])
        if len(found) != 1 or (leader.programme_id, found[0]) in taken:
            continue  # no match, a namesake, or already on the programme: the text stays
        taken.add((leader.programme_id, found[0]))
        Leader.objects.filter(pk=leader.pk).update(volunteer_id=found[0], name="")


def unlink_volunteers(apps: Any, schema_editor: Any) -> None:
    Leader = apps.get_model("programmes", "Leader")
    for leader in Leader.objects.filter(volunteer__isnull=False).select_related("volunteer"):
        name = f"{leader.volunteer.first_names} {leader.volunteer.last_name}".strip()
        Leader.objects.filter(pk=leader.pk).update(name=name[:200], volunteer_id=None)


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0002_leader_volunteer"),
        ("volunteers", "0002_matching"),
    ]

    operations = [
        migrations.RunPython(link_named_volunteers, unlink_volunteers, elidable=False),
    ]
