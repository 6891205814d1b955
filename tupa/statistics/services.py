"""Freezing a return when it is sent, and comparing a frozen return with today's data."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from tupa.core.suppression import SHOWN, number_text
from tupa.core.tables import Table
from tupa.finance.grants import services as grants
from tupa.organisations.models import Organisation, ServiceForm

from . import engine
from . import plan_goals as goals
from .engine import Computed
from .indicators.base import Params
from .models import Submission
from .returns import registry as returns
from .suppression import suppress_computed

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.organisations.models import Municipality

logger = logging.getLogger(__name__)

#: Cells under this are shown as "< 5" in everything that leaves the organisation.
THRESHOLD = 5
#: The longest note a sender may write on a sent return (``Submission.note``).
NOTE_MAX_LENGTH = 300


class NotReady(Exception):
    """The return has blocking problems (e.g. stays open at year end) and cannot be sent."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def units_check(computed: Computed) -> list[str]:
    """What stops sending a return counted by the database (ADR 0027), counted again by the
    indicators' units now: the problems of its checks as the units' run finds them, or the
    lines whose table the units count differently. Nothing for a return counted by the units.
    A figure that leaves the organisation never rests on one way of counting alone."""
    if computed.counted_by != engine.DATABASE:
        return []
    by_units = engine.run(computed.template, computed.params, by_units=True)
    if by_units.problems:
        return by_units.problems
    differing = [
        line.index
        for line, check in zip(computed.lines(), by_units.lines(), strict=True)
        if line.table.figures() != check.table.figures()
    ]
    if not differing:
        return []
    # A change saved in between, or two counting rules that disagree: never sent as is.
    logger.error(
        "statistics.counts_differ",
        extra={"template": computed.template.key, "lines": differing},
    )
    return [
        gettext(
            "Luvut eivät täsmää tarkistuslaskennan kanssa (rivit %(lines)s). Päivitä sivu ja "
            "yritä uudelleen; jos ero toistuu, ilmoita ylläpidolle."
        )
        % {"lines": ", ".join(str(i + 1) for i in differing)}
    ]


def states_for(computed: Computed) -> dict[int, dict[tuple[str, ...], str]] | None:
    """The suppression of an outgoing return (``None``: an internal return, nothing hidden),
    linked to the forms' own figures that other outputs publish (:func:`engine.form_tables`)."""
    if not computed.template.outgoing:
        return None
    return suppress_computed(computed, THRESHOLD, engine.form_tables(computed))


def _states_json(states: dict[int, dict[tuple[str, ...], str]] | None) -> dict[str, Any]:
    if states is None:
        return {}
    return {
        str(index): [[*key, state] for key, state in line.items() if state != "shown"]
        for index, line in states.items()
    }


def states_from_json(
    data: dict[str, Any], sent: Computed
) -> dict[int, dict[tuple[str, ...], str]] | None:
    """The suppression a submission was sent with (``None``: an internal return), a state for
    every part of ``sent``'s tables (:func:`frozen`): only the hidden parts are stored, and an
    export takes a part without a state for an error."""
    if not data:
        return None
    hidden = {
        int(index): {tuple(item[:-1]): item[-1] for item in items} for index, items in data.items()
    }
    return {
        cl.index: {key: hidden.get(cl.index, {}).get(key, SHOWN) for key in cl.table.values}
        for cl in sent.lines()
    }


