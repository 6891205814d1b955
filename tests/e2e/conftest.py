"""End-to-end journeys with Playwright and Debian's Chromium (ARCHITECTURE.md §9).

Browser downloads are impossible here, so pytest-playwright launches ``/usr/bin/chromium``
(override with ``TUPA_CHROMIUM``). Without it the tests are skipped; ``scripts/test_all.py``
reports the stage as skipped (a failure with ``CI=true``).

Every page a journey visits is checked with axe — every WCAG 2.0/2.1 level A and AA rule, and a
violation of any impact fails (issue 10; the standard is WCAG 2.1 AA, not "no serious ones") —
and for Content-Security-Policy violations reported by the browser.

The journeys' shared steps (logging in, the menu, staff with an authenticator app) are in
``journey.py``; this module holds the fixtures.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

CHROMIUM = os.environ.get("TUPA_CHROMIUM", "/usr/bin/chromium")
HERE = Path(__file__).resolve().parent
#: The axe rules run: WCAG 2.0 and 2.1, levels A and AA (axe's tags).
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


class _OneRequestAtATime(ThreadedWSGIServer):
    """The live server answers one request at a time.

    The tests' SQLite database lives in memory, and the live server's threads share its one
    connection. Two requests at once — a page and the htmx panel its predecessor asked for on
    load, or a job page's poll — then interleave their transactions on that connection ("no
    such savepoint"), and a journey fails at random. Each request runs whole, its body included,
    under one lock; the threads stay (keep-alive connections do not block each other).
    """

    def set_app(self, application: WSGIApplication | None) -> None:
        assert application is not None
        lock = threading.Lock()

        def one_at_a_time(
            environ: dict[str, Any], start_response: Callable[..., Any]
        ) -> list[bytes]:
            with lock:
                result = application(environ, start_response)
                try:
                    return [b"".join(result)]
                finally:
                    close = getattr(result, "close", None)
                    if close is not None:
                        close()

        super().set_app(one_at_a_time)


LiveServerThread.server_class = _OneRequestAtATime  # type: ignore[misc]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not found (apt-get install chromium)")
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_calls_beside_playwright() -> Iterator[None]:
    """Playwright's sync API runs an event loop in the test thread, and Django refuses ORM calls
    from a thread with a running loop; the tests make such calls to set up data and read TOTP
    keys. Only for the browser tests: elsewhere the safety check stays on."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # Finnish first: the browser asks for Finnish like a Finnish worker's browser would.
    return {**browser_context_args, "locale": "fi-FI", "timezone_id": "Europe/Helsinki"}


def format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"axe found {len(violations)} WCAG 2.1 A/AA violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']}")
        lines.append(f"  {violation.get('helpUrl', '')}")
        for node in violation.get("nodes", [])[:5]:
            target = " ".join(str(t) for t in node.get("target", []))
            lines.append(f"    at {target}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n      ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


@pytest.fixture
def page(page: Any) -> Any:
    """The test's browser page, waiting at most 15 s for an action (Playwright's default is 30 s)."""
    page.set_default_timeout(15_000)
    return page


@pytest.fixture(autouse=True)
def _two_factor_required(settings: Any) -> None:
    """Every journey runs with two-factor authentication required, as in production, whatever
    the environment says; a journey of the switched-off demo switches it off itself."""
    settings.TUPA_REQUIRE_2FA = True


@pytest.fixture
def csp_violations(page: Any) -> Iterator[list[str]]:
    """Console messages about Content-Security-Policy violations, collected for the whole test."""
    found: list[str] = []

    def listen(message: Any) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            found.append(f"{page.url}: {message.text}")

    page.on("console", listen)
    yield found
    assert not found, "the browser reported CSP violations:\n" + "\n".join(found)


#: The visible buttons narrower than they are tall: on a phone a button squeezed into a table
#: column breaks its label a letter a line (the design system's buttons wrap anywhere).
CRUSHED_BUTTONS = """() => [...document.querySelectorAll('button, a.hds-button')]
    .filter(b => b.offsetParent !== null)
    .map(b => [b.innerText.replace(/\\s+/g, ' ').trim(), b.getBoundingClientRect()])
    .filter(([_text, r]) => r.width < r.height)
    .map(([text, r]) => `${text} (${Math.round(r.width)} x ${Math.round(r.height)} px)`)"""


@pytest.fixture
def check_page(page: Any, csp_violations: list[str]) -> Callable[..., None]:
    """Call after every page a journey visits: axe, CSP and (optionally) phone width: nothing
    scrolls sideways and no button is squeezed narrower than tall."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(*, max_width: int | None = None) -> None:
        page.wait_for_load_state("load")
        results = axe.run(page, options=AXE_OPTIONS)
        blocking = list(results.response.get("violations", []))
        assert not blocking, format_violations(page.url, blocking)
        if max_width is not None:
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= max_width, (
                f"{page.url} scrolls sideways at {max_width} px ({width} px wide)"
            )
            crushed = page.evaluate(CRUSHED_BUTTONS)
            assert not crushed, f"{page.url}: buttons squeezed narrower than tall: {crushed}"
        assert not csp_violations, "CSP violations:\n" + "\n".join(csp_violations)

    return check
