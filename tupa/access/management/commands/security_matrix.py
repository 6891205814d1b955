"""Print, write or check the generated security matrix (``docs/security-matrix.md``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tupa.access.matrix import render


def matrix_path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "security-matrix.md"


class Command(BaseCommand):
    help = "Print the security matrix; --write updates docs/security-matrix.md, --check compares."

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--write", action="store_true", help="write docs/security-matrix.md")
        group.add_argument("--check", action="store_true", help="fail if the file is out of date")

    def handle(self, *args: Any, **options: Any) -> None:
        text = render()
        path = matrix_path()
        if options["write"]:
            path.write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {path}")
        elif options["check"]:
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if current != text:
                raise CommandError(
                    f"{path.name} is out of date: run `manage.py security_matrix --write` "
                    "and commit the result."
                )
            self.stdout.write("security matrix up to date")
        else:
            self.stdout.write(text)
