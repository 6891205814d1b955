"""Find attachment files no row refers to and temporaries a killed process left (issue 10).

A client document on disk without its ``Attachment`` row is out of reach of every data extract,
erasure and retention rule, so it must not stay. Since the files follow their rows
(:mod:`tupa.episodes.journal.attachments`), such files can only be left by a process that died, or be
older than that rule. This command finds, among files older than ``--hours`` (default 24):

- **temporaries** (``attachments/.tmp/*.part``): if their row committed (the process died
  between the commit and the rename) they are moved into place; otherwise they are deleted;
- **orphans**: files under ``attachments/`` that no ``Attachment`` row names — deleted;
- **upload temporaries**: Django's ``*.upload*`` files in ``FILE_UPLOAD_TEMP_DIR`` (the private
  folder of ``config/settings.py``) left by a worker killed during an upload — deleted.

A dry run by default: it lists what it would do. ``--delete`` does it. Run it before the
workers start and once a day (docs/security.md). Only random file names are printed, never
anything about the client.
"""

from __future__ import annotations

import time
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_scopes import scopes_disabled

from tupa.episodes.journal import attachments
from tupa.episodes.models import Attachment


def _older_than(path: Path, cutoff: float) -> bool:
    try:
        return path.stat().st_mtime < cutoff
    except FileNotFoundError:
        return False


class Command(BaseCommand):
    help = (
        "Find attachment files without a row and temporaries left by killed processes "
        "(dry run; --delete to act)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--delete",
            action="store_true",
            help="Delete what is found (and move committed temporaries into place).",
        )
        parser.add_argument(
            "--hours",
            type=float,
            default=24.0,
            help="Only files older than this many hours (default 24): younger ones may be in use.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        hours: float = options["hours"]
        if hours < 0:
            raise CommandError("--hours must not be negative")
        act: bool = options["delete"]
        cutoff = time.time() - hours * 3600
        root = attachments.attachment_root()
        temp_folder = attachments.temp_folder()
        # List the files first and read the rows after: a file reaches its final name only
        # after its row has committed, so every file listed here has its row visible below.
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []
        with scopes_disabled():
            names = set(Attachment.objects.values_list("file", flat=True))
        by_basename = {PurePosixPath(name).name: name for name in names}
        media = Path(settings.MEDIA_ROOT)

        orphans = moved = discarded = uploads = 0
        for path in files:
            if not _older_than(path, cutoff):
                continue
            relative = path.relative_to(media).as_posix()
            if path.parent == temp_folder:
                committed = by_basename.get(path.name.removesuffix(attachments.TEMP_SUFFIX))
                if committed is not None and path.name.endswith(attachments.TEMP_SUFFIX):
                    self.stdout.write(f"committed temporary, move into place: {relative}")
                    if act:
                        attachments.move_into_place(path, media / committed)
                    moved += 1
                else:
                    self.stdout.write(f"temporary without a row: {relative}")
                    if act:
                        path.unlink(missing_ok=True)
                    discarded += 1
            elif relative not in names:
                self.stdout.write(f"file without a row: {relative}")
                if act:
                    path.unlink(missing_ok=True)
                orphans += 1

        upload_dir = getattr(settings, "FILE_UPLOAD_TEMP_DIR", None)
        if upload_dir and Path(upload_dir).is_dir():
            for path in sorted(Path(upload_dir).iterdir()):
                if path.is_file() and ".upload" in path.name and _older_than(path, cutoff):
                    self.stdout.write(f"upload temporary: {path.name}")
                    if act:
                        path.unlink(missing_ok=True)
                    uploads += 1

        summary = (
            f"{orphans} file(s) without a row, {discarded} temporary file(s) without a row, "
            f"{moved} committed temporary file(s), {uploads} upload temporary file(s)"
        )
        if act:
            self.stdout.write(f"Done: {summary}.")
        else:
            self.stdout.write(f"Dry run, nothing changed: {summary}. Run with --delete to act.")
