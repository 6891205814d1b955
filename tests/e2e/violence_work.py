"""The fictional violence-work association of the client, access-request and phone journeys.

``build_world`` makes the whole of it for the first two: a shelter (Turvakoti), outpatient
crisis work (Avokriisityö) and perpetrator work (Jussi-työ) in one area and team; a night and a
day worker of the shelter, a worker of each other form, the data-protection officer, and the
partner of the shelter's future client as a Jussi-työ client; ``the_shelter`` only its shelter.
Every name here is made up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tupa.accounts.models import Role, User
from tupa.core.tests.factories import client_in, org_role_user
from tupa.organisations.models import ServiceForm
from tupa.people.models import Person

from .journey import a_member_of, a_service_form, with_authenticator

# The shelter's client (her identity code and alias are the client journey's) and her partner.
MOTHER_FIRST = "Lumi"
MOTHER_LAST = "Kuvitelma"
PARTNER_FIRST = "Pekka"


@dataclass
class World:
    shelter: ServiceForm
    crisis: ServiceForm
    jussi: ServiceForm
    night_worker: User
    day_worker: User
    crisis_worker: User
    jussi_worker: User
    dpo: User
    partner: Person


def the_shelter(**fields: Any) -> ServiceForm:
    """The association's shelter, Turvakoti, with ``fields``, in a new association and its area
    and team of violence work (the phone layout's journey adds forms of its own beside it)."""
    return a_service_form(
        "Kuvitteellisen ensi- ja turvakodin yhdistys ry",
        organisation_slug="kuvitteellinen",
        area="Väkivaltatyö",
        team="Väkivaltatyön tiimi",
        name="Turvakoti",
        slug="turvakoti",
        kind=ServiceForm.Kind.RESIDENTIAL,
        **fields,
    )


def build_world() -> World:
    shelter = the_shelter(violence_work="victim", anonymous_allowed=True)

    def form(name: str, slug: str, violence_work: str) -> ServiceForm:
        return a_service_form(
            beside=shelter,
            name=name,
            slug=slug,
            kind=ServiceForm.Kind.OUTPATIENT,
            violence_work=violence_work,
            anonymous_allowed=True,
        )

    crisis = form("Avokriisityö", "avokriisityo", "victim")
    jussi = form("Jussi-työ", "jussi-tyo", "perpetrator")
    dpo = with_authenticator(
        org_role_user(
            shelter.organisation,
            Role.DATA_PROTECTION_OFFICER,
            first_name="Tuija",
            last_name="Tietosuoja",
        )
    )
    # The mother's partner is a client of Jussi-työ (identified, with an ongoing episode).
    partner, _episode = client_in(jussi, first_names=PARTNER_FIRST, last_name=MOTHER_LAST)
    return World(
        shelter=shelter,
        crisis=crisis,
        jussi=jussi,
        night_worker=a_member_of(
            shelter, night_shift=True, first_name="Noora", last_name="Yölä", username="noora.yola"
        ),
        day_worker=a_member_of(
            shelter, first_name="Päivi", last_name="Aamunen", username="paivi.aamunen"
        ),
        crisis_worker=a_member_of(
            crisis, first_name="Aava", last_name="Avonen", username="aava.avonen"
        ),
        jussi_worker=a_member_of(
            jussi, first_name="Tero", last_name="Tukija", username="tero.tukija"
        ),
        dpo=dpo,
        partner=partner,
    )
