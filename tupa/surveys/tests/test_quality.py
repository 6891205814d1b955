"""Quality self-evaluation (FBK-09): criteria sets, an evaluation per unit and year, the previous
year's rating beside each criterion, optimistic locking, who may."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import resolve, reverse
from django_scopes import scope, scopes_disabled

from tupa.access.marks import access_class
from tupa.accounts.models import Role
from tupa.core.conflicts import MESSAGE as CONFLICT_MESSAGE
from tupa.core.conflicts import VersionConflict
from tupa.core.tests.factories import ServiceFormFactory, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.surveys.models import CriteriaSet, Criterion, CriterionRating, SelfEvaluation
from tupa.surveys.quality import selectors, services
from tupa.surveys.quality.forms import CriterionForm
from tupa.surveys.quality.services import RatingInput

pytestmark = pytest.mark.django_db

MET, PARTLY, NOT_MET, NA = "met", "partly", "not_met", "na"


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 6, 15, 12), tick=False):
        yield


@pytest.fixture
def world() -> dict[str, Any]:
    form = ServiceFormFactory.create(name="Ensikoti", slug="ensikoti")
    lead = worker_in(form, role=Role.LEAD)
    with scopes_disabled():
        criteria_set = services.criteria_set_create(
            actor=lead, name="Oma laatukäsikirja", source=CriteriaSet.Source.OWN_HANDBOOK
        )
        c1 = services.criterion_add(actor=lead, criteria_set=criteria_set, code="1.1", text="A")
        c2 = services.criterion_add(actor=lead, criteria_set=criteria_set, code="1.2", text="B")
        c3 = services.criterion_add(actor=lead, criteria_set=criteria_set, code="2.1", text="C")
    return {"form": form, "lead": lead, "set": criteria_set, "criteria": [c1, c2, c3]}


def _evaluation(w: dict[str, Any], year: int) -> SelfEvaluation:
    with scopes_disabled():
        return services.evaluation_start(
            actor=w["lead"], service_form=w["form"], criteria_set=w["set"], year=year
        )


def _save(w: dict[str, Any], evaluation: SelfEvaluation, ratings: dict[int, RatingInput]) -> Any:
    with scopes_disabled():
        return services.evaluation_save(
            actor=w["lead"],
            evaluation=evaluation,
            version=evaluation.version,
            ratings=ratings,
            summary="Yhteenveto",
        )


def test_criteria_are_numbered_in_order_and_codes_are_unique(world: dict[str, Any]) -> None:
    assert [c.order for c in world["criteria"]] == [1, 2, 3]
    with scopes_disabled(), pytest.raises(ValidationError) as caught:
        services.criterion_add(actor=world["lead"], criteria_set=world["set"], code="1.1", text="X")
    assert "code" in caught.value.message_dict


ORDER_MESSAGE = "Anna järjestysnumero väliltä 0–9999."


def test_an_order_number_too_large_is_refused_with_a_message(world: dict[str, Any]) -> None:
    """``Criterion.order`` is an integer column (at most 2 147 483 647 in PostgreSQL; SQLite
    stores anything). The form took any number and the services saved it unchecked, so a
    mistyped order ended in a server error and the criterion's text was lost."""
    form = CriterionForm(data={"code": "3.1", "text": "Pitkä teksti", "order": "3000000000"})
    assert not form.is_valid()
    assert form.errors["order"] == [ORDER_MESSAGE]
    assert CriterionForm(data={"code": "3.1", "text": "X", "order": "9999"}).is_valid()
    with scopes_disabled():
        with pytest.raises(ValidationError) as caught:
            services.criterion_add(
                actor=world["lead"],
                criteria_set=world["set"],
                code="3.1",
                text="X",
                order=3_000_000_000,
            )
        assert caught.value.message_dict == {"order": [ORDER_MESSAGE]}
        first = world["criteria"][0]
        with pytest.raises(ValidationError) as caught:
            services.criterion_update(
                actor=world["lead"], criterion=first, code="1.1", text="A", order=10_000
            )
        assert caught.value.message_dict == {"order": [ORDER_MESSAGE]}
        assert Criterion.objects.get(pk=first.pk).order == 1
        assert world["set"].criteria.count() == 3


