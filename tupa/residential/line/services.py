"""Writes of the shelter's 24 h phone and chat line (issue 4, item 7).

House style: keyword-only, ``actor`` first, one transaction, Finnish ``ValidationError``
messages keyed by field. Only members doing client work (worker, lead, coordinator) in the
shelter's own service form may record a contact. The contact is anonymous by design.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tupa.access.residential import may_record_line_contact
from tupa.residential.entries import entry_moment
from tupa.residential.models import LineContact

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.organisations.models import ServiceForm

MIN_DURATION = 1
MAX_DURATION = 600


def line_contact_record(
    *,
    actor: User,
    service_form: ServiceForm,
    caller: str,
    outcome: str,
    occurred_at: dt.datetime | None = None,
    duration_minutes: int = 10,
    channel: str = LineContact.Channel.PHONE,
    topics: Iterable[str] = (),
    referred_to: str = "",
    language: str = "",
    note: str = "",
) -> LineContact:
    """Record one anonymous line contact of ``service_form`` (the shelter)."""
    if not may_record_line_contact(actor, service_form):
        raise PermissionDenied(_("Tämä edellyttää asiakastyön jäsenyyttä työmuodossa."))
    errors: dict[str, str] = {}
    when = entry_moment(occurred_at, errors)
    if not isinstance(duration_minutes, int) or not (
        MIN_DURATION <= duration_minutes <= MAX_DURATION
    ):
        errors["duration_minutes"] = _("Keston on oltava %(min)s–%(max)s minuuttia.") % {
            "min": MIN_DURATION,
            "max": MAX_DURATION,
        }
    if channel not in LineContact.Channel.values:
        errors["channel"] = _("Valitse kanava.")
    if caller not in LineContact.Caller.values:
        errors["caller"] = _("Valitse, kuka otti yhteyttä.")
    if outcome not in LineContact.Outcome.values:
        errors["outcome"] = _("Valitse yhteydenoton tulos.")
    topic_list = list(dict.fromkeys(topics))  # unique, order kept
    if any(t not in LineContact.Topic.values for t in topic_list):
        errors["topics"] = _("Tuntematon aihe.")
    referred_to = referred_to.strip()
    if outcome == LineContact.Outcome.REFERRED and not referred_to:
        errors["referred_to"] = _("Kerro, mihin yhteydenottaja ohjattiin.")
    if errors:
        raise ValidationError(errors)
    contact = LineContact(
        organisation_id=service_form.organisation_id,
        service_form=service_form,
        occurred_at=when,
        duration_minutes=duration_minutes,
        channel=channel,
        caller=caller,
        topics=topic_list,
        outcome=outcome,
        referred_to=referred_to,
        language=language.strip(),
        note=note.strip(),
        recorded_by=actor,
    )
    with transaction.atomic():
        contact.full_clean()
        contact.save()
    return contact