@transaction.atomic
def submit(
    *,
    user: User,
    computed: Computed,
    service_form: ServiceForm | None,
    municipality: Municipality | None,
    title: str,
    note: str = "",
    plan_goals: list[goals.Goal] | None = None,
) -> Submission:
    """Freeze ``computed`` as sent by ``user`` (the caller checked :func:`may_send_return`),
    with the form's goals of the year beside the figures when the return shows them
    (``plan_goals``, :mod:`.plan_goals`: the goals the sender saw; read now when not given).

    The same user marking the same figures sent again with the same note (a double click, a
    reloaded POST) gets the submission already made, not a second one: the organisation's row
    is locked first, so two such requests at once make one submission. A correction (other
    figures), another note or another sender is a new submission; the first one stays.
    """
    if computed.problems:
        raise NotReady(computed.problems)
    if problems := units_check(computed):
        raise NotReady(problems)
    if len(note) > NOTE_MAX_LENGTH or "\x00" in note:  # the view's form refuses both
        raise ValueError(f"a return's note is at most {NOTE_MAX_LENGTH} characters, without NUL")
    template = computed.template
    states = states_for(computed)
    year = computed.params.start.year
    funded = (
        template.grants_for(
            template.forms(ServiceForm.objects.filter(pk=service_form.pk)).get(), year
        )
        if template.granted_by is not None and service_form is not None
        else None
    )
    organisation_id = computed.params.organisation_id
    if plan_goals is None and template.has_plan_goals and service_form is not None:
        plan_goals = goals.of_form(organisation_id, service_form.pk, year)
    fields: dict[str, Any] = {
        "organisation_id": organisation_id,
        "template_id": template.id,
        "template_version": template.version,
        "service_form": service_form,
        "municipality": municipality,
        "period_start": computed.params.start,
        "period_end": computed.params.end,
    }
    frozen_fields: dict[str, Any] = {
        "content_hash": computed.content_hash(),
        "suppression": _states_json(states),
        "note": note,
        "grant_targets": None if funded is None else grant_targets(funded),
        "plan_goals": None if plan_goals is None else goals.as_json(plan_goals),
    }
    # Serialise sendings of the organisation's returns (PostgreSQL; SQLite has one writer).
    list(Organisation.objects.select_for_update().filter(pk=organisation_id).values("pk"))
    latest = Submission.objects.filter(**fields).order_by("-submitted_at", "-pk").first()
    if (
        latest is not None
        and latest.submitted_by_id == user.pk
        and all(getattr(latest, name) == value for name, value in frozen_fields.items())
    ):
        return latest
    submission = Submission.objects.create(
        **fields,
        **frozen_fields,
        recipient=template.recipient,
        title=title[:300],
        params=computed.params.as_json(),
        figures=computed.figures_json(),
        suppression_threshold=THRESHOLD if states is not None else None,
        data_as_of=computed.computed_at,
        submitted_by=user,
        submitted_at=timezone.now(),
    )
    if funded is not None:  # the grants' results reports of the year are sent
        grants.results_reports_sent(
            grants=funded, year=year, sent_on=timezone.localtime(submission.submitted_at).date()
        )
    return submission


def grant_targets(funded: list[Any]) -> list[dict[str, Any]]:
    """What a return per grant target says of its grants (:meth:`ReturnTemplate.grants_for`),
    as a sent return keeps it: a later correction in the register does not change what was
    sent."""
    return [
        {
            "grant": g.pk,
            "target_name": g.target_name,
            "target_code": g.target_code,
            "decision_number": g.decision_number,
        }
        for g in funded
    ]


def frozen(submission: Submission) -> Computed:
    """The submission's figures exactly as sent."""
    template = returns.get(submission.template_id, submission.template_version)
    restored = engine.restore(template, Params.from_json(submission.params), submission.figures)
    restored.computed_at = submission.data_as_of
    return restored


def recompute(submission: Submission) -> Computed:
    """The same template, indicator versions and parameters run on today's data."""
    template = returns.get(submission.template_id, submission.template_version)
    return engine.run(template, Params.from_json(submission.params))


@dataclass
class Change:
    index: int
    title: str
    key: tuple[str, ...]
    label: str
    sent: int
    now: int
    #: the indicator's decimals (money is counted in cents): the texts show it as its line does
    decimals: int = 0

    @property
    def difference(self) -> int:
        return self.now - self.sent

    def _text(self, value: int) -> str:
        return number_text(value, self.decimals)

    @property
    def sent_text(self) -> str:
        return self._text(self.sent)

    @property
    def now_text(self) -> str:
        return self._text(self.now)

    @property
    def difference_text(self) -> str:
        """The change with its sign (+3, -2), grouped and with decimals as the figures are."""
        text = self._text(abs(self.difference))
        return f"+{text}" if self.difference > 0 else f"-{text}" if self.difference else text


def _label(table: Table, key: tuple[str, ...]) -> str:
    rows, cols = dict(table.rows), dict(table.cols)
    if key[0] == "cell":
        return " / ".join(x for x in (rows.get(key[1], ""), cols.get(key[2], "")) if x)
    if key[0] == "row":
        return rows.get(key[1], key[1])
    if key[0] == "col":
        return cols.get(key[1], key[1])
    return ""


def changes(sent: Computed, now: Computed) -> list[Change]:
    """Every part of every table whose value differs between the frozen and today's figures."""
    out = []
    for line in sent.lines():
        current = now.line(line.index).table
        decimals = line.indicator.decimals
        for key, value in line.table.values.items():
            new = current.values.get(key, 0)
            if new != value:
                label = _label(line.table, key)
                out.append(Change(line.index, line.title, key, label, value, new, decimals))
        for key, new in current.values.items():
            if key not in line.table.values and new:
                label = _label(current, key)
                out.append(Change(line.index, line.title, key, label, 0, new, decimals))
    return out
