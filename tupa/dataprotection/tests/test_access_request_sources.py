"""The feature apps' rows of an access request's draft (``tupa.core.registry.
access_request_sources``) and the data-protection app's independence of the apps' models.

Each feature app registers, from its ``registrations.py`` (the rows made in its
``access_request.py``), what it keeps of a person for her
access request (shelter data, meeting orders and meetings, groups) and the free texts it keeps
on an episode (``episode_texts``); the data-protection app reads the registry. Pinned here: an
app that silently drops its registration fails (its data would be missing from the draft), and
the erasure and access-request modules import no feature app.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tupa.core import registry

pytestmark = pytest.mark.db_neutral

DATAPROTECTION = Path(__file__).resolve().parents[1]

#: The apps whose models the data-protection app reads only through the registry.
FEATURE_APPS = (
    "tupa.dropin",
    "tupa.programmes",
    "tupa.residential",
    "tupa.scheduling",
    "tupa.visitation",
    "tupa.volunteers",
)


def test_the_access_request_sources_are_the_feature_apps_rows_in_order() -> None:
    assert [(s.key, s.collect.__module__) for s in registry.access_request_sources] == [
        ("shelter_data", "tupa.residential.access_request"),
        ("meeting_orders", "tupa.visitation.access_request"),
        ("groups", "tupa.programmes.access_request"),
    ]


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


# access_requests/draft.py still reads the stays (residential) and appointments (scheduling)
# it lists as plain facts; they are not registered yet.
@pytest.mark.parametrize("module", ["erasure/texts.py", "access_requests/collectors.py"])
def test_the_catalogues_import_no_feature_app(module: str) -> None:
    imported = _imports(DATAPROTECTION / module)
    assert not {m for m in imported if m.startswith(FEATURE_APPS)}, imported
