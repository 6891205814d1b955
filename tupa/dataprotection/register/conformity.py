"""The data the 703/2023 class-B self-declaration and the information-security plan need.

Gathered from the running system — version, the security settings in force, the registers,
the roles and how many active users hold each — never typed in. The open legal questions
("[verify]") are listed with the place in the requirements where they come from. What this page
cannot know (backups, disk encryption, the hosting) is listed as the deploying association's to
document. Docs: docs/data-protection.md.
"""

from __future__ import annotations

import platform
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import django
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from tupa.accounts.models import Membership, Role, User
from tupa.organisations.models import Organisation

from .assembly import profile_of, register_forms
from .document import Text
from .safeguards import safeguards


@dataclass(frozen=True)
class Row:
    label: Text
    value: Any
    ok: bool | None = None  # None: information only
    verify: bool = False


@lru_cache(maxsize=1)
def version() -> str:
    """Tupa's version from ``pyproject.toml`` (the package is not installed as a distribution)."""
    try:
        with open(settings.BASE_DIR / "pyproject.toml", "rb") as handle:
            return str(tomllib.load(handle)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "?"


def system_rows() -> list[Row]:
    return [
        Row(_("Tuote"), "Tupa"),
        Row(_("Versio"), version()),
        Row(_("Ympäristö (TUPA_ENV)"), settings.TUPA_ENV, ok=settings.TUPA_ENV == "production"),
        Row(
            _("Demotila"), _("kyllä") if settings.TUPA_DEMO else _("ei"), ok=not settings.TUPA_DEMO
        ),
        Row(_("Tietokanta"), connection.vendor),
        Row("Django", django.get_version()),
        Row("Python", platform.python_version()),
        Row(
            _("Kanta-liittymä"),
            _("ei ole"),
            verify=True,
        ),
    ]


def security_rows() -> list[Row]:
    """The safeguards in force, as the register descriptions state them, with their settings."""
    rows = []
    for item in safeguards():
        if item.verify:
            value: Any = _("kuvattava käyttöönottokohtaisesti")
        else:
            value = item.detail or (_("käytössä") if item.ok else "")
        rows.append(Row(item.text, value, ok=None if item.verify else item.ok, verify=item.verify))
    return rows


def role_rows(organisation: Organisation) -> list[dict[str, Any]]:
    """Every role with the number of active users who hold it today (0 included)."""
    with scopes_disabled():
        counts = dict(
            Membership.objects.active()
            .filter(organisation=organisation, user__organisation=organisation)
            .order_by()
            .values_list("role")
            .annotate(n=Count("user", distinct=True))
        )
    return [
        {"role": role, "label": role.label, "users": counts.get(role.value, 0)} for role in Role
    ]


def user_counts(organisation: Organisation) -> dict[str, int]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    active = User.objects.filter(organisation=organisation, is_active=True)
    with scopes_disabled():
        with_role = (
            Membership.objects.active()
            .filter(organisation=organisation, user__organisation=organisation)
            .values("user")
            .distinct()
            .count()
        )
    return {
        "active": active.count(),
        "with_role": with_role,
        "two_factor": TOTPDevice.objects.filter(user__in=active, confirmed=True)
        .values("user")
        .distinct()
        .count(),
    }


def verify_items(organisation: Organisation) -> list[dict[str, Text]]:
    """Open questions and gaps; each with the place in the requirements it comes from."""

    items: list[dict[str, Text]] = []

    def add(text: Text, source: str) -> None:
        items.append({"text": text, "source": source})

    profile = profile_of(organisation)
    if profile is None or not (profile.email or profile.phone):
        add(_("Rekisterinpitäjän yhteystiedot puuttuvat (hallinta: Tietosuojan yhteystiedot)."), "")
    if profile is None or not (profile.dpo_email or profile.dpo_phone):
        add(
            _("Tietosuojavastaavan yhteystiedot puuttuvat (hallinta: Tietosuojan yhteystiedot)."),
            "",
        )
    if not organisation.business_id:
        add(_("Organisaation Y-tunnus puuttuu."), "")
    add(
        _(
            "Järjestelmän luokka: ilman Kanta-liittymää oletettavasti luokka B "
            "(omavalvonnallinen vaatimustenmukaisuusilmoitus, THL:n määräys 4/2021)."
        ),
        "finnish-requirements §4.5, §11.5",
    )
    add(
        _(
            "Rekisteröinti sosiaali- ja terveydenhuollon tietojärjestelmien rekisteriin "
            "(Valviran tehtävät Lupa- ja valvontavirastolle) ja nykyinen menettely."
        ),
        "finnish-requirements §4.5, §11.14",
    )
    add(
        _(
            "Olennaiset vaatimukset (THL:n määräys 5/2021) on käytävä läpi kohta kohdalta; tämä "
            "sivu kokoaa vain järjestelmän omat tiedot."
        ),
        "finnish-requirements §4.5",
    )
    add(
        _("Palvelutehtävien ja säilytysaikojen vastaavuus kussakin työmuodossa."),
        "finnish-requirements §5, §11.3",
    )
    add(
        _("Järjestelmä ei vielä laske säilytysaikoja eikä anonymisoi vanhentuneita tietoja."),
        "finnish-requirements §5",
    )
    add(
        _("Käyttölokin ja luovutuslokin vähimmäissäilytysaika (oletus vähintään 12 vuotta)."),
        "finnish-requirements §4.2, §11.4",
    )
    add(
        _("Kanta-arkistoon liittymisen velvollisuus (703/2023 7 §)."),
        "finnish-requirements §4.7, §11.2",
    )
    add(
        _("Rekisterinpitäjä kunkin työmuodon osalta (ostopalveluissa hyvinvointialue)."),
        "finnish-requirements §4.6, §11.1",
    )
    add(
        _(
            "Varmuuskopiointi, palautuksen testaus ja tallennetun tiedon salaus on kuvattava "
            "käyttöönottokohtaisesti (docs/data-protection.md)."
        ),
        "ARCHITECTURE.md §7; GDPR 32(1)(c)",
    )
    add(
        _("Vaikutustenarvioinnin (DPIA) ja tietosuojavastaavan nimittämisen tarve."),
        "finnish-requirements §8.1, §11.15",
    )
    add(
        _("Digipalvelulain (306/2019) soveltuminen yhdistykseen."),
        "finnish-requirements §10, §11.13",
    )
    return items


DOCS = (
    ("docs/security.md", _("pääsynhallinta, käyttöloki, turvallisuustapahtumat, testit")),
    ("docs/data-protection.md", _("rekisteriselosteet, vaatimustenmukaisuus, varmuuskopiot")),
    ("docs/architecture.md", _("rakenne ja pyyntöjen käsittely")),
)


def gather(organisation: Organisation) -> dict[str, Any]:
    """Everything the conformity page shows."""
    forms = register_forms(organisation)
    return {
        "system": system_rows(),
        "security": security_rows(),
        "registers": forms,
        "roles": role_rows(organisation),
        "users": user_counts(organisation),
        "verify": verify_items(organisation),
        "docs": DOCS,
    }
