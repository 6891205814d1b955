"""The perpetrator/victim wall on the appointment screens: a Jussi-työ worker — also one who also
works in a neutral form, or who is invited as a co-worker to a victim-side appointment — sees
the victim-side appointment only as "Varattu", and a clash in a shared room names nothing of
it. "Today" is Friday 20.11.2026."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import User
from tupa.core.tests.factories import MembershipFactory, ServiceFormFactory, client_in, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.scheduling.models import Appointment, PlaceKind, Room

from .support import plan, t

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

HER = "Kanervo"
PLACE = "KANARIA-paikka-W4"
NOTE = "KANARIA-lisatieto-W5"


@pytest.fixture
def wall() -> dict[str, object]:
    victim = ServiceFormFactory.create(name="Lapsityö (testi)", violence_work="victim")
    org = victim.organisation
    jussi = ServiceFormFactory.create(
        organisation=org, area=victim.area, name="Jussi (testi)", violence_work="perpetrator"
    )
    neutral = ServiceFormFactory.create(organisation=org, area=victim.area, name="Perhetupa")
    victim_worker = worker_in(victim)
    jussi_worker = worker_in(jussi)
    mixed = worker_in(jussi)
    MembershipFactory(user=mixed, organisation=org, service_form=neutral)
    _her, her_episode = client_in(victim, first_names="Maija", last_name=HER)
    with scopes_disabled():
        shared = Room.objects.create(organisation=org, name="Yhteinen neuvotteluhuone")
    appointment = plan(
        victim_worker,
        victim,
        t(2026, 11, 19, 9),
        episode=her_episode,
        type="office_meeting",
        place_kind=PlaceKind.OWN_PREMISES,
        room=shared,
        place_note=PLACE,
        note=NOTE,
        co_workers=[mixed],
    )
    return {
        "jussi": jussi,
        "jussi_worker": jussi_worker,
        "mixed": mixed,
        "appointment": appointment,
        "room": shared,
        "episode": her_episode,
    }


def _clean(html: str) -> None:
    for secret in (HER, PLACE, NOTE, "Lapsityö", "toimistotapaaminen"):
        assert secret.lower() not in html.lower(), secret


def test_an_invited_jussi_worker_sees_only_varattu(client: Client, wall: dict) -> None:
    mixed: User = wall["mixed"]  # type: ignore[assignment]
    appointment: Appointment = wall["appointment"]  # type: ignore[assignment]
    login_verified(client, mixed)
    calendar = client.get(reverse("scheduling:my_calendar") + "?paiva=2026-11-19")
    assert "Varattu" in calendar.content.decode()
    _clean(calendar.content.decode())
    # The Jussi-työ team week shows the invited worker's column to the other Jussi worker too.
    client.logout()
    login_verified(client, wall["jussi_worker"])  # type: ignore[arg-type]
    week = client.get(
        reverse("scheduling:team_week", args=[wall["jussi"].slug])  # type: ignore[attr-defined]
        + "?paiva=2026-11-19"
    )
    assert week.status_code == 200
    _clean(week.content.decode())
    # Her appointment's own pages: the invited worker gets "Varattu", changing it is refused.
    client.logout()
    login_verified(client, mixed)
    detail = client.get(reverse("scheduling:detail", args=[appointment.pk]))
    assert detail.status_code == 200
    _clean(detail.content.decode())
    assert client.get(reverse("scheduling:edit", args=[appointment.pk])).status_code == 404
    episode_pk = wall["episode"].pk  # type: ignore[attr-defined]
    assert client.get(reverse("scheduling:episode", args=[episode_pk])).status_code == 404


def test_a_clash_in_a_shared_room_names_nothing_of_her(client: Client, wall: dict) -> None:
    login_verified(client, wall["jussi_worker"])  # type: ignore[arg-type]
    url = reverse("scheduling:create", args=[wall["jussi"].slug])  # type: ignore[attr-defined]
    response = client.post(
        url,
        {
            "episode": "",
            "date": "2026-11-19",
            "start": "09:30",
            "end": "10:30",
            "type": "other",
            "place_kind": "own",
            "room": wall["room"].pk,  # type: ignore[attr-defined]
            "organiser": wall["jussi_worker"].pk,  # type: ignore[attr-defined]
            "co_workers": [wall["mixed"].pk],  # type: ignore[attr-defined]
            "repeat": "",
        },
    )
    assert response.status_code == 409, response.context["form"].errors
    html = response.content.decode()
    conflicts = html[html.index('id="conflicts-title"') : html.index("</section>")]
    assert "on jo varattu" in conflicts
    _clean(conflicts)
    for secret in (HER, PLACE, NOTE):
        assert secret not in html
