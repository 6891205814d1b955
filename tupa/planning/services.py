"""Writes of the annual plan's goals: add, edit, assess, remove, carry over (ADR 0030).

House style (ARCHITECTURE.md §4): keyword-only, ``actor`` first, one transaction each, Finnish
``ValidationError`` messages keyed by field, the change history recorded with ``actor``. Who
keeps a goal: :mod:`tupa.access.planning` (a form's lead its form's goals, the executive
director every goal). Edits take the ``version`` the user saw, so two people saving the same
goal do not overwrite each other (:class:`~tupa.core.conflicts.VersionConflict`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.access.planning import may_keep, may_keep_goals_of
from tupa.core.conflicts import ensure_version
from tupa.core.saving import save_validated

from .models import FIRST_YEAR, LAST_YEAR, AnnualGoal, GoalStatus

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.organisations.models import ServiceForm, StrategicTheme, WorkingGroup

#: A written reason for a removal is at least this long.
MIN_REASON = 5
GOAL_FIELDS = ("theme", "text", "order")


def _require_keeper(actor: User, service_form: ServiceForm | None) -> None:
    if not may_keep_goals_of(actor, service_form):
        raise PermissionDenied(
            _("Työmuodon tavoitteita ylläpitää sen esihenkilö, muita toiminnanjohtaja.")
        )


def _require_goal_keeper(actor: User, goal: AnnualGoal) -> None:
    # may_keep, not may_keep_goals_of alone: a goal without a service form carries no
    # organisation for the policy to compare, and another organisation's director must not
    # keep ours.
    if not may_keep(actor, goal):
        raise PermissionDenied(
            _("Työmuodon tavoitteita ylläpitää sen esihenkilö, muita toiminnanjohtaja.")
        )


def _check(goal: AnnualGoal) -> None:
    errors: dict[str, str] = {}
    if not FIRST_YEAR <= goal.year <= LAST_YEAR:
        errors["year"] = _("Vuoden on oltava %(first)s–%(last)s.") % {
            "first": FIRST_YEAR,
            "last": LAST_YEAR,
        }
    goal.text = (goal.text or "").strip()
    if not goal.text:
        errors["text"] = _("Kirjoita tavoite.")
    theme = goal.theme
    if theme is not None:
        if theme.organisation_id != goal.organisation_id:
            errors["theme"] = _("Valitse painopiste listasta.")
        elif not theme.covers(goal.year):
            errors["theme"] = _(
                "Painopiste kuuluu strategiakauteen %(start)s–%(end)s, ei vuoteen %(year)s."
            ) % {"start": theme.start_year or "", "end": theme.end_year or "", "year": goal.year}
    for owner, field in (
        (goal.service_form, "service_form"),
        (goal.working_group, "working_group"),
    ):
        if owner is not None and owner.organisation_id != goal.organisation_id:
            errors[field] = _("Valitse listasta.")
    if goal.service_form is not None and goal.working_group is not None:
        errors["working_group"] = _("Tavoite on joko työmuodon tai työryhmän, ei molempien.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def goal_add(
    *,
    actor: User,
    year: int,
    text: str,
    service_form: ServiceForm | None = None,
    working_group: WorkingGroup | None = None,
    theme: StrategicTheme | None = None,
    order: int | None = None,
) -> AnnualGoal:
    """Add a goal to the year's plan of ``service_form`` (or of ``working_group``, or of the
    association when neither is given); it goes last unless ``order`` is given."""
    _require_keeper(actor, service_form)
    organisation_id = actor.organisation_id
    if organisation_id is None:
        raise PermissionDenied
    with scope(organisation=organisation_id):
        if order is None:
            last = (
                AnnualGoal.objects.filter(
                    organisation_id=organisation_id,
                    year=year,
                    service_form=service_form,
                    working_group=working_group,
                )
                .order_by("-order")
                .values_list("order", flat=True)
                .first()
            )
            order = (last or 0) + 1
        goal = AnnualGoal(
            organisation_id=organisation_id,
            year=year,
            service_form=service_form,
            working_group=working_group,
            theme=theme,
            text=text,
            order=order,
            created_by=actor,
        )
        _check(goal)
        save_validated(goal, actor=actor)
    return goal


def _locked(goal: AnnualGoal, version: int | None) -> AnnualGoal:
    current = (
        AnnualGoal.objects.select_for_update(of=("self",))
        .select_related("service_form", "theme", "working_group")
        .get(pk=goal.pk)
    )
    ensure_version(current, version)
    return current


def _refresh(goal: AnnualGoal, current: AnnualGoal) -> None:
    goal.__dict__.update({f.attname: getattr(current, f.attname) for f in current._meta.fields})


@transaction.atomic
def goal_update(*, actor: User, goal: AnnualGoal, version: int | None, **fields: Any) -> AnnualGoal:
    """Change a goal's theme, text or order (:data:`GOAL_FIELDS`)."""
    unknown = set(fields) - set(GOAL_FIELDS)
    if unknown:
        raise TypeError(f"unknown goal fields: {sorted(unknown)}")
    with scope(organisation=goal.organisation_id):
        current = _locked(goal, version)
        _require_goal_keeper(actor, current)
        for name, value in fields.items():
            setattr(current, name, value)
        _check(current)
        current.version += 1
        save_validated(current, actor=actor)
    _refresh(goal, current)
    return current


