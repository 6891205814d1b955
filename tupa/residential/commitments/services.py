"""Writes of payment commitments (*maksusitoumus*, issue 4 item 9).

A commitment says that a payer (a wellbeing services county or a municipality, a
:class:`~tupa.organisations.models.Partner`) pays an episode's care days from ``valid_from`` to
``valid_until`` (open = until further notice), optionally at a daily price. The billing selector
(:mod:`.commitment_selectors`) lets the commitment covering a date decide who pays that day.

Rules (house style: keyword-only, ``actor`` first, one transaction, Finnish messages by field):

- Only client-work members (worker, lead, coordinator) of the episode's residential service form
  write commitments (:func:`tupa.access.residential.may_keep_stays`).
- **No overlap**: two commitments of the same episode that are not cancelled may not share a
  single date, whoever the payer — a care day has exactly one payer. The check runs with the
  episode row locked (``select_for_update``), so two workers saving at once cannot both slip in.
- **Corrections** change the row; django-simple-history keeps every earlier version with who
  and why (the reason is required). **Cancelling** keeps the row (``cancelled_on`` + reason in
  the history); a cancelled commitment covers no date.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.access.residential import may_keep_stays
from tupa.core.saving import save_validated
from tupa.episodes.models import Episode
from tupa.organisations.models import Municipality, Partner, ServiceForm
from tupa.people.processing import ensure_episode_processing_allowed
from tupa.residential.models import PaymentCommitment

if TYPE_CHECKING:
    from tupa.accounts.models import User

#: Partner kinds offered (and accepted) as payers of a commitment.
PAYER_KINDS = frozenset({Partner.Kind.WELLBEING_SERVICES, Partner.Kind.MUNICIPALITY})

#: Fields a correction may change.
CORRECTABLE = frozenset(
    {"payer", "municipality", "reference", "valid_from", "valid_until", "daily_price", "note"}
)


def _fmt(day: dt.date | None) -> str:
    return "" if day is None else f"{day.day}.{day.month}.{day.year}"


def _require_member(actor: User, episode: Episode) -> None:
    """A client-work member of the episode's unit, and no participant under a processing
    restriction (GDPR art. 18: a commitment records the family's payer and home municipality,
    as the stays' services refuse)."""
    if not may_keep_stays(actor, episode.service_form_id):
        raise PermissionDenied(_("Tämä edellyttää asiakastyön jäsenyyttä työmuodossa."))
    ensure_episode_processing_allowed(episode)


def _check_payer_active(payer: Partner) -> None:
    if not payer.active:
        raise ValidationError({"payer": _("Maksaja ei ole aktiivinen.")})


def _check_values(
    episode: Episode,
    *,
    payer: Partner,
    valid_from: dt.date,
    valid_until: dt.date | None,
    daily_price: Decimal | None,
) -> None:
    if episode.service_form.kind != ServiceForm.Kind.RESIDENTIAL:
        raise ValidationError(_("Maksusitoumuksia kirjataan vain asumispalvelun asiakkuuksille."))
    if payer.organisation_id != episode.organisation_id:
        raise ValidationError({"payer": _("Valittu kohde kuuluu toiseen organisaatioon.")})
    if valid_until is not None and valid_until < valid_from:
        raise ValidationError(
            {"valid_until": _("Voimassaolon päättymispäivä ei voi olla ennen alkamispäivää.")}
        )
    if daily_price is not None and daily_price < 0:
        raise ValidationError({"daily_price": _("Vuorokausihinta ei voi olla negatiivinen.")})


def _check_overlap(
    episode: Episode,
    *,
    valid_from: dt.date,
    valid_until: dt.date | None,
    exclude: PaymentCommitment | None = None,
) -> None:
    """Refuse when another valid commitment of the (locked) episode shares a date."""
    others = PaymentCommitment.objects.filter(episode=episode, cancelled_on__isnull=True).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=valid_from)
    )
    if valid_until is not None:
        others = others.filter(valid_from__lte=valid_until)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    clash = others.select_related("payer").order_by("valid_from", "pk").first()
    if clash is None:
        return
    if clash.valid_until is None:
        period = _("%(start)s alkaen") % {"start": _fmt(clash.valid_from)}
    else:
        period = f"{_fmt(clash.valid_from)}–{_fmt(clash.valid_until)}"
    raise ValidationError(
        {
            "valid_from": _(
                "Asiakkuudella on jo voimassa oleva maksusitoumus ajalle %(period)s "
                "(maksaja %(payer)s). Maksusitoumusten voimassaolot eivät saa mennä päällekkäin: "
                "korjaa aiemman sitoumuksen voimassaoloaika tai peru se ensin."
            )
            % {"period": period, "payer": clash.payer.name}
        }
    )


