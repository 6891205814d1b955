"""Entry point for pytest: selects the ``test`` profile of the one settings file.

pytest-django loads settings before any conftest.py runs, so the profile cannot be chosen there.
"""

import os

os.environ.setdefault("TUPA_ENV", "test")

from config.settings import *  # noqa: F403
