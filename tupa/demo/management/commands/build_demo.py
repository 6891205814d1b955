"""``manage.py build_demo [--password PW] [--no-clients]``: the whole fictional demo (idempotent).

Creates "Esimerkin ensi- ja turvakoti ry" with its structure, service forms, funding, working
groups, values, themes, 2018 budget and one account per role and team, all sharing a
demo-only password (default ``tupa-demo-salasana``); then (unless ``--no-clients``) the
fictional clients and each domain's data (:mod:`tupa.demo.build`). Running it again changes
nothing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tupa.demo.build import build_everything
from tupa.demo.organisations import DEFAULT_PASSWORD, two_factor_required


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
            built = build_everything(
                password=options["password"], clients=not options["no_clients"]
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        result = built.result

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
        if built.clients_requested:
            if built.clients is None:
                self.stdout.write("Demoasiakkaat ovat jo olemassa, niitä ei muutettu.")
            else:
                self.stdout.write(self.style.SUCCESS(f"Demoasiakkaat: {built.clients.summary()}."))
            for summary in built.summaries:
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
