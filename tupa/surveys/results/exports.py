"""Exports of feedback results: the answers (one row per response) as CSV and XLSX, and the
aggregate figures as CSV. Nothing here identifies a person.

* CSV the Finnish way: ``;``, UTF-8 with a byte-order mark, decimal comma; every text cell is
  formula-safe — both files are written by :mod:`tupa.core.spreadsheets`.
* A response row has the month only (``2026-03``), the service form, the version, the channel
  and the measurement point — never an episode, a person, an invitation or a day — and rows are
  not in the order they were given.
* Everything leaving the unit is suppressed: the aggregate export always is; the answers of a
  form with fewer respondents than the threshold are left out (a note says so), so are the
  anonymous rows too few in their form, month, version, channel and measurement point (what
  the row shows beside them: ``suppression.few_anonymous_responses``), and so are linked free
  texts the downloader may not read.
* XLSX has the answers, a sheet describing the questions and the versions, and the facts of the
  copy (questionnaire, period, threshold, time of the export).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_scopes import scope

from tupa.core.spreadsheets import Sheet, finnish_csv, workbook
from tupa.core.wallclock import fi_moment
from tupa.surveys.models import Answer, Channel, Item, ItemKind, MeasurementPoint
from tupa.surveys.results import suppression
from tupa.surveys.results.forms import period_label
from tupa.surveys.results.outcome import OutcomeResults
from tupa.surveys.results.selectors import (
    Results,
    items_by_code,
    linked_readers,
    responses_of,
    versions_of,
)

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.organisations.models import ServiceForm
    from tupa.people.models import Person
    from tupa.surveys.models import Questionnaire


@dataclass
class AnswerTable:
    """The answers as rows of cells (shared by CSV and XLSX)."""

    header: list[str]
    rows: list[list[Any]]
    items: list[Item]
    item_versions: dict[str, list[int]]
    left_out: list[str]
    #: Forms whose anonymous answers were left out: fewer of them than the threshold (the
    #: linked respondents are known, so they hide no anonymous one).
    anonymous_left_out: list[str]
    #: Persons whose linked free text is in the file (the caller logs an export of each).
    shown_persons: list[tuple[Person, str, int | None]]


def _value(item: Item, values: list[dict[str, Any]], labels: dict[str, str]) -> Any:
    if not values:
        return ""
    if item.kind in (ItemKind.SINGLE, ItemKind.MULTIPLE):
        return ", ".join(labels.get(v["choice__value"], v["choice__value"]) for v in values)
    if item.kind == ItemKind.TEXT:
        return values[0]["text"]
    if item.kind == ItemKind.YESNO:
        return _("kyllä") if values[0]["number"] == 1 else _("ei")
    return values[0]["number"]


def answer_table(
    *,
    user: User,
    questionnaire: Questionnaire,
    forms: list[ServiceForm],
    start: dt.date,
    end: dt.date,
    version: int | None,
) -> AnswerTable:
    limit = suppression.threshold()
    with scope(organisation=questionnaire.organisation_id):
        versions = versions_of(questionnaire)
        if version is not None:
            versions = [v for v in versions if v.number == version]
        by_code, asked = items_by_code(versions)
        items = list(by_code.values())
        responses = list(
            responses_of(questionnaire, forms, start, end, version).values(
                "id",
                "service_form_id",
                "version__number",
                "version_id",
                "channel",
                "measurement_point",
                "submitted_on",
                "submission_key",
                "anonymous",
                "episode_id",
                "service_form__name",
            )
        )
        per_form: dict[int, int] = defaultdict(int)
        for r in responses:
            per_form[r["service_form_id"]] += 1
        # Anonymous rows too few in their form, month, version, channel and measurement point
        # stay out: the row shows all of these beside the answers.
        few_anonymous = suppression.few_anonymous_responses(responses)
        kept = [
            r
            for r in responses
            if per_form[r["service_form_id"]] >= limit and r["id"] not in few_anonymous
        ]
        answers: dict[int, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
        rows_of_answers: list[Any] = list(
            Answer.objects.filter(response_id__in=[r["id"] for r in kept]).values(
                "response_id", "item__code", "choice__value", "number", "text"
            )
        )
        for a in rows_of_answers:
            answers[a["response_id"]][a["item__code"]].append(a)
        linked_with_text = [
            r["id"]
            for r in kept
            if not r["anonymous"] and any(a["text"] for c in answers[r["id"]].values() for a in c)
        ]
        readable, shown = linked_readers(user, set(linked_with_text))
    labels = {i.code: {c.value: c.text("label") for c in i.choices.all()} for i in items}
    channels = dict(Channel.choices)
    points = dict(MeasurementPoint.choices)
    header = [
        _("Rivi"),
        _("Kuukausi"),
        _("Työmuoto"),
        _("Versio"),
        _("Kanava"),
        _("Mittauspiste"),
        *[i.code for i in items],
    ]
    kept.sort(
        key=lambda r: (
            r["submitted_on"].strftime("%Y-%m"),
            hashlib.sha256(r["submission_key"].encode()).hexdigest(),
        )
    )
    rows: list[list[Any]] = []
    for n, r in enumerate(kept, start=1):
        cells: list[Any] = [
            n,
            r["submitted_on"].strftime("%Y-%m"),
            r["service_form__name"],
            r["version__number"],
            str(channels.get(r["channel"], r["channel"])),
            str(points.get(r["measurement_point"], "")),
        ]
        for item in items:
            values = answers[r["id"]].get(item.code, [])
            if (
                item.kind == ItemKind.TEXT
                and values
                and not r["anonymous"]
                and r["id"] not in readable
            ):
                cells.append(_("(ei näytetä)"))
            else:
                cells.append(_value(item, values, labels[item.code]))
        rows.append(cells)
    left_out = sorted(
        {r["service_form__name"] for r in responses if per_form[r["service_form_id"]] < limit}
    )
    anonymous_left_out = sorted(
        {
            r["service_form__name"]
            for r in responses
            if per_form[r["service_form_id"]] >= limit and r["id"] in few_anonymous
        }
    )
    return AnswerTable(
        header, rows, items, asked, left_out, anonymous_left_out, list(shown.values())
    )


_ANONYMOUS_LEFT_OUT = gettext_lazy("Nimettömät vastaukset jätetty pois (alle raja-arvon)")


def export_meta(
    questionnaire: Questionnaire, start: dt.date, end: dt.date, version: int | None
) -> list[tuple[str, str]]:
    return [
        (_("Kysely"), questionnaire.name),
        (_("Ajanjakso"), period_label(start, end)),
        (_("Versio"), str(version) if version else _("kaikki versiot")),
        (
            _("Pienet ryhmät"),
            _('Alle %(n)s vastaajan ryhmät näytetään muodossa "< %(n)s" tai jätetään pois.')
            % {"n": suppression.threshold()},
        ),
        (_("Tulostettu"), fi_moment(timezone.now())),
    ]


def answers_csv(table: AnswerTable, meta: list[tuple[str, str]]) -> bytes:
    head: list[list[Any]] = [[name, value] for name, value in meta]
    head += (
        [[_("Jätetty pois (alle raja-arvon)"), ", ".join(table.left_out)]] if table.left_out else []
    )
    head += (
        [[_ANONYMOUS_LEFT_OUT, ", ".join(table.anonymous_left_out)]]
        if table.anonymous_left_out
        else []
    )
    return finnish_csv(None, [*head, [], table.header, *table.rows])


def summary_csv(
    results: Results, outcome: OutcomeResults | None, meta: list[tuple[str, str]]
) -> bytes:
    """The aggregate figures, suppressed (the caller computes ``results`` with suppression)."""
    rows: list[list[Any]] = [[name, value] for name, value in meta]
    rows.append([])
    rows.append(
        [
            _("Työmuoto"),
            _("Kysymys"),
            _("Vaihtoehto"),
            _("Vastanneita"),
            _("Osuus"),
            _("Keskiarvo"),
            _("Mediaani"),
        ]
    )
    for form in results.forms:
        rows.append(
            [form.service_form.name, _("Vastaajia"), "", form.respondents_display, "", "", ""]
        )
        rows.append(
            [form.service_form.name, _("Kutsuja"), "", form.invitations_display, form.rate, "", ""]
        )
        for item in form.items:
            if item.is_text:
                continue
            rows.append(
                [
                    form.service_form.name,
                    item.code,
                    _("Vastanneita"),
                    item.answered_display,
                    "",
                    item.mean,
                    item.median,
                ]
            )
            for r in item.rows:
                rows.append(
                    [form.service_form.name, item.code, r.label, r.display, r.percent, "", ""]
                )
    if outcome is not None:
        rows.append([])
        rows.append([_("Muutos"), _("Ryhmä"), _("Luokka"), _("Asiakkaita"), "", _("Keskiarvo"), ""])
        for group in [*outcome.by_form, *outcome.by_funder, outcome.total]:
            rows.append(
                [_("Muutos"), group.label, _("Yhteensä"), group.clients_display, "", group.mean, ""]
            )
            if group.withheld:
                continue
            for part in [*group.directions, *group.histogram]:
                rows.append([_("Muutos"), group.label, part.label, part.display, "", "", ""])
    return finnish_csv(None, rows)


def answers_xlsx(table: AnswerTable, meta: list[tuple[str, str]]) -> bytes:
    """The answers, the questions and their versions, and the facts of the copy."""
    questions = [
        [
            item.code,
            item.text("text"),
            str(item.get_kind_display()),
            ", ".join(str(n) for n in table.item_versions.get(item.code, [])),
            "; ".join(f"{c.value} = {c.text('label')}" for c in item.choices.all()),
        ]
        for item in table.items
    ]
    facts: list[list[Any]] = [[name, value] for name, value in meta]
    if table.left_out:
        facts.append([_("Jätetty pois (alle raja-arvon)"), ", ".join(table.left_out)])
    if table.anonymous_left_out:
        facts.append([_ANONYMOUS_LEFT_OUT, ", ".join(table.anonymous_left_out)])
    return workbook(
        [
            Sheet(_("Vastaukset"), table.rows, table.header),
            Sheet(
                _("Kysymykset"),
                questions,
                [_("Tunniste"), _("Kysymys"), _("Tyyppi"), _("Versiot"), _("Vaihtoehdot")],
            ),
            Sheet(_("Tiedot"), facts),
        ]
    )
