"""Writes of who is asked and when: schedules and invitations (FBK-01, FBK-03, FBK-04, CON-01).

Every write checks who may do it (:mod:`tupa.access.surveys`), so the views, the episode panel
of the outcome measures and the demo builder are held to the same rules:

- a schedule is set by the form's lead or coordinator (``surveys.manage``); never for the
  shelter (its clients answer THL's form, FBK-06); an outcome measure is always linked; a
  continuous schedule is answered on a kiosk (no one is invited);
- an invitation is made by the form's client workers (``surveys.invite``) for a person of an
  episode they may see; a follow-up needs a valid contact permission
  (:mod:`tupa.surveys.schedules.consent`); one open invitation per recipient and questionnaire.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.access import clients
from tupa.access import surveys as access
from tupa.core.saving import save_validated
from tupa.episodes.models import Episode, Participant
from tupa.programmes.models import Member
from tupa.surveys import tokens
from tupa.surveys.models import (
    Invitation,
    MeasurementPoint,
    Questionnaire,
    QuestionnaireVersion,
    Schedule,
    Target,
    Trigger,
)
from tupa.surveys.schedules import consent
from tupa.surveys.schedules.selectors import MAX_REMINDERS, latest_versions
from tupa.volunteers.models import Assignment as VolunteerAssignment

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.organisations.models import Partner, ServiceForm
    from tupa.people.models import Person
    from tupa.programmes.models import GroupProgramme
    from tupa.volunteers.models import Volunteer

#: Link validity when no schedule says otherwise.
DEFAULT_LINK_DAYS = 21

SCHEDULE_FIELDS = (
    "questionnaire",
    "target",
    "trigger",
    "months_after",
    "channel",
    "anonymous",
    "due_window_days",
    "link_valid_days",
)


def _require(actor: User, action: str, service_form: ServiceForm) -> None:
    if actor.organisation_id != service_form.organisation_id or not access.may(
        actor, action, service_form
    ):
        raise PermissionDenied


def _check_schedule(schedule: Schedule) -> None:
    """The rules of a schedule beyond its fields (Finnish messages, keyed by field)."""
    errors: dict[str, Any] = {}
    questionnaire = schedule.questionnaire
    form = schedule.service_form
    if access.is_thl_feedback_form(form):
        raise ValidationError(
            _("Turvakodin asiakaspalaute kerätään THL:n lomakkeella; aikataulua ei tehdä.")
        )
    if (
        questionnaire.organisation_id != form.organisation_id
        or questionnaire.service_form_id
        not in (
            None,
            form.pk,
        )
    ):
        errors["questionnaire"] = _("Valitse tämän työmuodon tai koko organisaation kysely.")
    elif questionnaire.archived:
        errors["questionnaire"] = _("Kysely on arkistoitu.")
    elif not latest_versions([questionnaire.pk]):
        errors["questionnaire"] = _("Kyselyllä ei ole julkaistua versiota.")
    if schedule.trigger == Trigger.MONTHS_AFTER_END and not schedule.months_after:
        errors["months_after"] = _("Kerro, montako kuukautta päättymisen jälkeen kysytään.")
    if schedule.trigger != Trigger.MONTHS_AFTER_END:
        schedule.months_after = None
    if schedule.trigger == Trigger.CONTINUOUS and schedule.channel != Schedule.Channel.KIOSK:
        errors["channel"] = _("Jatkuva palaute annetaan kioskilla; valitse kanavaksi kioski.")
    if schedule.channel == Schedule.Channel.KIOSK and schedule.trigger != Trigger.CONTINUOUS:
        errors["channel"] = _("Kioskilla kerätään vain jatkuvaa palautetta.")
    if schedule.trigger == Trigger.CONTINUOUS and not schedule.anonymous:
        errors["anonymous"] = _("Kioskin palaute on aina nimetöntä.")
    if questionnaire.is_outcome_measure and schedule.anonymous:
        errors["anonymous"] = _(
            "Vaikuttavuusmittarin vastaukset liitetään asiakkuuteen; nimetön ei käy."
        )
    if schedule.trigger == Trigger.YEARLY and schedule.target in (Target.REFERRER, Target.STAFF):
        errors["target"] = _("Kerran vuodessa kysytään vapaaehtoisilta tai asiakkailta.")
    if schedule.target == Target.VOLUNTEER and schedule.trigger not in (
        Trigger.YEARLY,
        Trigger.MANUAL,
    ):
        errors["trigger"] = _("Vapaaehtoisilta kysytään kerran vuodessa tai käsin.")
    if schedule.target == Target.REFERRER and schedule.trigger not in (
        Trigger.EPISODE_END,
        Trigger.MANUAL,
    ):
        errors["trigger"] = _("Lähettäjiltä kysytään asiakkuuden päättyessä tai käsin.")
    if not schedule.due_window_days:
        errors["due_window_days"] = _("Anna vähintään yksi päivä.")
    if not schedule.link_valid_days:
        errors["link_valid_days"] = _("Anna vähintään yksi päivä.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def schedule_create(
    *, actor: User, service_form: ServiceForm, questionnaire: Questionnaire, **fields: Any
) -> Schedule:
    """A new schedule of ``service_form`` (``fields``: the rest of :data:`SCHEDULE_FIELDS`)."""
    _require(actor, access.MANAGE, service_form)
    schedule = Schedule(
        organisation_id=service_form.organisation_id,
        service_form=service_form,
        questionnaire=questionnaire,
        created_by=actor,
        **fields,
    )
    _check_schedule(schedule)
    with scope(organisation=service_form.organisation_id):
        save_validated(schedule, actor=actor)
    return schedule


@transaction.atomic
def schedule_update(*, actor: User, schedule: Schedule, **fields: Any) -> Schedule:
    """Change a schedule; invitations already made keep their own settings."""
    _require(actor, access.MANAGE, schedule.service_form)
    for name, value in fields.items():
        if name not in SCHEDULE_FIELDS:
            raise TypeError(name)
        setattr(schedule, name, value)
    _check_schedule(schedule)
    with scope(organisation=schedule.organisation_id):
        save_validated(schedule, actor=actor)
    return schedule


@transaction.atomic
def schedule_set_active(*, actor: User, schedule: Schedule, active: bool) -> Schedule:
    """Take a schedule out of use (its due list empties; invitations stay) or back into use."""
    _require(actor, access.MANAGE, schedule.service_form)
    if active:
        _check_schedule(schedule)
    schedule.active = active
    with scope(organisation=schedule.organisation_id):
        save_validated(schedule, actor=actor)
    return schedule


# --------------------------------------------------------------------------- invitations


def _version_for(
    schedule: Schedule | None, version: QuestionnaireVersion | None
) -> QuestionnaireVersion:
    questionnaire_id = (
        schedule.questionnaire_id
        if schedule is not None
        else getattr(version, "questionnaire_id", None)
    )
    if questionnaire_id is None:
        raise ValidationError(_("Valitse kysely."))
    latest = latest_versions([questionnaire_id]).get(questionnaire_id)
    if latest is None:
        raise ValidationError(_("Kyselyllä ei ole julkaistua versiota."))
    return latest


def _check_recipient(
    *,
    actor: User,
    service_form: ServiceForm,
    questionnaire: Questionnaire,
    episode: Episode | None,
    person: Person | None,
    programme: GroupProgramme | None,
    volunteer: Volunteer | None,
    partner: Partner | None,
    recipient_label: str,
) -> None:
    org = service_form.organisation_id
    if questionnaire.organisation_id != org or questionnaire.service_form_id not in (
        None,
        service_form.pk,
    ):
        raise PermissionDenied
    if episode is not None:
        if episode.service_form_id != service_form.pk:
            raise PermissionDenied
        if clients.episode_basis(user=actor, episode=episode) is None:
            raise PermissionDenied
    if person is not None:
        if episode is None:
            raise ValidationError({"episode": _("Valitse asiakkuus, johon kutsu liittyy.")})
        if not Participant.objects.filter(episode=episode, person=person).exists():
            raise ValidationError(
                {"person": _("Valitse henkilö tämän asiakkuuden osallistujista.")}
            )
    if programme is not None:
        if programme.service_form_id != service_form.pk:
            raise PermissionDenied
        if (
            person is not None
            and not Member.objects.filter(programme=programme)
            .filter(Q(participant__person=person) | Q(child__person=person))
            .exists()
        ):
            raise ValidationError({"person": _("Henkilö ei ole tämän ryhmän jäsen.")})
    if volunteer is not None and (
        volunteer.organisation_id != org
        or not VolunteerAssignment.objects.filter(
            volunteer=volunteer, service_form=service_form
        ).exists()
    ):
        raise PermissionDenied
    if partner is not None and partner.organisation_id != org:
        raise PermissionDenied
    if episode is not None and person is None and partner is None and not recipient_label:
        raise ValidationError(_("Valitse, kenelle kutsu tehdään."))


@transaction.atomic
def invitation_create(
    *,
    actor: User,
    service_form: ServiceForm,
    target: str,
    schedule: Schedule | None = None,
    version: QuestionnaireVersion | None = None,
    episode: Episode | None = None,
    person: Person | None = None,
    programme: GroupProgramme | None = None,
    volunteer: Volunteer | None = None,
    partner: Partner | None = None,
    recipient_label: str = "",
    measurement_point: str = "",
    anonymous: bool | None = None,
    due_on: dt.date | None = None,
) -> tuple[Invitation, str]:
    """A one-time invitation; returns it and its token (shown once, only the hash is stored).

    The questionnaire is the schedule's (or ``version``'s) and the version its latest published
    one. Refused: a user without ``surveys.invite`` on the form or who does not see the
    episode (:class:`PermissionDenied`); the shelter; a person who is not a participant of the
    episode; a follow-up without a valid contact permission; an open invitation for the same
    recipient and questionnaire; an anonymous outcome measure."""
    _require(actor, access.INVITE, service_form)
    if schedule is not None and (
        schedule.service_form_id != service_form.pk or not schedule.active
    ):
        raise PermissionDenied
    if access.is_thl_feedback_form(service_form):
        raise ValidationError(
            _("Turvakodin asiakkaat vastaavat THL:n lomakkeeseen; kutsua ei tehdä.")
        )
    with scope(organisation=service_form.organisation_id):
        current = _version_for(schedule, version)
        questionnaire = current.questionnaire
        _check_recipient(
            actor=actor,
            service_form=service_form,
            questionnaire=questionnaire,
            episode=episode,
            person=person,
            programme=programme,
            volunteer=volunteer,
            partner=partner,
            recipient_label=recipient_label,
        )
        if anonymous is None:
            anonymous = (
                schedule.anonymous if schedule is not None else not questionnaire.is_outcome_measure
            )
        if questionnaire.is_outcome_measure and anonymous:
            raise ValidationError(
                _("Vaikuttavuusmittarin vastaukset liitetään asiakkuuteen; nimetön ei käy.")
            )
        if measurement_point and measurement_point not in MeasurementPoint.values:
            raise ValidationError({"measurement_point": _("Valitse mittauspiste.")})
        follow_up = (
            schedule is not None and schedule.needs_contact_permission
        ) or measurement_point == MeasurementPoint.FOLLOW_UP
        today = timezone.localdate()
        if (
            follow_up
            and episode is not None
            and person is not None
            and not consent.contact_allowed(episode=episode, person_id=person.pk, day=today)
        ):
            raise ValidationError(
                _("Henkilöllä ei ole voimassa olevaa yhteydenottolupaa seurantaa varten.")
            )
        # Two clicks of "Luo kutsu" at once make one invitation: the check below runs under a
        # row lock of the schedule and of the episode.
        if schedule is not None:
            list(Schedule.objects.select_for_update().filter(pk=schedule.pk).values("pk"))
        if episode is not None:
            list(Episode.objects.select_for_update().filter(pk=episode.pk).values("pk"))
        duplicate = Invitation.objects.filter(
            status=Invitation.Status.OPEN,
            version__questionnaire=questionnaire,
            service_form=service_form,
            episode=episode,
            person=person,
            programme=programme,
            volunteer=volunteer,
            partner=partner,
            measurement_point=measurement_point,
        )
        if duplicate.exists():
            raise ValidationError(_("Vastaanottajalla on jo avoin kutsu tähän kyselyyn."))
        token, digest = tokens.new_token()
        days = schedule.link_valid_days if schedule is not None else DEFAULT_LINK_DAYS
        invitation = Invitation(
            organisation_id=service_form.organisation_id,
            version=current,
            schedule=schedule,
            service_form=service_form,
            target=target,
            episode=episode,
            person=person,
            programme=programme,
            volunteer=volunteer,
            partner=partner,
            recipient_label=recipient_label,
            anonymous=anonymous,
            measurement_point=measurement_point,
            due_on=due_on,
            token_hash=digest,
            expires_at=timezone.now() + dt.timedelta(days=days),
            created_by=actor,
        )
        save_validated(invitation, actor=actor)
    return invitation, token


def _require_invitation(actor: User, invitation: Invitation) -> None:
    if access.invitation_basis(actor, invitation) is None:
        raise PermissionDenied


@transaction.atomic
def invitation_cancel(*, actor: User, invitation: Invitation) -> Invitation:
    """Cancel an open invitation: its link stops working; the row stays (the due list does not
    list the recipient again until a new invitation is wanted: a cancelled one does not count)."""
    _require_invitation(actor, invitation)
    if invitation.status != Invitation.Status.OPEN:
        raise ValidationError(_("Vain avoimen kutsun voi perua."))
    invitation.status = Invitation.Status.CANCELLED
    with scope(organisation=invitation.organisation_id):
        save_validated(invitation, actor=actor)
    return invitation


def contact_still_allowed(invitation: Invitation, *, day: dt.date | None = None) -> bool:
    """False for a follow-up invitation whose recipient's contact permission is no longer valid
    ("lupa peruttu"): it is not reminded nor re-issued."""
    return consent.invitation_permissions([invitation], day=day or timezone.localdate())[
        invitation.pk
    ]


def invitation_require_contact(invitation: Invitation) -> None:
    """Raise if the invitation may no longer be sent (re-issuing a link or a letter)."""
    if not contact_still_allowed(invitation):
        raise ValidationError(
            _("Yhteydenottolupa on peruttu tai päättynyt; kutsua ei voi enää lähettää.")
        )


@transaction.atomic
def invitation_remind(*, actor: User, invitation: Invitation) -> Invitation:
    """Record a reminder (the worker re-sends the link or a letter): ``reminded_on`` today,
    ``reminders`` + 1. Refused for a closed or expired invitation, after
    :data:`~tupa.surveys.schedules.selectors.MAX_REMINDERS`, and without a valid permission."""
    _require_invitation(actor, invitation)
    if invitation.status != Invitation.Status.OPEN:
        raise ValidationError(_("Vain avoimesta kutsusta voi muistuttaa."))
    if invitation.expires_at <= timezone.now():
        raise ValidationError(_("Kutsun linkki on vanhentunut."))
    if invitation.reminders >= MAX_REMINDERS:
        raise ValidationError(_("Kutsusta on jo muistutettu %(n)s kertaa.") % {"n": MAX_REMINDERS})
    invitation_require_contact(invitation)
    invitation.reminded_on = timezone.localdate()
    invitation.reminders += 1
    with scope(organisation=invitation.organisation_id):
        save_validated(invitation, actor=actor)
    return invitation


def invitation_target(schedule: Schedule | None, target: str | None) -> str:
    """The target of an invitation: the schedule's, else the one given."""
    if schedule is not None:
        return schedule.target
    if not target:
        raise ValidationError(_("Valitse vastaajat."))
    return target
