"""The access-request workflow (services): each step checks who and when, then appends a row.

received → identity verified → draft assembled → item decisions and unit reviews → DPO review →
decided → delivered. The DPO does every step but the unit review; a worker of a unit decides the
unit's items (:func:`tupa.access.dataprotection.may_review`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from tupa.access.dataprotection import is_dpo, may_review, unit_form_ids
from tupa.audit.models import (
    AccessRequest,
    AccessRequestItemDecision,
    AccessRequestStep,
    DisclosureBasis,
    DisclosureKind,
)
from tupa.core.dates import fi_date
from tupa.core.months import add_months
from tupa.dataprotection.disclosures.services import disclosure_record
from tupa.people.models import Person

from .draft import build_draft
from .frozen import freeze_letter, frozen_letter
from .items import Draft
from .selectors import reviewed_units

if TYPE_CHECKING:
    from tupa.accounts.models import User

Status = AccessRequest.Status
Step = AccessRequestStep.Kind
Decision = AccessRequestItemDecision.Decision
Outcome = AccessRequest.Outcome

#: The deadline may be extended by at most two months (GDPR art. 12(3)).
MAX_EXTENSION_MONTHS = 2


# --------------------------------------------------------------------------- services


def _step(
    ar: AccessRequest, kind: str, actor: User, note: str = "", service_form_id: int | None = None
) -> None:
    with scopes_disabled():
        AccessRequestStep(
            access_request=ar, kind=kind, actor=actor, note=note, service_form_id=service_form_id
        ).save()


def _require_dpo(actor: User, ar: AccessRequest | None = None) -> None:
    if not is_dpo(actor) or (ar is not None and ar.organisation_id != actor.organisation_id):
        raise ValidationError(_("Vain tietosuojavastaava voi tehdä tämän."))


def _require_status(ar: AccessRequest, *allowed: str) -> None:
    if ar.status not in allowed:
        raise ValidationError(_("Tietopyyntö ei ole tässä vaiheessa."))


def _save(ar: AccessRequest, *fields: str) -> None:
    """Save only ``fields`` of the request (each step validated them; the steps are the history).

    Not :func:`tupa.core.saving.save_validated`: that runs ``full_clean`` and saves every field,
    while a step here writes the few fields it changed (``update_fields``).
    """
    with scopes_disabled():
        ar.save(update_fields=list(fields))


@transaction.atomic
def request_create(
    *, actor: User, person: Person, received_on: dt.date, request_text: str = ""
) -> AccessRequest:
    _require_dpo(actor)
    if person.organisation_id != actor.organisation_id:
        raise ValidationError(_("Henkilö ei kuulu organisaatioon."))
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("Päivä ei voi olla tulevaisuudessa.")})
    ar = AccessRequest(
        organisation_id=actor.organisation_id,
        person=person,
        received_on=received_on,
        request_text=request_text.strip(),
        due_on=add_months(received_on, 1),
        created_by=actor,
    )
    with scopes_disabled():
        ar.save()
    _step(ar, Step.RECEIVED, actor, request_text.strip())
    return ar


@transaction.atomic
def identity_verify(*, actor: User, access_request: AccessRequest, method: str) -> AccessRequest:
    ar = access_request
    _require_dpo(actor, ar)
    _require_status(ar, Status.RECEIVED)
    if not method.strip():
        raise ValidationError({"method": _("Kerro, miten henkilöllisyys varmistettiin.")})
    ar.identity_method = method.strip()
    ar.identity_verified_by = actor
    ar.identity_verified_at = timezone.now()
    ar.status = Status.VERIFIED
    _save(ar, "identity_method", "identity_verified_by", "identity_verified_at", "status")
    _step(ar, Step.IDENTITY_VERIFIED, actor, method.strip())
    return ar


@transaction.atomic
def draft_assemble(*, actor: User, access_request: AccessRequest) -> Draft:
    ar = access_request
    _require_dpo(actor, ar)
    _require_status(ar, Status.VERIFIED)
    draft = build_draft(ar.person, ar)
    ar.status = Status.DRAFT
    _save(ar, "status")
    _step(
        ar,
        Step.DRAFT_ASSEMBLED,
        actor,
        _("%(items)s kohtaa, joista %(pending)s tarkastettavana.")
        % {"items": len(draft.items), "pending": len(draft.pending())},
    )
    return draft


@transaction.atomic
def item_decide(
    *,
    actor: User,
    access_request: AccessRequest,
    item_key: str,
    decision: str,
    reason: str = "",
    released_text: str = "",
) -> AccessRequestItemDecision:
    """A worker of the item's unit, or the DPO, decides on one item of the draft."""
    ar = access_request
    _require_status(ar, Status.DRAFT)
    draft = build_draft(ar.person, ar)
    item = draft.item(item_key)
    if item is None or item.service_form_id not in may_review(actor, ar, draft.units):
        raise ValidationError(_("Et voi tarkastaa tätä kohtaa."))
    errors: dict[str, str] = {}
    if decision not in Decision.values:
        errors["decision"] = _("Valitse päätös.")
    if decision in {Decision.REDACT, Decision.WITHHOLD} and not reason.strip():
        errors["reason"] = _("Kirjoita perustelu: miksi tietoja peitetään tai jätetään pois.")
    if decision == Decision.REDACT and not released_text.strip():
        errors["released_text"] = _("Kirjoita teksti sellaisena kuin se annetaan peitettynä.")
    if errors:
        raise ValidationError(errors)
    with scopes_disabled():
        row = AccessRequestItemDecision(
            access_request=ar,
            item_key=item_key,
            decision=decision,
            # A release covers the text reviewed (items.Item.decision_outdated).
            released_text=released_text.strip()
            if decision == Decision.REDACT
            else item.text
            if decision == Decision.RELEASE
            else "",
            reason=reason.strip(),
            service_form_id=item.service_form_id,
            decided_by=actor,
        )
        row.save()
    _step(ar, Step.ITEM_DECIDED, actor, f"{item_key}: {decision}", item.service_form_id)
    return row


