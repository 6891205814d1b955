"""``manage.py load_municipalities [--path FILE]``: upsert the municipality classification."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tupa.organisations.services import municipalities_load
from tupa.organisations.services.municipalities import MUNICIPALITIES_CSV


class Command(BaseCommand):
    help = (
        "Lataa kuntaluokituksen CSV-tiedostosta (code,name_fi,name_sv,region_code,region_name_fi). "
        "Toistettavissa: tiedostosta puuttuvat kunnat merkitään lakanneiksi."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--path", type=Path, default=MUNICIPALITIES_CSV, help="CSV-tiedosto")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.exists():
            raise CommandError(f"Tiedostoa ei löydy: {path}")
        try:
            result = municipalities_load(path=path)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Kunnat: {result.total} tiedostossa — uusia {result.created}, päivitettyjä "
                f"{result.updated}, ennallaan {result.unchanged}, lakanneiksi merkittyjä "
                f"{result.invalidated}."
            )
        )
