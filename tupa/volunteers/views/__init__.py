"""The volunteer register screens (docs/volunteers.md).

Access: the register, a volunteer's page, screening, training and hours are for volunteer
coordinators (of a form the volunteer works in, or organisation-wide) and the executive director
(read only); everyone else gets 404, also for ids that do not exist (``tupa.access.volunteers``).
Client workers of a form see only its roster: the names and roles of its active volunteers.
Every volunteer shown is written to the access log (fail closed), like a client.
"""

from tupa.volunteers.views.hours import hours_add, hours_delete, hours_edit
from tupa.volunteers.views.matching import (
    activity_add,
    case_create,
    case_detail,
    case_end,
    case_intake,
    case_match,
    case_status,
    cases,
    family_link_add,
    family_link_edit,
    follow_up_add,
    match_note,
)
from tupa.volunteers.views.register import (
    assignment_add,
    assignment_end,
    index,
    responsible_set,
    roster,
    status_change,
    volunteer_create,
    volunteer_detail,
    volunteer_edit,
)
from tupa.volunteers.views.screening import rechecks, record_check_add, screening_edit
from tupa.volunteers.views.training import (
    attendance,
    completion,
    course_create,
    course_detail,
    course_list,
    participant_add,
    session_add,
)

__all__ = [
    "activity_add",
    "assignment_add",
    "assignment_end",
    "attendance",
    "case_create",
    "case_detail",
    "case_end",
    "case_intake",
    "case_match",
    "case_status",
    "cases",
    "completion",
    "course_create",
    "course_detail",
    "course_list",
    "family_link_add",
    "family_link_edit",
    "follow_up_add",
    "hours_add",
    "hours_delete",
    "hours_edit",
    "index",
    "match_note",
    "participant_add",
    "rechecks",
    "record_check_add",
    "responsible_set",
    "roster",
    "screening_edit",
    "session_add",
    "status_change",
    "volunteer_create",
    "volunteer_detail",
    "volunteer_edit",
]
