"""``manage.py build_demo [--password PW]``: the fictional demo organisation (idempotent).

Creates "Esimerkin ensi- ja turvakoti ry" with its structure, service forms, funding, working
groups, values, themes, 2018 budget and one account per role and team, all sharing a
demo-only password (default ``tupa-demo-salasana``). Running it again changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tupa.organisations.demo import DEFAULT_PASSWORD, build_demo, two_factor_required

#: Apps that add their own demo data after the clients: each ``tupa.<app>.demo`` module has
#: ``build(*, organisation) -> str | None`` (idempotent; returns a one-line summary or None
#: when the data already existed). A module that does not exist yet is skipped.
DEMO_MODULES = (
    "tupa.residential.demo",
    "tupa.scheduling.demo",
    "tupa.programmes.demo",
    "tupa.dropin.demo",
    "tupa.visitation.demo",
)


def _run_demo_module(module_name: str, *, organisation: Any) -> str | None:
    import importlib

    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        return None
    result: str | None = module.build(organisation=organisation)
    return result


class Command(BaseCommand):
    help = (
        "Rakentaa kuvitteellisen demo-organisaation (Esimerkin ensi- ja turvakoti ry) ja sen "
        "demotunnukset. Toistettavissa: jo olemassa olevaa ei luoda uudelleen."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"Demotunnusten yhteinen salasana (oletus {DEFAULT_PASSWORD!r}; vain demoon).",
        )
        parser.add_argument(
            "--no-clients",
            action="store_true",
            help="Älä luo kuvitteellisia asiakkaita (vain organisaatio ja tunnukset).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "PRODUCTION", False) and not getattr(settings, "TUPA_DEMO", False):
            raise CommandError(
                "Demo-organisaatiota ei rakenneta tuotantoympäristöön "
                "(aseta TUPA_DEMO=true demoa varten)."
            )
        try:
            result = build_demo(password=options["password"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc

        org = result.organisation
        if result.created_total:
            details = ", ".join(f"{label} {n}" for label, n in result.created.items())
            self.stdout.write(self.style.SUCCESS(f"{org.name}: luotiin {details}."))
        else:
            self.stdout.write(
                self.style.SUCCESS(f"{org.name}: demo on jo valmis, mitään ei muutettu.")
            )
        if result.municipalities_loaded:
            self.stdout.write("Kuntaluokitus ladattu.")
        if not options["no_clients"]:
            from tupa.episodes.demo_clients import build_demo_clients

            clients = build_demo_clients(organisation=org)
            if clients is None:
                self.stdout.write("Demoasiakkaat ovat jo olemassa, niitä ei muutettu.")
            else:
                self.stdout.write(self.style.SUCCESS(f"Demoasiakkaat: {clients.summary()}."))
            for module_name in DEMO_MODULES:
                summary = _run_demo_module(module_name, organisation=org)
                if summary:
                    self.stdout.write(self.style.SUCCESS(summary))

        rows = []
        for user, memberships in result.accounts:
            grants = []
            for m in memberships:
                where = m.service_form.name if m.service_form else "koko organisaatio"
                text = f"{m.get_role_display()} ({where})"
                if m.fte_percent != 100:
                    text += f" {m.fte_percent} %"
                if m.night_shift:
                    text += " yötyö"
                if m.valid_until is not None:
                    d = m.valid_until
                    text += f" päättynyt {d.day}.{d.month}.{d.year}"
                grants.append(text)
            rows.append((user.username, user.get_full_name(), "; ".join(grants)))
        width_user = max(len(r[0]) for r in rows)
        width_name = max(len(r[1]) for r in rows)
        self.stdout.write("")
        self.stdout.write(f"{'Tunnus':<{width_user}}  {'Nimi':<{width_name}}  Roolit")
        self.stdout.write(f"{'-' * width_user}  {'-' * width_name}  ------")
        for username, name, roles in rows:
            self.stdout.write(f"{username:<{width_user}}  {name:<{width_name}}  {roles}")
        self.stdout.write("")
        if result.users_created:
            self.stdout.write(
                f"Uusien demotunnusten salasana: {options['password']} (vain demokäyttöön)."
            )
        else:
            self.stdout.write("Tunnukset olivat jo olemassa; niiden salasanoja ei muutettu.")
        if two_factor_required():
            self.stdout.write(
                "Kaksivaiheinen tunnistautuminen on käytössä: kukin ottaa todennussovelluksen "
                "käyttöön ensimmäisellä kirjautumisella."
            )
        else:
            self.stdout.write(
                self.style.WARNING(
                    "Kaksivaiheinen tunnistautuminen on pois päältä "
                    "(TUPA_REQUIRE_2FA=false): vain demoon."
                )
            )
