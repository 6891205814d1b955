"""The team's feedback list (``surveys:feedback``): the form's responses with their answers.

What a row shows depends on the viewer and the response:

- a *linked* response shows its person and its free text only to a user who may see its episode
  (:func:`tupa.access.surveys.linked_episode_bases`); anyone else sees "nimetty vastaus" with the
  numeric and choice answers, without the name or the text;
- an *anonymous* response shows only its month, and its free text only when its questionnaire
  has at least ``SURVEYS_SMALL_CELL`` (5) anonymous responses in this form in that month — a
  smaller group could point to a person ("< 5 vastausta").

Five queries per page whatever its length (count, page, answers, bases, group sizes).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tupa.access import surveys as access
from tupa.surveys.models import Answer, ItemKind, Questionnaire, Response
from tupa.surveys.results import suppression

if TYPE_CHECKING:
    from tupa.access.policy import Basis
    from tupa.accounts.models import User
    from tupa.organisations.models import ServiceForm
    from tupa.people.models import Person

PER_PAGE = 25


@dataclass
class AnswerView:
    code: str
    question: str
    value: str
    is_text: bool = False


@dataclass
class FeedbackRow:
    response: Response
    person: Person | None = None
    named_hidden: bool = False
    text_withheld: bool = False
    answers: list[AnswerView] = field(default_factory=list)

    @property
    def month_only(self) -> bool:
        return self.response.anonymous


def questionnaires_of(service_form: ServiceForm) -> QuerySet[Questionnaire]:
    """The form's own questionnaires and the organisation-wide ones (the filter's choices)."""
    return Questionnaire.objects.filter(
        Q(service_form=service_form) | Q(service_form=None),
        organisation_id=service_form.organisation_id,
    ).order_by("name", "pk")


def responses_of(
    service_form: ServiceForm,
    *,
    questionnaire_id: int | None = None,
    channel: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Response]:
    rows = Response.objects.filter(service_form=service_form)
    if questionnaire_id is not None:
        rows = rows.filter(version__questionnaire_id=questionnaire_id)
    if channel:
        rows = rows.filter(channel=channel)
    if start is not None:
        # An anonymous response is dated the 1st of its month: a period starting mid-month
        # still finds that month's anonymous answers.
        rows = rows.filter(
            Q(submitted_on__gte=start) | Q(anonymous=True, submitted_on__gte=start.replace(day=1))
        )
    if end is not None:
        rows = rows.filter(submitted_on__lte=end)
    # Within a day (an anonymous answer's day is its month's first) the order is the submission
    # key's, a hash: the database id's order would tell which anonymous answer came first and so
    # match it to the day an invitation was answered.
    return rows.select_related("version", "version__questionnaire", "person").order_by(
        "-submitted_on", "submission_key"
    )


def _value(answer: Answer) -> str:
    item = answer.item
    if answer.choice_id is not None and answer.choice is not None:
        return answer.choice.text("label")
    if answer.number is not None:
        if item.kind == ItemKind.YESNO:
            return _("kyllä") if answer.number else _("ei")
        if item.kind == ItemKind.SMILEY:
            return {1: _("surullinen"), 2: _("siltä väliltä"), 3: _("iloinen")}.get(
                answer.number, str(answer.number)
            )
        low_high = item.numeric_range
        return f"{answer.number}/{low_high[1]}" if low_high else str(answer.number)
    return answer.text


def _few_anonymous(service_form: ServiceForm, responses: list[Response]) -> set[int]:
    """The anonymous responses of the page too few in their group to show their free texts:
    the results' rule (:func:`tupa.surveys.results.suppression.few_anonymous_responses`),
    counted over the whole groups (every anonymous response of the form in the page's versions
    and months, whatever the filters), so that this list and the results page withhold the
    same texts (one query)."""
    keys = {(r.version_id, r.submitted_on) for r in responses if r.anonymous}
    if not keys:
        return set()
    rows = Response.objects.filter(
        service_form=service_form,
        anonymous=True,
        version_id__in={k[0] for k in keys},
        submitted_on__in={k[1] for k in keys},
    ).values(
        "id",
        "anonymous",
        "service_form_id",
        "submitted_on",
        "version_id",
        "channel",
        "measurement_point",
    )
    return suppression.few_anonymous_responses(rows)


def feedback_page(
    *,
    user: User,
    service_form: ServiceForm,
    page_number: int | str = 1,
    questionnaire_id: int | None = None,
    channel: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> tuple[Page[Response], list[FeedbackRow], dict[int, Basis]]:
    """One page of the list, its rows, and the episode bases of the persons shown."""
    paginator = Paginator(
        responses_of(
            service_form, questionnaire_id=questionnaire_id, channel=channel, start=start, end=end
        ),
        PER_PAGE,
    )
    page = paginator.get_page(page_number)
    responses = list(page.object_list)
    answers: dict[int, list[Answer]] = defaultdict(list)
    for answer in (
        Answer.objects.filter(response__in=[r.pk for r in responses])
        .select_related("item", "choice")
        .order_by("item__order", "item_id", "choice__order", "pk")
    ):
        answers[answer.response_id].append(answer)
    bases = access.linked_episode_bases(user, responses)
    few_anonymous = _few_anonymous(service_form, responses)
    rows: list[FeedbackRow] = []
    for response in responses:
        readable = (not response.anonymous and response.episode_id in bases) or (
            response.anonymous and response.pk not in few_anonymous
        )
        row = FeedbackRow(
            response=response,
            person=response.person if not response.anonymous and readable else None,
            named_hidden=not response.anonymous and not readable,
        )
        merged: dict[str, AnswerView] = {}
        for answer in answers[response.pk]:
            is_text = answer.item.kind == ItemKind.TEXT
            if is_text and not readable:
                row.text_withheld = True
                continue
            value = _value(answer)
            if answer.item.code in merged:
                merged[answer.item.code].value += f", {value}"
            else:
                merged[answer.item.code] = AnswerView(
                    answer.item.code, answer.item.text("text"), value, is_text
                )
        row.answers = list(merged.values())
        rows.append(row)
    shown = {
        r.response.episode_id: bases[r.response.episode_id]
        for r in rows
        if r.person is not None and r.response.episode_id is not None
    }
    return page, rows, shown