def test_the_criterion_page_keeps_what_was_typed_when_the_order_is_too_large(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["lead"])
    url = reverse("surveys:quality_set", args=["ensikoti", world["set"].pk])
    response = client.post(
        url,
        {
            "add_criterion": "1",
            "new-code": "3.1",
            "new-text": "Perhe saa tiedon palveluista ymmärrettävästi",
            "new-order": "3000000000",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert ORDER_MESSAGE in html
    assert "Perhe saa tiedon palveluista ymmärrettävästi" in html
    with scopes_disabled():
        assert world["set"].criteria.count() == 3


def test_a_worker_may_not_maintain_criteria_or_evaluate(world: dict[str, Any]) -> None:
    worker = worker_in(world["form"])
    with scopes_disabled():
        with pytest.raises(PermissionDenied):
            services.criterion_add(actor=worker, criteria_set=world["set"], code="9", text="X")
        with pytest.raises(PermissionDenied):
            services.evaluation_start(
                actor=worker, service_form=world["form"], criteria_set=world["set"], year=2026
            )


def test_the_previous_years_rating_is_beside_each_criterion(world: dict[str, Any]) -> None:
    c1, c2, _c3 = world["criteria"]
    last = _evaluation(world, 2025)
    _save(world, last, {c1.pk: RatingInput(NOT_MET, "ei vielä"), c2.pk: RatingInput(MET)})
    this = _evaluation(world, 2026)
    _save(world, this, {c1.pk: RatingInput(PARTLY)})
    with scopes_disabled():
        rows, previous = selectors.rows(this)
    assert previous is not None and previous.year == 2025
    shown = {
        r.criterion.code: (r.rating and r.rating.rating, r.previous and r.previous.rating)
        for r in rows
    }
    assert shown == {"1.1": (PARTLY, NOT_MET), "1.2": (None, MET), "2.1": (None, None)}


def test_one_evaluation_per_set_unit_and_year(world: dict[str, Any]) -> None:
    _evaluation(world, 2026)
    with pytest.raises(ValidationError):
        _evaluation(world, 2026)


def test_a_stale_save_raises_a_conflict_and_stores_nothing(world: dict[str, Any]) -> None:
    c1 = world["criteria"][0]
    evaluation = _evaluation(world, 2026)
    stale_version = evaluation.version
    _save(world, evaluation, {c1.pk: RatingInput(MET, "ensimmäinen")})
    with scopes_disabled(), pytest.raises(VersionConflict) as caught:
        services.evaluation_save(
            actor=world["lead"],
            evaluation=evaluation,
            version=stale_version,
            ratings={c1.pk: RatingInput(NOT_MET, "toinen")},
            summary="toinen",
        )
    assert caught.value.current.version == stale_version + 1
    rating = CriterionRating.objects.get(evaluation=evaluation, criterion=c1)
    assert (rating.rating, rating.evidence) == (MET, "ensimmäinen")


def test_evidence_without_a_rating_is_refused(world: dict[str, Any]) -> None:
    c1 = world["criteria"][0]
    evaluation = _evaluation(world, 2026)
    with pytest.raises(ValidationError) as caught:
        _save(world, evaluation, {c1.pk: RatingInput("", "perustelu ilman arviota")})
    assert f"rating_{c1.pk}" in caught.value.message_dict


def test_done_needs_every_criterion_and_then_is_read_only(world: dict[str, Any]) -> None:
    c1, c2, c3 = world["criteria"]
    evaluation = _evaluation(world, 2026)
    evaluation = _save(world, evaluation, {c1.pk: RatingInput(MET), c2.pk: RatingInput(NA)})
    with scopes_disabled():
        with pytest.raises(ValidationError) as caught:
            services.evaluation_complete(
                actor=world["lead"], evaluation=evaluation, version=evaluation.version
            )
        assert "2.1" in caught.value.messages[0]
    evaluation = _save(world, evaluation, {c3.pk: RatingInput(PARTLY)})
    with scopes_disabled():
        done = services.evaluation_complete(
            actor=world["lead"], evaluation=evaluation, version=evaluation.version
        )
        assert (done.status, done.completed_on) == ("done", dt.date(2026, 6, 15))
        with pytest.raises(ValidationError):
            _save(world, done, {c1.pk: RatingInput(NOT_MET)})


# ------------------------------------------------------------------------------------ views


def test_the_evaluation_page_shows_last_years_rating(client: Client, world: dict[str, Any]) -> None:
    c1 = world["criteria"][0]
    last = _evaluation(world, 2025)
    _save(world, last, {c1.pk: RatingInput(NOT_MET)})
    this = _evaluation(world, 2026)
    login_verified(client, world["lead"])
    response = client.get(reverse("surveys:quality_evaluation", args=["ensikoti", this.pk]))
    assert response.status_code == 200
    assert "Edellinen arvio (2025): ei toteudu" in response.content.decode()


def test_a_stale_post_gets_a_friendly_conflict_and_keeps_what_was_typed(
    client: Client, world: dict[str, Any]
) -> None:
    c1 = world["criteria"][0]
    evaluation = _evaluation(world, 2026)
    stale = evaluation.version
    _save(world, evaluation, {c1.pk: RatingInput(MET, "toisen kirjaama")})
    login_verified(client, world["lead"])
    url = reverse("surveys:quality_evaluation", args=["ensikoti", evaluation.pk])
    response = client.post(
        url,
        {"version": stale, f"rating_{c1.pk}": PARTLY, f"evidence_{c1.pk}": "Minun perusteluni"},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert str(CONFLICT_MESSAGE) in html
    assert "Minun perusteluni" in html
    with scope(organisation=world["form"].organisation_id):
        evaluation.refresh_from_db()
    assert f'name="version" value="{evaluation.version}"' in html
    # Saving again from the conflict page (it carries the current version) succeeds.
    response = client.post(
        url,
        {
            "version": evaluation.version,
            f"rating_{c1.pk}": PARTLY,
            f"evidence_{c1.pk}": "Minun perusteluni",
        },
    )
    assert response.status_code == 302
    assert CriterionRating.objects.get(evaluation=evaluation, criterion=c1).rating == PARTLY


def test_the_index_starts_an_evaluation(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["lead"])
    response = client.post(
        reverse("surveys:quality_index", args=["ensikoti"]),
        {"criteria_set": world["set"].pk, "year": 2026},
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert SelfEvaluation.objects.filter(service_form=world["form"], year=2026).exists()


def test_a_worker_and_another_units_lead_get_404(client: Client, world: dict[str, Any]) -> None:
    evaluation = _evaluation(world, 2026)
    other = ServiceFormFactory.create(
        organisation=world["form"].organisation, area=world["form"].area, slug="alvari"
    )
    other_lead = worker_in(other, role=Role.LEAD)
    login_verified(client, worker_in(world["form"]))
    assert client.get(reverse("surveys:quality_index", args=["ensikoti"])).status_code == 404
    client.logout()
    login_verified(client, other_lead)
    # Another unit's evaluation through its own slug, and through the other unit's slug.
    assert (
        client.get(
            reverse("surveys:quality_evaluation", args=["ensikoti", evaluation.pk])
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("surveys:quality_evaluation", args=["alvari", evaluation.pk])
        ).status_code
        == 404
    )


def test_query_counts_of_the_lists(
    client: Client, world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    for year in (2022, 2023, 2024, 2025):
        _evaluation(world, year)
    login_verified(client, world["lead"])
    with django_assert_max_num_queries(20):
        assert client.get(reverse("surveys:quality_index", args=["ensikoti"])).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("surveys:quality_sets", args=["ensikoti"])).status_code == 200
    evaluation = _evaluation(world, 2026)
    with scopes_disabled():
        for n in range(20):
            services.criterion_add(
                actor=world["lead"], criteria_set=world["set"], code=f"9.{n}", text="X"
            )
    with django_assert_max_num_queries(24):
        url = reverse("surveys:quality_evaluation", args=["ensikoti", evaluation.pk])
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("surveys:quality_index", {"slug": "x"}),
        ("surveys:quality_sets", {"slug": "x"}),
        ("surveys:quality_set", {"slug": "x", "pk": 1}),
        ("surveys:quality_criterion", {"slug": "x", "pk": 1}),
        ("surveys:quality_evaluation", {"slug": "x", "pk": 1}),
        ("surveys:quality_complete", {"slug": "x", "pk": 1}),
        ("surveys:quality_print", {"slug": "x", "pk": 1}),
    ],
)
def test_url_access_classes(name: str, kwargs: dict[str, Any]) -> None:
    assert access_class(resolve(reverse(name, kwargs=kwargs)).func) == "object_scoped"


def test_the_service_form_page_links_here(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["lead"])
    html = client.get(reverse("organisations:service_form", args=["ensikoti"])).content.decode()
    assert reverse("surveys:form", args=["ensikoti"]) in html
    hub = client.get(reverse("surveys:form", args=["ensikoti"])).content.decode()
    assert reverse("surveys:quality_index", args=["ensikoti"]) in hub
    assert reverse("surveys:feedback", args=["ensikoti"]) in hub
