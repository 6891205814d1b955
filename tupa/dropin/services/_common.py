"""What the Perhetupa services share: who may write, the scope, the day's programme."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.access.dropin import may_use
from tupa.organisations.models import ServiceForm

from ..models import (
    Programme,
)

if TYPE_CHECKING:
    from tupa.accounts.models import User


CENT = Decimal("0.01")
MIN_REASON = 5
#: The weekday of the baby day (Thursday; seed-spec §2.4). Monday is 0.
BABY_DAY_WEEKDAY = 3


@contextmanager
def _scoped(organisation_id: int) -> Iterator[None]:
    with scope(organisation=organisation_id):
        yield


def _require_member(actor: User, service_form: ServiceForm) -> None:
    if actor.organisation_id != service_form.organisation_id or not may_use(actor, service_form):
        raise PermissionDenied(_("Tämä edellyttää jäsenyyttä Perhetuvan työmuodossa."))


def default_programme(day: dt.date) -> str:
    return str(Programme.BABY_DAY if day.weekday() == BABY_DAY_WEEKDAY else Programme.OPEN_DAY)
