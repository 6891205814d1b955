"""The demo (``make demo``: ``TUPA_DEMO=true`` under ``runserver``) shows the product's own pages.

Runs in a subprocess because the profile is chosen when the settings are imported. The demo
must not run with ``DEBUG``: Django's technical 404 page is English and lists the URL
configuration, and its 500 page would show a traceback with whatever data the failing view held.
Static files must still be served (WhiteNoise, also under ``runserver``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.template import loader
from django.test import RequestFactory

from tupa.core.views import server_error

ROOT = Path(__file__).resolve().parent.parent

# Requests made inside the demo profile with Django's test client (no database needed: an
# anonymous request to a URL that does not exist, a static file, a foreign Host header).
PROBE = r"""
import json
import django
django.setup()
from django.conf import settings
from django.test import Client

result = {"debug": settings.DEBUG, "hosts": settings.ALLOWED_HOSTS}
for host in ("127.0.0.1", "localhost"):
    response = Client(HTTP_HOST=host).get("/ei-tallaista-sivua/")
    result[f"404@{host}"] = [response.status_code, response.content.decode()]
static = Client(HTTP_HOST="127.0.0.1").get("/static/tupa/site.css")
result["static"] = static.status_code
foreign = Client(HTTP_HOST="tupa.example.org").get("/")
result["foreign"] = [foreign.status_code, foreign.content.decode()]
print(json.dumps(result))
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "TUPA_", "DATABASE_"))
    }
    # What `make demo` sets; TUPA_ENV is left to its default like in the Makefile.
    database = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        TUPA_DEMO="true",
        TUPA_REQUIRE_2FA="false",
        DATABASE_URL=f"sqlite:///{database}",
    )
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_demo_runs_without_debug(demo: dict[str, Any]) -> None:
    assert demo["debug"] is False


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_404_in_the_demo_is_the_products_page(demo: dict[str, Any], host: str) -> None:
    status, html = demo[f"404@{host}"]
    assert status == 404
    assert '<html lang="fi">' in html
    assert "Sivua ei löytynyt" in html
    # Not Django's technical page (English, with the URL configuration).
    for technical in ("Page not found", "Using the URLconf", "DEBUG = True", "Traceback"):
        assert technical not in html


def test_the_demo_still_serves_static_files(demo: dict[str, Any]) -> None:
    assert demo["static"] == 200


def test_a_foreign_host_gets_the_products_400_page(demo: dict[str, Any]) -> None:
    status, html = demo["foreign"]
    assert status == 400
    assert "Virheellinen pyyntö" in html
    assert "DisallowedHost" not in html and "ALLOWED_HOSTS" not in html


# --- the 500 page -----------------------------------------------------------------------------


def test_the_500_page_renders_without_a_database_or_request_context() -> None:
    # No django_db mark: pytest-django makes any database access here fail the test. The page
    # is rendered without context processors, so a failure in one of them (or in the database)
    # cannot turn the error page itself into an error.
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Palvelussa tapahtui virhe" in html
    assert 'lang="sv"' in html and 'lang="en"' in html
    # A static page: it extends nothing that needs the request (base.html reads the user).
    source = loader.get_template("errors/500.html").template.source  # type: ignore[attr-defined]
    assert "{% extends" not in source and "{% url" not in source
