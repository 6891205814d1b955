"""Where the demo's clients live: a home municipality for every client family.

Without it the purchasing municipality's yearly report (docs/statistics.md) of Lahti, Hollola or
Heinola counts no client (only the care days under its payment commitments and the meetings it
pays for), and neither "only its residents" nor the turvakielto rule (ADR 0020) shows in the
demo. Runs after every builder that adds persons (the clients, the
residential, volunteer and Tapaamispaikka demos) and before the invoicing and the statistics,
which read the homes.

- **A family shares one home**: the members of a household (:mod:`tupa.demo.clients` records
  them; an ex-partner is not one), an episode's main client with the children and the partner
  of the episode, and in a Tapaamispaikka order the children with the side they live with (the
  resident parent or the foster family, :data:`tupa.visitation.models.RESIDENT_SIDE`), not the
  visiting parent, who has a home of his own.
- **Where the demo already says where a family lives, that is its home**: an Ensikoti family's
  payment commitment names its home municipality (:mod:`tupa.demo.residential`), and a meeting
  order's payer is the child's home municipality (:mod:`tupa.demo.visitation`).
- **The other families** draw their home from :data:`HOMES` (a fixed seed; the families in the
  order of their first person): most live in Lahti, fewer in Hollola and Heinola (the partner
  municipalities, the ones a report opens for), some elsewhere in Päijät-Häme, whose residents
  no partner municipality's report shows.
- **Turvakielto**: a protected family has its home like any other (the register holds it; the
  statistics withhold it, ADR 0020). The shelter's protected families stay in the state's
  days, which no municipality's report places anyway, so one more client gets turvakielto:
  last year's first new Avokriisityö client living in Lahti (:func:`_protected_in_lahti`).
  Lahti's report of last year leaves her out, the association's figures count her, and her
  home shows as *ei tiedossa* in every breakdown by municipality.
- A person in no episode and in no household with a client (the ex-partner of a shelter
  client, say) gets no home: the association does not record where the other party lives.

Through :func:`tupa.people.services.person_update`, as a worker of the service form the family
first came to, so each home is a change in the person's history by that worker. Deterministic
and idempotent: nothing is done when a person of the organisation already has a home.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from django_scopes import scope

from tupa.accounts.models import Membership, Role, User
from tupa.episodes.models import Episode, Participant
from tupa.organisations.models import Municipality, Organisation, ServiceForm
from tupa.people import rights
from tupa.people import services as people_services
from tupa.people.models import HouseholdMember, Person
from tupa.people.restrictions import protected_episode_ids
from tupa.residential.models import PaymentCommitment
from tupa.visitation.models import RESIDENT_SIDE, OrderParty, PartyRole

SEED = 20181126
LAHTI = "398"
#: The homes the families draw from (Statistics Finland codes, weights in per cent): Lahti,
#: Hollola, Heinola, Orimattila, Asikkala, Kärkölä, Padasjoki, Sysmä.
HOMES: tuple[tuple[str, int], ...] = (
    (LAHTI, 62),
    ("098", 12),
    ("111", 9),
    ("560", 7),
    ("016", 4),
    ("316", 2),
    ("576", 2),
    ("781", 2),
)
#: The form of the client who gets the demo's turvakielto in Lahti (:func:`_protected_in_lahti`).
CRISIS_WORK = "avokriisityo"
#: Who takes part in an episode as a family of its own, and who lives with its main client.
MAIN_ROLES = (Participant.Role.CLIENT, Participant.Role.EXPECTANT_PARENT)
LIVES_WITH_MAIN = (Participant.Role.CHILD, Participant.Role.PARTNER)
#: The worker who records a family's home: of these roles in the form, in this order.
RECORDER_ROLES = (Role.WORKER, Role.LEAD, Role.COORDINATOR)


class _Families:
    """Union-find of persons; a family's key is its smallest person id."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, person_id: int) -> int:
        self.parent.setdefault(person_id, person_id)
        while self.parent[person_id] != person_id:
            self.parent[person_id] = self.parent[self.parent[person_id]]
            person_id = self.parent[person_id]
        return person_id

    def join(self, *person_ids: int) -> None:
        roots = sorted({self.find(p) for p in person_ids})
        for other in roots[1:]:
            self.parent[other] = roots[0]


def build(*, organisation: Organisation) -> str | None:
    """Give the client families their homes once; None if a home exists or nothing to do."""
    with scope(organisation=organisation.pk), override_settings(TUPA_ALLOW_TEST_HETU=True):
        persons = Person.objects.filter(organisation=organisation, merged_into__isnull=True)
        if not persons.exists() or persons.filter(municipality__isnull=False).exists():
            return None
        municipalities = {
            m.code: m for m in Municipality.objects.filter(code__in=[c for c, _w in HOMES])
        }
        if LAHTI not in municipalities:  # no municipality classification loaded
            return None
        with transaction.atomic():
            return _build(organisation, municipalities)


