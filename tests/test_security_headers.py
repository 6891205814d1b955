"""Web-layer security (ARCHITECTURE.md §6 "Web"): CSP with nonces, no inline styles or scripts,
clickjacking protection, no caching of logged-in pages, generic error pages in three languages.
"""

from __future__ import annotations

import re
import types
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import include, path, reverse
from django.utils import translation

from tupa.access.marks import public
from tupa.accounts.models import User
from tupa.core.tests.factories import ServiceFormFactory, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import ServiceForm

NONCE_IN_HEADER = re.compile(r"'nonce-([^']+)'")
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)


@pytest.fixture
def service_form(db: None) -> ServiceForm:
    return ServiceFormFactory.create(name="Avoin ensikoti", slug="avoin-ensikoti")


@pytest.fixture
def worker(service_form: ServiceForm) -> User:
    return worker_in(service_form)


@pytest.fixture
def logged_in(client: Client, worker: User) -> Client:
    login_verified(client, worker)
    return client


def logged_in_pages(service_form: ServiceForm) -> list[str]:
    return [
        reverse("core:dashboard"),
        reverse("organisations:structure"),
        reverse("organisations:service_form", args=[service_form.slug]),
        reverse("accounts:account"),
    ]


def csp_of(response: Any) -> str:
    header = response.headers.get("Content-Security-Policy", "")
    assert header, "no Content-Security-Policy header"
    return header


def directive(csp: str, name: str) -> list[str]:
    for part in csp.split(";"):
        words = part.split()
        if words and words[0] == name:
            return words[1:]
    return []


def assert_no_inline_code_or_style(html: str, where: str) -> None:
    assert " style=" not in html, f"inline style attribute on {where}"
    assert "<style" not in html.lower(), f"<style> block on {where}"
    assert not EVENT_HANDLER.search(html), f"inline event handler on {where}"
    for attributes, body in SCRIPT_TAG.findall(html):
        assert "src=" in attributes and not body.strip(), f"inline script on {where}"


# --- Content Security Policy ------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_has_a_strict_csp_with_a_nonce(client: Client) -> None:
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    csp = csp_of(response)
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp
    assert directive(csp, "default-src") == ["'none'"]
    assert directive(csp, "frame-ancestors") == ["'none'"]
    assert directive(csp, "object-src") == ["'none'"]
    assert directive(csp, "style-src") == ["'self'"]
    script_src = directive(csp, "script-src")
    assert "'self'" in script_src
    assert any(s.startswith("'nonce-") for s in script_src)
    assert not any(s in {"*", "https:", "http:", "data:"} for s in script_src)


@pytest.mark.django_db
def test_script_nonce_matches_the_header(client: Client) -> None:
    response = client.get(reverse("accounts:login"))
    nonces = NONCE_IN_HEADER.findall(csp_of(response))
    assert len(nonces) == 1
    html = response.content.decode()
    page_nonces = re.findall(r'<script\b[^>]*\snonce="([^"]+)"', html)
    assert page_nonces, "the login page has no <script nonce=…>"
    assert set(page_nonces) == {nonces[0]}
    assert len(nonces[0]) >= 16


@pytest.mark.django_db
def test_nonce_is_fresh_for_every_response(client: Client) -> None:
    first = NONCE_IN_HEADER.findall(csp_of(client.get(reverse("accounts:login"))))
    second = NONCE_IN_HEADER.findall(csp_of(client.get(reverse("accounts:login"))))
    assert first and second and first != second


@pytest.mark.django_db
def test_login_page_has_no_inline_styles_or_scripts(client: Client) -> None:
    html = client.get(reverse("accounts:login")).content.decode()
    assert_no_inline_code_or_style(html, "the login page")


@pytest.mark.django_db
def test_logged_in_pages_have_no_inline_styles_or_scripts(
    logged_in: Client, service_form: ServiceForm
) -> None:
    for url in logged_in_pages(service_form):
        response = logged_in.get(url)
        assert response.status_code == 200, url
        assert_no_inline_code_or_style(response.content.decode(), url)
        assert "'unsafe-inline'" not in csp_of(response)


@pytest.mark.django_db
def test_two_factor_setup_page_has_no_inline_styles_or_scripts(
    client: Client, worker: User
) -> None:
    # The QR code is an inline SVG generated on the server: it must not carry style attributes.
    client.force_login(worker)
    response = client.get(reverse("accounts:setup"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html
    assert_no_inline_code_or_style(html, "the two-factor set-up page")


def test_inline_style_detector_catches_violations() -> None:
    for bad in (
        '<p style="color:red">x</p>',
        "<style>p{}</style>",
        "<script>alert(1)</script>",
        '<button onclick="x()">x</button>',
    ):
        with pytest.raises(AssertionError):
            assert_no_inline_code_or_style(bad, "sample")
    assert_no_inline_code_or_style('<script src="/static/a.js" nonce="abc"></script>', "sample")


# --- framing and caching ----------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_refuse_framing(client: Client) -> None:
    response = client.get(reverse("accounts:login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_logged_in_pages_are_not_stored(logged_in: Client, service_form: ServiceForm) -> None:
    for url in logged_in_pages(service_form):
        response = logged_in.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert response["X-Frame-Options"] == "DENY", url


# --- error pages ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_404_page_is_generic_and_finnish(client: Client) -> None:
    response = client.get("/ei-tallaista-sivua/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="fi">' in html
    assert "Sivua ei löytynyt" in html
    assert "Traceback" not in html and "Page not found at" not in html  # not Django's debug page
    assert_no_inline_code_or_style(html, "the 404 page")


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sv", "en"])
def test_404_page_follows_the_language_cookie(client: Client, language: str) -> None:
    with translation.override(language):
        heading = translation.gettext("Sivua ei löytynyt")
    assert heading != "Sivua ei löytynyt", f"no {language} translation of the 404 heading"
    client.cookies["tupa_language"] = language
    response = client.get("/ei-tallaista-sivua/")
    assert response.status_code == 404
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert heading in html
    assert "Sivua ei löytynyt" not in html


SECRET_DETAIL = "SISAINEN-VIRHE-7f3a"


@public
def _explode(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(SECRET_DETAIL)


exploding_urls = types.ModuleType("exploding_urls")
exploding_urls.urlpatterns = [  # type: ignore[attr-defined]
    path("rajahda/", _explode),
    path("", include("config.urls")),
]
exploding_urls.handler500 = "tupa.core.views.server_error"  # type: ignore[attr-defined]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=exploding_urls)
def test_500_page_is_generic_in_three_languages(client: Client) -> None:
    client.raise_request_exception = False
    response = client.get("/rajahda/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Palvelussa tapahtui virhe" in html
    assert 'lang="sv"' in html and "Ett fel inträffade" in html
    assert 'lang="en"' in html and "Something went wrong" in html
    for leak in (SECRET_DETAIL, "Traceback", "RuntimeError", "_explode", 'File "'):
        assert leak not in html, f"the 500 page reveals {leak!r}"
    assert_no_inline_code_or_style(html, "the 500 page")
    assert "Content-Security-Policy" in response.headers