@transaction.atomic
def unit_review_complete(
    *, actor: User, access_request: AccessRequest, service_form_id: int, note: str = ""
) -> None:
    """A worker of the unit confirms the unit's part of the draft (no item left pending)."""
    ar = access_request
    _require_status(ar, Status.DRAFT)
    draft = build_draft(ar.person, ar)
    if (
        ar.organisation_id != actor.organisation_id
        or service_form_id not in draft.units
        or service_form_id not in unit_form_ids(actor)
    ):
        raise ValidationError(_("Vain yksikön työntekijä voi tarkastaa yksikön tiedot."))
    if draft.pending({service_form_id}):
        raise ValidationError(_("Tee päätös jokaisesta tarkastettavasta kohdasta ensin."))
    _step(ar, Step.UNIT_REVIEWED, actor, note.strip(), service_form_id)


@transaction.atomic
def dpo_review_complete(*, actor: User, access_request: AccessRequest, note: str = "") -> None:
    ar = access_request
    _require_dpo(actor, ar)
    _require_status(ar, Status.DRAFT)
    draft = build_draft(ar.person, ar)
    if draft.pending():
        raise ValidationError(_("Tee päätös jokaisesta tarkastettavasta kohdasta ensin."))
    missing = set(draft.units) - reviewed_units(ar)
    if missing:
        raise ValidationError(
            _("Yksikön työntekijä ei ole vielä tarkastanut: %(units)s.")
            % {"units": ", ".join(sorted(draft.units[u] for u in missing))}
        )
    ar.status = Status.REVIEWED
    _save(ar, "status")
    _step(ar, Step.DPO_REVIEWED, actor, note.strip())


