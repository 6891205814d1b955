"""Writing the DPO's handling of anomaly findings (append-only :class:`AnomalyReview` rows)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from tupa.audit.models import AnomalyReview
from tupa.dataprotection.anomalies.rules import Finding

if TYPE_CHECKING:
    from tupa.accounts.models import User

NOTE_MIN_LENGTH = 10
NOTE_MAX_LENGTH = 2000


def reviews_of(*, organisation_id: int, keys: Iterable[str]) -> dict[str, list[AnomalyReview]]:
    """Every review of the findings ``keys``, newest first per key (one query)."""
    wanted = list(dict.fromkeys(keys))
    result: dict[str, list[AnomalyReview]] = {}
    if not wanted:
        return result
    with scopes_disabled():
        rows = (
            AnomalyReview.objects.filter(organisation_id=organisation_id, finding_key__in=wanted)
            .select_related("handled_by")
            .order_by("-handled_at", "-id")
        )
        for row in rows:
            result.setdefault(row.finding_key, []).append(row)
    return result


@transaction.atomic
def anomaly_review_record(
    *, actor: User, finding: Finding, note: str, handled: bool = True
) -> AnomalyReview:
    """Record that ``actor`` handled (or reopened) ``finding``; supersedes the previous review.

    Nothing is updated: the new row names the one it supersedes, and the newest row is the
    finding's state.
    """
    note = note.strip()
    if len(note) < NOTE_MIN_LENGTH:
        raise ValidationError(
            {
                "note": _("Kirjoita huomio (vähintään %(count)d merkkiä).")
                % {"count": NOTE_MIN_LENGTH}
            }
        )
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {
                "note": _("Huomio on liian pitkä (enintään %(count)d merkkiä).")
                % {"count": NOTE_MAX_LENGTH}
            }
        )
    organisation_id = actor.organisation_id
    if organisation_id is None:  # pragma: no cover - the policy refuses these first
        raise ValidationError(_("Käyttäjällä ei ole organisaatiota."))
    with scopes_disabled():
        previous = (
            AnomalyReview.objects.select_for_update()
            .filter(organisation_id=organisation_id, finding_key=finding.key)
            .order_by("-handled_at", "-id")
            .first()
        )
        review = AnomalyReview(
            organisation_id=organisation_id,
            rule=finding.rule,
            finding_key=finding.key,
            staff_user_id=finding.user_id,
            finding_at=finding.first_at,
            handled=handled,
            note=note,
            handled_by=actor,
            supersedes=previous,
        )
        review.full_clean(exclude=["handled_at"])
        review.save()
    return review
