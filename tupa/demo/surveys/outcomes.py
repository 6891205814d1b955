"""Demo outcome measurements, staff-recorded feedback and the shelter's THL form given (issue 13).

- *Vaikuttavuus esiin* at the start and at the end (a third also at an interim point) of the
  client episodes of Ensikoti, Alvari, Baby blues and Avokriisityö — up to ten per form, the
  oldest first — recorded in person (now and then from a paper form) by the form's worker through
  :func:`tupa.surveys.recorded.services.feedback_record`. Most clients improve, some stay the
  same and a few get worse (a fixed seed per episode); an episode still running has its start
  point (and an interim point when it began long ago) only.
- A few linked paper and oral feedbacks (Ensikoti's end-of-stay form on paper, Alvari's
  follow-up told on the phone).
- For the shelter's episodes: "THL:n asiakaspalautelomakkeen linkki annettu" for each adult and
  child, on the first days of the stay — and nothing else.

Deterministic (a seed per episode from its place in the list, days relative to the episode's own
dates, never after today) and idempotent: the form keys are fixed, so a second run stores nothing
(:func:`tupa.surveys.recording.response_record` returns the first answer set).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scope

from tupa.accounts.models import User
from tupa.episodes.models import Episode, Participant
from tupa.organisations.models import Organisation
from tupa.surveys.models import (
    Channel,
    ItemKind,
    MeasurementPoint,
    QuestionnaireVersion,
    Response,
    ThlFormGiven,
)
from tupa.surveys.recorded.services import feedback_record
from tupa.surveys.recording import items_of
from tupa.surveys.thl.services import thl_form_given_record

#: service-form slug → the worker who records its measurements (tupa/demo/data/organisation.json)
RECORDERS: dict[str, str] = {
    "ensikoti": "ensikoti",
    "alvari": "alvari",
    "baby-blues": "babyblues",
    "avokriisityo": "avokriisi",
}
PER_FORM = 10
SHELTER = ("turvakoti", "turvakoti")
ADULT_ROLES = ("client", "expectant_parent")


def _key(*parts: object) -> str:
    return hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()[:32]


def _clamp(day: dt.date, today: dt.date) -> dt.date:
    return min(day, today)


def _trajectory(rng: random.Random, codes: list[str]) -> tuple[dict[str, int], dict[str, int]]:
    """Start and end values 1–5 per item: 7 in 10 improve, 2 stay, 1 gets worse."""
    start = {c: rng.randint(1, 3) for c in codes}
    roll = rng.random()
    if roll < 0.7:
        end = {c: min(5, v + rng.choice((0, 1, 1, 2))) for c, v in start.items()}
    elif roll < 0.9:
        end = {c: max(1, min(5, v + rng.choice((-1, 0, 0, 1)))) for c, v in start.items()}
    else:
        end = {c: max(1, v - rng.choice((0, 1, 1))) for c, v in start.items()}
    return start, end


def _record(
    *,
    actor: User,
    version: QuestionnaireVersion,
    episode: Episode,
    person: Any,
    point: str,
    day: dt.date,
    values: dict[str, Any],
    channel: str = Channel.IN_PERSON,
) -> bool:
    raw = {c: str(v) for c, v in values.items()}
    try:
        feedback_record(
            actor=actor,
            version=version,
            service_form=episode.service_form,
            channel=channel,
            raw=raw,
            form_key=_key("demo-feedback", version.pk, episode.pk, person.pk, point),
            submitted_on=day,
            anonymous=False,
            episode=episode,
            person=person,
            measurement_point=point,
        )
    except ValidationError:
        return False
    return True


def _adult(episode: Episode) -> Any:
    row = (
        Participant.objects.filter(episode=episode, person__isnull=False, role__in=ADULT_ROLES)
        .select_related("person")
        .order_by("pk")
        .first()
    )
    return row.person if row is not None else None


def _measurements(
    organisation: Organisation, version: QuestionnaireVersion, users: dict[str, User]
) -> int:
    today = timezone.localdate()
    codes = [i.code for i in items_of(version) if i.kind == ItemKind.SCALE5]
    stored = 0
    for slug, username in RECORDERS.items():
        actor = users.get(username)
        if actor is None:
            continue
        episodes = (
            Episode.objects.filter(
                organisation=organisation, service_form__slug=slug, start_date__isnull=False
            )
            .select_related("service_form")
            .order_by("start_date", "pk")[:PER_FORM]
        )
        for index, episode in enumerate(episodes):
            person = _adult(episode)
            assert episode.start_date is not None
            if person is None or episode.start_date > today:
                continue
            rng = random.Random(f"{slug}-{index}")  # noqa: S311 - reproducible demo data
            start_values, end_values = _trajectory(rng, codes)
            start_day = _clamp(episode.start_date + dt.timedelta(days=rng.randint(0, 6)), today)
            points = [(MeasurementPoint.START, start_day, start_values)]
            ended = episode.end_date is not None and episode.end_date <= today
            last_day = episode.end_date if ended else today
            assert last_day is not None
            if index % 3 == 0 and (last_day - start_day).days > 60:
                middle = {c: (start_values[c] + end_values[c] + 1) // 2 for c in codes}
                points.append(
                    (MeasurementPoint.INTERIM, start_day + (last_day - start_day) / 2, middle)
                )
            if ended and (last_day - start_day).days > 14:
                points.append((MeasurementPoint.END, last_day, end_values))
            for point, day, values in points:
                channel = Channel.IN_PERSON
                if index % 5 == 4:  # now and then on paper, one question left unanswered
                    values = {c: v for c, v in values.items() if c != codes[-1]}
                    channel = Channel.PAPER
                stored += _record(
                    actor=actor,
                    version=version,
                    episode=episode,
                    person=person,
                    point=point,
                    day=day,
                    values=values,
                    channel=channel,
                )
    return stored


#: A few linked paper and oral feedbacks: (questionnaire key, form, channel, how many).
RECORDED: tuple[tuple[str, str, str, int], ...] = (
    ("ensikoti-loppu", "ensikoti", Channel.PAPER, 3),
    ("alvari-seuranta", "alvari", Channel.ORAL, 2),
)


def _answers(version: QuestionnaireVersion, rng: random.Random) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for item in items_of(version):
        if item.kind in (ItemKind.SCALE5, ItemKind.SMILEY, ItemKind.SCALE10):
            low, high = item.numeric_range or (1, 5)
            values[item.code] = max(low, high - rng.randint(0, 2))
        elif item.kind == ItemKind.YESNO:
            values[item.code] = "yes"
        elif item.kind in (ItemKind.SINGLE, ItemKind.MULTIPLE):
            choices = [c.value for c in item.choices.all()]
            if choices:
                values[item.code] = rng.choice(choices)
        elif item.kind == ItemKind.TEXT and rng.random() < 0.5:
            values[item.code] = rng.choice(
                (
                    "Kirjattu paperilomakkeelta: kiitos kaikesta tuesta.",
                    "Kertoi puhelimessa, että arki sujuu nyt paremmin.",
                )
            )
    return values


def _recorded(
    organisation: Organisation,
    versions: dict[str, QuestionnaireVersion],
    users: dict[str, User],
) -> int:
    today = timezone.localdate()
    stored = 0
    for key, slug, channel, count in RECORDED:
        version, actor = versions.get(key), users.get(RECORDERS[slug])
        if version is None or actor is None:
            continue
        ended = Episode.objects.filter(
            organisation=organisation,
            service_form__slug=slug,
            end_date__isnull=False,
            end_date__lte=today,
        ).order_by("-end_date", "pk")[:count]
        for index, episode in enumerate(ended):
            person = _adult(episode)
            assert episode.end_date is not None
            if person is None:
                continue
            rng = random.Random(f"{key}-{index}")  # noqa: S311 - reproducible demo data
            stored += _record(
                actor=actor,
                version=version,
                episode=episode,
                person=person,
                point="",
                day=_clamp(episode.end_date + dt.timedelta(days=rng.randint(0, 10)), today),
                values=_answers(version, rng),
                channel=channel,
            )
    return stored


def _thl(organisation: Organisation, users: dict[str, User]) -> int:
    slug, username = SHELTER
    actor = users.get(username)
    if actor is None:
        return 0
    today = timezone.localdate()
    given = 0
    episodes = Episode.objects.filter(
        organisation=organisation, service_form__slug=slug, start_date__isnull=False
    ).order_by("start_date", "pk")
    for index, episode in enumerate(episodes):
        assert episode.start_date is not None
        if episode.start_date > today or index % 6 == 5:  # now and then not yet given
            continue
        day = _clamp(episode.start_date + dt.timedelta(days=index % 4), today)
        participants = Participant.objects.filter(
            episode=episode, person__isnull=False
        ).select_related("person")
        for participant in participants:
            if participant.person is None:
                continue
            if ThlFormGiven.objects.filter(episode=episode, person=participant.person).exists():
                continue
            try:
                thl_form_given_record(
                    actor=actor, episode=episode, person=participant.person, given_on=day
                )
            except ValidationError:
                continue
            given += 1
    return given


def build(*, organisation: Organisation, versions: dict[str, QuestionnaireVersion]) -> str | None:
    """Measurements, recorded feedback and THL links; None when everything existed already."""
    with scope(organisation=organisation.pk):
        users = {u.username: u for u in User.objects.filter(organisation=organisation)}
        version = versions.get("vaikuttavuus-esiin")
        before = Response.objects.filter(organisation=organisation).count()
        if version is not None:
            _measurements(organisation, version, users)
        _recorded(organisation, versions, users)
        stored = Response.objects.filter(organisation=organisation).count() - before
        links = _thl(organisation, users)
    if not (stored or links):
        return None
    return f"Vaikuttavuusmittauksia ja kirjattuja palautteita: {stored}; THL-linkkejä: {links}"
