"""``manage.py build_federation_scale``: fictional member organisations at federation scale.

Builds ``--organisations`` generated member associations with ``--years`` years of work each
(:mod:`tupa.demo.federation_scale`), for the statistics engine and the page benchmarks
(``benchmarks/federation_scale.py``). Idempotent: organisations that exist are left as they
are. Not for production databases.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tupa.demo.federation_scale import build_federation


class Command(BaseCommand):
    help = (
        "Builds fictional member organisations (Kuvitteellinen ensi- ja turvakoti N ry) with "
        "years of generated client work, for federation-scale statistics and benchmarks. "
        "Existing ones are left as they are."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisations", type=int, default=30, help="how many (default 30)")
        parser.add_argument(
            "--years", type=int, default=10, help="full years before this one (default 10)"
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="volume of clients; 1.0 ≈ THL's national shelter figures with 30 organisations",
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--password",
            default=None,
            help="a password for the generated accounts (default: none usable)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "PRODUCTION", False) and not getattr(settings, "TUPA_DEMO", False):
            raise CommandError("Generated organisations are not built in production.")
        try:
            summary = build_federation(
                organisations=options["organisations"],
                years=options["years"],
                scale=options["scale"],
                seed=options["seed"],
                password=options["password"],
                progress=lambda line: self.stdout.write(line),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for line in summary.lines():
            self.stdout.write(line)
