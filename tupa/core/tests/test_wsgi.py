"""The WSGI entry point leaves what loading the application made out of the collector's way."""

from __future__ import annotations

import os
import subprocess
import sys

PROBE = "import gc; import config.wsgi; print(gc.get_freeze_count())"


def test_loading_the_wsgi_application_freezes_what_it_made() -> None:
    """In a process of its own: freezing the test session's objects would change its own GC."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        timeout=120,
    )
    # Django, the project's apps and their registries: tens of thousands of objects.
    assert int(done.stdout.strip().splitlines()[-1]) > 10_000
