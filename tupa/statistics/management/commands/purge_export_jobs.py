"""Delete expired background exports and their files (``ExportJob``, kept 24 hours).

Run it daily (the purge also runs whenever someone prepares an export). Prints only a count.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tupa.statistics.jobs import purge_expired


class Command(BaseCommand):
    help = "Poistaa vanhentuneet taustaviennit ja niiden tiedostot (säilytys 24 tuntia)."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = purge_expired()
        self.stdout.write(f"{deleted} vanhentunutta vientiä poistettu.")
