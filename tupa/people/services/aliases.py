"""Anonymous clients (aliases) and linking an alias to the person it turns out to be."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tupa.access.clients import WALL_MESSAGE, person_behind_wall
from tupa.core.saving import save_validated
from tupa.episodes.models import Participant

from ..models import Alias, Person
from ..processing import ensure_processing_allowed
from ._common import _scoped

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.organisations.models import ServiceForm


@transaction.atomic
def alias_create(
    *,
    actor: User,
    service_form: ServiceForm,
    label: str,
    gender: str = Person.Gender.UNKNOWN,
    birth_year: int | None = None,
) -> Alias:
    """An alias for an anonymous client of ``service_form`` (no identifying data)."""
    label = " ".join((label or "").split())
    if not label:
        raise ValidationError({"label": _("Kirjoita peitenimi.")})
    this_year = timezone.localdate().year
    if birth_year is not None and not (this_year - 120 <= birth_year <= this_year):
        raise ValidationError(
            {
                "birth_year": _("Syntymävuoden pitää olla välillä %(min)d–%(max)d.")
                % {"min": this_year - 120, "max": this_year}
            }
        )
    alias = Alias(
        organisation_id=service_form.organisation_id,
        service_form=service_form,
        label=label,
        gender=gender or Person.Gender.UNKNOWN,
        birth_year=birth_year,
        created_by=actor,
    )
    with _scoped(service_form.organisation_id):
        save_validated(alias, actor=actor)
    return alias


@transaction.atomic
def alias_link(*, actor: User, alias: Alias, person: Person, reason: str) -> Alias:
    """Identify an anonymous client: link ``alias`` to ``person`` with the reason recorded.

    The alias's participations become the person's: the same participant rows, in the same
    episodes, with the same roles — so no episode, count or journal link changes, and the
    person's page now shows those episodes. The anonymous phase stays readable in the
    participants' change history and on the alias (``linked_at``, ``linked_by``,
    ``link_reason``).
    """
    ensure_processing_allowed(alias, person)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Kirjoita tunnistamisen peruste.")})
    if alias.organisation_id != person.organisation_id:
        raise ValidationError({"person": _("Valittu kohde kuuluu toiseen organisaatioon.")})
    with _scoped(alias.organisation_id):
        alias = Alias.objects.select_for_update().get(pk=alias.pk)
        if alias.person_id is not None:
            raise ValidationError(_("Peitenimi on jo tunnistettu."))
        if person.merged_into_id is not None:
            raise ValidationError(
                {"person": _("Henkilö on yhdistetty toiseen henkilöön. Valitse se henkilö.")}
            )
        if person_behind_wall(person=person, service_form=alias.service_form):
            raise ValidationError({"person": WALL_MESSAGE})
        parts = list(Participant.objects.filter(alias=alias).select_related("episode"))
        clash = Participant.objects.filter(
            person=person, episode_id__in=[p.episode_id for p in parts]
        ).exists()
        if clash:
            raise ValidationError(
                {
                    "person": _(
                        "Henkilö on jo mukana samassa asiakkuudessa omalla nimellään. "
                        "Tarkista, onko valittu oikea henkilö."
                    )
                }
            )
        for part in parts:
            part.person = person
            part.alias = None
            part._change_reason = reason  # type: ignore[attr-defined]
            save_validated(part, actor=actor)
        alias.person = person
        alias.linked_at = timezone.now()
        alias.linked_by = actor
        alias.link_reason = reason
        save_validated(alias, actor=actor)
    return alias
