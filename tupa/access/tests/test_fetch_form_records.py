"""``fetch.form_record_access``: a row of one service form, for whoever the policy allows on it.

The rows are read with scopes disabled, so the organisation filter tested is the helper's own,
not the request's django-scopes scope.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404, HttpRequest
from django.test import RequestFactory
from django_scopes import scopes_disabled

from tupa.access.fetch import Granted, form_record_access
from tupa.access.policy import Basis
from tupa.accounts.models import Role, User
from tupa.core.tests.factories import (
    ServiceFormFactory,
    UserFactory,
    org_role_user,
    worker_in,
)
from tupa.organisations.models import ServiceForm
from tupa.volunteers.models import CourseKind, TrainingCourse

pytestmark = pytest.mark.django_db

VIEW = "volunteers.register.view"
MANAGE = "volunteers.register.manage"


def _request(user: User) -> HttpRequest:
    request = RequestFactory().get("/")
    request.user = user
    return request


def _course(service_form: ServiceForm) -> TrainingCourse:
    with scopes_disabled():
        return TrainingCourse.objects.create(
            organisation=service_form.organisation,
            service_form=service_form,
            kind=CourseKind.OTHER,
            name="Jatkokoulutus",
            starts_on=dt.date(2026, 3, 1),
            ends_on=dt.date(2026, 3, 2),
        )


def _access(user: User, pk: int, action: str) -> Granted[TrainingCourse]:
    with scopes_disabled():
        granted = form_record_access(_request(user), TrainingCourse, pk, action=action)
    assert granted.obj.pk == pk
    return granted


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    form = ServiceFormFactory(kind=ServiceForm.Kind.VOLUNTEER)
    other_form = ServiceFormFactory(
        kind=ServiceForm.Kind.VOLUNTEER, organisation=form.organisation, area=form.area
    )
    elsewhere = ServiceFormFactory(kind=ServiceForm.Kind.VOLUNTEER)
    return {
        "course": _course(form),
        "coordinator": worker_in(form, role=Role.VOLUNTEER_COORDINATOR),
        "director": org_role_user(form.organisation, Role.EXECUTIVE_DIRECTOR),
        "other_form_coordinator": worker_in(other_form, role=Role.VOLUNTEER_COORDINATOR),
        "elsewhere_coordinator": worker_in(elsewhere, role=Role.VOLUNTEER_COORDINATOR),
        "elsewhere_course": _course(elsewhere),
    }


def test_the_row_comes_with_the_basis_of_the_decision(world, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    course = world["course"]
    granted = _access(world["coordinator"], course.pk, MANAGE)
    assert granted.basis is Basis.MEMBERSHIP
    with django_assert_num_queries(0):
        assert granted.obj.service_form.pk == course.service_form_id

    granted = _access(world["director"], course.pk, VIEW)
    assert granted.basis is Basis.ORGANISATION_ROLE


def test_related_rows_come_in_the_same_query(world, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    course = world["course"]
    with scopes_disabled():
        granted = form_record_access(
            _request(world["coordinator"]),
            TrainingCourse,
            course.pk,
            action=VIEW,
            related=("service_form__organisation",),
        )
    with django_assert_num_queries(0):
        assert granted.obj.service_form.organisation.pk == course.organisation_id


@pytest.mark.parametrize(
    ("who", "action"),
    [
        ("director", MANAGE),  # the executive director reads, never manages, the register
        ("other_form_coordinator", VIEW),  # the same organisation, another form
        ("elsewhere_coordinator", VIEW),  # another organisation
    ],
)
def test_a_refused_or_foreign_row_answers_404(world, who, action) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Http404):
        _access(world[who], world["course"].pk, action)


def test_another_organisations_row_is_404_even_for_its_own_coordinator_role(world) -> None:  # type: ignore[no-untyped-def]
    # The coordinator holds the role in the other organisation's form; the row id of the
    # first organisation's course is not found for them, and their own course is.
    with pytest.raises(Http404):
        _access(world["elsewhere_coordinator"], world["course"].pk, MANAGE)
    own = _access(world["elsewhere_coordinator"], world["elsewhere_course"].pk, MANAGE)
    assert own.basis is Basis.MEMBERSHIP
    with pytest.raises(Http404):
        _access(world["coordinator"], world["elsewhere_course"].pk, VIEW)


def test_a_missing_row_or_a_user_without_organisation_answers_404(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Http404):
        _access(world["coordinator"], world["course"].pk + 1000, VIEW)
    with pytest.raises(Http404):
        _access(UserFactory(organisation=None), world["course"].pk, VIEW)


def test_the_organisation_filter_holds_on_its_own(world) -> None:  # type: ignore[no-untyped-def]
    # A row filed under another organisation but pointing at the user's form (inconsistent
    # data): the policy alone would allow it; the helper's organisation filter does not.
    form = world["course"].service_form
    with scopes_disabled():
        stray = TrainingCourse.objects.create(
            organisation=world["elsewhere_course"].organisation,
            service_form=form,
            kind=CourseKind.OTHER,
            name="Väärin kirjattu",
            starts_on=dt.date(2026, 3, 1),
            ends_on=dt.date(2026, 3, 2),
        )
    with pytest.raises(Http404):
        _access(world["coordinator"], stray.pk, VIEW)
