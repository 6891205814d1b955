"""The build: each organisation's steps in order (one random stream), its rows written in bulk
in one transaction, and the loop over the organisations."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django_scopes import scopes_disabled

from tupa.demo.federation_scale.dropin import build_drop_in
from tupa.demo.federation_scale.member import Member
from tupa.demo.federation_scale.outpatient import build_outpatient
from tupa.demo.federation_scale.residential import build_ensikoti
from tupa.demo.federation_scale.shelter import build_line_and_turn_aways, build_shelter
from tupa.demo.federation_scale.specs import SLUG_PREFIX, slug_for
from tupa.demo.federation_scale.structure import build_structure
from tupa.demo.federation_scale.summary import FederationSummary
from tupa.demo.federation_scale.visitation import build_visitation
from tupa.dropin.models import DailyCount
from tupa.episodes.models import Entry, Episode, Participant, Referral
from tupa.organisations import services as org_services
from tupa.organisations.models import Municipality, Organisation
from tupa.organisations.services.municipalities import MUNICIPALITIES_CSV
from tupa.people.models import Alias, Person, Relationship
from tupa.residential.models import LineContact, ShelterClientData, Stay, StayMember, TurnAway
from tupa.scheduling.models import Appointment
from tupa.visitation.models import Meeting, MeetingOrder, OrderParty

#: Rows per INSERT.
BATCH = 2000

M = TypeVar("M", bound=models.Model)


def _write(m: Member) -> None:
    """Write the collected rows in dependency order."""

    def put(label: str, model: type[M], rows: list[M]) -> None:
        model.objects.bulk_create(rows, batch_size=BATCH)  # type: ignore[attr-defined]
        m.summary.rows[label] += len(rows)

    put("henkilöitä", Person, m.persons)
    put("peitenimiä", Alias, m.aliases)
    put("sukulaisuussuhteita", Relationship, m.relationships)
    put("asiakkuuksia", Episode, m.episodes)
    put("osallistujia", Participant, m.participants)
    put("ohjauksia", Referral, m.referrals)
    put("asumisjaksoja", Stay, m.stays)
    put("jakson henkilöitä", StayMember, m.members)
    put("THL-tietoja", ShelterClientData, m.shelter_data)
    put("kirjauksia", Entry, m.entries)
    through = Entry.participants.through
    links = [
        through(entry_id=entry.pk, participant_id=participant.pk)
        for entry, participants in m.ctx.entry_participants
        for participant in participants
    ]
    put("kirjausten osallistujia", through, links)
    put("ajanvarauksia", Appointment, m.appointments)
    put("tapaamismääräyksiä", MeetingOrder, m.orders)
    put("määräysten osapuolia", OrderParty, m.parties)
    put("valvottuja tapaamisia", Meeting, m.meetings)
    put("kävijämääriä", DailyCount, m.counts)
    put("linjan yhteydenottoja", LineContact, m.line_contacts)
    put("käännytyksiä", TurnAway, m.turn_aways)


def _build_member(m: Member) -> None:
    """Run the steps in their fixed order (the random stream depends on it) and write the rows."""
    build_structure(m)
    build_shelter(m)
    build_ensikoti(m)
    build_outpatient(m)
    build_visitation(m)
    build_drop_in(m)
    build_line_and_turn_aways(m)
    _write(m)
    for (kind, year), keys in m.seen.items():
        m.summary.by_year[(year, f"{kind}_clients")] += len(keys)


def _municipalities(index: int, rng: random.Random) -> list[Municipality]:
    """The home region of the ``index``-th organisation: a few municipalities of one region."""
    valid = list(Municipality.objects.filter(valid=True).order_by("region_code", "code"))
    if not valid:
        return []
    regions: dict[str, list[Municipality]] = {}
    for m in valid:
        regions.setdefault(m.region_code or "00", []).append(m)
    names = sorted(regions)
    region = regions[names[(index - 1) % len(names)]]
    return rng.sample(region, min(len(region), rng.randint(3, 6)))


def build_federation(
    *,
    organisations: int = 30,
    years: int = 10,
    scale: float = 1.0,
    seed: int = 1,
    password: str | None = None,
    municipalities_csv: Path | None = MUNICIPALITIES_CSV,
    progress: Callable[[str], None] | None = None,
) -> FederationSummary:
    """Create the generated member organisations that do not exist yet (see the module doc).

    ``password`` (optional, for trying the data in a browser) is set on every new account;
    without it the accounts have no usable password (the benchmark logs in with
    ``force_login``). ``progress`` is called with a line after each organisation.
    """
    if organisations < 1 or years < 1 or not 0 < scale <= 100:
        raise ValueError("organisations and years must be positive and scale in (0, 100]")
    started = time.perf_counter()
    summary = FederationSummary()
    password_hash = make_password(password) if password else None
    with scopes_disabled():
        csv = municipalities_csv
        if csv is not None and Path(csv).exists() and not Municipality.objects.exists():
            org_services.municipalities_load(path=csv)
        existing = set(
            Organisation.objects.filter(slug__startswith=f"{SLUG_PREFIX}-").values_list(
                "slug", flat=True
            )
        )
        for index in range(1, organisations + 1):
            slug = slug_for(index)
            if slug in existing:
                summary.existing.append(slug)
                continue
            t0 = time.perf_counter()
            region_rng = random.Random(seed * 7919 + index)  # noqa: S311 - fictional data
            with transaction.atomic():
                member = Member(
                    index=index,
                    years=years,
                    scale=scale,
                    seed=seed,
                    password_hash=password_hash,
                    municipalities=_municipalities(index, region_rng),
                    summary=summary,
                )
                _build_member(member)
            summary.created.append(slug)
            if progress is not None:
                progress(f"{member.org.name}: {time.perf_counter() - t0:.1f} s")
    summary.seconds = time.perf_counter() - started
    return summary
