"""The generated register description follows the configuration (issue 10, Then build 5)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings
from django_scopes import scopes_disabled

from tupa.core.tests.factories import EpisodeFactory, ServiceFormFactory
from tupa.dataprotection import register
from tupa.organisations.models import (
    Funder,
    Partner,
    RegisterDescription,
    ServiceForm,
    ServiceFormFunding,
)

pytestmark = pytest.mark.django_db


def _texts(d: register.Description, key: str) -> list[str]:
    return [str(item.text) for item in d.section(key).items]


def _mentions(d: register.Description, key: str, fragment: str) -> bool:
    return any(fragment in text for text in _texts(d, key))


def _save(form: ServiceForm, **changes: Any) -> ServiceForm:
    with scopes_disabled():
        for name, value in changes.items():
            setattr(form, name, value)
        form.save()
        return ServiceForm.objects.get(pk=form.pk)


def test_a_residential_form_marked_as_shelter_gets_thl_as_recipient() -> None:
    form = ServiceFormFactory.create(kind=ServiceForm.Kind.RESIDENTIAL, open_24h=True)
    before = register.describe(form)
    assert not _mentions(before, "recipients", "THL")
    assert not _mentions(before, "data", "THL")

    form = _save(form, violence_work="victim")
    after = register.describe(form)
    assert _mentions(after, "recipients", "THL")
    assert _mentions(after, "data", "THL")  # the THL data categories come with it
    assert _mentions(after, "legal_basis", "1354/2014")
    # Residential work bills payers under payment commitments, shelter or not.
    assert _mentions(before, "recipients", "Maksusitoumuksen")
    assert _mentions(after, "recipients", "Maksusitoumuksen")


def test_outpatient_work_has_neither_thl_nor_billing_recipients() -> None:
    d = register.describe(ServiceFormFactory.create(kind=ServiceForm.Kind.OUTPATIENT))
    assert not _mentions(d, "recipients", "THL")
    assert not _mentions(d, "recipients", "Maksusitoumuksen")
    assert not _mentions(d, "data", "Asumisjaksot")


def test_a_purchase_agreement_names_the_purchaser_and_questions_the_controller() -> None:
    form = ServiceFormFactory.create()
    assert not register.describe(form).section("controller").items
    with scopes_disabled():
        partner = Partner.objects.create(
            organisation=form.organisation, name="Testin hyvinvointialue", kind="wellbeing"
        )
        funder = Funder.objects.create(
            organisation=form.organisation, name="Hyvinvointialue", category="municipalities"
        )
        ServiceFormFunding.objects.create(service_form=form, funder=funder, type="purchase")
        funder.partner = partner
        funder.save()
    d = register.describe(form)
    assert _mentions(d, "recipients", "Testin hyvinvointialue")
    assert _mentions(d, "sources", "Testin hyvinvointialue")
    controller = d.section("controller").items
    assert controller and all(item.verify for item in controller)


def test_a_grant_is_not_a_recipient() -> None:
    form = ServiceFormFactory.create()
    with scopes_disabled():
        funder = Funder.objects.create(organisation=form.organisation, name="STEA", category="stea")
        ServiceFormFunding.objects.create(service_form=form, funder=funder, type="targeted_grant")
    assert not _mentions(register.describe(form), "recipients", "STEA")


def test_violence_work_sides_and_anonymous_clients() -> None:
    perpetrator = register.describe(
        ServiceFormFactory.create(
            violence_work="perpetrator",
            slug="jussi-tyo",
            adult_service_task="working_age",
            child_service_task="working_age",
        )
    )
    assert _mentions(perpetrator, "data", "Rikoksiin")
    assert _mentions(perpetrator, "legal_basis", "10 artikla")
    assert _mentions(perpetrator, "subjects", "kokenut osapuoli")
    assert _mentions(perpetrator, "safeguards", "väkivaltaa kokeneiden")
    # Jussi-työ is working-age work only: children are not its clients.
    assert not _mentions(perpetrator, "subjects", "Lapset")

    victim = register.describe(
        ServiceFormFactory.create(violence_work="victim", anonymous_allowed=True)
    )
    assert _mentions(victim, "subjects", "käyttänyt osapuoli")
    assert _mentions(victim, "subjects", "Nimettöminä")
    assert _mentions(victim, "data", "peitenimi")
    assert not _mentions(victim, "data", "Rikoksiin")

    plain = register.describe(ServiceFormFactory.create())
    assert not _mentions(plain, "data", "väkivallasta")
    assert not _mentions(plain, "subjects", "Nimettöminä")


def test_pregnancy_stays_add_expectant_parents() -> None:
    form = ServiceFormFactory.create(kind=ServiceForm.Kind.RESIDENTIAL)
    assert not _mentions(register.describe(form), "subjects", "Odottavat")
    form = _save(form, pregnancy_stays=True)
    d = register.describe(form)
    assert _mentions(d, "subjects", "Odottavat")
    assert _mentions(d, "data", "laskettu aika")


def test_retention_follows_the_service_task_and_is_marked_to_verify() -> None:
    shelter = register.describe(
        ServiceFormFactory.create(
            kind=ServiceForm.Kind.RESIDENTIAL,
            slug="turvakoti",
            adult_service_task="working_age",
            child_service_task="child_family",
        )
    )
    texts = _texts(shelter, "retention")
    assert any("työikäisten" in t and "10 vuotta" in t for t in texts)
    assert any("lapsiperheiden" in t and "30 vuotta" in t for t in texts)
    assert all(item.verify for item in shelter.section("retention").items)

    own = register.describe(
        ServiceFormFactory.create(
            kind=ServiceForm.Kind.DROP_IN, register=ServiceForm.Register.OWN_ACTIVITY
        )
    )
    assert any("yhdistys päättää itse" in t for t in _texts(own, "retention"))
    assert _mentions(own, "legal_basis", "suostumus")
    assert not _mentions(own, "recipients", "Kanta")


def test_service_tasks_in_use_are_listed_inside_only() -> None:
    form = ServiceFormFactory.create(kind=ServiceForm.Kind.RESIDENTIAL, slug="ensikoti")
    EpisodeFactory(service_form=form, organisation=form.organisation, service_task="child_welfare")
    assert _mentions(register.describe(form, internal=True), "retention", "lastensuojelu")
    assert not _mentions(register.describe(form, internal=False), "retention", "lastensuojelu")


@pytest.mark.parametrize("required", [True, False])
def test_safeguards_are_read_from_the_settings_in_force(required: bool) -> None:
    with override_settings(TUPA_REQUIRE_2FA=required):
        items = register.safeguards()
    two_factor = [i for i in items if "Kaksivaiheinen" in str(i.text)]
    assert len(two_factor) == 1 and two_factor[0].ok is required
    lockout = next(i for i in items if "lukitaan" in str(i.text))
    assert "5" in str(lockout.detail)


def test_prose_is_shown_next_to_the_generated_text_and_keeps_its_history() -> None:
    form = ServiceFormFactory.create()
    with scopes_disabled():
        prose = RegisterDescription.objects.create(
            organisation=form.organisation, service_form=form, purpose="Ensimmäinen teksti."
        )
        prose.purpose = "Tarkennettu tarkoitus."
        prose.notes = "Lisätieto."
        prose.save()
        assert prose.history.count() == 2
    d = register.describe(form)
    assert d.section("purpose").prose == "Tarkennettu tarkoitus."
    assert d.section("purpose").items  # generated text stays
    assert d.section("notes").prose == "Lisätieto."


def test_a_form_without_a_register_has_no_description() -> None:
    kept = ServiceFormFactory.create()
    ServiceFormFactory.create(
        organisation=kept.organisation, area=kept.area, register=ServiceForm.Register.NONE
    )
    assert [f.pk for f in register.register_forms(kept.organisation)] == [kept.pk]