@transaction.atomic
def deadline_extend(
    *, actor: User, access_request: AccessRequest, due_on: dt.date, reason: str
) -> AccessRequest:
    """GDPR art. 12(3): at most two further months, with a reason told to the person."""
    ar = access_request
    _require_dpo(actor, ar)
    if ar.status == Status.DELIVERED:
        raise ValidationError(_("Tietopyyntö on jo toimitettu."))
    errors: dict[str, str] = {}
    latest = add_months(ar.received_on, 1 + MAX_EXTENSION_MONTHS)
    if due_on <= ar.due_on:
        errors["due_on"] = _("Uuden määräajan on oltava nykyisen jälkeen.")
    elif due_on > latest:
        errors["due_on"] = _("Määräaikaa voi pidentää enintään %(day)s asti.") % {
            "day": fi_date(latest)
        }
    if not reason.strip():
        errors["reason"] = _("Kerro pidentämisen syy.")
    if errors:
        raise ValidationError(errors)
    ar.due_on = due_on
    ar.extension_reason = reason.strip()
    _save(ar, "due_on", "extension_reason")
    _step(ar, Step.EXTENDED, actor, f"{fi_date(due_on)}: {reason.strip()}")
    return ar


@transaction.atomic
def decide(
    *, actor: User, access_request: AccessRequest, outcome: str, decision_text: str
) -> AccessRequest:
    ar = access_request
    _require_dpo(actor, ar)
    _require_status(ar, Status.REVIEWED)
    draft = build_draft(ar.person, ar)
    limited = bool(draft.withheld() or draft.redacted())
    errors: dict[str, str] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = _("Valitse ratkaisu.")
    elif outcome == Outcome.FULL and limited:
        errors["outcome"] = _("Osa tiedoista on peitetty tai jätetty pois: ratkaisu on osittainen.")
    elif outcome == Outcome.PARTIAL and not limited:
        errors["outcome"] = _("Mitään ei ole peitetty tai jätetty pois: ratkaisu on täysi.")
    if outcome in {Outcome.PARTIAL, Outcome.REFUSED} and not decision_text.strip():
        errors["decision_text"] = _(
            "Kirjoita perusteltu päätös: mitä jätetään antamatta ja millä perusteella."
        )
    if errors:
        raise ValidationError(errors)
    ar.outcome = outcome
    ar.decision_text = decision_text.strip()
    ar.decided_by = actor
    ar.decided_at = timezone.now()
    ar.status = Status.DECIDED
    _save(ar, "outcome", "decision_text", "decided_by", "decided_at", "status")
    # The letter as decided is the one sent and shown afterwards (frozen.py).
    freeze_letter(ar=ar, draft=draft, actor=actor)
    _step(ar, Step.DECIDED, actor, outcome)
    return ar


@transaction.atomic
def deliver(*, actor: User, access_request: AccessRequest, method: str) -> AccessRequest:
    """Record the delivery; unless refused, it is a disclosure to the person (disclosure log)."""
    ar = access_request
    _require_dpo(actor, ar)
    _require_status(ar, Status.DECIDED)
    if not method.strip():
        raise ValidationError({"method": _("Kerro, miten päätös ja ote toimitettiin.")})
    if ar.outcome != Outcome.REFUSED:
        letter = frozen_letter(ar)
        attachments = len(
            letter.attachment_ids
            if letter is not None
            else build_draft(ar.person, ar).released_attachment_ids()
        )
        description = _("Ote henkilön tiedoista: %(outcome)s.") % {
            "outcome": ar.get_outcome_display()
        }
        if attachments:
            description += " " + _("Liitteitä %(count)s (ZIP).") % {"count": attachments}
        ar.disclosure = disclosure_record(
            actor=actor,
            kind=DisclosureKind.CLIENT_EXTRACT,
            recipient=_("Rekisteröity itse (%(method)s)") % {"method": method.strip()},
            basis_kind=DisclosureBasis.DATA_SUBJECT,
            legal_basis=_("EU:n tietosuoja-asetus 15 artikla; tietopyyntö %(number)s")
            % {"number": ar.pk},
            description=description,
            persons=[ar.person],
        )
    ar.delivery_method = method.strip()
    ar.delivered_by = actor
    ar.delivered_at = timezone.now()
    ar.status = Status.DELIVERED
    _save(ar, "delivery_method", "delivered_by", "delivered_at", "status", "disclosure")
    _step(ar, Step.DELIVERED, actor, method.strip())
    return ar
