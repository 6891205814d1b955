"""Answering without an account: the token look-ups, the answer and draft writes of the public
pages, re-issuing an invitation's link, and the kiosks (docs/surveys-answering.md).

The public pages run without a user and so without an organisation scope: the token is the whole
authority. The look-ups here therefore read with scopes disabled, *by the token's hash only*, and
every write then runs inside the scope of the organisation the token belongs to.

An invitation is answerable while it is open and unexpired; a kiosk while it is active and its
questionnaire has a published version (the latest one is shown). Anything else is "no longer in
use" — the caller shows one and the same page whatever the reason.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from tupa.access.surveys import invitation_basis
from tupa.surveys import tokens
from tupa.surveys.models import (
    Channel,
    Invitation,
    Kiosk,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    ResponseDraft,
)
from tupa.surveys.recording import clean_answers, items_of, response_record
from tupa.surveys.schedules.services import invitation_require_contact

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.organisations.models import ServiceForm
    from tupa.surveys.models import Item

#: Prefixes of the submission keys of the public pages (other channels use keys of their own).
LINK_KEY_PREFIX = "l-"
KIOSK_KEY_PREFIX = "k-"


# --- Submission keys -------------------------------------------------------------------------


def new_submission_key(prefix: str) -> str:
    """A random per-render key (stored nowhere until the answer set is stored under it)."""
    return prefix + secrets.token_urlsafe(32)


def valid_submission_key(key: str, prefix: str) -> bool:
    return key.startswith(prefix) and tokens.looks_like_token(key[len(prefix) :])


def key_used(key: str) -> bool:
    """An answer set is already stored under ``key`` (a double submit)."""
    with scopes_disabled():
        return Response.objects.filter(submission_key=key).exists()


# --- Look-ups by token -----------------------------------------------------------------------


def _invitations() -> Any:
    return Invitation.objects.select_related(
        "version__questionnaire", "service_form", "episode", "person"
    )


def invitation_by_token(token: str) -> Invitation | None:
    """The open, unexpired invitation of ``token``, or None (malformed, forged, expired, used,
    cancelled — the caller must not tell these apart)."""
    if not tokens.looks_like_token(token):
        return None
    with scopes_disabled():
        invitation = (
            _invitations()
            .filter(
                token_hash=tokens.hash_token(token),
                status=Invitation.Status.OPEN,
                expires_at__gt=timezone.now(),
            )
            .exclude(version__status=QuestionnaireVersion.Status.DRAFT)
            .first()
        )
    return invitation  # type: ignore[no-any-return]


def answered_invitation_by_token(token: str) -> Invitation | None:
    """The answered invitation of ``token`` (for the thank-you page after a double submit)."""
    if not tokens.looks_like_token(token):
        return None
    with scopes_disabled():
        invitation = (
            _invitations()
            .filter(token_hash=tokens.hash_token(token), status=Invitation.Status.ANSWERED)
            .first()
        )
    return invitation  # type: ignore[no-any-return]


def latest_published(questionnaire: Questionnaire) -> QuestionnaireVersion | None:
    return (
        QuestionnaireVersion.objects.filter(
            questionnaire=questionnaire, status=QuestionnaireVersion.Status.PUBLISHED
        )
        .order_by("-number")
        .first()
    )


def kiosk_by_token(token: str) -> tuple[Kiosk, QuestionnaireVersion] | None:
    """The active kiosk of ``token`` and the version it shows, or None."""
    if not tokens.looks_like_token(token):
        return None
    with scopes_disabled():
        kiosk = (
            Kiosk.objects.select_related("questionnaire", "service_form")
            .filter(token_hash=tokens.hash_token(token), active=True)
            .exclude(questionnaire__archived=True)
            .first()
        )
        if kiosk is None:
            return None
        version = latest_published(kiosk.questionnaire)
    if version is None:
        return None
    return kiosk, version


# --- Answering -------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What a submit came to: stored (``done``), or the messages per item code."""

    done: bool
    errors: dict[str, str] = field(default_factory=dict)
    response: Response | None = None


