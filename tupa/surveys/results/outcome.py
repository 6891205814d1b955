"""The change an outcome measure shows (issue 13 item 6, Vaikuttavuus esiin).

For each client — an (episode, person) pair with linked responses to an outcome questionnaire —
the change is between the first and the last measurement (start → end, or to the follow-up):
points are ordered start, interim, end, follow-up, then by day. The score change is the sum, over
the numeric items (scales and smileys) answered at *both* measurements, of last − first; so a
question skipped once does not count as a change. A client with one measurement has no change.
A client counts in the period of their last measurement.

Aggregates per service form and per funder (the forms' :class:`ServiceFormFunding`): how many
improved (change > 0), stayed the same (0) and worsened (< 0), a histogram of the change and the
mean — the distribution, not only the mean. Suppression (:mod:`.suppression`) is the caller's
choice, as on the results page.

The direction is "higher is better" (Vaikuttavuus esiin's scales ask how well things are).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.organisations.models import ServiceFormFunding
from tupa.surveys.models import Answer, MeasurementPoint, Questionnaire, Response
from tupa.surveys.results import suppression
from tupa.surveys.results.selectors import MEAN_KINDS, decimal_text
from tupa.surveys.results.suppression import Part

if TYPE_CHECKING:
    from tupa.organisations.models import ServiceForm

POINT_ORDER = {
    MeasurementPoint.START: 0,
    MeasurementPoint.INTERIM: 1,
    MeasurementPoint.END: 2,
    MeasurementPoint.FOLLOW_UP: 3,
    "": 1,
}

IMPROVED, UNCHANGED, WORSENED = "improved", "unchanged", "worsened"

#: The histogram's bins of score change: (key, label, lowest, highest) inclusive.
BINS: tuple[tuple[str, str, int, int], ...] = (
    ("le-10", "≤ −10", -10_000, -10),
    ("-9..-5", "−9…−5", -9, -5),
    ("-4..-1", "−4…−1", -4, -1),
    ("0", "0", 0, 0),
    ("1..4", "1…4", 1, 4),
    ("5..9", "5…9", 5, 9),
    ("ge10", "≥ 10", 10, 10_000),
)


def direction_labels() -> dict[str, str]:
    return {IMPROVED: _("parani"), UNCHANGED: _("ennallaan"), WORSENED: _("heikkeni")}


def direction(change: int) -> str:
    return IMPROVED if change > 0 else WORSENED if change < 0 else UNCHANGED


def bin_of(change: int) -> str:
    for key, _label, low, high in BINS:
        if low <= change <= high:
            return key
    raise AssertionError(change)  # the bins cover every integer


@dataclass(frozen=True)
class ClientChange:
    """One client's change (never shown per person; the aggregates are)."""

    episode_id: int
    person_id: int
    service_form_id: int
    first_point: str
    last_point: str
    last_on: dt.date
    change: int


def client_changes(
    questionnaire: Questionnaire,
    *,
    start: dt.date,
    end: dt.date,
    service_form_ids: Iterable[int] | None = None,
) -> list[ClientChange]:
    """Each client's change whose last measurement falls in the period (three queries)."""
    with scope(organisation=questionnaire.organisation_id):
        rows = Response.objects.filter(
            organisation_id=questionnaire.organisation_id,
            version__questionnaire=questionnaire,
            anonymous=False,
            episode__isnull=False,
            person__isnull=False,
        )
        if service_form_ids is not None:
            rows = rows.filter(service_form_id__in=list(service_form_ids))
        responses: list[Any] = list(
            rows.values(
                "id",
                "episode_id",
                "person_id",
                "service_form_id",
                "measurement_point",
                "submitted_on",
            )
        )
        numbers: dict[int, dict[str, int]] = defaultdict(dict)
        for a in Answer.objects.filter(
            response_id__in=[r["id"] for r in responses],
            item__kind__in=list(MEAN_KINDS),
            number__isnull=False,
        ).values("response_id", "item__code", "number"):
            numbers[a["response_id"]][a["item__code"]] = int(a["number"] or 0)
    by_client: dict[tuple[int, int], list[dict[str, object]]] = defaultdict(list)
    for r in responses:
        by_client[(r["episode_id"], r["person_id"])].append(r)
    out: list[ClientChange] = []
    for (episode_id, person_id), measured in by_client.items():
        if len(measured) < 2:
            continue
        measured.sort(
            key=lambda r: (
                POINT_ORDER.get(str(r["measurement_point"]), 1),
                r["submitted_on"],
                r["id"],
            )
        )
        first, last = measured[0], measured[-1]
        last_on = last["submitted_on"]
        assert isinstance(last_on, dt.date)
        if not start <= last_on <= end:
            continue
        before, after = numbers[int(str(first["id"]))], numbers[int(str(last["id"]))]
        common = before.keys() & after.keys()
        if not common:
            continue
        out.append(
            ClientChange(
                episode_id=episode_id,
                person_id=person_id,
                service_form_id=int(str(last["service_form_id"])),
                first_point=str(first["measurement_point"]),
                last_point=str(last["measurement_point"]),
                last_on=last_on,
                change=sum(after[c] - before[c] for c in common),
            )
        )
    out.sort(key=lambda c: (c.service_form_id, c.episode_id, c.person_id))
    return out


