"""Two night workers admit two families to the same family place at the same moment."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_scopes import scopes_disabled

from tupa.core.tests.factories import worker_in
from tupa.residential.models import PayerCategory, Stay
from tupa.residential.stays import services

from .support import family, place, residential_form, t


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_admissions_cannot_take_the_same_place() -> None:
    # No access events are written here (the services log no reads), so the flush at teardown
    # does not meet the append-only access log.
    form = residential_form(places=1, room_capacity=None)
    target = place(form, "p1")
    jobs = [(worker_in(form), *family(form)) for _ in range(2)]
    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(worker, episode, members) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait(timeout=10)
            services.stay_admit(
                actor=worker,
                episode=episode,
                place=target,
                arrived_at=t(2026, 3, 1, 2, 30),
                members=members,
                payer_category=PayerCategory.STATE,
            )
            result = "ok"
        except ValidationError as exc:
            result = "refused: " + "; ".join(exc.message_dict.get("place", []))
        except Exception as exc:
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == [
        "ok",
        "refused: Paikka Perhepaikka 1 on jo varattu valittuna aikana. Valitse toinen paikka.",
    ]
    with scopes_disabled():
        assert Stay.objects.filter(place=target).count() == 1
