"""Demo schedules, invitations and contact permissions (issue 13 item 2).

A schedule for each demo questionnaire (:mod:`tupa.demo.surveys.questionnaires`), set by the
form's lead through :func:`tupa.surveys.schedules.services.schedule_create`; the Vaikuttavuus
esiin instrument as a manual, linked schedule in Ensikoti, Alvari, Baby blues and Avokriisityö.
Then, as the forms' workers would: the contact permission for follow-ups on the episodes that
are due for the 12-month (Ensikoti) and 6-month (Alvari) follow-ups — given at the end of the
episode, and withdrawn by every second person (a follow-up consent recorded and withdrawn), so
the due lists show those persons as "ei yhteydenottolupaa" counts; a handful of open
invitations made from the due lists (two of them a week or more old, one reminded); one
follow-up invitation whose permission was withdrawn afterwards ("lupa peruttu").

Deterministic: the rows are taken in the due lists' order and every date is relative to
today. Idempotent: nothing is done when the organisation has schedules already.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django_scopes import scope

from tupa.accounts.models import User
from tupa.core.months import add_months
from tupa.episodes.models import Episode, Participant
from tupa.episodes.services import consent_record, consent_withdraw, contact_permission_set
from tupa.organisations.models import Organisation, ServiceForm
from tupa.people.models import Consent
from tupa.surveys.models import Invitation, QuestionnaireVersion, Schedule, Target, Trigger
from tupa.surveys.schedules import selectors, services

LINK = Schedule.Channel.LINK
LETTER = Schedule.Channel.LETTER
IN_PERSON = Schedule.Channel.IN_PERSON
KIOSK = Schedule.Channel.KIOSK
MONTHS = Trigger.MONTHS_AFTER_END
GROUP_END = Trigger.GROUP_PERIOD_END

#: key → (form slug, target, trigger, months after, channel, anonymous, days on the due list).
#: The demo's windows are wide (a small demo has few episodes ending in any one month).
PLAN: list[tuple[str, str, str, str, int | None, str, bool, int]] = [
    ("ensikoti-loppu", "ensikoti", Target.ADULT, Trigger.EPISODE_END, None, LINK, True, 90),
    ("ensikoti-seuranta", "ensikoti", Target.ADULT, MONTHS, 12, LETTER, True, 90),
    ("babyblues-loppu", "baby-blues", Target.ADULT, Trigger.EPISODE_END, None, LINK, True, 90),
    (
        "babyblues-lahettaja",
        "baby-blues",
        Target.REFERRER,
        Trigger.EPISODE_END,
        None,
        LINK,
        True,
        90,
    ),
    ("peukaloinen-loppu", "peukaloinen", Target.PARENT, GROUP_END, None, LINK, True, 60),
    ("alvari-seuranta", "alvari", Target.ADULT, MONTHS, 6, LINK, True, 90),
    ("lapsityo-hymio", "lapsityo", Target.CHILD, Trigger.EPISODE_END, None, IN_PERSON, True, 90),
    ("doula-vuosi", "baby-blues", Target.VOLUNTEER, Trigger.YEARLY, None, LINK, True, 365),
    ("perhetupa-kioski", "perhetupa", Target.ADULT, Trigger.CONTINUOUS, None, KIOSK, True, 30),
]
OUTCOME_FORMS = ("ensikoti", "alvari", "baby-blues", "avokriisityo")

#: Who sets each form's schedules (its lead); the executive director otherwise.
LEADS = {
    "ensikoti": "ensikoti.esihenkilo",
    "baby-blues": "ensikoti.esihenkilo",
    "peukaloinen": "ensikoti.esihenkilo",
    "perhetupa": "ensikoti.esihenkilo",
    "alvari": "ero.esihenkilo",
    "lapsityo": "lapsityo",
    "avokriisityo": "avokriisi",
}
#: Who works the due lists (a worker of the form).
WORKERS = {"ensikoti": "ensikoti", "baby-blues": "babyblues", "alvari": "alvari"}


def _user(organisation: Organisation, username: str) -> User | None:
    return User.objects.filter(organisation=organisation, username=username).first()


def _schedules(
    organisation: Organisation,
    versions: dict[str, QuestionnaireVersion],
    forms: dict[str, ServiceForm],
) -> dict[str, Schedule]:
    made: dict[str, Schedule] = {}
    director = _user(organisation, "johtaja")
    rows: list[tuple[str, str, str, str, int | None, str, bool, int]] = list(PLAN)
    rows += [
        (
            f"vaikuttavuus-esiin:{slug}",
            slug,
            Target.ADULT,
            Trigger.MANUAL,
            None,
            Schedule.Channel.IN_PERSON,
            False,
            30,
        )
        for slug in OUTCOME_FORMS
    ]
    for key, slug, target, trigger, months, channel, anonymous, window in rows:
        version = versions.get(key.split(":")[0])
        form = forms.get(slug)
        actor = _user(organisation, LEADS.get(slug, "johtaja")) or director
        if version is None or form is None or actor is None:
            continue
        made[key] = services.schedule_create(
            actor=actor,
            service_form=form,
            questionnaire=version.questionnaire,
            target=target,
            trigger=trigger,
            months_after=months,
            channel=channel,
            anonymous=anonymous,
            due_window_days=window,
            link_valid_days=28 if channel == LETTER else 21,
        )
    return made


def _permissions(schedule: Schedule, worker: User, today: dt.date) -> int:
    """Contact permission on the episodes due for ``schedule``: given at the end; every third
    person withdraws it ten days ago. Returns how many withdrew."""
    months = schedule.months_after or 0
    lo = add_months(today - dt.timedelta(days=schedule.due_window_days), -months)
    hi = add_months(today, -months)
    episodes = Episode.objects.filter(
        service_form=schedule.service_form,
        status=Episode.Status.ENDED,
        end_date__range=(lo, hi),
    ).order_by("end_date", "pk")
    withdrawn = 0
    for n, episode in enumerate(episodes):
        assert episode.end_date is not None
        contact_permission_set(
            actor=worker, episode=episode, permission=True, on=episode.end_date, version=None
        )
        if n % 2 == 0:
            continue
        for participant in Participant.objects.filter(
            episode=episode, person__isnull=False, role__in=selectors.TARGET_ROLES[Target.ADULT]
        ).select_related("person"):
            assert participant.person is not None
            consent = consent_record(
                actor=worker,
                episode=episode,
                person=participant.person,
                purpose=Consent.Purpose.FOLLOW_UP,
                given_on=episode.end_date,
                scope_text="Yhteydenotto seurantakyselyä varten",
            )
            consent_withdraw(
                actor=worker, consent=consent, withdrawn_on=today - dt.timedelta(days=10)
            )
            withdrawn += 1
    return withdrawn


def _invite(worker: User, schedule: Schedule, today: dt.date, count: int) -> list[Invitation]:
    """Invitations for the first ``count`` rows of the schedule's due list."""
    due = selectors.due_list(user=worker, service_form=schedule.service_form, today=today)
    return _invite_rows(
        worker, schedule, [r for r in due.rows if r.schedule.pk == schedule.pk][:count]
    )


