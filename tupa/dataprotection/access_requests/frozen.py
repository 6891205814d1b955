"""The decision letter's content, and freezing it when the DPO decides (GDPR art. 15, 5(2)).

Until the decision the letter is drawn live from the draft (:func:`letter_context`). When the
DPO decides, :func:`freeze_letter` renders it once and stores it as an
:class:`~tupa.dataprotection.models.AccessRequestLetter` (content, released attachments, moment,
SHA-256; append-only). From then on the letter page, its PDF, the attachments' ZIP and the
delivery use the frozen letter (:func:`frozen_letter`), so what the controller shows afterwards
is what it decided and sent, whatever has been corrected since.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from tupa.audit.models import AccessRequest
from tupa.dataprotection.models import AccessRequestLetter, content_hash

from .items import Draft

if TYPE_CHECKING:
    from tupa.accounts.models import User

BODY_TEMPLATE = "people/rights/_access_request_letter_body.html"


def letter_context(ar: AccessRequest, draft: Draft) -> dict[str, Any]:
    """What the letter's body shows: the decision and the extract as released."""
    released = ar.outcome != AccessRequest.Outcome.REFUSED
    return {
        "ar": ar,
        "person": ar.person,
        "draft": draft,
        "extract": draft.base,
        "episodes": draft.released_episodes() if released else [],
        "withheld_reasons": sorted(
            {
                (i.decision.reason if i.decision else "") or _("Sisältää toisen henkilön tietoja.")
                for i in draft.withheld()
            }
        ),
        "attachment_count": len(draft.released_attachment_ids()) if released else 0,
        "withheld_count": len(draft.withheld()),
        "redacted_count": len(draft.redacted()),
    }


def released_attachment_ids(ar: AccessRequest, draft: Draft) -> list[int]:
    if ar.outcome == AccessRequest.Outcome.REFUSED:
        return []
    return list(draft.released_attachment_ids())


def freeze_letter(*, ar: AccessRequest, draft: Draft, actor: User) -> AccessRequestLetter:
    """Render the decided letter once and store it (within the decision's transaction)."""
    now = ar.decided_at or timezone.now()
    html = render_to_string(
        BODY_TEMPLATE,
        {**letter_context(ar, draft), "generated_at": now, "generated_by": actor, "pdf": False},
    )
    letter = AccessRequestLetter(
        access_request=ar,
        html=html,
        attachment_ids=released_attachment_ids(ar, draft),
        content_hash=content_hash(html),
        frozen_at=now,
        frozen_by=actor,
    )
    with scopes_disabled():
        letter.save()
    return letter


def frozen_letter(ar: AccessRequest) -> AccessRequestLetter | None:
    """The letter frozen when ``ar`` was decided (``None`` before, or if decided before freezing
    existed)."""
    with scopes_disabled():
        return AccessRequestLetter.objects.filter(access_request=ar).first()
