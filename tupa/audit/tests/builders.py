"""Typed wrappers around the shared factories (factory_boy's calls are untyped for mypy)."""

from __future__ import annotations

from typing import Any, cast

from tupa.accounts.models import User
from tupa.core.tests.factories import (
    OrganisationFactory,
    ServiceFormFactory,
    TeamFactory,
    UserFactory,
)
from tupa.organisations.models import Organisation, ServiceForm, Team


def make_user(**kwargs: Any) -> User:
    return cast(User, UserFactory(**kwargs))


def make_organisation(**kwargs: Any) -> Organisation:
    return cast(Organisation, OrganisationFactory(**kwargs))


def make_service_form(**kwargs: Any) -> ServiceForm:
    return cast(ServiceForm, ServiceFormFactory(**kwargs))


def make_team(**kwargs: Any) -> Team:
    return cast(Team, TeamFactory(**kwargs))