def _build(organisation: Organisation, municipalities: dict[str, Municipality]) -> str | None:
    families = _Families()
    participants = list(
        Participant.objects.filter(episode__organisation=organisation)
        .order_by("pk")
        .values_list("episode_id", "role", "person_id", "alias__person_id")
    )
    by_episode: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for episode_id, role, person_id, alias_person_id in participants:
        who = person_id or alias_person_id
        if who is not None:
            by_episode[episode_id].append((role, who))
            families.find(who)

    members: dict[int, list[int]] = defaultdict(list)
    for household_id, person_id in HouseholdMember.objects.filter(
        household__organisation=organisation
    ).values_list("household_id", "person_id"):
        members[household_id].append(person_id)
    for household in members.values():
        families.join(*household)

    parties = list(
        OrderParty.objects.filter(order__organisation=organisation)
        .order_by("order_id", "pk")
        .values_list(
            "order_id",
            "order__episode_id",
            "order__payer_municipality_id",
            "role",
            "participant__person_id",
            "participant__alias__person_id",
        )
    )
    ordered = {episode_id for _o, episode_id, *_rest in parties}
    main: dict[int, int] = {}
    for episode_id, rows in by_episode.items():
        heads = [who for role, who in rows if role in MAIN_ROLES]
        if not heads:
            continue
        main[episode_id] = heads[0]
        if episode_id not in ordered:  # an order says who lives with the children
            families.join(heads[0], *(who for role, who in rows if role in LIVES_WITH_MAIN))
    households: dict[int, list[int]] = defaultdict(list)
    payer: dict[int, int] = {}
    for order_id, _episode, payer_id, role, person_id, alias_person_id in parties:
        who = person_id or alias_person_id
        if who is not None and (role == PartyRole.CHILD or role in RESIDENT_SIDE):
            households[order_id].append(who)
            if role == PartyRole.CHILD:
                payer.setdefault(order_id, payer_id)
    for household in households.values():
        families.join(*household)

    # The homes the demo already knows: the commitment's, then the order's payer's.
    known: dict[int, Municipality] = {}
    for commitment in (
        PaymentCommitment.objects.filter(organisation=organisation, municipality__isnull=False)
        .select_related("municipality")
        .order_by("valid_from", "pk")
    ):
        if commitment.episode_id in main and commitment.municipality is not None:
            known.setdefault(families.find(main[commitment.episode_id]), commitment.municipality)
    payers = Municipality.objects.in_bulk(set(payer.values()))
    for order_id, municipality_id in payer.items():
        known.setdefault(families.find(households[order_id][0]), payers[municipality_id])

    # Each family's first episode: its worker records the home.
    episodes = {
        pk: (opened_at, form_id)
        for pk, opened_at, form_id in Episode.objects.filter(organisation=organisation).values_list(
            "pk", "opened_at", "service_form_id"
        )
    }
    first: dict[int, tuple[dt.datetime, int]] = {}
    for episode_id, rows in by_episode.items():
        for _role, who in rows:
            root = families.find(who)
            key = (episodes[episode_id][0], episode_id)
            if root not in first or key < first[root]:
                first[root] = key

    by_code = [(municipalities[c], w) for c, w in HOMES if c in municipalities]
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not security
    home: dict[int, Municipality] = {}
    for root in sorted(first):  # a family with a client, in the order of its first person
        drawn = rng.choices([m for m, _w in by_code], weights=[w for _m, w in by_code])[0]
        home[root] = known.get(root, drawn)

    recorders: dict[int, User | None] = {}
    counted: Counter[str] = Counter()
    for person in Person.objects.filter(
        organisation=organisation, merged_into__isnull=True, processing_restricted=False
    ).order_by("pk"):
        root = families.find(person.pk)
        if root not in home:
            continue
        form_id = episodes[first[root][1]][1]
        if form_id not in recorders:
            recorders[form_id] = _recorder(form_id)
        people_services.person_update(
            actor=recorders[form_id],  # type: ignore[arg-type]
            person=person,
            version=None,
            municipality=home[root],
        )
        counted[home[root].name_fi] += 1
    if not counted:
        return None
    protected = _protected_in_lahti(organisation, municipalities[LAHTI])
    spread = ", ".join(f"{name} {n}" for name, n in counted.most_common())
    return f"Kotikunnat: {sum(counted.values())} henkilöä, {len(home)} perhettä ({spread})" + (
        "; turvakielto Avokriisityön asiakkaalle Lahdessa." if protected else "."
    )


def _protected_in_lahti(organisation: Organisation, lahti: Municipality) -> Person | None:
    """Turvakielto for last year's first new Avokriisityö client who lives in Lahti, recorded by
    the form's worker from the population register (DVV), so that Lahti's report of last year
    leaves out a client who lives there. (The shelter's protected families are the demo
    clients' own; their stays are the state's, placed in no municipality's report anyway.)"""
    form = ServiceForm.objects.filter(organisation=organisation, slug=CRISIS_WORK).first()
    if form is None:
        return None
    year = timezone.localdate().year - 1
    episodes = Episode.objects.filter(
        service_form=form,
        start_date__year=year,
        status__in=(Episode.Status.ACTIVE, Episode.Status.ENDED),
    )
    protected = protected_episode_ids(episodes.values("pk"))
    clients = (
        Participant.objects.filter(
            episode__in=episodes.exclude(pk__in=protected),
            role=Participant.Role.CLIENT,
            person__municipality=lahti,
        )
        .select_related("person", "episode")
        .order_by("episode__start_date", "episode__pk")
    )
    for client in clients:
        person, start = client.person, client.episode.start_date
        if person is None or start is None or person.participations.count() > 1:
            continue  # a client of this episode only: no other form's story changes
        rights.restriction_add(
            actor=_recorder(form.pk),  # type: ignore[arg-type]
            person=person,
            kind="turvakielto",
            source="Väestötietojärjestelmä (DVV)",
            valid_from=start,
            valid_until=start + dt.timedelta(days=5 * 365),
            covers_household_children=True,
        )
        return person
    return None


def _recorder(service_form_id: int) -> User | None:
    """A worker of the form (or its lead or coordinator): who records the family's home."""
    for role in RECORDER_ROLES:
        membership = (
            Membership.objects.active()
            .filter(service_form_id=service_form_id, role=role)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if membership is not None:
            return membership.user
    return None
