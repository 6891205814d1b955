"""Freezing a return: what is stored, that it cannot change, the hash, the difference view."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tables import Table
from tupa.core.tests.factories import EpisodeFactory, ServiceFormFactory, client_in, worker_in
from tupa.organisations.models import Municipality, ServiceForm
from tupa.statistics import engine, services
from tupa.statistics.indicators.base import Params
from tupa.statistics.models import Submission, SubmissionFrozenError
from tupa.statistics.returns import registry as returns

pytestmark = pytest.mark.django_db

YEAR = 2025


def _form() -> ServiceForm:
    return ServiceFormFactory.create(kind=ServiceForm.Kind.OUTPATIENT, name="Avokriisityö")


def _client(form: ServiceForm, *, start: dt.date, municipality: Municipality | None = None):  # type: ignore[no-untyped-def]
    person, episode = client_in(form, municipality=municipality)
    with scopes_disabled():
        episode.start_date = start
        episode.save(update_fields=["start_date"])
    return person, episode


def _params(form: ServiceForm) -> Params:
    return Params(form.organisation_id, dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31), (form.pk,))


def test_submit_freezes_figures_versions_parameters_and_hash() -> None:
    form = _form()
    lead = worker_in(form, role=Role.LEAD)
    for day in (dt.date(YEAR, 2, 1), dt.date(YEAR, 3, 1), dt.date(YEAR, 4, 1)):
        _client(form, start=day)
    template = returns.get("stea.outpatient")
    computed = engine.run(template, _params(form))
    with scopes_disabled():
        sent = services.submit(
            user=lead,
            computed=computed,
            service_form=form,
            municipality=None,
            title="STEA 2025",
        )
    assert sent.template_id == "stea.outpatient" and sent.template_version == template.version
    assert sent.params == _params(form).as_json()
    assert sent.content_hash == computed.content_hash() and len(sent.content_hash) == 64
    clients_line = next(i for i, line in template.lines() if line.indicator == "outpatient.clients")
    assert sent.figures[str(clients_line)]["indicator"] == "outpatient.clients@1"
    # 3 clients: the total is under 5, so it is stored as primary-suppressed.
    assert ["total", "primary"] in sent.suppression[str(clients_line)]
    assert sent.suppression_threshold == services.THRESHOLD
    # Reproducing from the same data gives the same hash.
    assert services.recompute(sent).content_hash() == sent.content_hash


def test_a_late_correction_shows_in_the_difference_view_and_the_frozen_figures_stay() -> None:
    form = _form()
    lead = worker_in(form, role=Role.LEAD)
    for month in (1, 2, 3, 4, 5, 6):
        _client(form, start=dt.date(YEAR, month, 10))
    template = returns.get("stea.outpatient")
    with scopes_disabled():
        sent = services.submit(
            user=lead,
            computed=engine.run(template, _params(form)),
            service_form=form,
            municipality=None,
            title="STEA 2025",
        )
        _client(form, start=dt.date(YEAR, 11, 3))  # recorded late
        frozen = services.frozen(sent)
        now = services.recompute(sent)
    clients_line = next(i for i, line in template.lines() if line.indicator == "outpatient.clients")
    assert frozen.line(clients_line).table.total == 6
    assert now.line(clients_line).table.total == 7
    changes = [c for c in services.changes(frozen, now) if c.index == clients_line]
    total = next(c for c in changes if c.key == ("total",))
    assert (total.sent, total.now, total.difference) == (6, 7, 1)
    assert now.content_hash() != sent.content_hash


def test_a_sent_return_cannot_be_changed_or_deleted() -> None:
    form = _form()
    lead = worker_in(form, role=Role.LEAD)
    with scopes_disabled():
        sent = services.submit(
            user=lead,
            computed=engine.run(returns.get("stea.outpatient"), _params(form)),
            service_form=form,
            municipality=None,
            title="STEA 2025",
        )
        sent.note = "muutettu"
        with pytest.raises(SubmissionFrozenError):
            sent.save()
        with pytest.raises(SubmissionFrozenError):
            Submission.objects.filter(pk=sent.pk).update(note="x")
    with pytest.raises(Exception, match="frozen"), connection.cursor() as cursor:
        cursor.execute("UPDATE statistics_submission SET note = 'x'")


def test_a_return_with_open_problems_is_not_sent() -> None:
    form = _form()
    lead = worker_in(form, role=Role.LEAD)
    computed = engine.run(returns.get("stea.outpatient"), _params(form))
    computed.problems = ["Jakso on auki vuoden lopussa."]
    with pytest.raises(services.NotReady), scopes_disabled():
        services.submit(
            user=lead, computed=computed, service_form=form, municipality=None, title="x"
        )
    with scopes_disabled():
        assert not Submission.objects.exists()


def test_the_hash_is_independent_of_when_it_is_computed() -> None:
    form = _form()
    EpisodeFactory.create(service_form=form, organisation=form.organisation)
    template = returns.get("stea.outpatient")
    assert engine.run(template, _params(form)).content_hash() == (
        engine.run(template, _params(form)).content_hash()
    )


def test_a_change_is_written_as_its_figures_are() -> None:
    """Grouped thousands (a no-break space), and money — counted in cents — in euros."""
    visits = services.Change(0, "Käynnit", ("total",), "", sent=3981, now=3984)
    assert (visits.sent_text, visits.now_text, visits.difference_text) == (
        "3\xa0981",
        "3\xa0984",
        "+3",
    )
    euros = services.Change(1, "Laskutus", ("total",), "", sent=123450, now=120000, decimals=2)
    assert (euros.sent_text, euros.now_text, euros.difference_text) == (
        "1\xa0234,50",
        "1\xa0200,00",
        "-34,50",
    )
    same = services.Change(2, "Ennallaan", ("total",), "", sent=5, now=5)
    assert same.difference_text == "0"


def test_the_difference_view_shows_hours_in_hours_not_hundredths() -> None:
    """Volunteer hours are counted in hundredths (``decimals=2``); a late correction of 1 h 30
    min on 12 h shows as 12,00 → 13,50."""
    template = returns.get("stea.volunteer", 1)
    params = Params(1, dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31))

    def figures(hours_total: int) -> dict[str, Any]:
        out = {}
        for index, line in template.lines():
            total = hours_total if line.indicator == "volunteers.hours" else 0
            out[str(index)] = {
                "indicator": f"{line.indicator}@{line.version}",
                "table": Table(values={("total",): total}).as_json(),
            }
        return out

    sent = engine.restore(template, params, figures(1200))
    now = engine.restore(template, params, figures(1350))
    (change,) = services.changes(sent, now)
    assert change.decimals == 2
    assert (change.sent_text, change.now_text, change.difference_text) == (
        "12,00",
        "13,50",
        "+1,50",
    )
