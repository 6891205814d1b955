"""Who may see, drill into and send returns (:mod:`tupa.statistics`).

A return's own policy action (``ReturnTemplate.visible``) decides who sees it, on the service
form for form-scoped returns and on the organisation otherwise. Figures are aggregates; the
records behind a figure are shown only as far as the viewer may see those clients anyway
(:func:`drill_bases`), each shown person logged like any read; the volunteers behind a
volunteer figure only as far as the viewer may read them in the volunteer register
(:func:`drill_volunteer_bases`). The federation's staff see members' shared, suppressed returns
and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from tupa.access import clients
from tupa.access import prevention as prevention_access
from tupa.access import volunteers as volunteer_access
from tupa.access.policy import Basis, active_memberships, decide
from tupa.accounts.models import Role

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.organisations.models import ServiceForm


def may_see_grant_targets(user: User) -> bool:
    """The year's STEA grant targets beside the returns (the catalogue): whoever may read the
    grants register."""
    return bool(decide(user, "finance.grants.view"))


def may_see_return(user: User, template: Any, service_form: ServiceForm | None) -> bool:
    """The template's policy action, decided on its service form (or the organisation)."""
    return bool(decide(user, template.visible, service_form))


def may_send_return(user: User, template: Any, service_form: ServiceForm | None) -> bool:
    """The form's lead (or an org-wide lead / the ED) freezes a return it may see (one of a
    fixed period: a report over a range of one's choosing is never frozen)."""
    return (
        template.sendable
        and may_see_return(user, template, service_form)
        and bool(decide(user, "statistics.submit", service_form))
    )


def may_see_overview(user: User) -> bool:
    """The executive director (every form) and the service-form leads (their forms)."""
    return bool(decide(user, "statistics.organisation.view")) or any(
        m.role == Role.LEAD for m in active_memberships(user)
    )


def may_see_annual_report(user: User) -> bool:
    """The executive director prepares the annual report's figures for the whole organisation."""
    return bool(decide(user, "statistics.organisation.view"))


def may_see_form_overview(user: User, service_form: ServiceForm) -> bool:
    """A form is on the user's overview for the ED, and for a lead of that form."""
    return bool(decide(user, "statistics.organisation.view")) or clients.is_lead(
        user, service_form.pk
    )


def may_see_federation(user: User) -> bool:
    """The federation analyst role (the views also require the user's organisation to be a
    federation's office; see ``tupa.statistics.views.federation``)."""
    return bool(decide(user, "statistics.federation.view"))


def drill_bases(*, user: User, episode_ids: Iterable[int]) -> dict[int, Basis]:
    """The episodes behind a figure that ``user`` may see, with the basis of each (for the log).

    Episodes the user may not see are left out: the drill-down shows only their number.
    """
    return clients.episode_bases(user=user, episode_ids=episode_ids)


def drill_volunteer_bases(*, user: User, volunteer_ids: Iterable[int]) -> dict[int, Basis]:
    """The volunteers behind a figure whose register record ``user`` may read, with the basis
    of each (for the log): the volunteer coordinators of the volunteers' forms
    (``membership``), an organisation-wide coordinator or the executive director
    (``organisation_role``) — ``volunteers.register.view``. Anyone else (a lead reading the
    form's volunteer statistics) sees only the count. One query.
    """
    ids = list(volunteer_ids)
    if not ids or user.organisation_id is None:
        return {}
    forms = volunteer_access.viewable_form_ids(user)
    if forms is not None and not forms:
        return {}
    basis = Basis.ORGANISATION_ROLE if forms is None else Basis.MEMBERSHIP
    visible = volunteer_access.volunteers_visible_to(user).filter(pk__in=ids)
    return dict.fromkeys(visible.values_list("pk", flat=True), basis)


def drill_activity_ids(*, user: User, activity_ids: Iterable[int]) -> list[int]:
    """The prevention activities behind a figure that ``user`` may open: the form's members
    (:func:`tupa.access.prevention.activities_visible_to`); anyone else sees only the count. No
    person is behind them, so nothing is logged. One query."""
    ids = list(activity_ids)
    if not ids:
        return []
    visible = prevention_access.activities_visible_to(user).filter(pk__in=ids)
    return sorted(visible.values_list("pk", flat=True))


def drill_delivery_ids(*, user: User, delivery_ids: Iterable[int]) -> list[int]:
    """The material deliveries behind a figure that ``user`` may open (as the activities)."""
    ids = list(delivery_ids)
    if not ids:
        return []
    visible = prevention_access.deliveries_visible_to(user).filter(pk__in=ids)
    return sorted(visible.values_list("pk", flat=True))
