"""Demo volunteer groups, experience experts, students and contact consents (issue 12 items 8,
10, 11).

- Groups and their meetings over the last months, with attendance: the doulas' meetings (Baby
  blues), the Mieskaveri supervision (*työnohjaus*) and peer evenings, Särö's monthly meetings,
  and the experience-expert networks of Ensikoti and Lapsityö (one meeting each).
- Experience experts with their consent (date and scope): two young adults of the Lapsityö
  network, one of Ensikoti and a former Alvari client — entered in the register, never linked to
  a client record.
- Three students: volunteering for study credit in Särö (Lahti UAS) and practical training in
  Ensikoti and Baby blues, with school, degree programme, supervisor, period and credits.
- Contact consents for most volunteers in the groups; one of them withdrawn.

The members are the demo volunteers of :mod:`tupa.demo.volunteers` where they exist (doulas,
Mieskaveri and Särö volunteers); if that demo has not run, a few fictional volunteers are made
here. Everything goes through the services of :mod:`tupa.volunteers` as the organisation-wide
volunteer coordinator. Fictional names, ``.invalid`` e-mail addresses, dates relative to today;
idempotent: nothing is done if the organisation already has volunteer groups.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from tupa.accounts.models import Membership, Role, User
from tupa.organisations.models import Organisation, ServiceForm
from tupa.volunteers.experts import services as expert_services
from tupa.volunteers.groups import services as group_services
from tupa.volunteers.mailing import services as mailing_services
from tupa.volunteers.models import (
    Assignment,
    GroupKind,
    PlacementKind,
    RoleKind,
    Volunteer,
    VolunteerGroup,
)
from tupa.volunteers.register import services as register_services
from tupa.volunteers.students import services as student_services

R = RoleKind
FORMS = ("baby-blues", "mieskaveri", "saroperheelle-tueksi", "ensikoti", "lapsityo", "alvari")

#: (form, role, first names, last name) of the volunteers made here when the register lacks them.
FALLBACK = {
    "baby-blues": [
        ("Doula", "Iida", "Kätilökoski"),
        ("Doula", "Sanni", "Vauvala"),
        ("Doula", "Maija", "Lempeämaa"),
    ],
    "mieskaveri": [
        ("Mieskaveri", "Jouni", "Kaveriniemi"),
        ("Mieskaveri", "Pasi", "Tukiranta"),
        ("Mieskaveri", "Olli", "Ystävälä"),
    ],
    "saroperheelle-tueksi": [
        ("Särö", "Tiina", "Tukimäki"),
        ("Särö", "Elina", "Kuukausela"),
    ],
}
FALLBACK_ROLE = {"baby-blues": R.DOULA, "mieskaveri": R.MIESKAVERI, "saroperheelle-tueksi": R.SARO}

#: (form, first names, last name, former client, scope of consent)
EXPERTS = [
    ("lapsityo", "Veera", "Kokemäki", False, "Lapsityön kehittämistyö ja nuorten ryhmät"),
    ("lapsityo", "Aleksi", "Tarinoja", False, "Kouluvierailut ja verkoston tapaamiset"),
    ("ensikoti", "Noora", "Ääniranta", False, "Ensikodin kehittämistyö, koulutukset"),
    ("alvari", "Hannele", "Uusjoki", True, "Koulutukset ja oma tarina nimettömänä"),
]

#: (form, first names, last name, kind, school, programme, credits, start offset, length days)
STUDENTS = [
    (
        "saroperheelle-tueksi",
        "Emma",
        "Opintola",
        PlacementKind.STUDY_CREDIT,
        "Lahden ammattikorkeakoulu (LAB)",
        "Sosionomi (AMK)",
        Decimal("5"),
        -100,
        120,
    ),
    (
        "ensikoti",
        "Julia",
        "Harjoittelija",
        PlacementKind.PRACTICAL_TRAINING,
        "Lahden ammattikorkeakoulu (LAB)",
        "Sosionomi (AMK)",
        Decimal("15"),
        -60,
        70,
    ),
    (
        "baby-blues",
        "Aino",
        "Terveystie",
        PlacementKind.PRACTICAL_TRAINING,
        "Lahden ammattikorkeakoulu (LAB)",
        "Terveydenhoitaja (AMK)",
        None,
        -20,
        50,
    ),
]


def _email(first: str, last: str) -> str:
    """A fictional address in ASCII (``.invalid``: never delivered)."""
    local = f"{first}.{last}".lower().translate(str.maketrans("äöå", "aoa"))
    return f"{local}@esimerkki.invalid"


#: The staff member (demo username) who supervises the students of a form.
SUPERVISORS = {"saroperheelle-tueksi": "kava", "ensikoti": "ensikoti", "baby-blues": "babyblues"}


class _Builder:
    def __init__(self, organisation: Organisation, actor: User, today: dt.date) -> None:
        self.organisation = organisation
        self.actor = actor
        self.today = today
        self.forms = {
            f.slug: f for f in ServiceForm.objects.filter(organisation=organisation, slug__in=FORMS)
        }
        self.users = {u.username: u for u in User.objects.filter(organisation=organisation)}
        self.made = 0

    def leader(self, username: str) -> User:
        return self.users.get(username, self.actor)

    def volunteer(self, slug: str, role: str, first: str, last: str, started: dt.date) -> Volunteer:
        self.made += 1
        return register_services.volunteer_create(
            actor=self.actor,
            service_form=self.forms[slug],
            role=role,
            started_on=started,
            first_names=first,
            last_name=last,
            email=_email(first, last),
        )

    def members_of(self, slug: str, roles: tuple[str, ...], n: int) -> list[Volunteer]:
        """The form's volunteers in ``roles`` (the demo register's), else made here."""
        found = list(
            Volunteer.objects.filter(
                pk__in=Assignment.objects.filter(
                    service_form=self.forms[slug], role__in=roles, ended_on__isnull=True
                ).values("volunteer_id")
            )
            .exclude(status="ended")
            .order_by("last_name", "first_names", "pk")[:n]
        )
        if found:
            return found
        started = self.today - dt.timedelta(days=400)
        return [
            self.volunteer(slug, FALLBACK_ROLE[slug], first, last, started)
            for _role, first, last in FALLBACK.get(slug, [])
        ]

    def group(
        self,
        slug: str,
        kind: str,
        name: str,
        members: list[Volunteer],
        meetings: list[tuple[int, dt.time, str, str]],
        leader: str,
        description: str = "",
    ) -> VolunteerGroup:
        started = self.today - dt.timedelta(days=365)
        group = group_services.group_create(
            actor=self.actor,
            service_form=self.forms[slug],
            kind=kind,
            name=name,
            description=description,
            started_on=started,
        )
        for member in members:
            joined = max(started, member.status_since)
            group_services.member_add(
                actor=self.actor, group=group, volunteer=member, joined_on=joined
            )
        for i, (offset, at, place, topic) in enumerate(meetings):
            meeting = group_services.meeting_add(
                actor=self.actor,
                group=group,
                date=self.today + dt.timedelta(days=offset),
                starts_at=at,
                ends_at=dt.time(at.hour + 2, at.minute),
                place=place,
                topic=topic,
                leader=self.leader(leader),
            )
            if offset <= 0:  # one member away from each meeting, in turn
                away = members[i % len(members)] if len(members) > 2 else None
                present = [m for m in members if m != away and m.status_since <= meeting.date]
                group_services.attendance_set(actor=self.actor, meeting=meeting, present=present)
        return group

    def build(self) -> str:
        t = dt.time
        doulas = self.members_of(
            "baby-blues", (R.DOULA, R.BIRTH_SUPPORT, R.BREASTFEEDING_SUPPORT), 6
        )
        friends = self.members_of("mieskaveri", (R.MIESKAVERI,), 6)
        saro = self.members_of("saroperheelle-tueksi", (R.SARO,), 5)
        groups = [
            self.group(
                "baby-blues",
                GroupKind.DOULA_MEETINGS,
                "Doulatapaamiset",
                doulas,
                [
                    (-119, t(17, 30), "Perhekeskus, Lahti", "Synnytyskertomukset"),
                    (-91, t(17, 30), "Perhekeskus, Lahti", "Imetyksen tukeminen"),
                    (-63, t(17, 30), "Perhekeskus, Lahti", "Vaikeat synnytykset ja jälkipuinti"),
                    (-35, t(17, 30), "Perhekeskus, Lahti", "Doulan omat rajat"),
                    (-7, t(17, 30), "Perhekeskus, Lahti", "Kevään vuorot"),
                    (21, t(17, 30), "Perhekeskus, Lahti", "Virkistysilta"),
                ],
                "babyblues",
                "Doulien säännölliset tapaamiset ja vertaistuki.",
            ),
            self.group(
                "mieskaveri",
                GroupKind.SUPERVISION,
                "Mieskaverien työnohjaus",
                friends,
                [
                    (-98, t(18), "Yhdistyksen toimisto", "Kaverisuhteen alku"),
                    (-56, t(18), "Yhdistyksen toimisto", "Pojan kuulumiset ja äidin toiveet"),
                    (-14, t(18), "Yhdistyksen toimisto", "Kaverisuhteen päättäminen"),
                ],
                "mieskaveri",
                "Ryhmätyönohjaus noin kuuden viikon välein.",
            ),
            self.group(
                "mieskaveri",
                GroupKind.PEER,
                "Mieskaverien vertaisilta",
                friends,
                [
                    (-77, t(18), "Kahvila Kulma", "Vapaa keskustelu"),
                    (-28, t(18), "Keilahalli", "Yhteinen keilailu"),
                ],
                "mieskaveri",
            ),
            self.group(
                "saroperheelle-tueksi",
                GroupKind.MONTHLY,
                "Särön kuukausitapaamiset",
                saro,
                [
                    (-150, t(17), "Yhdistyksen toimisto", "Kuulumiset"),
                    (-120, t(17), "Yhdistyksen toimisto", "Perheiden tukeminen arjessa"),
                    (-90, t(17), "Yhdistyksen toimisto", "Kuulumiset"),
                    (-60, t(17), "Yhdistyksen toimisto", "Vieraana Lapsityö"),
                    (-30, t(17), "Yhdistyksen toimisto", "Kuulumiset"),
                ],
                "kava",
            ),
        ]
        experts = self.experts()
        for slug, name, topic in (
            ("ensikoti", "Ensikodin kokemusasiantuntijaverkosto", "Ensikodin esitteen uudistus"),
            ("lapsityo", "Lapsityön kokemusasiantuntijaverkosto", "Nuorten ryhmän suunnittelu"),
        ):
            groups.append(
                self.group(
                    slug,
                    GroupKind.EXPERT_NETWORK,
                    name,
                    [v for v, s in experts if s == slug],
                    [(-45, t(16), "Yhdistyksen toimisto", topic)],
                    slug,
                )
            )
        students = self.students()
        consents = self.consents([*doulas, *friends, *saro, *(v for v, _ in experts)])
        return (
            f"vapaaehtoisryhmiä {len(groups)}, kokemusasiantuntijoita {len(experts)}, "
            f"opiskelijoita {len(students)}, yhteydenottolupia {consents}"
        )

    def experts(self) -> list[tuple[Volunteer, str]]:
        rows = []
        for slug, first, last, former, scope_text in EXPERTS:
            started = self.today - dt.timedelta(days=300)
            v = self.volunteer(slug, R.EXPERIENCE_EXPERT, first, last, started)
            expert_services.expert_consent_give(
                actor=self.actor,
                volunteer=v,
                service_form=self.forms[slug],
                given_on=started,
                scope=scope_text,
                former_client=former,
            )
            rows.append((v, slug))
        return rows

    def students(self) -> list[Volunteer]:
        rows = []
        for slug, first, last, kind, school, programme, credits, start, days in STUDENTS:
            starts = self.today + dt.timedelta(days=start)
            v = self.volunteer(slug, R.STUDENT, first, last, starts)
            student_services.placement_create(
                actor=self.actor,
                volunteer=v,
                service_form=self.forms[slug],
                kind=kind,
                school=school,
                degree_programme=programme,
                supervisor=self.leader(SUPERVISORS[slug]),
                starts_on=starts,
                ends_on=starts + dt.timedelta(days=days),
                credits=credits,
            )
            rows.append(v)
        return rows

    def consents(self, volunteers: list[Volunteer]) -> int:
        seen: set[int] = set()
        n = 0
        for i, v in enumerate(volunteers):
            if v.pk in seen or i % 4 == 3:  # every fourth has not given one
                continue
            seen.add(v.pk)
            given = max(v.status_since, self.today - dt.timedelta(days=200))
            consent = mailing_services.contact_consent_give(
                actor=self.actor, volunteer=v, given_on=given
            )
            n += 1
            if n == 2:  # one has withdrawn it since
                mailing_services.contact_consent_withdraw(
                    actor=self.actor,
                    consent=consent,
                    withdrawn_on=max(given, self.today - dt.timedelta(days=10)),
                )
        return n


def _organisation_wide_coordinator(organisation: Organisation) -> User | None:
    membership = (
        Membership.objects.filter(
            organisation=organisation,
            role=Role.VOLUNTEER_COORDINATOR,
            service_form__isnull=True,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def build(*, organisation: Organisation) -> str | None:
    """Add the demo groups, experts, students and consents once; None if they exist already or
    the organisation lacks the forms or an organisation-wide volunteer coordinator."""
    with scope(organisation=organisation.pk):
        if VolunteerGroup.objects.filter(organisation=organisation).exists():
            return None
        actor = _organisation_wide_coordinator(organisation)
        if actor is None:
            return None
        builder = _Builder(organisation, actor, timezone.localdate())
        if set(builder.forms) != set(FORMS):
            return None
        with transaction.atomic():
            return builder.build()
