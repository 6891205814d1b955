"""The register's writes: who may write and remove, the Finnish validation keyed by field, and
the change history with the actor and the removal's reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import ServiceFormFactory, org_role_user, worker_in
from tupa.prevention import services
from tupa.prevention.models import Activity, ActivityKind, Delivery, Material, RecipientKind

from .support import NOW, TODAY, activity, delivery, lead_in, material, prevention_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _errors(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


# --------------------------------------------------------------------------- activities


def test_a_worker_records_and_corrects_an_activity_and_the_history_names_them() -> None:
    form = prevention_form()
    worker = worker_in(form)
    saved = activity(form, worker, partners="Päijät-Hämeen hyvinvointialue")
    assert saved.organisation_id == form.organisation_id
    assert saved.reached == 55
    services.activity_update(actor=worker, activity=saved, title="Teemapäivä kirjastossa")
    with scopes_disabled():
        row = Activity.objects.get(pk=saved.pk)
        history = list(row.history.order_by("history_date"))
    assert row.title == "Teemapäivä kirjastossa"
    assert [h.history_type for h in history] == ["+", "~"]
    assert {h.history_user for h in history} == {worker}
    assert history[0].title == "Turvallisuusteemapäivä"


def test_a_one_day_end_date_is_dropped_and_a_multi_day_one_kept() -> None:
    form = prevention_form()
    worker = worker_in(form)
    one_day = activity(form, worker, ends_on=dt.date(2026, 3, 10))
    fair = activity(
        form,
        worker,
        title="Turvallisuusmessut",
        starts_on=dt.date(2025, 9, 4),
        ends_on=dt.date(2025, 9, 7),
        kind=ActivityKind.SEMINAR,
    )
    assert one_day.ends_on is None
    assert fair.ends_on == dt.date(2025, 9, 7)


def test_an_end_before_the_start_and_a_future_day_are_refused_in_finnish() -> None:
    form = prevention_form()
    worker = worker_in(form)
    with pytest.raises(ValidationError) as excinfo:
        activity(form, worker, ends_on=dt.date(2026, 3, 9))
    assert _errors(excinfo) == {"ends_on": ["Viimeinen päivä ei voi olla ennen ensimmäistä."]}
    with pytest.raises(ValidationError) as excinfo:
        activity(form, worker, starts_on=TODAY + dt.timedelta(days=1))
    assert _errors(excinfo) == {
        "starts_on": ["Päivä ei voi olla tulevaisuudessa; kirjaa toteutunut."]
    }
    saved = activity(form, worker, starts_on=TODAY)  # today is fine
    with pytest.raises(ValidationError) as excinfo:
        services.activity_update(actor=worker, activity=saved, ends_on=TODAY - dt.timedelta(1))
    assert "ends_on" in _errors(excinfo)
    with scopes_disabled():
        assert Activity.objects.filter(service_form=form).count() == 1
        assert Activity.objects.get(pk=saved.pk).ends_on is None


def test_unknown_fields_are_a_programming_error() -> None:
    form = prevention_form()
    with pytest.raises(TypeError):
        activity(form, worker_in(form), person="Matti")


@pytest.mark.parametrize(
    "who", ["other form worker", "other organisation", "executive director", "admin"]
)
def test_only_members_of_the_prevention_form_record(who: str) -> None:
    form = prevention_form()
    org = form.organisation
    users = {
        "other form worker": lambda: worker_in(ServiceFormFactory.create(organisation=org)),
        "other organisation": lambda: worker_in(prevention_form()),
        "executive director": lambda: org_role_user(org, Role.EXECUTIVE_DIRECTOR),
        "admin": lambda: org_role_user(org, Role.ADMINISTRATOR),
    }
    outsider = users[who]()
    with pytest.raises(PermissionDenied):
        activity(form, outsider)
    with pytest.raises(PermissionDenied):
        material(form, outsider)
    with scopes_disabled():
        assert not Activity.objects.exists() and not Material.objects.exists()


def test_a_member_of_another_kind_of_form_records_nothing_there() -> None:
    outpatient = ServiceFormFactory.create()
    with pytest.raises(PermissionDenied):
        activity(outpatient, worker_in(outpatient))


def test_only_the_lead_removes_an_activity_with_a_reason_kept_in_the_history() -> None:
    form = prevention_form()
    worker, lead = worker_in(form), lead_in(form)
    saved = activity(form, worker)
    with pytest.raises(PermissionDenied):
        services.activity_remove(actor=worker, activity=saved, reason="kirjattu kahdesti")
    with pytest.raises(ValidationError) as excinfo:
        services.activity_remove(actor=lead, activity=saved, reason="  ")
    assert _errors(excinfo) == {"reason": ["Kirjoita poistolle syy."]}
    with pytest.raises(ValidationError):
        services.activity_remove(actor=lead, activity=saved, reason="abc")
    pk = saved.pk
    services.activity_remove(actor=lead, activity=saved, reason=" kirjattu kahdesti ")
    with scopes_disabled():
        assert not Activity.objects.filter(pk=pk).exists()
        removed = Activity.history.filter(id=pk, history_type="-").get()
    assert removed.history_user == lead
    assert removed.history_change_reason == "kirjattu kahdesti"
    assert removed.title == "Turvallisuusteemapäivä"


# --------------------------------------------------------------------------- materials


def test_material_names_are_unique_in_the_form_whatever_the_case_and_spacing() -> None:
    form = prevention_form()
    worker = worker_in(form)
    first = material(form, worker, "  Huoneentaulu-juliste ")
    assert first.name == "Huoneentaulu-juliste"
    with pytest.raises(ValidationError) as excinfo:
        material(form, worker, "huoneentaulu-JULISTE")
    assert _errors(excinfo) == {"name": ["Työmuodolla on jo tämän niminen materiaali."]}
    other = prevention_form(organisation=form.organisation, name="Toinen ehkäisevä")
    assert material(other, worker_in(other), "Huoneentaulu-juliste").pk != first.pk


def test_a_material_out_of_distribution_is_refused_and_its_deliveries_stay() -> None:
    form = prevention_form()
    worker = worker_in(form)
    item = material(form, worker)
    kept = delivery(form, worker, item)
    services.material_set_active(actor=worker, material=item, active=False)
    with pytest.raises(ValidationError) as excinfo:
        delivery(form, worker, item)
    assert _errors(excinfo) == {"material": ["Materiaali ei ole enää jaossa."]}
    with scopes_disabled():
        assert Delivery.objects.filter(pk=kept.pk).exists()
        history = list(Material.objects.get(pk=item.pk).history.order_by("history_date"))
    assert [h.active for h in history] == [True, False]
    assert history[-1].history_user == worker
    services.material_set_active(actor=worker, material=item, active=True)
    assert delivery(form, worker, item).pk != kept.pk
    with pytest.raises(PermissionDenied):
        services.material_set_active(
            actor=worker_in(ServiceFormFactory.create(organisation=form.organisation)),
            material=item,
            active=False,
        )


# --------------------------------------------------------------------------- deliveries


def test_a_delivery_of_another_forms_material_or_in_the_future_is_refused() -> None:
    form = prevention_form()
    worker = worker_in(form)
    other = prevention_form(organisation=form.organisation, name="Toinen ehkäisevä")
    foreign = material(other, worker_in(other))
    with pytest.raises(ValidationError) as excinfo:
        delivery(form, worker, foreign)
    assert _errors(excinfo) == {"material": ["Valitse työmuodon oma materiaali."]}
    with pytest.raises(ValidationError) as excinfo:
        delivery(form, worker, material(form, worker), date=TODAY + dt.timedelta(days=1))
    assert _errors(excinfo) == {"date": ["Päivä ei voi olla tulevaisuudessa; kirjaa toteutunut."]}
    with scopes_disabled():
        assert not Delivery.objects.exists()


def test_a_delivery_is_recorded_and_only_the_lead_removes_it_with_a_reason() -> None:
    form = prevention_form()
    worker, lead = worker_in(form), lead_in(form)
    saved = services.delivery_record(
        actor=worker,
        service_form=form,
        material=material(form, worker),
        date=TODAY,
        quantity=20,
        recipient_kind=RecipientKind.CLINIC,
        recipient="  Itäinen neuvola ",
    )
    assert saved.recipient == "Itäinen neuvola"
    with pytest.raises(PermissionDenied):
        services.delivery_remove(actor=worker, delivery=saved, reason="väärä materiaali")
    with pytest.raises(ValidationError) as excinfo:
        services.delivery_remove(actor=lead, delivery=saved, reason="")
    assert "reason" in _errors(excinfo)
    pk = saved.pk
    services.delivery_remove(actor=lead, delivery=saved, reason="väärä materiaali")
    with scopes_disabled():
        assert not Delivery.objects.exists()
        removed = Delivery.history.get(id=pk, history_type="-")
        created = Delivery.history.get(id=pk, history_type="+")
    assert (removed.history_user, removed.history_change_reason) == (lead, "väärä materiaali")
    assert created.history_user == worker


def test_a_lead_of_another_form_removes_nothing_here() -> None:
    form = prevention_form()
    saved = activity(form, worker_in(form))
    other_lead = lead_in(prevention_form(organisation=form.organisation, name="Toinen"))
    with pytest.raises(PermissionDenied):
        services.activity_remove(actor=other_lead, activity=saved, reason="kirjattu kahdesti")
