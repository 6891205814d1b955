"""Fail when a Swedish or English string is missing or fuzzy, or the catalogues are stale.

Finnish is the source language (msgids are Finnish), so the fi catalogue may leave msgstr empty.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

TARGET_LANGUAGES = ("sv", "en")


def catalogue_problems(locale_dir: Path) -> list[str]:
    problems: list[str] = []
    for lang in TARGET_LANGUAGES:
        if not (locale_dir / lang / "LC_MESSAGES" / "django.po").is_file():
            problems.append(f"missing catalogue: {lang}/LC_MESSAGES/django.po")
        for po_path in sorted((locale_dir / lang / "LC_MESSAGES").glob("*.po")):
            po = polib.pofile(str(po_path))
            for entry in po:
                if entry.obsolete:
                    continue
                where = f"{po_path.relative_to(locale_dir)}: {entry.msgid[:60]!r}"
                if "fuzzy" in entry.flags:
                    problems.append(f"fuzzy: {where}")
                elif entry.msgid_plural:
                    if not entry.msgstr_plural or not all(entry.msgstr_plural.values()):
                        problems.append(f"missing plural: {where}")
                elif not entry.msgstr:
                    problems.append(f"missing: {where}")
    return problems


class Command(BaseCommand):
    help = "Check that every sv/en string is translated and not fuzzy, and that the .po files are current."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--skip-extract",
            action="store_true",
            help="Do not compare the catalogues with a fresh extraction from the code.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        locale_dir = Path(settings.LOCALE_PATHS[0])
        problems = catalogue_problems(locale_dir)
        if not options["skip_extract"]:
            problems += self._stale_msgids(locale_dir)
        if problems:
            for line in problems[:200]:
                self.stderr.write(line)
            raise CommandError(f"{len(problems)} translation problem(s)")
        self.stdout.write("translations complete")

    def _stale_msgids(self, locale_dir: Path) -> list[str]:
        """Strings in the code that are missing from the catalogues (makemessages not run).

        makemessages always writes into the project's own ``locale/`` (it matches files to the
        locale directory by path), so the committed Finnish catalogue is read first, the
        extraction runs in place, and the original file is restored whatever happens.
        """
        if shutil.which("xgettext") is None:
            return ["xgettext (GNU gettext) is needed to compare catalogues with the code"]
        base = Path(settings.BASE_DIR)
        fi_po = locale_dir / "fi" / "LC_MESSAGES" / "django.po"
        original = fi_po.read_bytes()
        committed = polib.pofile(original.decode("utf-8"))
        try:
            subprocess.run(
                [
                    sys.executable,
                    "-c",
                    "import os;os.environ.setdefault('DJANGO_SETTINGS_MODULE','config.settings');"
                    "import django;django.setup();"
                    "from django.core.management import call_command;"
                    "call_command('makemessages', locale=['fi'], verbosity=0, ignore_patterns=["
                    "'.venv/*','var/*','tests/*','*/tests/*','benchmarks/*'])",
                ],
                cwd=base,
                check=True,
            )
            fresh = polib.pofile(str(fi_po))
        finally:
            fi_po.write_bytes(original)
        known = {(e.msgctxt, e.msgid) for e in committed if not e.obsolete}
        return [
            f"not in catalogue (run `make messages`): {e.msgid[:60]!r}"
            for e in fresh
            if not e.obsolete and (e.msgctxt, e.msgid) not in known
        ]
