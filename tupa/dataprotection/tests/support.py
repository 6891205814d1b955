"""What the access-request tests share: an organisation whose units review a request, a
request taken to that review, and a supervised-meeting family with an order."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django_scopes import scope

from tupa.accounts.models import Role
from tupa.audit.models import AccessRequest
from tupa.core.tests.factories import ServiceFormFactory, org_role_user, worker_in
from tupa.dataprotection import access_requests as ars
from tupa.dataprotection.erasure import services as erasure
from tupa.people.models import ErasureRequest
from tupa.visitation.tests.support import family, make_order, visitation_form

HKI = ZoneInfo("Europe/Helsinki")
#: "Today" of the erasure tests (the ``clock`` fixture).
NOW = dt.datetime(2026, 3, 15, 12, 0, tzinfo=HKI)


def units_world() -> dict[str, Any]:
    """A shelter, an outpatient form and a third unit of one organisation; the DPO, the
    executive director and a worker of each unit (and the shelter's lead)."""
    shelter = ServiceFormFactory.create(name="Turvakoti", slug="tk")
    org = shelter.organisation
    outpatient = ServiceFormFactory.create(
        organisation=org, area=shelter.area, name="Avokriisityö", slug="avo"
    )
    other = ServiceFormFactory.create(
        organisation=org, area=shelter.area, name="Perhetupa", slug="pt"
    )
    return {
        "org": org,
        "shelter": shelter,
        "outpatient": outpatient,
        "other": other,
        "dpo": org_role_user(org, Role.DATA_PROTECTION_OFFICER),
        "shelter_worker": worker_in(shelter),
        "shelter_lead": worker_in(shelter, role=Role.LEAD),
        "outpatient_worker": worker_in(outpatient),
        "other_worker": worker_in(other),
        "director": org_role_user(org, Role.EXECUTIVE_DIRECTOR),
    }


def drafted(dpo: Any, person: Any) -> AccessRequest:
    """An access request of ``person``, received today, the identity verified and the draft
    assembled by ``dpo``: what the units' workers review."""
    ar = ars.request_create(actor=dpo, person=person, received_on=timezone.localdate())
    ars.identity_verify(actor=dpo, access_request=ar, method="Passi tarkistettu käynnillä")
    ars.draft_assemble(actor=dpo, access_request=ar)
    return ar


def granted_erasure(world: dict[str, Any]) -> ErasureRequest:
    """An erasure request of the conftest ``world``'s "free" person, received on 10.3.2026,
    assessed and granted by the DPO."""
    with scope(organisation=world["org"].pk):
        item = erasure.erasure_request_receive(
            actor=world["dpo"], person=world["free"], received_on=dt.date(2026, 3, 10)
        )
        erasure.erasure_request_assess(actor=world["dpo"], request=item)
        item = erasure.erasure_request_decide(actor=world["dpo"], request=item, reasoning="")
    assert item.decision == ErasureRequest.Decision.GRANTED
    return item


def order_family(organisation: Any) -> dict[str, Any]:
    """A visitation unit of ``organisation`` with a family (mother Maarit, father Kalevi, a
    child), its worker and a meeting order whose safety notes read "Eri sisäänkäynnit."
    Call with scopes disabled (and the clock where the test needs one)."""
    form = visitation_form(organisation)
    episode, people = family(form, names=("Maarit", "Kalevi"))
    worker = worker_in(form)
    order = make_order(worker, episode, people, safety_notes="Eri sisäänkäynnit.")
    return {
        "form": form,
        "episode": episode,
        "people": people,
        "mother": people["mother"].person,
        "father": people["father"].person,
        "order": order,
        "worker": worker,
    }
