"""Exports prepared in the background: the job, its progress, who sees it, expiry, the real queue."""

from __future__ import annotations

import datetime as dt
import io
import logging
import signal
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Membership, Role
from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import (
    ServiceFormFactory,
    client_in,
    org_role_user,
    worker_in,
)
from tupa.core.tests.helpers import login_verified, pdf_structure
from tupa.core.wallclock import HELSINKI
from tupa.finance.tests.factories import stea_grant
from tupa.organisations.models import ServiceForm
from tupa.statistics import exports, jobs
from tupa.statistics.annual import SECTIONS
from tupa.statistics.models import ExportJob
from tupa.statistics.returns import registry as returns

pytestmark = pytest.mark.django_db

YEAR = 2025
NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=HELSINKI)
TEMPLATE = "stea.outpatient"
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world() -> dict[str, Any]:
    form = ServiceFormFactory.create(
        kind=ServiceForm.Kind.OUTPATIENT, name="Avokriisityö", slug="avokriisityo"
    )
    org = form.organisation
    stea_grant(form, year_from=YEAR)  # STEA funds the form (its report exists only for that)
    for month in (1, 2, 3, 5, 8, 11, 12):
        _person, episode = client_in(form)
        with scopes_disabled():
            episode.start_date = dt.date(YEAR, month, 3)
            episode.save(update_fields=["start_date"])
    other_form = ServiceFormFactory.create(kind=ServiceForm.Kind.OUTPATIENT)
    return {
        "org": org,
        "form": form,
        "worker": worker_in(form),
        "colleague": worker_in(form),
        "director": org_role_user(org, Role.EXECUTIVE_DIRECTOR),
        "stranger": worker_in(other_form),  # another organisation
    }


def _lines(template_id: str = TEMPLATE) -> int:
    return sum(1 for _line in returns.get(template_id).lines())


def _prepare(client: Client, fmt: str, slug: str = "avokriisityo") -> ExportJob:
    url = reverse("statistics:prepare", args=[TEMPLATE, YEAR, slug, fmt])
    response = client.post(url)
    assert response.status_code == 302, response.status_code
    with scopes_disabled():
        job = ExportJob.objects.get(pk=response.url.rstrip("/").rsplit("/", 1)[1])
    assert response.url == reverse("statistics:job", args=[job.pk])
    return job


