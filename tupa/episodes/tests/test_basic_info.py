"""The basic-information form (perustietolomake) as configuration: definitions, the dynamic
form, stored answers, the admin and the episode's basic-form page."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import org_role_user
from tupa.core.tests.helpers import login_verified
from tupa.episodes import basic_info
from tupa.episodes.basic_info import (
    BasicInfoForm,
    definition_errors,
    ensikoti_admission_reasons_definition,
)
from tupa.episodes.models import BasicFormDefinition, Episode

from .test_services import World, build_world

pytestmark = pytest.mark.django_db


def _definition(world: World, fields=None, version: int = 1) -> BasicFormDefinition:  # type: ignore[no-untyped-def]
    with scopes_disabled():
        return BasicFormDefinition.objects.create(
            organisation=world.org,
            service_form=world.shelter,
            version=version,
            title="Turvakodin perustiedot",
            fields=fields if fields is not None else ensikoti_admission_reasons_definition(),
        )


# --------------------------------------------------------------------------- definitions


def test_the_ensikoti_definition_is_valid_and_has_the_coded_reasons() -> None:
    fields = ensikoti_admission_reasons_definition()
    assert definition_errors(fields) == []
    reasons = fields[0]
    assert (reasons["code"], reasons["type"], reasons["required"]) == (
        "admission_reasons",
        "multi",
        True,
    )
    assert [o["code"] for o in reasons["options"]] == [
        "support_24h",
        "no_support_network",
        "young_age",
        "mental_health",
        "substances",
        "intellectual_disability",
        "exhaustion",
        "other_crisis",
    ]
    assert {f["type"] for f in fields} == {"multi", "bool", "choice", "text", "date"}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"code": "x"}, "Kenttien on oltava luettelo (JSON-lista)."),
        ([], "Lomakkeessa on oltava ainakin yksi kenttä."),
        (
            [{"code": "Iso Koodi", "label": "A", "type": "text"}],
            "Kenttä 1: tunnisteen (code) on oltava pienillä kirjaimilla kirjoitettu tunniste, "
            "esimerkiksi tulosyyt_2.",
        ),
        (
            [
                {"code": "a", "label": "A", "type": "text"},
                {"code": "a", "label": "B", "type": "text"},
            ],
            "Kenttä 2: tunniste a on jo käytössä.",
        ),
        (
            [{"code": "a", "label": "", "type": "text"}],
            "Kenttä 1: kentältä puuttuu otsikko (label).",
        ),
        (
            [{"code": "a", "label": "A", "type": "number"}],
            "Kenttä 1: tyypin (type) on oltava jokin näistä: choice, multi, text, bool, date.",
        ),
        (
            [{"code": "a", "label": "A", "type": "choice"}],
            "Kenttä 1: valintakentällä on oltava vaihtoehdot (options).",
        ),
        (
            [{"code": "a", "label": "A", "type": "text", "options": []}],
            "Kenttä 1: vain valintakentillä on vaihtoehtoja.",
        ),
        (
            [{"code": "a", "label": "A", "type": "bool", "required": "yes"}],
            "Kenttä 1: required on true tai false.",
        ),
        (
            [{"code": "episode_version", "label": "A", "type": "text"}],
            "Kenttä 1: tunniste episode_version on varattu.",
        ),
    ],
)
def test_invalid_definitions_are_explained(fields: object, message: str) -> None:
    assert message in definition_errors(fields)


# --------------------------------------------------------------------------- the dynamic form


def test_the_form_validates_and_stores_json_answers() -> None:
    definition = BasicFormDefinition(
        pk=7, version=3, fields=ensikoti_admission_reasons_definition()
    )
    empty = BasicInfoForm(definition, data={})
    assert not empty.is_valid()
    assert empty.errors["admission_reasons"] == [
        "Valitse ainakin yksi vaihtoehto kentässä Tulosyyt."
    ]
    assert empty.errors["pregnant_at_admission"] == [
        "Vastaa kyllä tai ei kentässä Raskaana tullessa."
    ]
    form = BasicInfoForm(
        definition,
        data={
            "admission_reasons": ["young_age", "exhaustion"],
            "pregnant_at_admission": "no",
            "child_welfare_placement": "open_care",
            "planned_length": " 3 kk ",
            "first_contact_on": "2026-01-15",
        },
    )
    assert form.is_valid(), form.errors
    answers = form.answers()
    assert answers == {
        "admission_reasons": ["young_age", "exhaustion"],
        "pregnant_at_admission": False,
        "child_welfare_placement": "open_care",
        "planned_length": "3 kk",
        "first_contact_on": "2026-01-15",
    }
    assert basic_info.storage_value(definition, {**answers, "bogus": 1}) == {
        "definition_id": 7,
        "version": 3,
        "answers": answers,
    }


def test_an_unknown_option_is_refused() -> None:
    definition = BasicFormDefinition(fields=ensikoti_admission_reasons_definition())
    form = BasicInfoForm(
        definition, data={"admission_reasons": ["hacked"], "pregnant_at_admission": "yes"}
    )
    assert not form.is_valid()
    assert form.errors["admission_reasons"] == ["Valitse vaihtoehto listasta."]


def test_labels_follow_the_language() -> None:
    definition = BasicFormDefinition(fields=ensikoti_admission_reasons_definition())
    with translation.override("sv"):
        assert (
            BasicInfoForm(definition).fields["admission_reasons"].label == "Orsaker till intagning"
        )
    with translation.override("fi"):
        assert BasicInfoForm(definition).fields["admission_reasons"].label == "Tulosyyt"


def test_stored_answers_are_shown_with_the_labels_of_their_version() -> None:
    world = build_world()
    old = _definition(world, version=1)
    new_fields = ensikoti_admission_reasons_definition()
    new_fields[0]["label"] = "Uusi otsikko"
    _definition(world, fields=new_fields, version=2)
    episode = Episode(
        basic_form={
            "definition_id": old.pk,
            "version": 1,
            "answers": {
                "admission_reasons": ["substances", "other_crisis"],
                "pregnant_at_admission": True,
                "first_contact_on": "2026-01-15",
            },
        }
    )
    with scopes_disabled():
        definition, rows = basic_info.display_answers(episode)
        assert basic_info.active_definition(service_form_id=world.shelter.pk).version == 2
    assert definition == old
    assert [(r.label, r.value) for r in rows] == [
        ("Tulosyyt", "Päihteiden käyttö, Muu kriisi"),
        ("Raskaana tullessa", "Kyllä"),
        ("Ensimmäinen yhteydenotto", "15.1.2026"),
    ]


# --------------------------------------------------------------------------- the episode page


def test_the_basic_form_page_saves_and_detects_conflicts(client: Client) -> None:
    world = build_world()
    _definition(world)
    login_verified(client, world.member)
    url = reverse("episodes:basic_form", args=[world.episode.pk])
    assert "Tulosyyt" in client.get(url).content.decode()
    missing = client.post(url, {"episode_version": "1", "planned_length": "kirjoitettu pituus"})
    assert missing.status_code == 200
    assert "kirjoitettu pituus" in missing.content.decode()
    assert "Valitse ainakin yksi vaihtoehto kentässä Tulosyyt." in missing.content.decode()
    data = {
        "episode_version": "1",
        "admission_reasons": ["support_24h"],
        "pregnant_at_admission": "yes",
    }
    assert client.post(url, data).status_code == 302
    with scopes_disabled():
        stored = Episode.objects.get(pk=world.episode.pk)
    assert stored.basic_form["answers"]["admission_reasons"] == ["support_24h"]
    assert stored.version == 2
    stale = client.post(url, {**data, "admission_reasons": ["exhaustion"]})
    assert stale.status_code == 409
    assert 'name="episode_version" value="2"' in stale.content.decode()
    detail = client.get(reverse("episodes:detail", args=[world.episode.pk])).content.decode()
    assert "Ympärivuorokautisen tuen tarve" in detail


def test_without_a_definition_the_page_says_so(client: Client) -> None:
    world = build_world()
    login_verified(client, world.member)
    page = client.get(reverse("episodes:basic_form", args=[world.episode.pk]))
    assert page.status_code == 200
    assert "ei ole määritelty perustietolomaketta" in page.content.decode()


# --------------------------------------------------------------------------- the admin


def test_the_admin_validates_the_field_list(client: Client) -> None:
    world = build_world()
    admin = org_role_user(world.org, Role.ADMINISTRATOR, is_staff=True)
    login_verified(client, admin)
    add = reverse("admin:episodes_basicformdefinition_add")
    assert client.get(add).status_code == 200
    data = {
        "service_form": str(world.shelter.pk),
        "version": "1",
        "title": "Perustiedot",
        "fields": json.dumps([{"code": "a", "label": "A", "type": "number"}]),
        "active": "on",
    }
    refused = client.post(add, data)
    assert refused.status_code == 200
    assert "tyypin (type) on oltava jokin näistä" in refused.content.decode()
    broken = client.post(add, {**data, "fields": "[{"})
    assert "Kentät eivät ole kelvollista JSONia." in broken.content.decode()
    saved = client.post(
        add, {**data, "fields": json.dumps(ensikoti_admission_reasons_definition())}
    )
    assert saved.status_code == 302
    with scopes_disabled():
        definition = BasicFormDefinition.objects.get()
    assert (definition.organisation, definition.fields[0]["code"]) == (
        world.org,
        "admission_reasons",
    )
    change = reverse("admin:episodes_basicformdefinition_change", args=[definition.pk])
    assert client.get(change).status_code == 200
