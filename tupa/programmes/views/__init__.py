"""Group-programme screens: list, programme page, participants, leaders, sessions, attendance
and statistics (GRP-01..04).

Only client-work members of the programme's service form reach them (404 for everyone else,
also for bad ids). Names of participants are shown only where the viewer has a basis for the
participant's episode (:mod:`tupa.access.clients`), and every person shown is written to the
access log. The statistics page shows counts only: the executive director may read it too
(``programmes.statistics.view``), and it writes no access events.
"""

from tupa.programmes.views.figures import form_statistics
from tupa.programmes.views.members import leader_add, member_add, member_leave
from tupa.programmes.views.programmes import (
    programme_create,
    programme_detail,
    programme_edit,
    programme_list,
)
from tupa.programmes.views.sessions import session_add, session_attendance

__all__ = [
    "form_statistics",
    "leader_add",
    "member_add",
    "member_leave",
    "programme_create",
    "programme_detail",
    "programme_edit",
    "programme_list",
    "session_add",
    "session_attendance",
]
