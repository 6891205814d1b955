"""The one write path of an answer set, whatever the channel (link, kiosk, paper, oral, import).

:func:`clean_answers` checks raw answers (what a form posts: item code → list of strings) against
a published version and returns the cleaned values and, per item code, a message in the user's
language; nothing is stored while any message remains. :func:`response_record` stores one
:class:`~tupa.surveys.models.Response` with its answers. It is idempotent on ``submission_key``:
a double submit (the same key twice) returns the first response and stores nothing more.

Anonymous responses carry no episode, person or invitation, and their ``submitted_on`` is the
first day of the month (:func:`anonymous_day`), so an answer cannot be traced back by time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.surveys.models import (
    Answer,
    Channel,
    Choice,
    Item,
    ItemKind,
    QuestionnaireVersion,
    Response,
)
from tupa.surveys.models.instruments import CHOICE_KINDS
from tupa.surveys.models.responses import STAFF_CHANNELS

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.episodes.models import Episode
    from tupa.organisations.models import ServiceForm
    from tupa.people.models import Person
    from tupa.surveys.models import ImportBatch, Invitation

#: Longest free-text answer kept (characters).
TEXT_MAX = 5000

#: How yes/no answers are posted.
YES, NO = "yes", "no"


@dataclass(frozen=True)
class Cleaned:
    """One item's cleaned answer: chosen choice values, a number, or a text (empty: unanswered)."""

    item: Item
    choices: tuple[str, ...] = ()
    number: int | None = None
    text: str = ""

    @property
    def answered(self) -> bool:
        return bool(self.choices) or self.number is not None or bool(self.text)


def items_of(version: QuestionnaireVersion) -> list[Item]:
    """The version's items in order, with their choices (two queries)."""
    return list(version.items.select_related("section").prefetch_related("choices"))


def _values(raw: Mapping[str, Any], code: str) -> list[str]:
    getlist = getattr(raw, "getlist", None)
    if getlist is not None:
        values = getlist(code)
    else:
        value = raw.get(code)
        values = value if isinstance(value, list | tuple) else ([] if value is None else [value])
    return [str(v).strip() for v in values if str(v).strip() != ""]


def clean_item(item: Item, values: list[str]) -> tuple[Cleaned, str | None]:
    """One item's answer from its posted strings, or the reason it is not acceptable."""
    if not values:
        if item.required:
            return Cleaned(item), _("Vastaa tähän kysymykseen.")
        return Cleaned(item), None
    if item.kind in CHOICE_KINDS:
        allowed = {c.value for c in item.choices.all()}
        chosen = tuple(dict.fromkeys(values))
        if any(v not in allowed for v in chosen):
            return Cleaned(item), _("Valitse annetuista vaihtoehdoista.")
        if item.kind == ItemKind.SINGLE and len(chosen) > 1:
            return Cleaned(item), _("Valitse vain yksi vaihtoehto.")
        return Cleaned(item, choices=chosen), None
    if item.kind == ItemKind.TEXT:
        text = "\n".join(values)
        if len(text) > TEXT_MAX:
            return Cleaned(item, text=text), _(
                "Vastaus on liian pitkä (enintään %(n)s merkkiä)."
            ) % {"n": TEXT_MAX}
        return Cleaned(item, text=text), None
    if item.kind == ItemKind.YESNO:
        if len(values) != 1 or values[0] not in (YES, NO):
            return Cleaned(item), _("Valitse kyllä tai ei.")
        return Cleaned(item, number=1 if values[0] == YES else 0), None
    low, high = item.numeric_range or (0, 0)
    try:
        number = int(values[0])
    except ValueError:
        number = None
    if len(values) != 1 or number is None or not low <= number <= high:
        return Cleaned(item), _("Valitse arvo väliltä %(low)s–%(high)s.") % {
            "low": low,
            "high": high,
        }
    return Cleaned(item, number=number), None


def clean_answers(
    version: QuestionnaireVersion,
    raw: Mapping[str, Any],
    *,
    items: Iterable[Item] | None = None,
    enforce_required: bool = True,
) -> tuple[dict[str, Cleaned], dict[str, str]]:
    """Every item's cleaned answer and, per item code, what is wrong (empty when all is well).

    ``enforce_required=False`` is for a draft (autosave) and for a paper form where the client
    left a required question empty (the transcriber records what is on the paper).
    """
    cleaned: dict[str, Cleaned] = {}
    errors: dict[str, str] = {}
    for item in items if items is not None else items_of(version):
        values = _values(raw, item.code)
        answer, error = clean_item(item, values)
        skipped_required = not values and not enforce_required
        if error and not skipped_required:
            errors[item.code] = error
        cleaned[item.code] = answer
    return cleaned, errors


