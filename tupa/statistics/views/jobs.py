"""Exports prepared in the background: ask for one, watch its progress, download the file.

The return page, a sent return and the annual pack offer "Valmistele PDF/Excel" as small POST
forms; each makes an :class:`~tupa.statistics.models.ExportJob` (:mod:`tupa.statistics.jobs`)
and redirects to ``/tilastot/viennit/<uuid>/``. That page polls its status partial with htmx
every second until the file is ready (without JavaScript, "Päivitä" reloads it) and then offers
"Lataa". A job that failed, or stalled (no worker took it, or its worker died: see
``ExportJob.stalled``), offers "Aloita uudelleen". A job is the requester's alone: anyone else gets 404. The download decides access to
the subject again, exactly as its page does, and answers 404 when it is gone. Like the direct
exports (aggregates), neither writes the access log.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlencode
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from tupa.access import statistics as access
from tupa.access.marks import login_only, object_scoped, user_of
from tupa.core.htmx import is_htmx

from .. import jobs
from ..jobs import Output, Progress
from ..models import ExportJob
from .annual import annual_output, annual_title
from .common import subject_or_404, year_or_404
from .returns import attachment, export_output
from .submissions import _submission_or_404, submission_output

if TYPE_CHECKING:
    from tupa.accounts.models import User

Builder = Callable[[Progress], Output]


def _format_or_404(fmt: str) -> str:
    if fmt not in jobs.JOB_FORMATS:
        raise Http404
    return fmt


def subject_request(user: User, query: str) -> HttpRequest:
    """A request as ``user`` with the job's period query, for the pages' own access decisions."""
    request = HttpRequest()
    request.method = "GET"
    request.user = user
    request.GET = QueryDict(query)
    return request


def builder(user: User, job: ExportJob) -> Builder:
    """Decide again whether ``user`` may see the job's subject — the decision of its page, or
    :class:`~django.http.Http404` — and return what makes the file."""
    request = subject_request(user, job.query)
    fmt = job.fmt
    if job.kind == ExportJob.Kind.RETURN:
        assert job.year is not None
        subject = subject_or_404(request, job.template_id, job.year, job.key)
        return lambda progress: export_output(subject, fmt, progress)
    if job.kind == ExportJob.Kind.SUBMISSION:
        assert job.submission_id is not None
        submission = _submission_or_404(request, job.submission_id)
        return lambda progress: submission_output(submission, fmt, progress)
    if not access.may_see_annual_report(user) or user.organisation is None or job.year is None:
        raise Http404
    year = year_or_404(job.year)
    organisation = user.organisation
    return lambda progress: annual_output(organisation, year, fmt, progress)


def build(user: User, job: ExportJob, progress: Progress) -> Output:
    """The job's file, made as ``user`` (the task calls this; Http404 when access is gone)."""
    return builder(user, job)(progress)


def _to_job(job: ExportJob) -> HttpResponse:
    return redirect("statistics:job", pk=job.pk)


@object_scoped
@require_POST
def prepare_return(
    request: HttpRequest, template_id: str, year: int, key: str, fmt: str
) -> HttpResponse:
    """ "Valmistele PDF/Excel" on a return page (the period comes in the query string)."""
    fmt = _format_or_404(fmt)
    subject = subject_or_404(request, template_id, year, key)
    job = jobs.job_create(
        actor=user_of(request),
        kind=ExportJob.Kind.RETURN,
        fmt=fmt,
        title=subject.title,
        template_id=subject.template.id,
        year=subject.year,
        key=subject.key,
        query=urlencode(subject.query_params),
    )
    return _to_job(job)


@object_scoped
@require_POST
def prepare_submission(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    fmt = _format_or_404(fmt)
    submission = _submission_or_404(request, pk)
    job = jobs.job_create(
        actor=user_of(request),
        kind=ExportJob.Kind.SUBMISSION,
        fmt=fmt,
        title=submission.title,
        submission=submission,
    )
    return _to_job(job)


@login_only
@require_POST
def prepare_annual(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    fmt = _format_or_404(fmt)
    user = user_of(request)
    if not access.may_see_annual_report(user) or user.organisation is None:
        raise Http404
    year = year_or_404(year)
    job = jobs.job_create(
        actor=user,
        kind=ExportJob.Kind.ANNUAL,
        fmt=fmt,
        title=annual_title(user.organisation, year),
        year=year,
    )
    return _to_job(job)


def _job_or_404(request: HttpRequest, pk: UUID, *, with_result: bool = False) -> ExportJob:
    """The user's own unexpired job, or 404 (another user's job does not exist for them)."""
    user = user_of(request)
    if user.organisation_id is None:
        raise Http404
    jobs_of_user = ExportJob.objects.filter(
        pk=pk,
        requested_by=user,
        organisation_id=user.organisation_id,
        expires_at__gt=timezone.now(),
    )
    job = (jobs_of_user if with_result else jobs_of_user.defer("result")).first()
    if job is None:
        raise Http404
    return job


def _back_url(job: ExportJob) -> str:
    if job.kind == ExportJob.Kind.RETURN:
        url = reverse("statistics:return", args=[job.template_id, job.year, job.key])
        return f"{url}?{job.query}" if job.query else url
    if job.kind == ExportJob.Kind.SUBMISSION:
        return reverse("statistics:submission", args=[job.submission_id])
    return reverse("statistics:annual_report", args=[job.year])


@object_scoped
@require_GET
def job_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    """The job's step and progress; htmx polls the status partial at the same address."""
    job = _job_or_404(request, pk)
    context = {"job": job, "back_url": _back_url(job)}
    if is_htmx(request):
        return render(request, "statistics/job_status.html", context)
    return render(request, "statistics/job.html", context)


@object_scoped
@require_POST
def job_restart(request: HttpRequest, pk: UUID) -> HttpResponse:
    """ "Aloita uudelleen" on a stalled or failed job: the same export as a new job, while the
    user may still see its subject (404 otherwise)."""
    job = _job_or_404(request, pk)
    user = user_of(request)
    builder(user, job)  # the page's access decision, again
    return _to_job(jobs.job_restart(actor=user, job=job))


@object_scoped
@require_GET
def job_download(request: HttpRequest, pk: UUID) -> HttpResponse:
    """The prepared file, while the user may still see its subject."""
    job = _job_or_404(request, pk, with_result=True)
    if job.status != ExportJob.Status.DONE or job.result is None:
        raise Http404
    builder(user_of(request), job)  # the page's access decision, again (404 when gone)
    return attachment(Output(bytes(job.result), job.filename, job.content_type))