@dataclass
class ChangeSummary:
    """The change of one group (a service form, a funder, everyone)."""

    label: str
    clients: int
    suppressed: bool
    directions: list[Part] = field(default_factory=list)
    histogram: list[Part] = field(default_factory=list)
    mean: str = ""

    @property
    def clients_display(self) -> str:
        return suppression.count_text(self.clients, suppressed=self.suppressed)

    @property
    def withheld(self) -> bool:
        return self.suppressed and suppression.is_small(self.clients)


def summarise(label: str, changes: list[ClientChange], *, suppressed: bool) -> ChangeSummary:
    summary = ChangeSummary(label=label, clients=len(changes), suppressed=suppressed)
    names = direction_labels()
    counts: dict[str, int] = defaultdict(int)
    bins: dict[str, int] = defaultdict(int)
    for c in changes:
        counts[direction(c.change)] += 1
        bins[bin_of(c.change)] += 1
    summary.directions = [Part(k, names[k], counts[k]) for k in (IMPROVED, UNCHANGED, WORSENED)]
    summary.histogram = [Part(key, text, bins[key]) for key, text, _l, _h in BINS]
    if suppressed:
        for parts in (summary.directions, summary.histogram):
            states, _total = suppression.one_way([p.count for p in parts], len(changes))
            for p, state in zip(parts, states, strict=True):
                p.state = state
    hidden = any(p.hidden for p in [*summary.directions, *summary.histogram])
    # The mean is one more equation over the histogram's counts: beside a hidden part it could
    # narrow it down, so a suppressed group with a hidden part shows none.
    if changes and not summary.withheld and not (suppressed and hidden):
        summary.mean = decimal_text(Decimal(sum(c.change for c in changes)) / len(changes))
    return summary


@dataclass
class OutcomeResults:
    by_form: list[ChangeSummary]
    by_funder: list[ChangeSummary]
    total: ChangeSummary


def outcome_results(
    questionnaire: Questionnaire,
    *,
    forms: list[ServiceForm],
    start: dt.date,
    end: dt.date,
    suppressed: bool,
) -> OutcomeResults:
    """The change per form, per funder of those forms and in all (``suppressed``: "< 5")."""
    changes = client_changes(
        questionnaire, start=start, end=end, service_form_ids=[f.pk for f in forms]
    )
    by_form: dict[int, list[ClientChange]] = defaultdict(list)
    for c in changes:
        by_form[c.service_form_id].append(c)
    with scope(organisation=questionnaire.organisation_id):
        fundings = list(
            ServiceFormFunding.objects.filter(service_form__in=forms)
            .select_related("funder")
            .order_by("funder__name", "funder_id")
        )
    funders: dict[int, tuple[str, set[int]]] = {}
    for f in fundings:
        funders.setdefault(f.funder_id, (f.funder.name, set()))[1].add(f.service_form_id)
    return OutcomeResults(
        by_form=[
            summarise(form.name, by_form.get(form.pk, []), suppressed=suppressed) for form in forms
        ],
        by_funder=[
            summarise(
                name,
                [c for c in changes if c.service_form_id in form_ids],
                suppressed=suppressed,
            )
            for name, form_ids in funders.values()
        ],
        total=summarise(_("Kaikki"), changes, suppressed=suppressed),
    )