def anonymous_day(day: dt.date) -> dt.date:
    """The day an anonymous response is stored under: the first of its month."""
    return day.replace(day=1)


def response_record(
    *,
    version: QuestionnaireVersion,
    service_form: ServiceForm,
    channel: str,
    answers: Mapping[str, Cleaned],
    submission_key: str,
    anonymous: bool,
    submitted_on: dt.date | None = None,
    episode: Episode | None = None,
    person: Person | None = None,
    invitation: Invitation | None = None,
    measurement_point: str = "",
    recorded_by: User | None = None,
    import_batch: ImportBatch | None = None,
) -> tuple[Response, bool]:
    """Store one answer set; returns ``(response, created)``. Same key again: the first one.

    Refuses a draft version, a version of another organisation, an empty answer set, links on an
    anonymous response and a staff channel without the staff member who recorded it.
    """
    with transaction.atomic(), scope(organisation=version.questionnaire.organisation_id):
        return _record(
            version=version,
            service_form=service_form,
            channel=channel,
            answers=answers,
            submission_key=submission_key,
            anonymous=anonymous,
            submitted_on=submitted_on,
            episode=episode,
            person=person,
            invitation=invitation,
            measurement_point=measurement_point,
            recorded_by=recorded_by,
            import_batch=import_batch,
        )


def _record(
    *,
    version: QuestionnaireVersion,
    service_form: ServiceForm,
    channel: str,
    answers: Mapping[str, Cleaned],
    submission_key: str,
    anonymous: bool,
    submitted_on: dt.date | None,
    episode: Episode | None,
    person: Person | None,
    invitation: Invitation | None,
    measurement_point: str,
    recorded_by: User | None,
    import_batch: ImportBatch | None,
) -> tuple[Response, bool]:
    existing = Response.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing, False
    if version.status == QuestionnaireVersion.Status.DRAFT:
        raise ValidationError(_("Kyselyn luonnokseen ei voi vastata; julkaise kysely ensin."))
    organisation_id = version.questionnaire.organisation_id
    if service_form.organisation_id != organisation_id:
        raise ValidationError(_("Työmuoto ei kuulu kyselyn organisaatioon."))
    if channel in STAFF_CHANNELS and recorded_by is None:
        raise ValidationError(_("Kirjaajan tieto puuttuu."))
    if anonymous and (episode is not None or person is not None):
        raise ValidationError(_("Nimettömään vastaukseen ei liitetä asiakkuutta eikä henkilöä."))
    if not any(a.answered for a in answers.values()):
        raise ValidationError(_("Vastauksessa ei ole yhtään vastattua kysymystä."))
    foreign = [a.item.code for a in answers.values() if a.item.version_id != version.pk]
    if foreign:
        raise ValidationError(_("Vastaus sisältää toisen kyselyversion kysymyksiä."))
    day = submitted_on or timezone.localdate()
    response = Response(
        organisation_id=organisation_id,
        version=version,
        service_form=service_form,
        channel=channel,
        anonymous=anonymous,
        invitation=None if anonymous else invitation,
        episode=None if anonymous else episode,
        person=None if anonymous else person,
        measurement_point=measurement_point,
        submitted_on=anonymous_day(day) if anonymous else day,
        submission_key=submission_key,
        recorded_by=recorded_by,
        import_batch=import_batch,
    )
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:
        # Two submits raced: the other one stored the answer set first.
        return Response.objects.get(submission_key=submission_key), False
    if anonymous:
        # The row's own timestamps would keep the moment of the answer, which the answered
        # invitation (and whoever watched a kiosk) also knows: keep only the month there too.
        month = timezone.make_aware(dt.datetime.combine(response.submitted_on, dt.time.min))
        Response.objects.filter(pk=response.pk).update(created_at=month, updated_at=month)
        response.created_at = response.updated_at = month
    rows: list[Answer] = []
    for cleaned in answers.values():
        item = cleaned.item
        if cleaned.choices:
            by_value: dict[str, Choice] = {c.value: c for c in item.choices.all()}
            rows.extend(
                Answer(response=response, item=item, choice=by_value[v]) for v in cleaned.choices
            )
        elif cleaned.number is not None:
            rows.append(Answer(response=response, item=item, number=cleaned.number))
        elif cleaned.text:
            rows.append(Answer(response=response, item=item, text=cleaned.text))
    Answer.objects.bulk_create(rows)
    return response, True


__all__ = [
    "NO",
    "YES",
    "Channel",
    "Cleaned",
    "anonymous_day",
    "clean_answers",
    "clean_item",
    "items_of",
    "response_record",
]
