"""Root pytest configuration: the test profile is selected before Django loads its settings."""

import os

os.environ.setdefault("TUPA_ENV", "test")
