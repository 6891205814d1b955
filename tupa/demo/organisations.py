"""The demo organisation: a fictional association modelled on the seed (seed-spec parts 1, 3, 5, 6).

"Esimerkin ensi- ja turvakoti ry" (EETK ry) in Päijät-Häme mirrors the structure of the
association in the seed: its work areas, teams, the service forms with their attributes and
funding, partners, working groups, values, strategic themes and the 2018 income budget.
Organisation names (PHHYKY, STEA, THL, Dila, …) are public bodies and kept as they are;
**every person is fictional** and every demo account shares one demo-only password.

:func:`build_demo` is idempotent: every row is looked up by its natural key first and only
created when missing, so running it again changes and duplicates nothing. Everything is
written through the services (``actor=None``: the system), so the change history shows
how the demo came to be.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django_scopes import scope

from tupa.accounts.models import Membership, User
from tupa.demo import datafiles
from tupa.finance.models import Budget, BudgetLine
from tupa.finance.services import budget_create, budget_set_line
from tupa.organisations import services, staff
from tupa.organisations.models import (
    Area,
    DataProtectionProfile,
    Funder,
    Municipality,
    Organisation,
    Partner,
    ServiceForm,
    ServiceFormFunding,
    StrategicTheme,
    Team,
    Value,
    WorkingGroup,
    WorkingGroupMember,
)
from tupa.organisations.services.municipalities import MUNICIPALITIES_CSV

DEFAULT_PASSWORD = "tupa-demo-salasana"  # demo only: documented in the README, never for real use
#: The municipality classification is reference data of the organisations app, not demo data.
ORGANISATION_SLUG = "eetk"
#: Memberships start at the beginning of the plan year and have no end: active today.
MEMBERSHIPS_FROM = date(2018, 1, 1)

# --------------------------------------------------------------------------- data
#
# The tables live in ``data/organisation.json`` (the Python here is the behaviour, the data is
# data). Choice fields hold the model's stored values; dates are ISO strings; amounts strings.
# Notes on where the data comes from (seed-spec parts 1, 3, 5, 6):
#
# - Register types: the plan does not say which register each service form keeps. Inferred:
#   client work with named clients (residential, outpatient, group, visitation work) is
#   social-welfare client work and goes to the statutory social-welfare client record;
#   Perhetupa (anonymous drop-in), Mieskaveritoiminta (volunteer matching) and TPPH
#   (prevention without a client caseload) keep only the association's own activity register.
#   Activities administered by someone else (Nettiturvakoti, the partner-run activities) keep
#   no register of ours.
# - The 2018 budget (§6.1) gives the municipalities' income only as one total ("Kunnat ja
#   kuntayhtymät"), not split between PHHYKY, the other user municipalities and the Lahti grant.
# - The people are fictional: surnames are made-up words so no real person is meant. Each
#   entry's "comment" (ignored by the builder) says why an account or a form looks as it does.

_DATES = ("project_start", "project_end")
_DATA: dict[str, Any] = datafiles.load("organisation")

ORGANISATION: dict[str, Any] = {
    key: value for key, value in _DATA["organisation"].items() if key != "comment"
}

# (name, kind, order, description)
AREAS: list[tuple[str, str, int, str]] = [
    (a["name"], a["kind"], a["order"], a["description"]) for a in _DATA["areas"]
]

# (name, area, order, meeting frequency)
TEAMS: list[tuple[str, str, int, str]] = [
    (t["name"], t["area"], t["order"], t["meeting_frequency"]) for t in _DATA["teams"]
]

# (name, kind, roles, municipality code, description)
PARTNERS: list[tuple[str, str, list[str], str, str]] = [
    (p["name"], p["kind"], list(p["roles"]), p["municipality"], p["description"])
    for p in _DATA["partners"]
]

# (name, category, partner)
FUNDERS: list[tuple[str, str, str | None]] = [
    (f["name"], f["category"], f["partner"]) for f in _DATA["funders"]
]


@dataclass(frozen=True)
class FormSpec:
    slug: str
    name: str
    area: str
    team: str | None
    kind: str
    register: str
    fundings: list[tuple[str, str, str]] = field(default_factory=list)  # (funder, type, note)
    attrs: dict[str, Any] = field(default_factory=dict)


def _form_spec(row: dict[str, Any]) -> FormSpec:
    attrs = {
        key: date.fromisoformat(value) if key in _DATES else value
        for key, value in row["attrs"].items()
    }
    return FormSpec(
        row["slug"],
        row["name"],
        row["area"],
        row["team"],
        row["kind"],
        row["register"],
        [(f["funder"], f["type"], f["note"]) for f in row["fundings"]],
        attrs,
    )


SERVICE_FORMS: list[FormSpec] = [_form_spec(row) for row in _DATA["service_forms"]]


@dataclass(frozen=True)
class Grant:
    role: str
    service_form: str | None = None  # slug
    title: str = ""
    fte_percent: int = 100
    night_shift: bool = False
    hourly_paid: bool = False
    valid_from: date = MEMBERSHIPS_FROM
    valid_until: date | None = None


@dataclass(frozen=True)
class Account:
    username: str
    first_name: str
    last_name: str
    title: str
    grants: list[Grant]
    is_staff: bool = False
    manages: tuple[str, ...] = ()  # team names


def _grant(row: dict[str, Any]) -> Grant:
    fields = {key: value for key, value in row.items() if key != "comment"}
    for key in ("valid_from", "valid_until"):
        if key in fields:
            fields[key] = date.fromisoformat(fields[key])
    return Grant(**fields)


def _account(row: dict[str, Any]) -> Account:
    return Account(
        row["username"],
        row["first_name"],
        row["last_name"],
        row["title"],
        [_grant(g) for g in row["grants"]],
        is_staff=row.get("is_staff", False),
        manages=tuple(row.get("manages", ())),
    )


ACCOUNTS: list[Account] = [_account(row) for row in _DATA["accounts"]]

# (name, short name, frequency, minutes public, purpose,
#  members: (username | None, service form slug | None, role))
WORKING_GROUPS: list[tuple[str, str, str, bool, str, list[tuple[str | None, str | None, str]]]] = [
    (
        g["name"],
        g["short_name"],
        g["meeting_frequency"],
        g["minutes_public_to_staff"],
        g["purpose"],
        [(m["user"], m["service_form"], m["role"]) for m in g["members"]],
    )
    for g in _DATA["working_groups"]
]

VALUES: list[tuple[int, str, str]] = [
    (v["order"], v["name"], v["description"]) for v in _DATA["values"]
]

THEMES: list[tuple[str, str, list[str]]] = [
    (t["code"], t["name"], list(t["heading_variants"])) for t in _DATA["themes"]
]
STRATEGY = (
    _DATA["strategy"]["name"],
    _DATA["strategy"]["start_year"],
    _DATA["strategy"]["end_year"],
)
#: The plan's strategy ended in 2019; the demo association (fictional) carried its five themes
#: into a following period, so that this year's and last year's plan goals have themes.
NEXT_STRATEGY = (
    _DATA["next_strategy"]["name"],
    _DATA["next_strategy"]["start_year"],
    _DATA["next_strategy"]["end_year"],
)

BUDGET_YEAR: int = _DATA["budget"]["year"]
# (funder, amount, description): seed-spec §6.1, exact figures; total 2 649 700,00 €.
BUDGET_LINES: list[tuple[str, Decimal, str]] = [
    (line["funder"], Decimal(line["amount"]), line["description"])
    for line in _DATA["budget"]["lines"]
]


# --------------------------------------------------------------------------- builder


@dataclass
class DemoResult:
    organisation: Organisation
    created: dict[str, int]
    accounts: list[tuple[User, list[Membership]]]
    municipalities_loaded: bool

    @property
    def created_total(self) -> int:
        return sum(self.created.values())

    @property
    def users_created(self) -> int:
        return self.created.get("käyttäjiä", 0)


class _Builder:
    def __init__(self, *, password_hash: str) -> None:
        self.password_hash = password_hash
        self.created: dict[str, int] = {}
        self.org: Organisation
        self.areas: dict[str, Area] = {}
        self.teams: dict[str, Team] = {}
        self.partners: dict[str, Partner] = {}
        self.funders: dict[str, Funder] = {}
        self.forms: dict[str, ServiceForm] = {}
        self.users: dict[str, User] = {}

    def _count(self, label: str) -> None:
        self.created[label] = self.created.get(label, 0) + 1

    # Each step looks the row up by its natural key and creates it only when missing.

    def organisation(self) -> None:
        org = Organisation.objects.filter(slug=ORGANISATION_SLUG).first()
        if org is None:
            org = services.organisation_create(actor=None, **ORGANISATION)
            self._count("organisaatio")
        self.org = org

    def data_protection(self) -> None:
        """Fictional public contacts for the privacy notices and the accessibility statement."""
        _profile, created = DataProtectionProfile.objects.get_or_create(
            organisation=self.org,
            defaults={
                "address": "Esimerkkikatu 1 A (keksitty osoite)",
                "email": "toimisto@esimerkki.invalid",
                "phone": "000 000 0000 (keksitty)",
                "dpo_name": "Tietosuojavastaava (demo)",
                "dpo_email": "tietosuoja@esimerkki.invalid",
                "accessibility_reviewed_on": date(2026, 12, 1),
            },
        )
        if created:
            self._count("tietosuojan yhteystiedot")

    def structure(self) -> None:
        for name, kind, order, description in AREAS:
            area = Area.objects.filter(organisation=self.org, name=name).first()
            if area is None:
                area = services.area_create(
                    actor=None,
                    organisation=self.org,
                    name=name,
                    kind=kind,
                    order=order,
                    description=description,
                )
                self._count("toiminta-alueita")
            self.areas[name] = area
        for name, area_name, order, frequency in TEAMS:
            team = Team.objects.filter(organisation=self.org, name=name).first()
            if team is None:
                team = services.team_create(
                    actor=None,
                    area=self.areas[area_name],
                    name=name,
                    order=order,
                    meeting_frequency=frequency,
                )
                self._count("tiimejä")
            self.teams[name] = team

    def partners_and_funders(self) -> None:
        municipalities = {
            m.code: m for m in Municipality.objects.filter(code__in={p[3] for p in PARTNERS})
        }
        for name, kind, roles, code, description in PARTNERS:
            partner = Partner.objects.filter(organisation=self.org, name=name).first()
            if partner is None:
                partner = services.partner_create(
                    actor=None,
                    organisation=self.org,
                    name=name,
                    kind=kind,
                    roles=roles,
                    municipality=municipalities.get(code),
                    description=description,
                )
                self._count("kumppaneita")
            else:
                have = set(partner.roles.values_list("role", flat=True))
                for role in roles:
                    if role not in have:
                        services.partner_add_role(actor=None, partner=partner, role=role)
                        self._count("kumppanirooleja")
            self.partners[name] = partner
        for name, category, partner_name in FUNDERS:
            funder = Funder.objects.filter(organisation=self.org, name=name).first()
            if funder is None:
                funder = services.funder_create(
                    actor=None,
                    organisation=self.org,
                    name=name,
                    category=category,
                    partner=self.partners[partner_name] if partner_name else None,
                )
                self._count("rahoittajia")
            self.funders[name] = funder

    def service_forms(self) -> None:
        for spec in SERVICE_FORMS:
            form = ServiceForm.objects.filter(organisation=self.org, slug=spec.slug).first()
            if form is None:
                attrs = dict(spec.attrs)
                for key in ("national_coordinator", "operating_partner"):
                    if key in attrs:
                        attrs[key] = self.partners[attrs[key]]
                form = services.service_form_create(
                    actor=None,
                    area=self.areas[spec.area],
                    team=self.teams[spec.team] if spec.team else None,
                    name=spec.name,
                    slug=spec.slug,
                    kind=spec.kind,
                    register=spec.register,
                    **attrs,
                )
                self._count("työmuotoja")
            self.forms[spec.slug] = form
            for funder_name, funding_type, note in spec.fundings:
                funder = self.funders[funder_name]
                if not ServiceFormFunding.objects.filter(
                    service_form=form, funder=funder, type=funding_type
                ).exists():
                    services.service_form_add_funding(
                        actor=None, service_form=form, funder=funder, type=funding_type, note=note
                    )
                    self._count("rahoituksia")

    def staff(self) -> None:
        for account in ACCOUNTS:
            user = User.objects.filter(username=account.username).first()
            if user is None:
                user = staff.staff_user_create(
                    actor=None,
                    organisation=self.org,
                    username=account.username,
                    first_name=account.first_name,
                    last_name=account.last_name,
                    title=account.title,
                    password=None,
                    password_hash=self.password_hash,
                    is_staff=account.is_staff,
                    preferred_language="fi",
                )
                self._count("käyttäjiä")
            elif user.organisation_id != self.org.pk:
                raise ValidationError(
                    f"Käyttäjätunnus {account.username} on jo toisen organisaation käytössä."
                )
            self.users[account.username] = user
            for grant in account.grants:
                form = self.forms[grant.service_form] if grant.service_form else None
                exists = Membership.objects.filter(
                    user=user, role=grant.role, service_form=form, valid_from=grant.valid_from
                ).exists()
                if not exists:
                    staff.membership_grant(
                        actor=None,
                        user=user,
                        role=grant.role,
                        service_form=form,
                        valid_from=grant.valid_from,
                        valid_until=grant.valid_until,
                        title=grant.title or account.title,
                        fte_percent=grant.fte_percent,
                        night_shift=grant.night_shift,
                        hourly_paid=grant.hourly_paid,
                    )
                    self._count("jäsenyyksiä")
            for team_name in account.manages:
                team = self.teams[team_name]
                if team.line_manager_id is None:
                    services.team_set_line_manager(actor=None, team=team, line_manager=user)
                    self._count("lähiesimiehiä")

    def working_groups(self) -> None:
        for name, short, frequency, public, purpose, members in WORKING_GROUPS:
            group = WorkingGroup.objects.filter(organisation=self.org, name=name).first()
            if group is None:
                group = services.working_group_create(
                    actor=None,
                    organisation=self.org,
                    name=name,
                    short_name=short,
                    meeting_frequency=frequency,
                    minutes_public_to_staff=public,
                    purpose=purpose,
                )
                self._count("työryhmiä")
            for username, slug, role in members:
                user = self.users[username] if username else None
                form = self.forms[slug] if slug else None
                if not WorkingGroupMember.objects.filter(
                    group=group, user=user, service_form=form, role=role
                ).exists():
                    services.working_group_add_member(
                        actor=None, group=group, user=user, service_form=form, role=role
                    )
                    self._count("työryhmän jäseniä")

    def values_and_themes(self) -> None:
        for order, name, description in VALUES:
            if not Value.objects.filter(organisation=self.org, order=order).exists():
                services.value_create(
                    actor=None,
                    organisation=self.org,
                    order=order,
                    name=name,
                    description=description,
                )
                self._count("arvoja")
        for strategy, start, end in (STRATEGY, NEXT_STRATEGY):
            for code, name, variants in THEMES:
                if StrategicTheme.objects.filter(
                    organisation=self.org, code=code, start_year=start
                ).exists():
                    continue
                services.strategic_theme_create(
                    actor=None,
                    organisation=self.org,
                    code=code,
                    name=name,
                    strategy_name=strategy,
                    start_year=start,
                    end_year=end,
                    heading_variants=variants,
                )
                self._count("painopisteitä")

    def budget(self) -> None:
        budget = Budget.objects.filter(organisation=self.org, year=BUDGET_YEAR).first()
        if budget is None:
            budget = budget_create(
                actor=None,
                organisation=self.org,
                year=BUDGET_YEAR,
                note="Tulot rahoituslähteittäin (toimintasuunnitelma 2018).",
            )
            self._count("talousarvioita")
        for funder_name, amount, description in BUDGET_LINES:
            funder = self.funders[funder_name]
            if not BudgetLine.objects.filter(budget=budget, funder=funder).exists():
                budget_set_line(
                    actor=None, budget=budget, funder=funder, amount=amount, description=description
                )
                self._count("talousarvion rivejä")

    def accounts(self) -> list[tuple[User, list[Membership]]]:
        usernames = [a.username for a in ACCOUNTS]
        memberships: dict[int, list[Membership]] = {}
        for m in Membership.objects.filter(user__username__in=usernames).select_related(
            "service_form"
        ):
            memberships.setdefault(m.user_id, []).append(m)
        users = {u.username: u for u in User.objects.filter(username__in=usernames)}
        return [(users[name], memberships.get(users[name].pk, [])) for name in usernames]


def build_demo(
    *, password: str = DEFAULT_PASSWORD, municipalities_csv: Path | None = MUNICIPALITIES_CSV
) -> DemoResult:
    """Create (or complete) the demo organisation; idempotent. See the module docstring.

    ``password`` is set only on accounts created now; existing accounts keep theirs.
    Municipalities are loaded from ``municipalities_csv`` when that file exists.
    """
    validate_password(password)
    loaded = False
    with transaction.atomic():
        if municipalities_csv is not None and Path(municipalities_csv).exists():
            services.municipalities_load(path=municipalities_csv)
            loaded = True
        builder = _Builder(password_hash=make_password(password))
        builder.organisation()
        with scope(organisation=builder.org.pk):
            builder.structure()
            builder.partners_and_funders()
            builder.service_forms()
            builder.staff()
            builder.working_groups()
            builder.values_and_themes()
            builder.budget()
            builder.data_protection()
            accounts = builder.accounts()
    return DemoResult(
        organisation=builder.org,
        created=builder.created,
        accounts=accounts,
        municipalities_loaded=loaded,
    )


def two_factor_required() -> bool:
    return bool(getattr(settings, "TUPA_REQUIRE_2FA", True))
