from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from axes.models import AccessAttempt

from tupa.accounts.models import User
from tupa.core.tests.factories import OrganisationFactory, ServiceFormFactory, worker_in
from tupa.organisations.models import Organisation, ServiceForm

from .helpers import START


@pytest.fixture(autouse=True)
def _clear_axes(db: None) -> Iterator[None]:
    """Lockout state must not leak between tests (the cache handler would keep it otherwise)."""
    import axes.utils

    axes.utils.reset()
    yield
    AccessAttempt.objects.all().delete()


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def organisation() -> Organisation:
    return OrganisationFactory.create(
        name="Kuvitteellinen ensi- ja turvakoti ry", slug="kuvitteellinen"
    )


@pytest.fixture
def service_form(organisation: Organisation) -> ServiceForm:
    return ServiceFormFactory.create(
        organisation=organisation,
        area__organisation=organisation,
        name="Vauvaperhetyö Kuusela",
        slug="vauvaperhetyo-kuusela",
    )


@pytest.fixture
def worker(service_form: ServiceForm) -> User:
    return worker_in(
        service_form, username="anna.aaltonen", first_name="Anna", last_name="Aaltonen"
    )