def _sheets(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    """Every progress write of a job, in order."""
    seen: list[dict[str, object]] = []
    original = jobs.JobProgress._write

    def spy(self: jobs.JobProgress, **fields: object) -> None:
        seen.append(fields)
        original(self, **fields)

    monkeypatch.setattr(jobs.JobProgress, "_write", spy)
    return seen


def test_a_return_job_counts_each_line_and_each_rendering_step(
    client: Client, world: dict[str, Any], writes: list[dict[str, object]]
) -> None:
    login_verified(client, world["worker"])
    n = _lines()
    assert n > 3
    job = _prepare(client, "xlsx")  # the immediate backend runs it within the request
    with scopes_disabled():
        job.refresh_from_db()
    # N lines, then one rendering step (the workbook): N + 1.
    assert (job.status, job.progress_total, job.progress_done) == ("done", n + 1, n + 1)
    assert writes[0] == {"progress_total": n + 1}
    done = [w["progress_done"] for w in writes if "progress_done" in w]
    assert done == [*range(1, n + 1), n, n + 1]
    steps = [w["step"] for w in writes if "step" in w]
    assert steps[0] == f"Lasketaan lukuja: 1/{n}"
    assert steps[n] == "Kootaan Excel-tiedostoa"
    assert job.step == "Valmis" and job.filename == f"{TEMPLATE}-avokriisityo-{YEAR}.xlsx"
    assert job.expires_at == NOW + dt.timedelta(hours=24)

    writes.clear()
    pdf = _prepare(client, "pdf")
    with scopes_disabled():
        pdf.refresh_from_db()
    # N lines, then the pages and the PDF: N + 2.
    assert (pdf.status, pdf.progress_total, pdf.progress_done) == ("done", n + 2, n + 2)
    done = [w["progress_done"] for w in writes if "progress_done" in w]
    assert done == [*range(1, n + 1), n, n + 1, n + 1, n + 2]
    page = client.get(reverse("statistics:job", args=[pdf.pk])).content.decode()
    assert reverse("statistics:job_download", args=[pdf.pk]) in page
    assert "hx-trigger" not in page  # done: the polling stops
    download = client.get(reverse("statistics:job_download", args=[pdf.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF")


def test_the_download_is_the_direct_export_and_neither_writes_the_access_log(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["worker"])
    with scopes_disabled():
        before = AccessEvent.objects.count()
    direct = client.get(reverse("statistics:export", args=[TEMPLATE, YEAR, "avokriisityo", "xlsx"]))
    job = _prepare(client, "xlsx")
    download = client.get(reverse("statistics:job_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == direct["Content-Type"]
    assert download["Content-Disposition"] == direct["Content-Disposition"]
    assert _sheets(download.content) == _sheets(direct.content)
    assert {"Luvut", "Määritelmät", "Tiedot"} <= set(_sheets(download.content))
    with scopes_disabled():
        assert AccessEvent.objects.count() == before


def test_the_annual_pack_counts_its_indicators_and_makes_a_pdf(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["director"])
    indicators = sum(len(ids) for _title, ids in SECTIONS)
    assert indicators == 24  # 16, and the volunteer work's 8
    response = client.post(reverse("statistics:prepare_annual", args=[YEAR, "pdf"]))
    with scopes_disabled():
        job = ExportJob.objects.get()
    assert response.url == reverse("statistics:job", args=[job.pk])
    # 24 indicators, then the charts, the pages and the PDF: 27.
    assert (job.status, job.progress_total, job.progress_done) == ("done", 27, 27)
    download = client.get(reverse("statistics:job_download", args=[job.pk]))
    assert download.content.startswith(b"%PDF")
    assert download["Content-Disposition"] == f'attachment; filename="toimintakertomus-{YEAR}.pdf"'
    # The charts it drew are in the file: figures of a tagged PDF/UA, each with its title.
    structure = pdf_structure(download.content)
    assert structure.tagged and structure.figures and all(structure.figures)
    # A worker may not ask for it.
    login_verified(client, world["worker"])
    assert client.post(reverse("statistics:prepare_annual", args=[YEAR, "pdf"])).status_code == 404


def test_a_job_is_only_its_requesters(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["worker"])
    job = _prepare(client, "xlsx")
    urls = [
        reverse("statistics:job", args=[job.pk]),
        reverse("statistics:job_download", args=[job.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 200
    # The same form's colleague, the director (who sees the same return) and another
    # organisation's worker: the job does not exist for them.
    for who in ("colleague", "director", "stranger"):
        login_verified(client, world[who])
        for url in urls:
            assert client.get(url).status_code == 404, (who, url)
        assert client.get(urls[0], **HX).status_code == 404
    client.logout()
    assert client.get(urls[1]).status_code == 302


def test_a_user_who_lost_access_cannot_download(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["worker"])
    job = _prepare(client, "xlsx")
    with scopes_disabled():
        Membership.objects.filter(user=world["worker"]).delete()
    assert client.get(reverse("statistics:job_download", args=[job.pk])).status_code == 404


def test_only_pdf_and_xlsx_are_jobs_and_preparing_is_a_post(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["worker"])
    url = reverse("statistics:prepare", args=[TEMPLATE, YEAR, "avokriisityo", "csv"])
    assert client.post(url).status_code == 404
    assert client.get(url.replace("csv", "pdf")).status_code == 405
    other = reverse("statistics:prepare", args=[TEMPLATE, YEAR, "nonexistent", "pdf"])
    assert client.post(other).status_code == 404
    page = client.get(reverse("statistics:return", args=[TEMPLATE, YEAR, "avokriisityo"]))
    body = page.content.decode()
    assert "Valmistele PDF" in body and "Valmistele Excel (XLSX)" in body
    assert reverse("statistics:export", args=[TEMPLATE, YEAR, "avokriisityo", "csv"]) in body
    with scopes_disabled():
        assert not ExportJob.objects.exists()


def test_jobs_expire_after_a_day_and_are_purged(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["worker"])
    job = _prepare(client, "xlsx")
    url = reverse("statistics:job_download", args=[job.pk])
    with time_machine.travel(NOW + dt.timedelta(hours=23, minutes=59), tick=False):
        login_verified(client, world["worker"])  # a new session (the old one timed out)
        assert client.get(url).status_code == 200
    with time_machine.travel(NOW + dt.timedelta(hours=24), tick=False):
        login_verified(client, world["worker"])
        assert client.get(url).status_code == 404  # expired, even before the purge ran
        assert client.get(reverse("statistics:job", args=[job.pk])).status_code == 404
        out = io.StringIO()
        call_command("purge_export_jobs", stdout=out)
        assert out.getvalue().startswith("1 ")
        with scopes_disabled():
            assert not ExportJob.objects.filter(pk=job.pk).exists()
    # Creating a job purges the expired ones on the way.
    login_verified(client, world["worker"])
    old = _prepare(client, "xlsx")
    with time_machine.travel(NOW + dt.timedelta(hours=25), tick=False):
        login_verified(client, world["worker"])
        new = _prepare(client, "xlsx")
        with scopes_disabled():
            assert list(ExportJob.objects.values_list("pk", flat=True)) == [new.pk]
    assert old.pk != new.pk


def test_a_failing_job_shows_a_calm_message(
    client: Client,
    world: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("sisäinen-yksityiskohta-42")

    monkeypatch.setattr(exports, "xlsx", broken)
    login_verified(client, world["worker"])
    with caplog.at_level(logging.ERROR, logger="tupa.statistics.jobs"):
        job = _prepare(client, "xlsx")
    with scopes_disabled():
        job.refresh_from_db()
    assert job.status == "failed" and job.result is None
    assert any("failed" in r.getMessage() for r in caplog.records)
    page = client.get(reverse("statistics:job", args=[job.pk])).content.decode()
    assert "Tiedoston valmistelu ei onnistunut" in page
    assert "sisäinen-yksityiskohta-42" not in page and "Traceback" not in page
    assert "hx-trigger" not in page
    assert client.get(reverse("statistics:job_download", args=[job.pk])).status_code == 404


def test_polling_the_status_takes_a_few_queries_whatever_the_export(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["worker"])
    small = _prepare(client, "xlsx")
    login_verified(client, world["director"])
    client.post(reverse("statistics:prepare_annual", args=[YEAR, "xlsx"]))
    with scopes_disabled():
        large = ExportJob.objects.get(kind=ExportJob.Kind.ANNUAL)
    counts = []
    for who, job in (("worker", small), ("director", large)):
        login_verified(client, world[who])
        client.get(reverse("statistics:job", args=[job.pk]), **HX)  # the session's first request
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("statistics:job", args=[job.pk]), **HX)
        assert response.status_code == 200
        assert b"<html" not in response.content  # the partial only
        assert not any('"result"' in q["sql"] for q in queries.captured_queries)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 8, counts


def test_the_database_backend_queues_and_the_worker_runs_it(
    client: Client, world: dict[str, Any], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    login_verified(client, world["worker"])
    job = _prepare(client, "pdf")
    with scopes_disabled():
        job.refresh_from_db()
    assert (job.status, job.progress_done) == ("queued", 0)
    assert DBTaskResult.objects.filter(id=job.task_id, status="READY").exists()
    page = client.get(reverse("statistics:job", args=[job.pk])).content.decode()
    assert "Odottaa vuoroaan" in page and "Päivitä" in page
    assert 'hx-trigger="every 1s"' in page and "<progress" in page
    assert client.get(reverse("statistics:job_download", args=[job.pk])).status_code == 404
    # A second click while it waits makes no second job.
    assert _prepare(client, "pdf").pk == job.pk

    # The worker runs here, in the test's transaction: it must not close the shared connection
    # (a real worker does, between tasks), and its signal handlers are the test process's.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command("db_worker", "--batch", "--no-reload", "--interval", "0", "--no-startup-delay")
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)

    n = _lines()
    with scopes_disabled():
        job.refresh_from_db()
    assert (job.status, job.progress_total, job.progress_done) == ("done", n + 2, n + 2)
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"
    partial = client.get(reverse("statistics:job", args=[job.pk]), **HX).content.decode()
    assert "hx-trigger" not in partial and "Lataa" in partial
    download = client.get(reverse("statistics:job_download", args=[job.pk]))
    assert download.content.startswith(b"%PDF")


def _queue_only(settings: Any) -> None:
    """The database backend with no worker running: a job stays queued."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


def test_a_job_no_worker_takes_is_called_stalled_and_starts_again(
    client: Client, world: dict[str, Any], settings: Any
) -> None:
    _queue_only(settings)
    login_verified(client, world["worker"])
    job = _prepare(client, "pdf")
    page = client.get(reverse("statistics:job", args=[job.pk])).content.decode()
    assert "näyttää pysähtyneen" not in page and 'hx-trigger="every 1s"' in page
    restart = reverse("statistics:job_restart", args=[job.pk])
    # Not stalled yet (4 min 59 s): "start again" leaves the waiting job alone.
    with time_machine.travel(NOW + dt.timedelta(minutes=4, seconds=59), tick=False):
        assert client.post(restart).url == reverse("statistics:job", args=[job.pk])
    with time_machine.travel(NOW + dt.timedelta(minutes=5, seconds=1), tick=False):
        page = client.get(reverse("statistics:job", args=[job.pk]), **HX).content.decode()
        assert "näyttää pysähtyneen" in page and "Aloita uudelleen" in page
        assert "hx-trigger" not in page  # no polling under the button
        # Another user cannot start it (the job does not exist for them).
        login_verified(client, world["colleague"])
        assert client.post(restart).status_code == 404
        login_verified(client, world["worker"])
        response = client.post(restart)
    with scopes_disabled():
        old = ExportJob.objects.get(pk=job.pk)
        new = ExportJob.objects.exclude(pk=job.pk).get()
    assert response.url == reverse("statistics:job", args=[new.pk])
    assert old.status == "failed" and "aloitettiin uudelleen" in old.error
    assert (new.status, new.kind, new.fmt, new.year, new.key) == (
        "queued",
        old.kind,
        old.fmt,
        old.year,
        old.key,
    )
    # The old task, if a worker comes back, does nothing.
    assert jobs.run_job(str(old.pk)) == "gone"


def test_preparing_again_replaces_a_stalled_job_and_a_long_run_is_stalled(
    client: Client, world: dict[str, Any], settings: Any
) -> None:
    _queue_only(settings)
    login_verified(client, world["worker"])
    job = _prepare(client, "xlsx")
    with scopes_disabled():
        ExportJob.objects.filter(pk=job.pk).update(status="running", started_at=NOW)
        job.refresh_from_db()
    with time_machine.travel(NOW + dt.timedelta(minutes=14), tick=False):
        assert not job.stalled
        assert _prepare(client, "xlsx").pk == job.pk  # still running: the same job
    with time_machine.travel(NOW + dt.timedelta(minutes=16), tick=False):
        assert job.stalled
        again = _prepare(client, "xlsx")
    assert again.pk != job.pk
    with scopes_disabled():
        assert ExportJob.objects.get(pk=job.pk).status == "failed"


def test_a_failed_job_can_be_started_again(
    client: Client, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    original = exports.xlsx
    monkeypatch.setattr(exports, "xlsx", lambda *a, **k: (_ for _ in ()).throw(RuntimeError()))
    login_verified(client, world["worker"])
    job = _prepare(client, "xlsx")
    page = client.get(reverse("statistics:job", args=[job.pk])).content.decode()
    assert "Aloita uudelleen" in page
    monkeypatch.setattr(exports, "xlsx", original)  # the fault is gone
    response = client.post(reverse("statistics:job_restart", args=[job.pk]))
    with scopes_disabled():
        new = ExportJob.objects.exclude(pk=job.pk).get()
    assert response.url == reverse("statistics:job", args=[new.pk])
    assert new.status == "done" and new.result is not None