def posted_values(raw: Mapping[str, Any], items: list[Item]) -> dict[str, list[str]]:
    """The posted strings of each item (what a draft keeps), empty items left out."""
    values: dict[str, list[str]] = {}
    for item in items:
        getlist = getattr(raw, "getlist", None)
        found = getlist(item.code) if getlist is not None else raw.get(item.code, [])
        if isinstance(found, str):
            found = [found]
        kept = [str(v).strip() for v in found if str(v).strip()]
        if kept:
            values[item.code] = kept
    return values


def invitation_answer(
    *, invitation: Invitation, raw: Mapping[str, Any], submission_key: str
) -> Outcome:
    """Store the answers of an invitation's recipient (channel ``link``), mark the invitation
    answered and drop its draft. Single use: a second key on an answered invitation stores
    nothing; the same key again returns the first answer set."""
    items = items_of(invitation.version)
    cleaned, errors = clean_answers(invitation.version, raw, items=items)
    if errors:
        return Outcome(False, errors)
    with transaction.atomic(), scope(organisation=invitation.organisation_id):
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.status != Invitation.Status.OPEN:
            existing = Response.objects.filter(submission_key=submission_key).first()
            if existing is None:
                raise ValidationError(_("Kyselyyn on jo vastattu tällä linkillä."))
            return Outcome(True, response=existing)
        anonymous = invitation.anonymous
        response, _created = response_record(
            version=invitation.version,
            service_form=invitation.service_form,
            channel=Channel.LINK,
            answers=cleaned,
            submission_key=submission_key,
            anonymous=anonymous,
            episode=None if anonymous else invitation.episode,
            person=None if anonymous else invitation.person,
            invitation=None if anonymous else invitation,
            measurement_point=invitation.measurement_point,
        )
        Invitation.objects.filter(pk=invitation.pk).update(
            status=Invitation.Status.ANSWERED,
            # An anonymous invitation keeps no day of its answer (the response keeps its month).
            answered_on=None if anonymous else timezone.localdate(),
            updated_at=timezone.now(),
        )
        ResponseDraft.objects.filter(invitation_id=invitation.pk).delete()
    invitation.status = Invitation.Status.ANSWERED
    return Outcome(True, response=response)


def draft_save(*, invitation: Invitation, raw: Mapping[str, Any]) -> dict[str, str]:
    """Keep what the recipient has typed so far ("Tallenna ja jatka myöhemmin", autosave).

    Required items may be empty; an answer that is not acceptable (e.g. too long) is not kept
    and its message is returned, the rest is saved."""
    items = items_of(invitation.version)
    _cleaned, errors = clean_answers(invitation.version, raw, items=items, enforce_required=False)
    values = {
        code: value for code, value in posted_values(raw, items).items() if code not in errors
    }
    with transaction.atomic(), scope(organisation=invitation.organisation_id):
        ResponseDraft.objects.update_or_create(invitation=invitation, defaults={"data": values})
    return errors


def draft_of(invitation: Invitation) -> dict[str, list[str]]:
    """The saved draft's values (empty when there is none)."""
    draft = ResponseDraft.objects.filter(invitation_id=invitation.pk).first()
    if draft is None or not isinstance(draft.data, dict):
        return {}
    return {str(k): [str(x) for x in v] for k, v in draft.data.items() if isinstance(v, list)}


def kiosk_answer(
    *,
    kiosk: Kiosk,
    version: QuestionnaireVersion,
    raw: Mapping[str, Any],
    submission_key: str,
) -> Outcome:
    """One anonymous kiosk answer set (channel ``kiosk``); the same key twice stores one."""
    cleaned, errors = clean_answers(version, raw)
    if errors:
        return Outcome(False, errors)
    response, _created = response_record(
        version=version,
        service_form=kiosk.service_form,
        channel=Channel.KIOSK,
        answers=cleaned,
        submission_key=submission_key,
        anonymous=True,
    )
    return Outcome(True, response=response)