def _lock_episode(episode: Episode) -> Episode:
    return (
        Episode.objects.select_for_update(of=("self",))
        .select_related("service_form")
        .get(pk=episode.pk)
    )


@transaction.atomic
def commitment_add(
    *,
    actor: User,
    episode: Episode,
    payer: Partner,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    municipality: Municipality | None = None,
    reference: str = "",
    daily_price: Decimal | None = None,
    note: str = "",
) -> PaymentCommitment:
    """Record a payer's commitment to pay the episode's care days for a period."""
    _require_member(actor, episode)
    with scope(organisation=episode.organisation_id):
        current = _lock_episode(episode)
        _check_payer_active(payer)
        _check_values(
            current,
            payer=payer,
            valid_from=valid_from,
            valid_until=valid_until,
            daily_price=daily_price,
        )
        _check_overlap(current, valid_from=valid_from, valid_until=valid_until)
        commitment = PaymentCommitment(
            organisation_id=current.organisation_id,
            episode=current,
            payer=payer,
            municipality=municipality,
            reference=reference.strip(),
            valid_from=valid_from,
            valid_until=valid_until,
            daily_price=daily_price,
            note=note.strip(),
            created_by=actor,
        )
        save_validated(commitment, actor=actor, reason=_("Kirjattu"))
    return commitment


@transaction.atomic
def commitment_correct(
    *, actor: User, commitment: PaymentCommitment, reason: str, **fields: Any
) -> PaymentCommitment:
    """Correct a commitment (a typo, an extended validity, a new price). History keeps the old."""
    unknown = set(fields) - CORRECTABLE
    if unknown:
        raise TypeError(f"not correctable: {sorted(unknown)}")
    episode = commitment.episode
    _require_member(actor, episode)
    if not reason.strip():
        raise ValidationError({"reason": _("Kerro, miksi maksusitoumusta korjataan.")})
    with scope(organisation=episode.organisation_id):
        current_episode = _lock_episode(episode)
        current = PaymentCommitment.objects.select_for_update().get(pk=commitment.pk)
        if current.cancelled_on is not None:
            raise ValidationError(_("Peruttua maksusitoumusta ei voi korjata."))
        if "payer" in fields and fields["payer"].pk != current.payer_id:
            _check_payer_active(fields["payer"])
        for name, value in fields.items():
            if isinstance(value, str):
                value = value.strip()
            setattr(current, name, value)
        _check_values(
            current_episode,
            payer=current.payer,
            valid_from=current.valid_from,
            valid_until=current.valid_until,
            daily_price=current.daily_price,
        )
        _check_overlap(
            current_episode,
            valid_from=current.valid_from,
            valid_until=current.valid_until,
            exclude=current,
        )
        save_validated(current, actor=actor, reason=reason.strip())
    return current


@transaction.atomic
def commitment_cancel(
    *,
    actor: User,
    commitment: PaymentCommitment,
    reason: str,
    cancelled_on: dt.date | None = None,
) -> PaymentCommitment:
    """Cancel a commitment recorded in error or withdrawn by the payer (the row is kept)."""
    episode = commitment.episode
    _require_member(actor, episode)
    if not reason.strip():
        raise ValidationError({"reason": _("Kerro, miksi maksusitoumus perutaan.")})
    with scope(organisation=episode.organisation_id):
        _lock_episode(episode)
        current = PaymentCommitment.objects.select_for_update().get(pk=commitment.pk)
        if current.cancelled_on is not None:
            raise ValidationError(_("Maksusitoumus on jo peruttu."))
        current.cancelled_on = cancelled_on or timezone.localdate()
        save_validated(current, actor=actor, reason=reason.strip())
    return current
