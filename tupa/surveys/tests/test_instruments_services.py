"""Questionnaire building: drafts, publishing, new versions, refusals (tupa.surveys.instruments)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scope, scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import ServiceFormFactory, org_role_user, worker_in
from tupa.organisations.models import ServiceForm
from tupa.surveys.instruments import services
from tupa.surveys.instruments.builtins import VAIKUTTAVUUS_ESIIN_ITEMS, ensure_vaikuttavuus_esiin
from tupa.surveys.models import ItemKind, Questionnaire, QuestionnaireVersion, Target

pytestmark = pytest.mark.django_db
Status = QuestionnaireVersion.Status


@pytest.fixture
def form() -> ServiceForm:
    return ServiceFormFactory.create()


@pytest.fixture
def lead(form: ServiceForm) -> Any:
    return worker_in(form, role=Role.LEAD)


def _new(lead: Any, form: ServiceForm, name: str = "Palaute") -> Questionnaire:
    return services.questionnaire_create(
        actor=lead,
        organisation=form.organisation,
        name=name,
        service_form=form,
        target=Target.ADULT,
    )


def _draft(lead: Any, form: ServiceForm) -> QuestionnaireVersion:
    """A draft with a scale item and a single-choice item with two choices."""
    version = _new(lead, form).versions.get()
    services.item_add(actor=lead, version=version, kind=ItemKind.SCALE5, text_fi="Kokonaisuus")
    item = services.item_add(
        actor=lead, version=version, kind=ItemKind.SINGLE, text_fi="Mistä kuulit meistä?"
    )
    services.choice_add(actor=lead, item=item, label_fi="Neuvolasta")
    services.choice_add(actor=lead, item=item, label_fi="Netistä")
    return version


def test_create_makes_version_one_as_draft(lead, form) -> None:  # type: ignore[no-untyped-def]
    questionnaire = _new(lead, form, "Ensikodin palaute")
    version = questionnaire.versions.get()
    assert (version.number, version.status, version.title_fi) == (
        1,
        Status.DRAFT,
        "Ensikodin palaute",
    )
    assert questionnaire.created_by == lead


def test_codes_and_values_are_derived_and_unique(lead, form) -> None:  # type: ignore[no-untyped-def]
    version = _new(lead, form).versions.get()
    first = services.item_add(actor=lead, version=version, kind="text", text_fi="Mikä oli parasta?")
    second = services.item_add(
        actor=lead, version=version, kind="text", text_fi="Mikä oli parasta?"
    )
    own = services.item_add(actor=lead, version=version, kind="yesno", text_fi="X", code="safe")
    assert (first.code, second.code, own.code) == ("mika_oli_parasta", "mika_oli_parasta_2", "safe")
    assert [first.order, second.order, own.order] == [1, 2, 3]
    with pytest.raises(ValidationError) as error:
        services.item_add(actor=lead, version=version, kind="text", text_fi="Y", code="safe")
    assert "code" in error.value.message_dict
    item = services.item_add(actor=lead, version=version, kind="single", text_fi="Ikä")
    a = services.choice_add(actor=lead, item=item, label_fi="Äiti")
    b = services.choice_add(actor=lead, item=item, label_fi="äiti")
    assert (a.value, b.value) == ("aiti", "aiti_2")


def test_choices_only_on_choice_items_and_dropped_when_kind_changes(lead, form) -> None:  # type: ignore[no-untyped-def]
    version = _draft(lead, form)
    scale = version.items.get(code="kokonaisuus")
    with pytest.raises(ValidationError):
        services.choice_add(actor=lead, item=scale, label_fi="A")
    single = version.items.get(kind="single")
    services.item_edit(actor=lead, item=single, kind="text", text_fi=single.text_fi)
    assert single.choices.count() == 0 and single.code == "mista_kuulit_meista"


def test_publish_checks(lead, form) -> None:  # type: ignore[no-untyped-def]
    version = _new(lead, form).versions.get()
    with pytest.raises(ValidationError) as error:
        services.version_publish(actor=lead, version=version)
    assert error.value.messages == ["Kyselyssä ei ole yhtään kysymystä."]
    item = services.item_add(actor=lead, version=version, kind="multiple", text_fi="Aiheet")
    services.choice_add(actor=lead, item=item, label_fi="Uni")
    with pytest.raises(ValidationError) as error:
        services.version_publish(actor=lead, version=version)
    assert error.value.messages == ["Kysymyksellä ”Aiheet” on oltava vähintään kaksi vaihtoehtoa."]
    services.choice_add(actor=lead, item=item, label_fi="Ruoka")
    published = services.version_publish(actor=lead, version=version)
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED
    assert published.published_by == lead and published.published_at is not None


def _every_edit(lead: Any, version: QuestionnaireVersion) -> list[Callable[[], object]]:
    item = version.items.get(kind="single")
    choice = item.choices.first()
    section = version.sections.first()
    return [
        lambda: services.version_texts_set(actor=lead, version=version, title_fi="Uusi"),
        lambda: services.section_add(actor=lead, version=version, title_fi="Osio"),
        lambda: services.section_edit(actor=lead, section=section, title_fi="Osio 2"),
        lambda: services.section_move(actor=lead, section=section, direction="up"),
        lambda: services.section_delete(actor=lead, section=section),
        lambda: services.item_add(actor=lead, version=version, kind="text", text_fi="Uusi"),
        lambda: services.item_edit(actor=lead, item=item, kind="single", text_fi="Muutettu"),
        lambda: services.item_move(actor=lead, item=item, direction="up"),
        lambda: services.item_delete(actor=lead, item=item),
        lambda: services.choice_add(actor=lead, item=item, label_fi="Kolmas"),
        lambda: services.choice_edit(actor=lead, choice=choice, label_fi="Muutettu"),
        lambda: services.choice_move(actor=lead, choice=choice, direction="down"),
        lambda: services.choice_delete(actor=lead, choice=choice),
        lambda: services.version_publish(actor=lead, version=version),
    ]


def test_every_edit_of_a_published_version_is_refused(lead, form) -> None:  # type: ignore[no-untyped-def]
    version = _draft(lead, form)
    services.section_add(actor=lead, version=version, title_fi="Alku")
    services.version_publish(actor=lead, version=version)
    for edit in _every_edit(lead, version):
        with pytest.raises(ValidationError) as error:
            edit()
        assert "Julkaistua versiota ei voi enää muuttaa" in error.value.messages[0]
    version.refresh_from_db()
    assert version.title_fi == "Palaute" and version.items.count() == 2
    assert version.sections.get().title_fi == "Alku"
    assert list(version.items.get(kind="single").choices.values_list("label_fi", flat=True)) == [
        "Neuvolasta",
        "Netistä",
    ]


def test_new_draft_copies_and_keeps_codes_and_publishing_retires_the_old(lead, form) -> None:  # type: ignore[no-untyped-def]
    v1 = _draft(lead, form)
    section = services.section_add(actor=lead, version=v1, title_fi="Alku", title_sv="Början")
    item = v1.items.get(kind="scale5")
    services.item_edit(
        actor=lead, item=item, kind="scale5", text_fi="Kokonaisuus", section=section, required=True
    )
    services.version_publish(actor=lead, version=v1)
    v2 = services.version_new_draft(actor=lead, questionnaire=v1.questionnaire)
    assert (v2.number, v2.status, v2.title_fi) == (2, Status.DRAFT, "Palaute")
    with pytest.raises(ValidationError):
        services.version_new_draft(actor=lead, questionnaire=v1.questionnaire)
    copied = {i.code: i for i in v2.items.all()}
    assert set(copied) == {"kokonaisuus", "mista_kuulit_meista"}
    assert copied["kokonaisuus"].required and copied["kokonaisuus"].section.title_sv == "Början"
    assert copied["kokonaisuus"].section.version == v2
    assert [c.value for c in copied["mista_kuulit_meista"].choices.all()] == [
        "neuvolasta",
        "netista",
    ]
    services.item_edit(
        actor=lead, item=copied["kokonaisuus"], kind="scale5", text_fi="Koko jakso", section=None
    )
    services.version_publish(actor=lead, version=v2)
    v1.refresh_from_db()
    assert v1.status == Status.RETIRED
    assert v1.items.get(code="kokonaisuus").text_fi == "Kokonaisuus"
    assert v2.items.get(code="kokonaisuus").text_fi == "Koko jakso"


def test_move_swaps_neighbours(lead, form) -> None:  # type: ignore[no-untyped-def]
    version = _new(lead, form).versions.get()
    a, _b, c = (
        services.item_add(actor=lead, version=version, kind="text", text_fi=t) for t in "ABC"
    )
    services.item_move(actor=lead, item=c, direction="up")
    services.item_move(actor=lead, item=a, direction="up")  # already first: stays
    assert [i.text_fi for i in version.items.order_by("order")] == ["A", "C", "B"]
    section = services.section_add(actor=lead, version=version, title_fi="Osio")
    d = services.item_add(actor=lead, version=version, kind="text", text_fi="D", section=section)
    services.item_move(actor=lead, item=d, direction="up")  # first of its section: stays
    d.refresh_from_db()
    assert d.order == 1 and [i.text_fi for i in version.items.filter(section=None)] == [
        "A",
        "C",
        "B",
    ]


def test_shelter_gets_no_questionnaire(form) -> None:  # type: ignore[no-untyped-def]
    with scopes_disabled():
        shelter = ServiceFormFactory.create(
            organisation=form.organisation,
            area=form.area,
            team=form.team,
            kind=ServiceForm.Kind.RESIDENTIAL,
            violence_work="victim",
        )
    lead = worker_in(shelter, role=Role.LEAD)
    with pytest.raises(ValidationError) as error:
        _new(lead, shelter)
    assert "THL:n omalla lomakkeella" in error.value.message_dict["service_form"][0]


def test_only_the_forms_lead_or_coordinator_manages(lead, form) -> None:  # type: ignore[no-untyped-def]
    worker = worker_in(form)
    other_lead = worker_in(
        ServiceFormFactory.create(organisation=form.organisation, area=form.area, team=form.team),
        role=Role.LEAD,
    )
    for actor in (worker, other_lead):
        with pytest.raises(PermissionDenied):
            _new(actor, form)
    version = _draft(lead, form)
    for actor in (worker, other_lead):
        with pytest.raises(PermissionDenied):
            services.item_add(actor=actor, version=version, kind="text", text_fi="X")
        with pytest.raises(PermissionDenied):
            services.version_publish(actor=actor, version=version)
    coordinator = worker_in(form, role=Role.COORDINATOR)
    services.item_add(actor=coordinator, version=version, kind="text", text_fi="X")


def test_archived_questionnaire_is_not_edited(lead, form) -> None:  # type: ignore[no-untyped-def]
    version = _draft(lead, form)
    services.questionnaire_archive(actor=lead, questionnaire=version.questionnaire)
    with pytest.raises(ValidationError):
        services.item_add(actor=lead, version=version, kind="text", text_fi="X")
    services.questionnaire_archive(actor=lead, questionnaire=version.questionnaire, archived=False)
    services.item_add(actor=lead, version=version, kind="text", text_fi="X")


def test_vaikuttavuus_esiin_is_organisation_wide_and_idempotent(lead, form) -> None:  # type: ignore[no-untyped-def]
    director = org_role_user(form.organisation, Role.EXECUTIVE_DIRECTOR)
    with pytest.raises(PermissionDenied):
        ensure_vaikuttavuus_esiin(actor=lead, organisation=form.organisation)
    version = ensure_vaikuttavuus_esiin(actor=director, organisation=form.organisation)
    again = ensure_vaikuttavuus_esiin(actor=director, organisation=form.organisation)
    assert again == version and version.status == Status.PUBLISHED
    questionnaire = version.questionnaire
    assert questionnaire.service_form is None and questionnaire.is_outcome_measure
    assert questionnaire.builtin == Questionnaire.Builtin.VAIKUTTAVUUS_ESIIN
    assert [i.code for i in version.items.all()] == list(VAIKUTTAVUUS_ESIIN_ITEMS)
    assert all(i.kind == "scale5" and i.text_sv and i.text_en for i in version.items.all())
    # a form's lead may not change it; the director makes a new version
    with pytest.raises(PermissionDenied):
        services.version_new_draft(actor=lead, questionnaire=questionnaire)
    draft = services.version_new_draft(actor=director, questionnaire=questionnaire)
    assert draft.number == 2
    with scope(organisation=form.organisation):
        assert Questionnaire.objects.filter(builtin="vaikuttavuus_esiin").count() == 1
