"""Consent-based sharing across service forms (ARCHITECTURE.md §6, CON-09)."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import ServiceFormFactory, TeamFactory, client_in, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.episodes import services
from tupa.people.models import Consent, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    shelter = ServiceFormFactory(slug="turvakoti", name="Turvakoti", violence_work="victim")
    org, area = shelter.organisation, shelter.area
    team = TeamFactory(organisation=org, area=area)
    avokriisi = ServiceFormFactory(
        organisation=org, area=area, team=team, slug="avokriisi", violence_work="victim"
    )
    jussi = ServiceFormFactory(
        organisation=org, area=area, team=team, slug="jussi", violence_work="perpetrator"
    )
    mother, stay = client_in(shelter, first_names="Maija", last_name="Suostuja")
    return {
        "shelter": shelter,
        "avokriisi": avokriisi,
        "jussi": jussi,
        "mother": mother,
        "stay": stay,
        "shelter_worker": worker_in(shelter),
        "avokriisi_worker": worker_in(avokriisi),
    }


def test_sharing_consent_opens_the_episode_until_withdrawn(client, world) -> None:  # type: ignore[no-untyped-def]
    stay_url = reverse("episodes:detail", args=[world["stay"].pk])
    login_verified(client, world["avokriisi_worker"])
    assert client.get(stay_url).status_code == 404

    login_verified(client, world["shelter_worker"])
    response = client.post(
        reverse("episodes:consent_add", args=[world["stay"].pk]),
        {
            "person": world["mother"].pk,
            "purpose": "sharing",
            "recipient_service_form": world["avokriisi"].pk,
            "scope_text": "Turvakotijakson tiedot jatkotyötä varten",
            "given_on": "2026-01-10",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        consent = Consent.objects.get()
    assert consent.recipient_service_form == world["avokriisi"]

    login_verified(client, world["avokriisi_worker"])
    assert client.get(stay_url).status_code == 200
    with scopes_disabled():
        event = AccessEvent.objects.filter(
            user=world["avokriisi_worker"],
            subject_type=ContentType.objects.get_for_model(Person),
            subject_id=str(world["mother"].pk),
        ).latest("pk")
    assert event.basis == "consent"
    # A consent reader may read but not write.
    assert client.get(reverse("episodes:goal_add", args=[world["stay"].pk])).status_code == 403

    login_verified(client, world["shelter_worker"])
    client.post(reverse("episodes:consent_withdraw", args=[world["stay"].pk, consent.pk]))
    login_verified(client, world["avokriisi_worker"])
    assert client.get(stay_url).status_code == 404


def test_consent_to_perpetrator_work_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    with scope(organisation=world["stay"].organisation_id), pytest.raises(ValidationError) as exc:
        services.consent_record(
            actor=world["shelter_worker"],
            episode=world["stay"],
            person=world["mother"],
            purpose="sharing",
            recipient_service_form=world["jussi"],
            given_on=dt.date(2026, 1, 10),
        )
    assert "väkivaltaa käyttäneiden" in str(exc.value)


def test_form_errors_are_finnish_and_keep_what_was_typed(client, world) -> None:  # type: ignore[no-untyped-def]
    login_verified(client, world["shelter_worker"])
    response = client.post(
        reverse("episodes:consent_add", args=[world["stay"].pk]),
        {
            "person": world["mother"].pk,
            "purpose": "sharing",
            "scope_text": "Kirjoitettu teksti",
            "given_on": "2026-01-10",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Valitse työmuoto, jonka kanssa tietoja saa jakaa." in html
    assert "Kirjoitettu teksti" in html
