"""The perpetrator/victim wall for users with mixed memberships, on every client URL (issue 10).

The demo's Jussi worker was also a TPPH member, and because the wall was decided per *user*
("every membership is perpetrator work") it was off for him: he could break the glass into a
shelter episode, take over a shelter client's record at a Jussi-työ intake by typing her identity
code and name, and then reveal her turvakielto address. The wall is now decided by the side of
the work the access comes from. These rows sweep every client URL with the victim-side objects of
the canary world for three mixed users, with an attack state in place (a consent to Jussi-työ on
her stay and an unexpired break-the-glass, written directly as an older version could have).

The unit rules and a property over generated membership sets are in ``test_access.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import MembershipFactory, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.episodes import services
from tupa.episodes.models import BreakGlass, Episode, Participant
from tupa.people.models import Consent
from tupa.people.services import HETU_TAKEN_MESSAGE
from tupa.people.tests.canary_world import (
    CANARIES,
    MOTHER_HETU,
    MOTHER_NAME,
    body,
    build_world,
    sweep_urls,
)

pytestmark = pytest.mark.django_db

#: Mixed users: the Jussi-työ membership plus another one of each side.
MIXED = {
    "jussi+neutral": ("jussi", "perhetupa"),
    "jussi+victim": ("jussi", "lapsityo"),
    "victim+neutral": ("lapsityo", "perhetupa"),
}

#: The victim-side objects of the canary world (everything about the mother and her child).
VICTIM_SIDE_KEYS = (
    "restriction",
    "entry",
    "alias",
    "referral",
    "household",
    "consent",
    "participant",
    "goal",
    "assignment",
)


@pytest.fixture
def world() -> dict[str, Any]:
    """The canary world: the mother under turvakielto in Turvakoti, Avokriisityö and Lapsityö,
    her child, and the ex-partner a Jussi-työ client."""
    return build_world()


def _forms(world: dict[str, Any]) -> dict[str, Any]:
    from tupa.organisations.models import ServiceForm

    with scopes_disabled():
        return {f.slug: f for f in ServiceForm.objects.filter(organisation=world["org"])}


def _mixed_user(world: dict[str, Any], key: str) -> Any:
    forms = _forms(world)
    first, second = MIXED[key]
    user = worker_in(forms[first])
    MembershipFactory(
        user=user, organisation=user.organisation, service_form=forms[second], role=Role.WORKER
    )
    return type(user).objects.get(pk=user.pk)


def _stay(world: dict[str, Any]) -> Episode:
    with scopes_disabled():
        return Episode.objects.get(pk=world["ids"]["episode"][0])


def _attack_state(world: dict[str, Any], user: Any) -> None:
    stay = _stay(world)
    forms = _forms(world)
    now = timezone.now()
    with scopes_disabled():
        Consent.objects.create(
            person=world["mother"],
            purpose="sharing",
            recipient_service_form=forms["jussi"],
            episode=stay,
            given_on=dt.date(2026, 1, 5),
            recorded_by=user,
        )
        BreakGlass.objects.create(
            user=user,
            episode=stay,
            reason="Kiireellinen tilanne",
            started_at=now,
            expires_at=now + dt.timedelta(hours=2),
        )


def _victim_side_urls(world: dict[str, Any]) -> list[str]:
    ids = world["ids"]
    victim_ids = {
        "person": [world["mother"].pk, world["child"].pk],
        "episode": ids["episode"][:3],  # the stay, the crisis work, the children's work
        **{key: ids[key] for key in VICTIM_SIDE_KEYS},
    }
    narrowed = {**world, "ids": victim_ids, "slugs": []}
    return [
        u
        for u in sweep_urls(narrowed)
        if any(ch.isdigit() for ch in u) and not u.startswith("/hallinta/")
    ]


@pytest.mark.heavy
def test_perpetrator_plus_neutral_work_reaches_nothing_of_hers(
    client: Client, world: dict[str, Any]
) -> None:
    user = _mixed_user(world, "jussi+neutral")
    _attack_state(world, user)
    login_verified(client, user)
    client.raise_request_exception = False
    urls = _victim_side_urls(world)
    assert len(urls) > 30, "the sweep found suspiciously few client URLs"
    shown = []
    for url in urls:
        response = client.get(url)
        text = body(response).decode("utf-8", "replace")
        assert response.status_code < 500, url
        if response.status_code == 200 and MOTHER_NAME[1] in text:
            shown.append(url)
        assert not [c for c in CANARIES if c in text], url
    assert not shown, f"the Jussi + neutral worker saw her: {shown[:5]}"

    stay = _stay(world)
    refused = client.post(
        reverse("episodes:break_glass", kwargs={"pk": stay.pk}),
        {"reason": "Kiireellinen lastensuojeluilmoitus, tarvitsen tiedot heti", "hours": "1"},
    )
    assert refused.status_code == 404 or MOTHER_NAME[1] not in refused.content.decode()
    with scopes_disabled():
        assert not BreakGlass.objects.filter(user=user, episode=stay, reviewed_at__isnull=False)
        assert BreakGlass.objects.filter(user=user).count() == 1  # only the attack state's row
    reveal = client.post(
        reverse("rights:reveal", kwargs={"pk": world["mother"].pk}), {"reason": "Osoite"}
    )
    assert reveal.status_code == 404


def test_perpetrator_plus_victim_work_sees_her_only_through_the_victim_side_work(
    client: Client, world: dict[str, Any]
) -> None:
    """He works in Lapsityö too, where the mother is a close person of the child's episode: he
    sees that episode (membership) and may reveal through it — but not the shelter stay (the
    consent to Jussi-työ and the break-the-glass do not count for him)."""
    user = _mixed_user(world, "jussi+victim")
    _attack_state(world, user)
    login_verified(client, user)
    stay, crisis, children_work = world["ids"]["episode"][:3]
    for pk, expected in ((stay, 404), (crisis, 404), (children_work, 200)):
        response = client.get(reverse("episodes:detail", kwargs={"pk": pk}))
        assert response.status_code == expected, pk
    reveal = client.post(
        reverse("rights:reveal", kwargs={"pk": world["mother"].pk}), {"reason": "Kotikäynti"}
    )
    assert reveal.status_code == 200
    refused = client.post(
        reverse("episodes:break_glass", kwargs={"pk": crisis}),
        {"reason": "Kiireellinen lastensuojeluilmoitus, tarvitsen tiedot heti", "hours": "1"},
    )
    assert refused.status_code in (200, 404)
    with scopes_disabled():
        assert not BreakGlass.objects.filter(user=user, episode_id=crisis).exists()


def test_victim_plus_neutral_work_keeps_break_the_glass(
    client: Client, world: dict[str, Any]
) -> None:
    user = _mixed_user(world, "victim+neutral")
    login_verified(client, user)
    stay = _stay(world)
    client.post(
        reverse("episodes:break_glass", kwargs={"pk": stay.pk}),
        {"reason": "Kiireellinen lastensuojeluilmoitus, tarvitsen tiedot heti", "hours": "1"},
    )
    assert client.get(reverse("episodes:detail", kwargs={"pk": stay.pk})).status_code == 200


@pytest.mark.parametrize("key", ["jussi+neutral", "jussi+victim"])
def test_a_jussi_intake_never_takes_over_her_record(world: dict[str, Any], key: str) -> None:
    """Typing her identity code and name at a Jussi-työ intake gets the same neutral refusal as
    a code that does not match the name — whoever the user is — and nothing is attached."""
    user = _mixed_user(world, key)
    jussi = _forms(world)["jussi"]
    new = services.NewPerson(first_names=MOTHER_NAME[0], last_name=MOTHER_NAME[1], hetu=MOTHER_HETU)
    with pytest.raises(ValidationError) as caught:
        services.episode_intake(actor=user, service_form=jussi, client=new)
    assert HETU_TAKEN_MESSAGE in str(caught.value)
    # and an existing record reached another way (his Lapsityö work) is refused as well
    with pytest.raises(ValidationError):
        services.episode_open(actor=user, service_form=jussi, person=world["mother"])
    with scopes_disabled():
        assert not Participant.objects.filter(
            person=world["mother"], episode__service_form=jussi
        ).exists()


def test_an_ordinary_intake_still_reuses_the_record(world: dict[str, Any]) -> None:
    """The control: in victim-side work the same code and name reuse her record."""
    user = _mixed_user(world, "jussi+victim")
    lapsityo = _forms(world)["lapsityo"]
    new = services.NewPerson(first_names=MOTHER_NAME[0], last_name=MOTHER_NAME[1], hetu=MOTHER_HETU)
    episode = services.episode_intake(actor=user, service_form=lapsityo, client=new)
    with scopes_disabled():
        assert episode.participants.get().person_id == world["mother"].pk