@transaction.atomic
def goal_assess(
    *,
    actor: User,
    goal: AnnualGoal,
    version: int | None,
    status: str,
    assessment: str = "",
    evidence: str = "",
) -> AnnualGoal:
    """Record how the goal has gone: its status, a written assessment and the evidence. A goal
    marked anything but planned needs an assessment: the board reads why, not only what."""
    with scope(organisation=goal.organisation_id):
        current = _locked(goal, version)
        _require_goal_keeper(actor, current)
        errors: dict[str, str] = {}
        if status not in GoalStatus.values:
            errors["status"] = _("Valitse tila.")
        assessment, evidence = assessment.strip(), evidence.strip()
        if status != GoalStatus.PLANNED and not assessment:
            errors["assessment"] = _("Kirjoita lyhyesti, miten tavoite on edennyt.")
        if errors:
            raise ValidationError(errors)
        current.status = status
        current.assessment = assessment
        current.evidence = evidence
        current.assessed_at = timezone.now()
        current.assessed_by = actor
        current.version += 1
        save_validated(current, actor=actor)
    _refresh(goal, current)
    return current


@transaction.atomic
def goal_remove(*, actor: User, goal: AnnualGoal, reason: str) -> None:
    """Remove a goal added by mistake; its history keeps the removed values, ``actor`` and
    ``reason``."""
    with scope(organisation=goal.organisation_id):
        current = _locked(goal, None)
        _require_goal_keeper(actor, current)
        reason = reason.strip()
        if len(reason) < MIN_REASON:
            raise ValidationError({"reason": _("Kirjoita poistolle syy.")})
        current._history_user = actor  # type: ignore[attr-defined]
        current._change_reason = reason  # type: ignore[attr-defined]
        current.delete()


@transaction.atomic
def goals_carry_over(
    *, actor: User, year: int, service_form: ServiceForm | None = None
) -> list[AnnualGoal]:
    """Copy the previous year's unfinished goals (still planned or in progress) of
    ``service_form`` (None: the association's and the working groups') into ``year``'s plan,
    with their themes; a goal whose text is already in ``year``'s plan is not copied twice."""
    _require_keeper(actor, service_form)
    organisation_id = actor.organisation_id
    if organisation_id is None:
        raise PermissionDenied
    with scope(organisation=organisation_id):
        previous = AnnualGoal.objects.filter(
            organisation_id=organisation_id,
            year=year - 1,
            service_form=service_form,
            status__in=[GoalStatus.PLANNED, GoalStatus.IN_PROGRESS],
        ).select_related("theme", "working_group")
        if service_form is None:
            previous = previous.filter(service_form__isnull=True)
        there = set(
            AnnualGoal.objects.filter(
                organisation_id=organisation_id, year=year, service_form=service_form
            ).values_list("working_group_id", "text")
        )
        copied = []
        for old in previous.order_by(
            # The association's own goals before the working groups' (NULLs sort last on
            # PostgreSQL and first on SQLite unless told).
            F("working_group_id").asc(nulls_first=True),
            "order",
            "pk",
        ):
            if (old.working_group_id, old.text) in there:
                continue
            theme = old.theme
            if theme is not None and not theme.covers(year):
                theme = None  # the strategy period has ended: the owner picks a new theme
            copied.append(
                goal_add(
                    actor=actor,
                    year=year,
                    text=old.text,
                    service_form=service_form,
                    working_group=old.working_group,
                    theme=theme,
                )
            )
    return copied
