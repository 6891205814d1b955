"""Python's cyclic garbage collector, frozen once a process has warmed up.

A worker process's long-lived objects — modules, URL patterns, compiled templates, translation
catalogues, the registries — sit in the collector's oldest generation, and every full
collection scans them all again. At federation scale a full collection came every 75–300
return-page requests and took 128–152 ms (docs/performance.md, thirteenth stop), so the unlucky
request took ~200 ms. ``gc.freeze()`` moves every object tracked at that moment into a
permanent generation no collection scans; frozen after warm-up, the worst THL return pages fell
from 168–194 to 63–81 ms (p99), and p50 and p95 did not move.

It must come *after* warm-up: frozen at start-up, before the first request, the objects loaded
by the first requests are what full collections scan, more often (measured worse). So the
process freezes itself after its first ``TUPA_GC_FREEZE_AFTER`` requests, when a request has
finished (``request_finished``: the response has gone out), once, after one full collection so
that no garbage is frozen. Objects freed later are still freed by reference counting; only
reference cycles frozen then are kept (they were live then). ``0`` switches it off (the tests
do, and a server that freezes in its own way, e.g. gunicorn's ``--preload`` master).
"""

from __future__ import annotations

import gc
import threading
from typing import Any

from django.conf import settings
from django.core.signals import request_finished

_lock = threading.Lock()
_finished = 0


def _after_request(sender: Any, **kwargs: Any) -> None:
    global _finished
    after = settings.TUPA_GC_FREEZE_AFTER
    if after <= 0 or _finished >= after:
        return
    with _lock:
        if _finished >= after:
            return
        _finished += 1
        if _finished == after:
            gc.collect()
            gc.freeze()


def install() -> None:
    """Count the process's requests and freeze at the set one (see the module)."""
    request_finished.connect(_after_request, dispatch_uid="tupa.core.collector")