def _invite_rows(
    worker: User, schedule: Schedule, rows: list[selectors.DueRow]
) -> list[Invitation]:
    made: list[Invitation] = []
    for row in rows:
        fields: dict[str, Any] = {
            "episode": row.episode,
            "person": row.person,
            "programme": row.programme,
            "volunteer": row.volunteer,
            "partner": row.partner,
            "recipient_label": row.recipient_label,
            "due_on": row.due_on,
        }
        invitation, _token = services.invitation_create(
            actor=worker,
            service_form=schedule.service_form,
            schedule=schedule,
            target=schedule.target,
            **fields,
        )
        made.append(invitation)  # the token is thrown away: a link is made anew when needed
    return made


def _age(invitation: Invitation, days: int) -> None:
    """Date an invitation back (the demo's history); its link stays valid as long as before."""
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days)
    )
    invitation.refresh_from_db()


def _revoked_invitation(
    schedule: Schedule | None, organisation: Organisation, today: dt.date
) -> int:
    """When two or more are due for the follow-up: invite the last one, who then withdraws the
    permission (the invitations page shows "lupa peruttu"). Returns 1 if it was done."""
    worker = _user(organisation, "ensikoti")
    if schedule is None or worker is None:
        return 0
    due = selectors.due_list(user=worker, service_form=schedule.service_form, today=today)
    rows = [r for r in due.rows if r.schedule.pk == schedule.pk]
    if len(rows) < 2:
        return 0
    (invitation,) = _invite_rows(worker, schedule, rows[-1:])
    assert invitation.episode is not None and invitation.person is not None
    consent = consent_record(
        actor=worker,
        episode=invitation.episode,
        person=invitation.person,
        purpose=Consent.Purpose.FOLLOW_UP,
        given_on=invitation.episode.end_date or today,
    )
    consent_withdraw(actor=worker, consent=consent, withdrawn_on=today)
    return 1


def build(*, organisation: Organisation, versions: dict[str, QuestionnaireVersion]) -> str | None:
    """The demo's schedules, permissions and invitations; None if schedules exist already."""
    today = timezone.localdate()
    with scope(organisation=organisation):
        if Schedule.objects.filter(organisation=organisation).exists():
            return None
        forms = {f.slug: f for f in ServiceForm.objects.filter(organisation=organisation)}
        schedules = _schedules(organisation, versions, forms)
        if not schedules:
            return None
        withdrawn = 0
        for key in ("ensikoti-seuranta", "alvari-seuranta"):
            schedule = schedules.get(key)
            worker = _user(organisation, WORKERS[schedule.service_form.slug]) if schedule else None
            if schedule is not None and worker is not None:
                withdrawn += _permissions(schedule, worker, today)
        invitations: list[Invitation] = []
        for key, count in (
            ("ensikoti-loppu", 1),
            ("babyblues-loppu", 2),
            ("babyblues-lahettaja", 1),
        ):
            schedule = schedules.get(key)
            worker = _user(organisation, WORKERS[schedule.service_form.slug]) if schedule else None
            if schedule is not None and worker is not None:
                invitations += _invite(worker, schedule, today, count)
        # The first a week and a half old (on the reminder list), the second older and
        # reminded once already.
        for invitation, days in zip(invitations[:2], (9, 12), strict=False):
            _age(invitation, days)
        if len(invitations) > 1:
            services.invitation_remind(actor=invitations[1].created_by, invitation=invitations[1])
        revoked = _revoked_invitation(schedules.get("ensikoti-seuranta"), organisation, today)
    return (
        f"Kyselyaikataulut: {len(schedules)}, avoimia kutsuja {len(invitations) + revoked}, "
        f"yhteydenottolupa peruttu {withdrawn + revoked} henkilöltä "
        "(/palaute/ensikoti/eraantyneet/, /palaute/ensikoti/kutsut/)"
    )
