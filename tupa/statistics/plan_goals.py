"""A return's section of the plan's goals: STEA's "I Tavoitteiden toteutuminen".

STEA's results report asks first how the grant target's goals were reached. The association
writes its goals and their follow-up in the annual plan (:mod:`tupa.planning`, ADR 0030), so a
return's section marked ``plan_goals`` (:class:`~.returns.base.Section`) shows the service
form's goals of the year there — under their themes, each with its status, assessment and
evidence — beside the figures of the other sections (ADR 0038).

The goals are text the association wrote, not figures counted from the records, so they are
not in the return's content hash. Marking the return sent freezes them beside the figures
(``Submission.plan_goals``): the sent return shows the goals as they were sent, and says which
have changed since. The send form carries :func:`digest` of the goals the page showed, as it
carries the figures' hash: a goal edited in between refuses the send instead of freezing what
the sender did not see.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tupa.core.digest import canonical_sha256
from tupa.organisations.models import theme_order
from tupa.planning.models import AnnualGoal, GoalStatus
from tupa.planning.selectors import OTHER, OTHER_LABEL, goals_of_year

if TYPE_CHECKING:
    from .models import Submission


@dataclass(frozen=True)
class Goal:
    """One goal as a return shows and freezes it: the theme's code and name as they were, the
    goal's text, status, assessment and evidence. ``key`` is the goal's id, which tells a goal
    edited since from one added or removed."""

    key: int
    theme: str  # the theme's code, or ``OTHER``
    theme_label: str
    text: str
    status: str
    assessment: str
    evidence: str

    @property
    def pk(self) -> int:
        """The goal's id, by the name :file:`_goals_by_theme.html` reads."""
        return self.key

    def get_status_display(self) -> str:
        """The status in the reader's language (the name :file:`_goal_status.html` reads)."""
        return str(GoalStatus(self.status).label) if self.status in GoalStatus.values else ""


@dataclass(frozen=True)
class Theme:
    key: str
    label: str
    goals: list[Goal]


@dataclass(frozen=True)
class FormGoals:
    """A form's goals by theme, shaped as the plan's pages show one owner's
    (:class:`tupa.planning.selectors.OwnerPlan`: ``key`` and ``themes``), so a return lays
    them out with the same table (:file:`_goals_by_theme.html`)."""

    themes: list[Theme]
    key: str = "form"


@dataclass(frozen=True)
class Changed:
    """A goal whose status or assessment differs today from the sent return's (``now`` None:
    removed from the plan since; ``sent`` None: added since)."""

    sent: Goal | None
    now: Goal | None

    @property
    def text(self) -> str:
        goal = self.now or self.sent
        assert goal is not None
        return goal.text


def _goal(goal: AnnualGoal) -> Goal:
    theme = goal.theme
    return Goal(
        key=goal.pk,
        theme=OTHER if theme is None else theme.code,
        theme_label=str(OTHER_LABEL) if theme is None else str(theme),
        text=goal.text,
        status=goal.status,
        assessment=goal.assessment,
        evidence=goal.evidence,
    )


def of_form(organisation_id: int, service_form_id: int, year: int) -> list[Goal]:
    """The form's goals of ``year`` in the plan's order (one query)."""
    return [
        _goal(g) for g in goals_of_year(organisation_id, year, service_form_ids=[service_form_id])
    ]


def sent(submission: Submission) -> list[Goal] | None:
    """The goals frozen with ``submission`` (``None``: it was sent without them)."""
    return None if submission.plan_goals is None else from_json(submission.plan_goals)


def today(submission: Submission) -> list[Goal]:
    """The goals the sent return would show today (one query)."""
    assert submission.service_form_id is not None
    return of_form(
        submission.organisation_id, submission.service_form_id, submission.period_start.year
    )


def by_theme(goals: Iterable[Goal]) -> FormGoals:
    """``goals`` under their themes, T1–T5 by code and the goals under no theme last, each
    theme's goals in the plan's order."""
    themes: dict[str, Theme] = {}
    for goal in goals:
        themes.setdefault(goal.theme, Theme(goal.theme, goal.theme_label, [])).goals.append(goal)
    return FormGoals(sorted(themes.values(), key=lambda t: (t.key == OTHER, theme_order(t.key))))


def as_json(goals: Iterable[Goal]) -> list[dict[str, Any]]:
    return [asdict(g) for g in goals]


def from_json(data: Iterable[dict[str, Any]]) -> list[Goal]:
    return [Goal(**item) for item in data]


def digest(goals: Iterable[Goal]) -> str:
    """SHA-256 of the goals' canonical JSON: what the send form compares."""
    return canonical_sha256(as_json(goals))


def changes(sent: Iterable[Goal], now: Iterable[Goal]) -> list[Changed]:
    """The goals whose text, theme, status, assessment or evidence differ today from the sent
    ones, in the sent return's order and then the added ones in the plan's."""
    today = {g.key: g for g in now}
    sent_keys = set()
    found = []
    for goal in sent:
        sent_keys.add(goal.key)
        current = today.get(goal.key)
        if current != goal:
            found.append(Changed(goal, current))
    found.extend(Changed(None, g) for k, g in today.items() if k not in sent_keys)
    return found


def sheet_rows(goals: Iterable[Goal]) -> list[list[str]]:
    """The workbook's rows (header first): theme, goal, status, assessment, evidence."""
    header = [
        _("Painopiste"),
        _("Tavoite"),
        _("Tila"),
        pgettext("tavoitteen arvio", "Arvio"),
        _("Näyttö"),
    ]
    rows = [[str(h) for h in header]]
    for theme in by_theme(goals).themes:
        for goal in theme.goals:
            rows.append(
                [
                    theme.label,
                    goal.text,
                    goal.get_status_display(),
                    goal.assessment,
                    goal.evidence,
                ]
            )
    return rows
