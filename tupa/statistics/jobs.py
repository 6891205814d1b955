"""Exports prepared in the background, with their progress on the page (issue 11 item 6).

A PDF (WeasyPrint, with charts) or the annual pack (every service form, this year and last)
takes longer than a page should. Such an export is an :class:`~.models.ExportJob`: the view
creates it (:func:`job_create`) and enqueues :func:`make_export` (django-tasks; the database
backend and ``manage.py db_worker`` in development and production, the immediate backend in
tests). The task decides access again, computes the figures and renders the file, writing its
progress — one step per return line (or annual-pack indicator) and per rendering step — to the
job, which the job page polls. The file is kept for :data:`LIFETIME`, only for the requester.

What the file holds is made by the export views' own builders (``export_output``,
``submission_output``, ``annual_output``): a job's file and the direct download are the same.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import F
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled
from django_tasks import task

from .models import ExportJob, Submission

if TYPE_CHECKING:
    from tupa.accounts.models import User

logger = logging.getLogger(__name__)

#: How long a prepared file is kept (then ``purge_export_jobs`` deletes the job and the file).
LIFETIME = dt.timedelta(hours=24)

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
}
#: The formats prepared as jobs (CSV is fast and stays a direct download).
JOB_FORMATS = (ExportJob.Format.XLSX.value, ExportJob.Format.PDF.value)


@dataclass(frozen=True)
class Output:
    """A made export: the bytes, the file name (with its extension) and the content type."""

    body: bytes
    filename: str
    content_type: str


class Progress:
    """Where an export tells how far it is. This one tells no one (a direct download)."""

    def __init__(self) -> None:
        self.done = 0

    def plan(self, total: int) -> None:
        """The export has ``total`` steps."""

    def at(self, done: int, step: str) -> None:
        """``done`` steps are done; ``step`` is what happens now."""
        self.done = done

    def begin(self, step: str) -> None:
        """A rendering step starts (counted by :meth:`advance` when it ends)."""
        self.at(self.done, step)

    def advance(self) -> None:
        self.at(self.done + 1, "")

    def lines(self, done: int, total: int) -> None:
        """The engine's callback: ``done`` of ``total`` lines (or indicators) computed."""
        self.at(done, _("Lasketaan lukuja: %(done)s/%(total)s") % {"done": done, "total": total})


class JobProgress(Progress):
    """Progress written to the job as it goes (committed at once: the worker has no
    surrounding transaction), for the job page to show."""

    def __init__(self, job_id: uuid.UUID) -> None:
        super().__init__()
        self.job_id = job_id
        self.step = ""

    def _write(self, **fields: object) -> None:
        with scopes_disabled():
            ExportJob.objects.filter(pk=self.job_id).update(**fields)

    def plan(self, total: int) -> None:
        self._write(progress_total=total)

    def at(self, done: int, step: str) -> None:
        self.done = done
        self.step = step or self.step
        self._write(progress_done=done, step=self.step[:200])


# Services -----------------------------------------------------------------------------------


def purge_expired(*, now: dt.datetime | None = None) -> int:
    """Delete every expired job with its file (all organisations); return how many."""
    now = now or timezone.now()
    with scopes_disabled():
        deleted, _by_model = ExportJob.objects.filter(expires_at__lte=now).delete()
    return deleted


def job_create(
    *,
    actor: User,
    kind: str,
    fmt: str,
    title: str,
    template_id: str = "",
    year: int | None = None,
    key: str = "",
    query: str = "",
    submission: Submission | None = None,
) -> ExportJob:
    """Queue an export of a subject the caller has checked ``actor`` may see.

    The same export already queued or running for ``actor`` is reused (a double click makes
    one file). Expired jobs are purged on the way. The task row is written in the caller's
    transaction (database backend), so the job and its task exist together or not at all.
    """
    if fmt not in JOB_FORMATS or kind not in ExportJob.Kind.values:
        raise ValueError(f"unknown export {kind}/{fmt}")
    assert actor.organisation_id is not None
    purge_expired()
    now = timezone.now()
    subject = {
        "organisation_id": actor.organisation_id,
        "requested_by": actor,
        "kind": kind,
        "fmt": fmt,
        "template_id": template_id,
        "year": year,
        "key": key,
        "query": query,
        "submission": submission,
        "language": translation.get_language() or settings.LANGUAGE_CODE,
    }
    with scopes_disabled():
        pending = (
            ExportJob.objects.defer("result")
            .filter(
                **subject,
                status__in=(ExportJob.Status.QUEUED, ExportJob.Status.RUNNING),
                expires_at__gt=now,
            )
            .first()
        )
        if pending is not None:
            return pending
        job = ExportJob.objects.create(
            **subject, title=title[:300], step=_("Odottaa vuoroaan"), expires_at=now + LIFETIME
        )
    result = make_export.enqueue(str(job.pk))  # the immediate backend runs it here and now
    with scopes_disabled():
        ExportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.task_id = str(result.id)
    return job


def _finish(job_id: uuid.UUID, **fields: object) -> None:
    with scopes_disabled():
        ExportJob.objects.filter(pk=job_id).update(finished_at=timezone.now(), **fields)


def run_job(job_id: str) -> str:
    """Make the job's file (the body of :func:`make_export`); return the job's final status."""
    with scopes_disabled():
        job = (
            ExportJob.objects.defer("result")
            .select_related("requested_by")
            .filter(pk=job_id, status=ExportJob.Status.QUEUED)
            .first()
        )
    if job is None:  # purged, or already run
        return "gone"
    with translation.override(job.language), scope(organisation=job.organisation_id):
        if job.expires_at <= timezone.now():
            _finish(job.pk, status=ExportJob.Status.FAILED, error=_("Vienti vanheni jonossa."))
            return ExportJob.Status.FAILED
        with scopes_disabled():
            ExportJob.objects.filter(pk=job.pk).update(
                status=ExportJob.Status.RUNNING, started_at=timezone.now(), step=_("Aloitetaan")
            )
        from .views.jobs import build  # the export views own what a file holds

        try:
            output = build(job.requested_by, job, JobProgress(job.pk))
        except Http404:
            _finish(
                job.pk,
                status=ExportJob.Status.FAILED,
                error=_("Tiedostoa ei valmisteltu: sinulla ei ole enää pääsyä näihin tietoihin."),
            )
            return ExportJob.Status.FAILED
        except Exception:
            logger.exception("export job %s (%s/%s) failed", job.pk, job.kind, job.fmt)
            _finish(
                job.pk,
                status=ExportJob.Status.FAILED,
                error=_(
                    "Tiedoston valmistelu ei onnistunut. Yritä hetken päästä uudelleen; jos "
                    "se ei vieläkään onnistu, kerro ylläpidolle."
                ),
            )
            return ExportJob.Status.FAILED
        _finish(
            job.pk,
            status=ExportJob.Status.DONE,
            result=output.body,
            filename=output.filename,
            content_type=output.content_type,
            progress_done=F("progress_total"),
            step=_("Valmis"),
        )
    return ExportJob.Status.DONE


@task()
def make_export(job_id: str) -> str:
    """Make an :class:`~.models.ExportJob`'s file (see :func:`run_job`)."""
    return run_job(job_id)
