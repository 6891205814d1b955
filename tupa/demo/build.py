"""The whole demo, in order: the organisation, its clients, then each domain's data.

:func:`build_everything` is what ``manage.py build_demo`` runs (and what the tests and the
benchmarks can run): :func:`tupa.demo.organisations.build_demo` first, then the fictional
clients (:mod:`tupa.demo.clients`), then the builders of :data:`DOMAIN_BUILDERS` in order.
Every step is idempotent: run again, nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tupa.demo import (
    dropin,
    finance_agreements,
    finance_budget,
    finance_grants,
    finance_invoicing,
    homes,
    planning,
    prevention,
    programmes,
    residential,
    scheduling,
    statistics,
    surveys,
    visitation,
    volunteer_groups,
    volunteers,
)
from tupa.demo.clients import Counts, build_demo_clients
from tupa.demo.organisations import (
    DEFAULT_PASSWORD,
    MUNICIPALITIES_CSV,
    DemoResult,
    build_demo,
)
from tupa.organisations.models import Organisation

#: Each builder adds its domain's data after the clients, ``build(*, organisation)`` returning a
#: one-line summary, or None when the data already existed (or its prerequisites are missing).
DOMAIN_BUILDERS: tuple[Callable[..., str | None], ...] = (
    residential.build,
    scheduling.build,
    volunteers.build,  # before the groups and Perhetupa: their childminders are volunteers
    volunteer_groups.build,  # their members are the volunteers above
    programmes.build,
    dropin.build,
    prevention.build,
    visitation.build,
    homes.build,  # after every builder that adds persons; before the invoicing and statistics
    surveys.build,  # after the clients, volunteers and groups: due lists read their ends
    finance_agreements.build,
    finance_grants.build,
    finance_budget.build,
    finance_invoicing.build,  # after the agreements; runs on the stays, meetings and rentals
    planning.build,  # the annual plan's goals, through the services (ADR 0030)
    statistics.build,
)


@dataclass
class DemoBuild:
    """What one run built: the organisation's result, the clients and the domain summaries."""

    result: DemoResult
    #: None when the clients were not asked for or already existed
    clients: Counts | None = None
    clients_requested: bool = True
    summaries: list[str] = field(default_factory=list)


def build_domains(*, organisation: Organisation) -> list[str]:
    """Run every domain builder in order; the summaries of those that added something."""
    summaries = []
    for builder in DOMAIN_BUILDERS:
        summary = builder(organisation=organisation)
        if summary:
            summaries.append(summary)
    return summaries


def build_everything(
    *,
    password: str = DEFAULT_PASSWORD,
    clients: bool = True,
    municipalities_csv: Path | None = MUNICIPALITIES_CSV,
) -> DemoBuild:
    """Build (or complete) the whole demo; ``clients=False`` stops after the organisation."""
    result = build_demo(password=password, municipalities_csv=municipalities_csv)
    built = DemoBuild(result=result, clients_requested=clients)
    if clients:
        built.clients = build_demo_clients(organisation=result.organisation)
        built.summaries = build_domains(organisation=result.organisation)
    return built
