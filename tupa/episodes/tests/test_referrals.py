"""Referrals between service forms (the client path, CLI-08) and external referrals (CLI-09)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import PersonFactory
from tupa.core.tests.helpers import login_verified
from tupa.episodes import services
from tupa.episodes.models import Episode, Participant, Referral

from .test_services import World, build_world

pytestmark = pytest.mark.django_db

CONSENT_MESSAGE = (
    "Ohjausta ei voi tehdä ilman asiakkaan suostumusta. Kysy asiakkaalta lupa siihen, että "
    "hänen nimensä ja ohjauksen syy välitetään toiseen työmuotoon, ja merkitse suostumus."
)


@pytest.fixture
def world() -> World:
    return build_world()


def _refer(world: World, **kwargs: object) -> Referral:
    params: dict[str, object] = {
        "actor": world.member,
        "from_episode": world.episode,
        "to_service_form": world.avokriisi,
        "person": world.mother,
        "reason": "Jatkotyöskentely turvakotijakson jälkeen",
        "consent_given": True,
    }
    params.update(kwargs)
    with scope(organisation=world.org.pk):
        return services.referral_create(**params)  # type: ignore[arg-type]


def test_a_referral_needs_the_clients_consent(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        _refer(world, consent_given=False)
    assert excinfo.value.message_dict == {"consent_given": [CONSENT_MESSAGE]}
    with scopes_disabled():
        assert not Referral.objects.exists()


def test_a_referral_goes_to_another_form_for_a_participant(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        _refer(world, to_service_form=world.shelter, reason="")
    assert excinfo.value.message_dict == {
        "reason": ["Kirjoita ohjauksen syy."],
        "to_service_form": ["Valitse jokin toinen työmuoto kuin asiakkuuden oma."],
    }
    with pytest.raises(ValidationError) as excinfo:
        _refer(world, person=PersonFactory(organisation=world.org, first_names="Vieras"))
    assert "person" in excinfo.value.message_dict


def test_only_editors_of_the_sending_episode_may_refer(world: World) -> None:
    with pytest.raises(PermissionDenied):
        _refer(world, actor=world.other_form)
    assert _refer(world, actor=world.coworker).created_by == world.coworker


def test_a_second_pending_referral_to_the_same_form_is_refused(world: World) -> None:
    _refer(world)
    with pytest.raises(ValidationError) as excinfo:
        _refer(world)
    assert excinfo.value.message_dict == {
        "to_service_form": ["Henkilölle on jo käsittelemätön ohjaus tähän työmuotoon."]
    }


def test_accepting_opens_an_episode_in_the_receiving_form(world: World) -> None:
    referral = _refer(world)
    with scope(organisation=world.org.pk):
        with pytest.raises(PermissionDenied):
            services.referral_accept(actor=world.member, referral=referral)
        episode = services.referral_accept(actor=world.other_form, referral=referral)
        participant = Participant.objects.get(episode=episode)
        with pytest.raises(ValidationError):
            services.referral_accept(actor=world.other_form, referral=referral)
    referral.refresh_from_db()
    assert (episode.service_form, episode.referral_source, episode.status) == (
        world.avokriisi,
        "other_service_form",
        "waiting",
    )
    assert (participant.person, participant.role) == (world.mother, "client")
    assert (referral.status, referral.to_episode, referral.decided_by) == (
        "accepted",
        episode,
        world.other_form,
    )


def test_declining_needs_a_reason(world: World) -> None:
    referral = _refer(world)
    with scope(organisation=world.org.pk):
        with pytest.raises(ValidationError) as excinfo:
            services.referral_decline(actor=world.other_form, referral=referral, reason=" ")
        assert excinfo.value.message_dict == {
            "reason": ["Kirjoita peruste, miksi ohjausta ei vastaanoteta."]
        }
        services.referral_decline(
            actor=world.other_form, referral=referral, reason="Ei tilaa keväällä"
        )
    referral.refresh_from_db()
    assert (referral.status, referral.decision_note, referral.to_episode) == (
        "declined",
        "Ei tilaa keväällä",
        None,
    )


# --------------------------------------------------------------------------- the journey


def test_shelter_to_avokriisi_journey(client: Client, world: World) -> None:
    """Shelter worker refers the mother with consent; Avokriisityö sees the referral, never
    the stay, and after accepting sees only its own new episode."""
    with scopes_disabled():
        Episode.objects.filter(pk=world.episode.pk).update(
            summary="SALAINEN-TURVAKOTIJAKSON-KUVAUS"
        )
    # 1. The shelter worker refers; without the consent tick the form explains why not.
    login_verified(client, world.member)
    url = reverse("episodes:referral_create", args=[world.episode.pk])
    form = {
        "person": str(world.mother.pk),
        "to_service_form": str(world.avokriisi.pk),
        "reason": "Jatkotyöskentely kotiutumisen jälkeen",
    }
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert CONSENT_MESSAGE in refused.content.decode()
    assert "Jatkotyöskentely kotiutumisen jälkeen" in refused.content.decode()
    response = client.post(url, {**form, "consent_given": "on"})
    assert response.status_code == 302
    with scopes_disabled():
        referral = Referral.objects.get()

    # 2. The Avokriisityö worker sees the referral in the inbox…
    login_verified(client, world.other_form)
    inbox = client.get(reverse("episodes:referral_inbox"))
    html = inbox.content.decode()
    assert "Maija Keksitty" in html
    assert "Jatkotyöskentely kotiutumisen jälkeen" in html
    assert "Turvakoti" in html  # the sending service form
    assert "SALAINEN-TURVAKOTIJAKSON-KUVAUS" not in html
    assert "Pikku" not in html  # the child is not part of the referral
    assert reverse("episodes:detail", args=[world.episode.pk]) not in html
    with scopes_disabled():
        events = list(AccessEvent.objects.filter(user=world.other_form))
    assert [(e.subject_id, e.action, e.basis) for e in events] == [
        (str(world.mother.pk), "list", "membership")
    ]
    # …but not the stay.
    assert client.get(reverse("episodes:detail", args=[world.episode.pk])).status_code == 404

    # 3. Accepting opens the Avokriisityö episode; the shelter episode stays hidden.
    decide = reverse("episodes:referral_decide", args=[referral.pk])
    accepted = client.post(
        decide, {f"r{referral.pk}-decision": "accept", f"r{referral.pk}-status": "active"}
    )
    assert accepted.status_code == 302
    with scopes_disabled():
        new_episode = Episode.objects.get(service_form=world.avokriisi)
    assert accepted["Location"] == reverse("episodes:detail", args=[new_episode.pk])
    page = client.get(accepted["Location"])
    assert page.status_code == 200
    assert "SALAINEN-TURVAKOTIJAKSON-KUVAUS" not in page.content.decode()
    assert "Maija" in page.content.decode()
    assert client.get(reverse("episodes:detail", args=[world.episode.pk])).status_code == 404
    caseload = client.get(reverse("episodes:caseload"))
    assert [e.pk for g in caseload.context["groups"] for e in g["episodes"]] == [new_episode.pk]

    # 4. The shelter worker sees the outcome on the shelter episode.
    login_verified(client, world.member)
    shelter_page = client.get(reverse("episodes:detail", args=[world.episode.pk])).content.decode()
    assert "Avokriisityö" in shelter_page and "hyväksytty" in shelter_page


def test_a_decline_without_a_reason_keeps_the_page_and_explains(
    client: Client, world: World
) -> None:
    referral = _refer(world)
    login_verified(client, world.other_form)
    decide = reverse("episodes:referral_decide", args=[referral.pk])
    response = client.post(decide, {f"r{referral.pk}-decision": "decline"})
    assert response.status_code == 200
    assert "Kirjoita peruste, miksi ohjausta ei vastaanoteta." in response.content.decode()
    response = client.post(
        decide, {f"r{referral.pk}-decision": "decline", f"r{referral.pk}-note": "Ei resursseja"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert Referral.objects.get().status == "declined"
    # A handled referral is no longer in the inbox; its page says it was handled.
    assert client.get(reverse("episodes:referral_inbox")).context["rows"] == []
    assert "Ohjaus on jo käsitelty" in client.get(decide).content.decode()


def test_an_anonymous_client_must_be_identified_before_a_referral(
    client: Client, world: World
) -> None:
    with scope(organisation=world.org.pk):
        episode = services.episode_intake(
            actor=world.member, service_form=world.shelter, client=services.NewAlias("Anna A")
        )
    login_verified(client, world.member)
    page = client.get(reverse("episodes:referral_create", args=[episode.pk]))
    assert page.status_code == 200
    assert "Tunnista anonyymi asiakas ennen ohjausta" in page.content.decode()


def test_external_referral_is_shown_on_the_episode(client: Client, world: World) -> None:
    login_verified(client, world.member)
    url = reverse("episodes:external_referral_add", args=[world.episode.pk])
    missing = client.post(url, {"service_name": "", "note": "kirjoitettu lisätieto"})
    assert "Kirjoita palvelu, johon asiakas ohjattiin." in missing.content.decode()
    assert "kirjoitettu lisätieto" in missing.content.decode()
    client.post(url, {"service_name": "Naisten vertaisryhmä", "referred_on": "2026-02-02"})
    page = client.get(reverse("episodes:detail", args=[world.episode.pk])).content.decode()
    assert "Naisten vertaisryhmä" in page
