"""The statistics views' test organisation: crisis work and Jussi-työ, both STEA-funded in
``YEAR``, with clients from two purchasing municipalities, and the users who look at them."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import (
    EpisodeFactory,
    ParticipantFactory,
    PersonFactory,
    ServiceFormFactory,
    client_in,
    org_role_user,
    worker_in,
)
from tupa.core.wallclock import HELSINKI
from tupa.episodes.models import Episode
from tupa.finance.models import Grant, GrantDeadline
from tupa.finance.tests.factories import stea_grant
from tupa.organisations.models import Municipality, Partner, ServiceForm
from tupa.people.models import Person, Restriction
from tupa.residential.commitments import services as commitment_services
from tupa.residential.models import Destination, PayerCategory
from tupa.residential.stays import services as stay_services
from tupa.residential.tests.support import place, t

YEAR = 2025
#: "Today" of the tests (``YEAR``'s returns are due).
NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=HELSINKI)


def results_report(grant: Grant, year: int, done_on: dt.date | None = None) -> GrantDeadline:
    """The register's deadline of ``grant``'s results report of ``year`` (due 31.3. the year
    after), done on ``done_on`` or open."""
    with scopes_disabled():
        return GrantDeadline.objects.create(
            grant=grant,
            kind=GrantDeadline.Kind.RESULTS_REPORT,
            due_on=dt.date(year + 1, 3, 31),
            done_on=done_on,
        )


def hidden_hash(page: str, name: str) -> str:
    """The SHA-256 a return page's send form carries in its hidden input ``name`` (``seen``:
    the figures' content hash; ``seen_goals``: the plan's goals' digest)."""
    found = re.search(rf'name="{name}" value="([0-9a-f]{{64}})"', page)
    assert found is not None, name
    return found.group(1)


def stea_url(slug: str = "avokriisityo") -> str:
    return reverse("statistics:return", args=["stea.outpatient", YEAR, slug])


def client_since(form: ServiceForm, start: dt.date, **person: Any) -> Any:
    person_obj, episode = client_in(form, **person)
    with scopes_disabled():
        episode.start_date = start
        episode.save(update_fields=["start_date"])
    return person_obj, episode


def build_world() -> dict[str, Any]:
    with scopes_disabled():
        lahti = Municipality.objects.create(code="991", name_fi="Testilahti", name_sv="T")
        hollola = Municipality.objects.create(code="992", name_fi="Testihollola", name_sv="H")
    crisis = ServiceFormFactory.create(
        kind=ServiceForm.Kind.OUTPATIENT, name="Avokriisityö", slug="avokriisityo"
    )
    org = crisis.organisation
    with scopes_disabled():  # the purchasers the municipality reports are for
        for name, municipality in (
            ("Testilahden kaupunki", lahti),
            ("Testihollolan kunta", hollola),
        ):
            Partner.objects.create(
                organisation=org,
                name=name,
                kind=Partner.Kind.MUNICIPALITY,
                municipality=municipality,
            )
    jussi = ServiceFormFactory.create(
        kind=ServiceForm.Kind.OUTPATIENT,
        name="Jussi-työ",
        slug="jussi",
        organisation=org,
        area__organisation=org,
    )
    # STEA funds both forms in the year (its report exists only for what it funds, when).
    stea_grant(crisis, target_name="Avokriisityö", target_code="Ak 1004", year_from=YEAR)
    stea_grant(jussi, target_name="Jussi-työ", target_code="Ak 1005", year_from=YEAR)
    people = []
    for i in range(6):  # six Lahti clients in crisis work
        people.append(client_since(crisis, dt.date(YEAR, i + 1, 3), municipality=lahti)[0])
    for i in range(2):  # two Hollola clients in crisis work
        client_since(crisis, dt.date(YEAR, 5, 10 + i), municipality=hollola)
    client_since(jussi, dt.date(YEAR, 2, 2), municipality=lahti)
    return {
        "org": org,
        "crisis": crisis,
        "jussi": jussi,
        "lahti": lahti,
        "hollola": hollola,
        "people": people,
        "worker": worker_in(crisis),
        "lead": worker_in(crisis, role=Role.LEAD),
        "jussi_worker": worker_in(jussi),
        "director": org_role_user(org, Role.EXECUTIVE_DIRECTOR),
        "finance": org_role_user(org, Role.FINANCE),
        "dpo": org_role_user(org, Role.DATA_PROTECTION_OFFICER),
    }


def turvakielto(world: dict[str, Any], person: Person) -> None:
    """A turvakielto on ``person`` (one of the ``world``'s people) since 1.1.2020, entered by
    the world's lead."""
    with scopes_disabled():
        Restriction.objects.create(
            person=person,
            kind=Restriction.Kind.TURVAKIELTO,
            valid_from=dt.date(2020, 1, 1),
            created_by=world["lead"],
        )


#: Family K's stay in March 2025: 1.3. 12:00 → 11.3. 12:00, nights 1.–10.3.; the commitment
#: covers 1.–5.3. (5 nights each of mother and child billed, 5 each without a commitment).
FAMILY_K: dict[str, Any] = {
    "code": "p1",
    "arrived": t(2025, 3, 1),
    "departed": t(2025, 3, 11),
    "valid": (dt.date(2025, 3, 1), dt.date(2025, 3, 5)),
}
#: Family L's: 2.3. 12:00 → 5.3. 12:00, nights 2.–4.3., all under a commitment for March.
FAMILY_L: dict[str, Any] = {
    "code": "p2",
    "arrived": t(2025, 3, 2),
    "departed": t(2025, 3, 5),
    "valid": (dt.date(2025, 3, 1), dt.date(2025, 3, 31)),
}


def family_under_commitment(
    form: ServiceForm,
    payer: Partner,
    *,
    code: str,
    home: Municipality,
    kotikunta: Municipality,
    arrived: dt.datetime,
    departed: dt.datetime,
    valid: tuple[dt.date, dt.date],
) -> Episode:
    """A mother (b. 1.1.1995) and her child (b. 1.6.2024), both living in ``home``, stay in
    ``form``'s room ``code`` from ``arrived`` to ``departed``; the episode's payment commitment
    (``payer``) records ``kotikunta`` as their home municipality for ``valid``."""
    worker = worker_in(form)
    episode = EpisodeFactory.create(service_form=form, organisation=form.organisation)
    members = [
        ParticipantFactory.create(
            episode=episode,
            role=role,
            person=PersonFactory.create(
                organisation=form.organisation, birth_date=born, municipality=home
            ),
        )
        for role, born in (("client", dt.date(1995, 1, 1)), ("child", dt.date(2024, 6, 1)))
    ]
    stay = stay_services.stay_admit(
        actor=worker,
        episode=episode,
        place=place(form, code),
        arrived_at=arrived,
        members=members,
        payer_category=PayerCategory.MUNICIPALITY,
    )
    stay_services.stay_discharge(
        actor=worker, stay=stay, departed_at=departed, destination=Destination.HOME
    )
    commitment_services.commitment_add(
        actor=worker,
        episode=episode,
        payer=payer,
        valid_from=valid[0],
        valid_until=valid[1],
        municipality=kotikunta,
        reference=f"PH-{code}",
    )
    return episode