# --- Staff: re-issuing an invitation's link ---------------------------------------------------


@transaction.atomic
def invitation_reissue(*, actor: User, invitation: Invitation) -> str:
    """A new token for an open invitation (the link to give or print); the old link stops working.

    Refuses a user who may not act on the invitation, a follow-up whose contact permission is no
    longer valid (``lupa peruttu``), and an answered, cancelled or expired invitation (an expired one needs a new invitation:
    the schedule's link validity decides how long a link lasts). Only the new token's hash is
    stored; the token is returned once.
    """
    if invitation_basis(actor, invitation) is None:
        raise PermissionDenied
    invitation_require_contact(invitation)
    with scope(organisation=invitation.organisation_id):
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.status == Invitation.Status.ANSWERED:
            raise ValidationError(_("Kyselyyn on jo vastattu; uutta linkkiä ei voi antaa."))
        if locked.status == Invitation.Status.CANCELLED:
            raise ValidationError(_("Kutsu on peruttu; uutta linkkiä ei voi antaa."))
        if locked.expires_at <= timezone.now():
            raise ValidationError(_("Kutsu on vanhentunut; tee uusi kutsu."))
        token, digest = tokens.new_token()
        locked.token_hash = digest
        locked.save(update_fields=["token_hash", "updated_at"])
    invitation.token_hash = digest
    return token


# --- Staff: kiosks ---------------------------------------------------------------------------


def _check_questionnaire(service_form: ServiceForm, questionnaire: Questionnaire) -> None:
    if (
        questionnaire.organisation_id != service_form.organisation_id
        or questionnaire.service_form_id not in (None, service_form.pk)
        or questionnaire.archived
    ):
        raise ValidationError({"questionnaire": _("Valitse työmuodon kysely.")})
    if latest_published(questionnaire) is None:
        raise ValidationError({"questionnaire": _("Kyselystä ei ole julkaistua versiota.")})


@transaction.atomic
def kiosk_create(
    *, actor: User, service_form: ServiceForm, questionnaire: Questionnaire, name: str
) -> tuple[Kiosk, str]:
    """A new kiosk of ``service_form``; returns it and its device token (shown once)."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Anna kioskille nimi.")})
    with scope(organisation=service_form.organisation_id):
        _check_questionnaire(service_form, questionnaire)
        token, digest = tokens.new_token()
        kiosk = Kiosk.objects.create(
            organisation_id=service_form.organisation_id,
            name=name,
            service_form=service_form,
            questionnaire=questionnaire,
            token_hash=digest,
            created_by=actor,
        )
    return kiosk, token


@transaction.atomic
def kiosk_deactivate(*, actor: User, kiosk: Kiosk) -> Kiosk:
    """Take a kiosk out of use: its link shows the "no longer in use" page."""
    with scope(organisation=kiosk.organisation_id):
        Kiosk.objects.filter(pk=kiosk.pk).update(active=False, updated_at=timezone.now())
    kiosk.active = False
    return kiosk


@transaction.atomic
def kiosk_relink(*, actor: User, kiosk: Kiosk) -> str:
    """A new device link for a kiosk (a lost or replaced tablet): the old link stops working. A
    deactivated kiosk is taken back into use with the new link."""
    with scope(organisation=kiosk.organisation_id):
        if latest_published(kiosk.questionnaire) is None or kiosk.questionnaire.archived:
            raise ValidationError(_("Kioskin kyselystä ei ole julkaistua versiota."))
        token, digest = tokens.new_token()
        Kiosk.objects.filter(pk=kiosk.pk).update(
            token_hash=digest, active=True, updated_at=timezone.now()
        )
    kiosk.token_hash = digest
    kiosk.active = True
    return token
