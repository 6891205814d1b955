"""The figures of a questionnaire's results, computed from the stored answers.

:func:`results_for` reads a questionnaire's responses of a period (optionally one version) in
the given service forms in a fixed number of queries, whatever the number of forms, items or
responses, and returns one :class:`FormResult` per form. Items are matched across versions by
their ``code`` (the newest wording names them); choices by their ``value``.

Suppression (:mod:`.suppression`) applies per form when the caller says so: for exports always,
on screen for a viewer outside the form (:func:`tupa.access.surveys.may_see_small_cells`). A
suppressed form with fewer respondents than the threshold shows only "< 5"; otherwise each
distribution is a one-way table suppressed like the statistics app's. Anonymous free texts are
withheld from everyone when the form has fewer anonymous responses than the threshold (the
linked respondents are known, so they hide nobody: four linked answers and one anonymous one
leave one person who can have written it); a linked response's free text is shown
only to a user who may see its episode (:func:`tupa.access.surveys.may_read_linked_text`), and
the caller writes those persons to the access log (:attr:`Results.shown_persons`).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.access import clients
from tupa.access import surveys as access
from tupa.core import svg
from tupa.core.suppression import PRIMARY, SHOWN
from tupa.surveys.models import (
    Answer,
    Channel,
    Invitation,
    Item,
    ItemKind,
    Questionnaire,
    QuestionnaireVersion,
    Response,
)
from tupa.surveys.models.instruments import CHOICE_KINDS, NUMERIC_RANGES
from tupa.surveys.results import suppression
from tupa.surveys.results.suppression import Part

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.organisations.models import ServiceForm
    from tupa.people.models import Person

#: Channels that answer an invitation (a response rate makes sense only for them).
INVITED_CHANNELS = frozenset({Channel.LINK})

#: Kinds whose answers are numbers with a mean and a median (yes/no is a share, not a mean).
MEAN_KINDS = frozenset({ItemKind.SCALE5, ItemKind.SCALE10, ItemKind.SMILEY})
#: Why a suppressed copy shows no mean and median: fewer answers than the threshold, or a hidden
#: part of the distribution that they would give away.
FEW_ANSWERS = "few"
PARTS_HIDDEN = "hidden"


def smiley_labels() -> dict[int, str]:
    return {1: _("surullinen"), 2: _("neutraali"), 3: _("iloinen")}


def decimal_text(value: float | Decimal, places: int = 1) -> str:
    """A number the Finnish way, rounded half up: ``3,5``."""
    quantum = Decimal(1).scaleb(-places)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    return format(rounded, "f").replace(".", ",")


def percent_text(part: int, whole: int) -> str:
    return f"{decimal_text(Decimal(part * 100) / whole, 0)} %" if whole else "–"


# --- Result shapes ------------------------------------------------------------------------


@dataclass
class Row:
    """One line of a distribution: a choice or a scale value."""

    value: str
    label: str
    count: int
    state: str = SHOWN
    percent: str = ""

    @property
    def display(self) -> str:
        return suppression.display(self.count, self.state)

    @property
    def hidden(self) -> bool:
        return self.state != SHOWN


@dataclass
class TextAnswer:
    text: str
    linked: bool


@dataclass
class ItemResult:
    code: str
    text: str
    kind: str
    kind_label: str
    versions: list[int]
    answered: int
    answered_state: str = SHOWN
    rows: list[Row] = field(default_factory=list)
    mean: str = ""
    median: str = ""
    #: Why the mean and median are not shown: "" (they are), FEW_ANSWERS or PARTS_HIDDEN.
    stats_withheld: str = ""
    texts: list[TextAnswer] = field(default_factory=list)
    texts_withheld: int = 0
    texts_hidden_linked: int = 0
    chart: SafeString | None = None

    @property
    def answered_display(self) -> str:
        return suppression.display(self.answered, self.answered_state)

    @property
    def is_text(self) -> bool:
        return self.kind == ItemKind.TEXT


@dataclass
class FormResult:
    service_form: ServiceForm
    suppressed: bool
    respondents: int
    versions: list[int]
    channels: list[Part]
    invitations: int
    invitations_answered: int
    items: list[ItemResult]
    uninvited: int = 0

    @property
    def small(self) -> bool:
        return suppression.is_small(self.respondents)

    @property
    def withheld(self) -> bool:
        """A suppressed form under the threshold: only "< 5" is shown."""
        return self.suppressed and self.small

    @property
    def respondents_display(self) -> str:
        return suppression.count_text(self.respondents, suppressed=self.suppressed)

    @property
    def invitations_display(self) -> str:
        return suppression.count_text(self.invitations, suppressed=self.suppressed)

    @property
    def answered_display(self) -> str:
        return suppression.count_text(self.invitations_answered, suppressed=self.suppressed)

    @property
    def rate(self) -> str:
        """Answered ÷ invitations made; "–" without invitations or when suppressed and small."""
        if not self.invitations:
            return "–"
        if self.suppressed and (
            suppression.is_small(self.invitations)
            or suppression.is_small(self.invitations_answered)
        ):
            return "–"
        return percent_text(self.invitations_answered, self.invitations)


@dataclass
class Results:
    questionnaire: Questionnaire
    start: dt.date
    end: dt.date
    version: int | None
    forms: list[FormResult]
    #: Persons whose linked free text is shown, with the basis and episode (for the access log).
    shown_persons: list[tuple[Person, str, int | None]] = field(default_factory=list)

    @property
    def threshold(self) -> int:
        return suppression.threshold()


# --- Reading ------------------------------------------------------------------------------


def versions_of(questionnaire: Questionnaire) -> list[QuestionnaireVersion]:
    """The versions that can have answers (published or retired), newest first."""
    return list(
        QuestionnaireVersion.objects.filter(questionnaire=questionnaire)
        .exclude(status=QuestionnaireVersion.Status.DRAFT)
        .order_by("-number")
    )


def forms_with_results(user: User, questionnaire: Questionnaire) -> list[ServiceForm]:
    """The forms whose results ``user`` may read: the questionnaire's own form, or for an
    organisation-wide questionnaire every form where the user holds the results role."""
    if questionnaire.service_form_id is not None:
        form = questionnaire.service_form
        return [form] if form is not None and access.may(user, access.RESULTS, form) else []
    return list(access.forms_for(user, access.RESULTS))


def responses_of(
    questionnaire: Questionnaire,
    forms: Iterable[ServiceForm],
    start: dt.date,
    end: dt.date,
    version: int | None = None,
) -> QuerySet[Response]:
    rows = Response.objects.filter(
        organisation_id=questionnaire.organisation_id,
        version__questionnaire=questionnaire,
        service_form__in=list(forms),
        submitted_on__gte=start,
        submitted_on__lte=end,
    )
    if version is not None:
        rows = rows.filter(version__number=version)
    return rows


def items_by_code(
    versions: list[QuestionnaireVersion],
) -> tuple[dict[str, Item], dict[str, list[int]]]:
    """Per code the newest item (with its choices) and the version numbers that ask it."""
    items = (
        Item.objects.filter(version__in=versions)
        .select_related("version")
        .prefetch_related("choices")
        .order_by("-version__number", "order", "pk")
    )
    newest: dict[str, Item] = {}
    asked: dict[str, list[int]] = defaultdict(list)
    newest_number = versions[0].number if versions else 0
    ordered: list[Item] = []
    for item in items:
        asked[item.code].append(item.version.number)
        if item.code not in newest:
            newest[item.code] = item
            ordered.append(item)
    # The newest version's order first, then codes only older versions ask.
    ordered.sort(key=lambda i: (i.version.number != newest_number, i.order))
    return {i.code: i for i in ordered}, {c: sorted(v) for c, v in asked.items()}


def _scale_rows(item: Item) -> list[tuple[str, str]]:
    if item.kind == ItemKind.YESNO:
        return [("1", _("kyllä")), ("0", _("ei"))]
    low, high = NUMERIC_RANGES[item.kind]
    labels = smiley_labels() if item.kind == ItemKind.SMILEY else {}
    return [(str(n), labels.get(n, str(n))) for n in range(low, high + 1)]


def _choice_rows(item: Item, older: dict[str, str]) -> list[tuple[str, str]]:
    rows = [(c.value, c.text("label")) for c in item.choices.all()]
    known = {v for v, _l in rows}
    rows += [(v, label) for v, label in older.items() if v not in known]
    return rows


def _distribution(
    item: Item,
    answers: list[dict[str, Any]],
    *,
    suppressed: bool,
    older_choices: dict[str, str],
) -> tuple[list[Row], int, str]:
    """The rows, the number who answered and its state."""
    respondents = {a["response_id"] for a in answers}
    answered = len(respondents)
    if item.kind in CHOICE_KINDS:
        counts = Counter(a["choice__value"] for a in answers)
        rows = [Row(v, label, counts.get(v, 0)) for v, label in _choice_rows(item, older_choices)]
    else:
        counts = Counter(str(a["number"]) for a in answers)
        rows = [Row(v, label, counts.get(v, 0)) for v, label in _scale_rows(item)]
    answered_state = SHOWN
    if suppressed:
        if item.kind == ItemKind.MULTIPLE:
            # The choices do not add up to the total (many may be chosen): primary only. Under
            # a total under the threshold the zeros too, or "< 5", 0, 0 would say that everyone
            # who answered chose the first (ADR 0036).
            few = suppression.is_small(answered)
            for row in rows:
                small = suppression.is_small(row.count) or (few and row.count == 0)
                row.state = PRIMARY if small else SHOWN
            answered_state = PRIMARY if few else SHOWN
        else:
            states, answered_state = suppression.one_way([r.count for r in rows], answered)
            for row, state in zip(rows, states, strict=True):
                row.state = state
    for row in rows:
        row.percent = (
            "" if row.hidden or answered_state != SHOWN else percent_text(row.count, answered)
        )
    return rows, answered, answered_state


def results_for(
    *,
    user: User,
    questionnaire: Questionnaire,
    forms: list[ServiceForm],
    start: dt.date,
    end: dt.date,
    version: int | None = None,
    suppress: Callable[[ServiceForm], bool] | None = None,
    with_charts: bool = True,
) -> Results:
    """The results of ``questionnaire`` in ``forms`` (already permission-checked by the caller).

    ``suppress(form)`` says whether the form's figures are suppressed; by default they are
    unless the user works in the form (:func:`tupa.access.surveys.may_see_small_cells`).
    """
    decide = suppress or (lambda form: not access.may_see_small_cells(user, form))
    with scope(organisation=questionnaire.organisation_id):
        versions = versions_of(questionnaire)
        if version is not None:
            versions = [v for v in versions if v.number == version]
        items, asked = items_by_code(versions)
        older_choices: dict[str, dict[str, str]] = defaultdict(dict)
        responses: list[Any] = list(
            responses_of(questionnaire, forms, start, end, version).values(
                "id",
                "service_form_id",
                "channel",
                "anonymous",
                "version__number",
                "version_id",
                "submitted_on",
                "measurement_point",
            )
        )
        answers: list[Any] = list(
            Answer.objects.filter(
                response__in=responses_of(questionnaire, forms, start, end, version)
            ).values(
                "response_id",
                "response__service_form_id",
                "item__code",
                "choice__value",
                "choice__label_fi",
                "number",
                "text",
            )
        )
        invitations = _invitations(questionnaire, forms, start, end, version)
        anonymous_ids = {r["id"] for r in responses if r["anonymous"]}
        few_anonymous = suppression.few_anonymous_responses(responses)
        linked_text_ids = {
            a["response_id"] for a in answers if a["text"] and a["response_id"] not in anonymous_ids
        }
        readable, shown = linked_readers(user, linked_text_ids)
    for a in answers:
        if a["choice__value"]:
            older_choices[a["item__code"]].setdefault(a["choice__value"], a["choice__label_fi"])
    by_form_responses: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in responses:
        by_form_responses[r["service_form_id"]].append(r)
    by_form_answers: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    for a in answers:
        by_form_answers[(a["response__service_form_id"], a["item__code"])].append(a)
    out: list[FormResult] = []
    shown_persons: list[tuple[Person, str, int | None]] = []
    for form in forms:
        rows = by_form_responses.get(form.pk, [])
        suppressed = decide(form)
        respondents = len(rows)
        made, answered = invitations.get(form.pk, (0, 0))
        result = FormResult(
            service_form=form,
            suppressed=suppressed,
            respondents=respondents,
            versions=sorted({r["version__number"] for r in rows}),
            channels=_channels(rows, suppressed),
            invitations=made,
            invitations_answered=answered,
            items=[],
            uninvited=sum(1 for r in rows if r["channel"] not in INVITED_CHANNELS),
        )
        out.append(result)
        if result.withheld:
            continue
        for code, item in items.items():
            item_answers = by_form_answers.get((form.pk, code), [])
            result.items.append(
                _item_result(
                    item,
                    item_answers,
                    versions=asked.get(code, []),
                    suppressed=suppressed,
                    few_anonymous=few_anonymous,
                    anonymous_ids=anonymous_ids,
                    readable=readable,
                    older_choices=older_choices[code],
                    with_charts=with_charts,
                )
            )
        shown_persons += [
            shown[a["response_id"]]
            for a in _texts_of(by_form_answers, form.pk)
            if a["response_id"] in shown
        ]
    unique: dict[int, tuple[Person, str, int | None]] = {}
    for person, basis, episode_id in shown_persons:
        unique.setdefault(person.pk, (person, basis, episode_id))
    return Results(
        questionnaire=questionnaire,
        start=start,
        end=end,
        version=version,
        forms=out,
        shown_persons=list(unique.values()),
    )


def _texts_of(
    by_form_answers: dict[tuple[int, str], list[dict[str, Any]]], form_id: int
) -> Iterable[dict[str, Any]]:
    for (fid, _code), rows in by_form_answers.items():
        if fid == form_id:
            yield from (a for a in rows if a["text"])


def linked_readers(
    user: User, response_ids: set[int]
) -> tuple[set[int], dict[int, tuple[Person, str, int | None]]]:
    """Of the linked responses with free text, those whose text ``user`` may read, and the
    person behind each (for the access log)."""
    if not response_ids:
        return set(), {}
    readable: set[int] = set()
    shown: dict[int, tuple[Person, str, int | None]] = {}
    rows = Response.objects.filter(pk__in=response_ids).select_related(
        "episode", "person", "service_form"
    )
    for response in rows:
        if not access.may_read_linked_text(user, response):
            continue
        readable.add(response.pk)
        if response.person is not None and response.episode is not None:
            basis = clients.episode_basis(user=user, episode=response.episode)
            shown[response.pk] = (response.person, str(basis), response.episode_id)
    return readable, shown


def _invitations(
    questionnaire: Questionnaire,
    forms: list[ServiceForm],
    start: dt.date,
    end: dt.date,
    version: int | None,
) -> dict[int, tuple[int, int]]:
    """Per form: invitations made in the period (not cancelled), and of them the answered."""
    zone = timezone.get_current_timezone()
    first = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    rows = Invitation.objects.filter(
        organisation_id=questionnaire.organisation_id,
        version__questionnaire=questionnaire,
        service_form__in=forms,
        created_at__gte=first,
        created_at__lt=after,
    ).exclude(status=Invitation.Status.CANCELLED)
    if version is not None:
        rows = rows.filter(version__number=version)
    counted = rows.values("service_form_id").annotate(
        made=Count("pk"), answered=Count("pk", filter=Q(status=Invitation.Status.ANSWERED))
    )
    return {r["service_form_id"]: (r["made"], r["answered"]) for r in counted}


def _channels(rows: list[dict[str, Any]], suppressed: bool) -> list[Part]:
    counts = Counter(r["channel"] for r in rows)
    out = [
        Part(value, str(label), counts[value])
        for value, label in Channel.choices
        if counts.get(value)
    ]
    if suppressed:
        states, _total = suppression.one_way([c.count for c in out], len(rows))
        for c, state in zip(out, states, strict=True):
            c.state = state
    return out


def _item_result(
    item: Item,
    answers: list[dict[str, Any]],
    *,
    versions: list[int],
    suppressed: bool,
    few_anonymous: set[int],
    anonymous_ids: set[int],
    readable: set[int],
    older_choices: dict[str, str],
    with_charts: bool,
) -> ItemResult:
    result = ItemResult(
        code=item.code,
        text=item.text("text"),
        kind=item.kind,
        kind_label=str(item.get_kind_display()),
        versions=versions,
        answered=len({a["response_id"] for a in answers}),
    )
    if item.kind == ItemKind.TEXT:
        if suppressed and suppression.is_small(result.answered):
            result.answered_state = PRIMARY
        texts: list[TextAnswer] = []
        for a in answers:
            if not a["text"]:
                continue
            anonymous = a["response_id"] in anonymous_ids
            if anonymous and a["response_id"] in few_anonymous:
                result.texts_withheld += 1
            elif anonymous:
                texts.append(TextAnswer(a["text"], linked=False))
            elif a["response_id"] in readable:
                texts.append(TextAnswer(a["text"], linked=True))
            else:
                result.texts_hidden_linked += 1
        # No order by time: the list must not let anyone pair a text with a day.
        result.texts = sorted(texts, key=lambda t: t.text.casefold())
        return result
    rows, answered, answered_state = _distribution(
        item, answers, suppressed=suppressed, older_choices=older_choices
    )
    result.rows, result.answered, result.answered_state = rows, answered, answered_state
    if item.kind in MEAN_KINDS:
        numbers = [a["number"] for a in answers if a["number"] is not None]
        if not numbers:
            pass
        elif suppressed and suppression.is_small(len(numbers)):
            result.stats_withheld = FEW_ANSWERS
        elif suppressed and any(r.hidden for r in rows):
            # The mean and the median are two more equations over the counts: beside a hidden
            # part they recover it (n 25, "< 5" twos, "x" fours, 14 fives, mean 4,4: the only
            # counts that fit are 2 and 9).
            result.stats_withheld = PARTS_HIDDEN
        else:
            result.mean = decimal_text(statistics.fmean(numbers))
            result.median = decimal_text(statistics.median(numbers))
    if with_charts:
        result.chart = svg.bars(
            item.text("text"),
            [(r.label, None if r.hidden else r.count, r.display) for r in rows],
        )
    return result
