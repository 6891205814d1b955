"""The volunteer rules: lifecycle steps, role requirements, record-check validity.

Pure functions over already-loaded rows; the ``services`` of the sub-packages
(:mod:`tupa.volunteers.register`, :mod:`tupa.volunteers.matching`, …) enforce them on every write
and the pages show the same answers.

**Record-check validity [verify].** Act 148/2014 lets the organiser ask to *see* a
criminal-record extract of a volunteer whose task regularly involves personal interaction with
minors without supervision; the Legal Register Centre says an extract is valid for six months
from its issue. The law sets no re-check interval for a volunteer already working. Tupa treats a
check as valid when its result is *fit* and it was seen within the last
``TUPA_VOLUNTEER_RECORD_CHECK_MONTHS`` months (default 24); the re-check list warns
``TUPA_VOLUNTEER_RECHECK_NOTICE_DAYS`` days (default 60) ahead. Both are settings because the
association decides them; confirm the figures with the association.

**The extract's own six months** is a different rule: an extract issued more than
:data:`EXTRACT_VALID_MONTHS` months before it was seen is not accepted at all
(:func:`extract_usable_until`; ``finnish-requirements.md`` §7). It decides whether a check can be
recorded, not how long a recorded check counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped]
from django.conf import settings
from django.utils.translation import gettext as _

from tupa.core.months import add_months
from tupa.volunteers.models import (
    Assignment,
    CaseStatus,
    CheckResult,
    CourseKind,
    RecordCheck,
    RoleKind,
    Status,
)

#: Allowed lifecycle steps: from → the statuses it may move to.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.INTERESTED: frozenset({Status.INTERVIEWED, Status.ENDED}),
    Status.INTERVIEWED: frozenset(
        {Status.IN_TRAINING, Status.SCREENED, Status.ACTIVE, Status.ENDED}
    ),
    Status.IN_TRAINING: frozenset({Status.SCREENED, Status.ACTIVE, Status.ENDED}),
    Status.SCREENED: frozenset({Status.IN_TRAINING, Status.ACTIVE, Status.ENDED}),
    Status.ACTIVE: frozenset({Status.PAUSED, Status.ENDED}),
    Status.PAUSED: frozenset({Status.ACTIVE, Status.ENDED}),
    Status.ENDED: frozenset({Status.INTERESTED}),
}

#: Steps that need a written reason.
REASON_REQUIRED = frozenset({Status.PAUSED, Status.ENDED})


@dataclass(frozen=True)
class Requirement:
    """What a role needs before a volunteer can be active in it."""

    record_check: bool = False
    courses: frozenset[str] = frozenset()


#: Role → requirement [verify with the association]. Mieskaveri meets the conditions of Act
#: 148/2014 (a man alone with a child, regularly); other roles need the check when the
#: assignment is marked ``alone_with_children``.
REQUIREMENTS: dict[str, Requirement] = {
    RoleKind.MIESKAVERI: Requirement(
        record_check=True, courses=frozenset({CourseKind.MIESKAVERI_BASIC})
    ),
    RoleKind.DOULA: Requirement(courses=frozenset({CourseKind.DOULA})),
    RoleKind.STEPFAMILY: Requirement(courses=frozenset({CourseKind.SUPLI})),
}


def requirement_of(role: str) -> Requirement:
    return REQUIREMENTS.get(role, Requirement())


def needs_record_check(assignment: Assignment) -> bool:
    """Does this task need a valid record check (Act 148/2014)?"""
    return assignment.alone_with_children or requirement_of(assignment.role).record_check


def valid_months() -> int:
    return int(getattr(settings, "TUPA_VOLUNTEER_RECORD_CHECK_MONTHS", 24))


def notice_days() -> int:
    return int(getattr(settings, "TUPA_VOLUNTEER_RECHECK_NOTICE_DAYS", 60))


#: An extract is valid this many calendar months from its issue date (the Legal Register Centre).
EXTRACT_VALID_MONTHS = 6


def extract_usable_until(issued_on: dt.date) -> dt.date:
    """The last day an extract issued on ``issued_on`` may be seen: six calendar months to the
    day (issued 15.1. → seen by 15.7.; issued 31.8. → by the last day of February)."""
    return add_months(issued_on, EXTRACT_VALID_MONTHS)


def check_valid_until(check: RecordCheck) -> dt.date:
    """The last day a check seen on ``check.seen_on`` is valid."""
    return check.seen_on + relativedelta(months=valid_months()) - dt.timedelta(days=1)


def latest_check(checks: Iterable[RecordCheck]) -> RecordCheck | None:
    rows = sorted(checks, key=lambda c: (c.seen_on, c.pk or 0))
    return rows[-1] if rows else None


def check_is_valid(check: RecordCheck | None, on: dt.date) -> bool:
    """A check is valid on ``on`` when its result is fit and it is not too old."""
    return (
        check is not None
        and check.result == CheckResult.FIT
        and check.seen_on <= on <= check_valid_until(check)
    )


def unmet_requirements(
    *,
    assignments: Iterable[Assignment],
    check: RecordCheck | None,
    completed_kinds: set[str],
    on: dt.date,
    courses: bool = True,
) -> list[str]:
    """Finnish messages for every requirement of the current tasks that is not met on ``on``.

    ``courses=False`` asks about the record check only (the *screened* step).
    """
    problems: list[str] = []
    for assignment in assignments:
        if not assignment.is_current(on):
            continue
        role = assignment.get_role_display()
        if needs_record_check(assignment) and not check_is_valid(check, on):
            problems.append(
                _(
                    "Tehtävä %(role)s edellyttää voimassa olevaa rikostaustan tarkistusta "
                    "(tulos: ei estettä)."
                )
                % {"role": role}
            )
        if not courses:
            continue
        for kind in sorted(requirement_of(assignment.role).courses - completed_kinds):
            problems.append(
                _("Tehtävä %(role)s edellyttää suoritettua koulutusta: %(course)s.")
                % {"role": role, "course": CourseKind(kind).label}
            )
    return problems


def transition_problem(current: str, new: str) -> str | None:
    if new == current:
        return _("Vapaaehtoinen on jo tässä tilassa.")
    if new not in TRANSITIONS.get(current, frozenset()):
        return _("Tilasta %(from)s ei voi siirtyä tilaan %(to)s.") % {
            "from": Status(current).label,
            "to": Status(new).label,
        }
    return None


# --------------------------------------------------------------------------- Mieskaveri matching

#: Steps of a matching case that ``matching.services.case_set_status`` takes; *matched* is taken
#: only by ``matching.services.volunteer_match`` and *ended* only by ``matching.services.case_end``.
CASE_TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.APPLIED: frozenset({CaseStatus.INTAKE, CaseStatus.WITHDRAWN}),
    CaseStatus.INTAKE: frozenset({CaseStatus.WAITING, CaseStatus.WITHDRAWN}),
    CaseStatus.WAITING: frozenset({CaseStatus.MATCHED, CaseStatus.WITHDRAWN}),
    CaseStatus.MATCHED: frozenset({CaseStatus.ENDED}),
    CaseStatus.ENDED: frozenset(),
    CaseStatus.WITHDRAWN: frozenset(),
}

#: The boy should be at least this old [verify with the association] (VOL-06).
MIN_CHILD_AGE = 4

#: A match with no follow-up yet is due for its first one this many days after it starts.
FIRST_FOLLOW_UP_DAYS = 30


def age_on(born: dt.date, on: dt.date) -> int:
    """Full years on ``on`` (a child born on 29 February turns a year older on 1 March)."""
    return relativedelta(on, born).years  # type: ignore[no-any-return]


def intake_warnings(
    *, child_born: dt.date | None, child_known: bool, contact_with_men: bool | None, on: dt.date
) -> list[str]:
    """The VOL-06 checks as warnings the coordinator confirms (never blocks)."""
    warnings: list[str] = []
    if not child_known:
        warnings.append(_("Lasta ei ole valittu: ikää ei voi tarkistaa."))
    elif child_born is None:
        warnings.append(_("Lapsen syntymäaikaa ei ole kirjattu: ikää ei voi tarkistaa."))
    elif age_on(child_born, on) < MIN_CHILD_AGE:
        warnings.append(
            _(
                "Lapsi on alle %(age)s-vuotias (%(years)s v). Kaveritoiminta on 4 vuotta täyttäneille."
            )
            % {"age": MIN_CHILD_AGE, "years": age_on(child_born, on)}
        )
    if contact_with_men is None:
        warnings.append(
            _("Ei ole kirjattu, onko lapsella yhteyttä isään tai muihin läheisiin miehiin.")
        )
    elif contact_with_men:
        warnings.append(
            _(
                "Lapsella on yhteys isään tai muihin läheisiin miehiin. Kaveritoiminta on lapsille, joilla sitä ei ole."
            )
        )
    return warnings


def case_transition_problem(current: str, new: str) -> str | None:
    if new == current:
        return _("Prosessi on jo tässä tilassa.")
    if new not in CASE_TRANSITIONS.get(current, frozenset()):
        return _("Tilasta %(from)s ei voi siirtyä tilaan %(to)s.") % {
            "from": CaseStatus(current).label,
            "to": CaseStatus(new).label,
        }
    return None
