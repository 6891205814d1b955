"""Whether a request came from htmx: one test for every view and middleware that answers a
fragment (a status partial, the dashboard's overview panel, a tally tap, a search, an
autosave) or sends the browser elsewhere as a whole page (``HX-Redirect``).

django-htmx's middleware (``HtmxMiddleware``, early in ``MIDDLEWARE`` so that the accounts
middleware after it can ask too) puts ``request.htmx`` on every request; this reads it, typed.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


def is_htmx(request: HttpRequest) -> bool:
    """True when htmx sent the request (its ``HX-Request: true`` header)."""
    details: HtmxDetails = request.htmx  # type: ignore[attr-defined]
    return bool(details)
