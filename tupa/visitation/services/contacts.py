"""The coordinator's contacts about an order: with whom, how, and what was agreed."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tupa.core.saving import save_validated

from ..models import Contact, ContactChannel, MeetingOrder, OrderParty
from ._common import require_writer

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.organisations.models import Partner


@transaction.atomic
def contact_add(
    *,
    actor: User,
    order: MeetingOrder,
    contacted_on: dt.date,
    channel: str,
    summary: str,
    party: OrderParty | None = None,
    partner: Partner | None = None,
    other: str = "",
) -> Contact:
    """Log one contact of the coordinator about the order: with whom, how, and what was agreed."""
    require_writer(actor, order.episode)
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if contacted_on is None:
        add("contacted_on", _("Anna päivä."))
    elif contacted_on > timezone.localdate():
        add("contacted_on", _("Päivä ei voi olla tulevaisuudessa."))
    if channel not in ContactChannel.values:
        add("channel", _("Valitse yhteydenottotapa."))
    if party is None and partner is None and not other.strip():
        add("party", _("Valitse osapuoli tai viranomainen tai kirjoita, kenen kanssa."))
    if party is not None and party.order_id != order.pk:
        add("party", _("Valitse jokin tämän määräyksen osapuolista."))
    if partner is not None and partner.organisation_id != order.organisation_id:
        add("partner", _("Valitse viranomainen listasta."))
    if len(other) > 200:
        add("other", _("Enintään 200 merkkiä."))
    if not summary.strip():
        add("summary", _("Kirjoita yhteenveto."))
    elif len(summary) > 5000:
        add("summary", _("Yhteenveto saa olla enintään 5000 merkkiä."))
    if errors:
        raise ValidationError(errors)
    contact = Contact(
        organisation_id=order.organisation_id,
        order=order,
        contacted_on=contacted_on,
        channel=channel,
        summary=summary.strip(),
        party=party,
        partner=partner,
        other=other.strip(),
        author=actor,
    )
    save_validated(contact, actor=actor)
    return contact
