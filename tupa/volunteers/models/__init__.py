"""The volunteer app's models (seed-spec §8.8 VOL-01…VOL-09, VOL-12…VOL-14, CON-01, CON-02,
STF-06; Act 148/2014), one module per sub-domain. Django finds the models through this package,
so every model class (and the choices the other modules use) is imported here; a new sub-domain
adds its module and its names below. The tables, and their migrations, belong to the app
``volunteers`` whatever the module: moving a class between these modules needs no migration.

- :mod:`.register` — volunteers, their tasks and lifecycle, a form's responsible person.
- :mod:`.screening` — the interview, the power of attorney and the record checks seen.
- :mod:`.training` — courses, sessions, participants and attendance.
- :mod:`.hours` — the activity log.
- :mod:`.matching` — Mieskaveri matching cases, matches, and the volunteer ↔ family links.
- :mod:`.groups` — volunteer groups, their members, meetings and attendance (VOL-08, VOL-12).
- :mod:`.experts` — the consent to act as an experience expert (VOL-12).
- :mod:`.students` — students' practical-training and study-credit periods (VOL-13, STF-06).
- :mod:`.mailing` — the consent to be contacted for mailings (VOL-09, CON-01).
- :mod:`.portal` — a volunteer's own login to the volunteer portal (issue 12 item 9).
"""

from tupa.volunteers.models.experts import ExpertConsent
from tupa.volunteers.models.groups import (
    GroupKind,
    GroupMeeting,
    GroupMembership,
    MeetingAttendance,
    VolunteerGroup,
)
from tupa.volunteers.models.hours import ActivityKind, HoursEntry
from tupa.volunteers.models.mailing import ContactConsent
from tupa.volunteers.models.matching import (
    CaseStatus,
    CaseStep,
    FamilyLink,
    FollowUp,
    Match,
    MatchActivity,
    MatchingCase,
)
from tupa.volunteers.models.portal import PortalAccess
from tupa.volunteers.models.register import (
    Assignment,
    FormResponsible,
    Gender,
    RoleKind,
    Status,
    StatusChange,
    Volunteer,
)
from tupa.volunteers.models.screening import CheckResult, RecordCheck, Screening
from tupa.volunteers.models.students import PlacementKind, StudentPlacement
from tupa.volunteers.models.training import (
    CourseKind,
    CourseParticipant,
    SessionAttendance,
    TrainingCourse,
    TrainingSession,
)

__all__ = [
    "ActivityKind",
    "Assignment",
    "CaseStatus",
    "CaseStep",
    "CheckResult",
    "ContactConsent",
    "CourseKind",
    "CourseParticipant",
    "ExpertConsent",
    "FamilyLink",
    "FollowUp",
    "FormResponsible",
    "Gender",
    "GroupKind",
    "GroupMeeting",
    "GroupMembership",
    "HoursEntry",
    "Match",
    "MatchActivity",
    "MatchingCase",
    "MeetingAttendance",
    "PlacementKind",
    "PortalAccess",
    "RecordCheck",
    "RoleKind",
    "Screening",
    "SessionAttendance",
    "Status",
    "StatusChange",
    "StudentPlacement",
    "TrainingCourse",
    "TrainingSession",
    "Volunteer",
    "VolunteerGroup",
]
