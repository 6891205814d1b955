"""Changes to the people of an open stay: later arrival, early departure, a baby born (issue 4).

- **Later arrival**: a participant of the episode not yet in the stay joins it (a child comes a
  day later). The arrival lies inside the stay (:meth:`StayMember.clean`).
- **Coming back**: a member who left early returns to the same stay. This is a new member
  period; the earlier period stays as recorded, and it may not overlap the new one. The
  care-day ledger counts the nights of both periods and none of the nights in between.
- **Early departure**: one member leaves before the rest of the family; the departure lies
  after the member's arrival and not after the stay's end. The last member present cannot
  leave this way — the family's departure is recorded as the stay's discharge.
- **A baby is born** during an Ensikoti stay (which may have started during pregnancy): the
  baby becomes a Person (``tupa.episodes.services.participant_add`` with a new person →
  ``tupa.people.services.person_find_or_create``), a participant of the episode in the role
  *child*, the mother's child (``relationship_add``), and a member of the stay from the time
  of birth. **[verify]** A baby born in hospital may come to the home later; the arrival time
  can then be corrected by recording the baby's arrival as the later moment.

Every write locks the stay row first (``select_for_update``), like :mod:`.services`, so that a
member change and a discharge or move of the same stay are serialised.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.access.residential import may_keep_stays
from tupa.core.saving import save_validated
from tupa.episodes import services as episode_services
from tupa.episodes.models import Participant
from tupa.organisations.models import ServiceForm
from tupa.people import services as people_services
from tupa.people.models import Person, Relationship
from tupa.people.processing import ensure_episode_processing_allowed
from tupa.residential.models import Stay, StayMember
from tupa.residential.stays import services as stay_services

if TYPE_CHECKING:
    from tupa.accounts.models import User


def is_mother_and_baby_home(service_form: ServiceForm) -> bool:
    """An Ensikoti (mother-and-baby home): pregnancy stays and the baby-born action live there.

    Marked on the service form (``ServiceForm.pregnancy_stays``, set by an administrator).
    """
    return service_form.kind == ServiceForm.Kind.RESIDENTIAL and service_form.pregnancy_stays


def _require_member(actor: User, stay: Stay) -> None:
    if not may_keep_stays(actor, stay.episode.service_form_id):
        raise PermissionDenied(_("Tämä edellyttää asiakastyön jäsenyyttä työmuodossa."))
    ensure_episode_processing_allowed(stay.episode)


def _lock(stay: Stay) -> Stay:
    return (
        Stay.objects.select_for_update(of=("self",))
        .select_related("episode__service_form", "place")
        .get(pk=stay.pk)
    )


@transaction.atomic
def member_arrive(
    *, actor: User, stay: Stay, participant: Participant, arrived_at: dt.datetime
) -> StayMember:
    """A person of the family joins the open stay later than the others, or comes back to it."""
    _require_member(actor, stay)
    with scope(organisation=stay.organisation_id):
        current = _lock(stay)
        if current.departed_at is not None:
            raise ValidationError({"participant": _("Jakso on jo päättynyt.")})
        if participant.episode_id != current.episode_id:
            raise ValidationError(
                {"participant": _("Henkilö ei ole tämän asiakkuuden osallistuja.")}
            )
        if participant.left_on is not None:
            raise ValidationError(
                {"participant": _("Henkilön osallistuminen asiakkuuteen on päättynyt.")}
            )
        if arrived_at < current.arrived_at:
            raise ValidationError({"arrived_at": _("Henkilö ei voi tulla ennen jakson alkua.")})
        return stay_services.stay_member_add(
            actor=actor, stay=current, participant=participant, arrived_at=arrived_at
        )


@transaction.atomic
def member_depart(*, actor: User, member: StayMember, departed_at: dt.datetime) -> StayMember:
    """One person leaves the stay before the rest of the family."""
    stay = member.stay
    _require_member(actor, stay)
    with scope(organisation=stay.organisation_id):
        current_stay = _lock(stay)
        current = StayMember.objects.select_for_update().get(pk=member.pk)
        current.stay = current_stay
        if current.departed_at is not None:
            raise ValidationError({"departed_at": _("Henkilön lähtö on jo kirjattu.")})
        if departed_at <= current.arrived_at:
            raise ValidationError({"departed_at": _("Lähdön on oltava tulon jälkeen.")})
        if current_stay.departed_at is not None and departed_at >= current_stay.departed_at:
            raise ValidationError(
                {"departed_at": _("Henkilön lähtö ei voi olla jakson päättymisen jälkeen.")}
            )
        staying = (
            StayMember.objects.filter(stay=current_stay, departed_at__isnull=True)
            .exclude(pk=current.pk)
            .exists()
        )
        if current_stay.departed_at is None and not staying:
            raise ValidationError(
                {
                    "departed_at": _(
                        "Jaksolla ei ole muita henkilöitä. Kirjaa koko perheen lähtö "
                        "asumisjakson lähtönä."
                    )
                }
            )
        current.departed_at = departed_at
        save_validated(current, actor=actor)
    member.departed_at = departed_at
    return current


@transaction.atomic
def baby_born(
    *,
    actor: User,
    stay: Stay,
    first_names: str,
    last_name: str,
    born_at: dt.datetime,
    gender: str = Person.Gender.UNKNOWN,
    hetu: str | None = None,
    mother: Participant | None = None,
) -> StayMember:
    """Record a baby born during the stay: person, child participant, relationship, member."""
    _require_member(actor, stay)
    with scope(organisation=stay.organisation_id):
        current = _lock(stay)
        if not is_mother_and_baby_home(current.episode.service_form):
            raise ValidationError(_("Vauvan syntymä kirjataan vain ensikodin jaksolle."))
        if current.departed_at is not None:
            raise ValidationError({"born_at": _("Jakso on jo päättynyt.")})
        if born_at < current.arrived_at:
            raise ValidationError(
                {"born_at": _("Syntymäaika ei voi olla ennen asumisjakson alkua.")}
            )
        if born_at > timezone.now():
            raise ValidationError({"born_at": _("Syntymäaika ei voi olla tulevaisuudessa.")})
        if mother is not None and (
            mother.episode_id != current.episode_id or mother.person_id is None
        ):
            raise ValidationError({"mother": _("Valitse äidiksi tämän jakson henkilö.")})
        if not first_names.strip() or not last_name.strip():
            raise ValidationError(
                {"first_names": _("Anna vauvan etunimi (voi olla väliaikainen) ja sukunimi.")}
            )
        born_on = timezone.localtime(born_at).date()
        participant = episode_services.participant_add(
            actor=actor,
            episode=current.episode,
            role=Participant.Role.CHILD,
            new=episode_services.NewPerson(
                first_names=first_names.strip(),
                last_name=last_name.strip(),
                hetu=hetu or None,
                birth_date=born_on,
                gender=gender,
            ),
            joined_on=born_on,
        )
        if mother is not None and participant.person is not None and mother.person is not None:
            people_services.relationship_add(
                actor=actor,
                person=mother.person,
                relative=participant.person,
                kind=Relationship.Kind.PARENT,
                valid_from=born_on,
            )
        member = StayMember(stay=current, participant=participant, arrived_at=born_at)
        save_validated(member, actor=actor)
    return member
