"""What the group-programme app gives a person's access request (GDPR art. 15): her group
memberships and attendance, as pieces of the DPO's draft (registered in ``registrations.py``,
``tupa.core.registry.access_request_sources``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from django.db.models import Count, Q
from django.utils.translation import gettext

from tupa.core import registry
from tupa.core.dates import fi_date

from .models import Attendance, Member


def group_pieces(*, participant_ids: Collection[int]) -> list[registry.AccessRequestPiece]:
    """The person's group memberships (as a participant or as the child) and her attendance
    counts, for her access request's draft (two queries)."""
    members = list(
        Member.objects.filter(
            Q(participant_id__in=participant_ids) | Q(child_id__in=participant_ids)
        )
        .select_related("programme")
        .order_by("joined_on", "pk")
    )
    attendance: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        Attendance.objects.filter(member__in=members, session__cancelled=False)
        .values("member_id", "status")
        .annotate(n=Count("pk"))
    ):
        attendance[row["member_id"]][row["status"]] = row["n"]
    pieces = []
    for mb in members:
        counts = attendance.get(mb.pk, {})
        text = (
            f"{mb.programme.get_type_display()}, {fi_date(mb.joined_on)}–"
            + (fi_date(mb.left_on) if mb.left_on else "")
            + "\n"
            + gettext("Läsnä %(present)s, poissa %(absent)s, poissa ilmoittaen %(excused)s kertaa.")
            % {
                "present": counts.get("present", 0),
                "absent": counts.get("absent", 0),
                "excused": counts.get("excused", 0),
            }
        )
        for p_id in dict.fromkeys((mb.participant_id, mb.child_id)):
            if p_id is not None and p_id in participant_ids:
                pieces.append(
                    registry.AccessRequestPiece(
                        key=f"group:{mb.pk}",
                        kind="group",
                        participant_id=p_id,
                        heading=f"{gettext('Ryhmä')}: {mb.programme.name}",
                        text=text,
                    )
                )
    return pieces
