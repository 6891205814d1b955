"""What a volunteer's page shows of this package and its siblings: the volunteer's groups with
their attendance, experience-expert consents, student placements and contact consents (in the
forms the reader reads)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tupa.access import volunteers as access
from tupa.volunteers.groups.selectors import VolunteerGroupRow, volunteer_groups
from tupa.volunteers.mailing.selectors import valid_consents
from tupa.volunteers.models import ContactConsent, ExpertConsent, StudentPlacement, Volunteer

if TYPE_CHECKING:
    from tupa.accounts.models import User


@dataclass(frozen=True)
class VolunteerExtras:
    groups: list[VolunteerGroupRow]
    expert_consents: list[ExpertConsent]
    placements: list[StudentPlacement]
    contact_consents: list[ContactConsent]
    contact_valid: bool
    experts_manageable: set[int]  # the expert consents the reader may withdraw
    placements_manageable: set[int]  # the placements the reader may correct


def volunteer_extras(volunteer: Volunteer, *, user: User, today: dt.date) -> VolunteerExtras:
    experts = list(
        access.expert_consents_visible_to(user)
        .filter(volunteer=volunteer)
        .select_related("service_form")
        .order_by("-given_on", "-pk")
    )
    placements = list(
        access.placements_visible_to(user)
        .filter(volunteer=volunteer)
        .select_related("service_form", "supervisor")
        .order_by("-starts_on", "-pk")
    )
    contacts = list(ContactConsent.objects.filter(volunteer=volunteer).order_by("-given_on", "-pk"))
    forms = access.manageable_form_ids(user)
    experts_manageable = {c.pk for c in experts if forms is None or c.service_form_id in forms}
    placements_manageable = {
        p.pk for p in placements if forms is None or p.service_form_id in forms
    }
    return VolunteerExtras(
        groups=volunteer_groups(volunteer, user=user, today=today),
        expert_consents=experts,
        placements=placements,
        contact_consents=contacts,
        contact_valid=valid_consents(today).filter(volunteer=volunteer).exists(),
        experts_manageable=experts_manageable,
        placements_manageable=placements_manageable,
    )
