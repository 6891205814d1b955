"""The decision letter with the extract as released: preview, PDF and the attachments' ZIP.

Once decided, the letter is the frozen one (:mod:`.frozen`): its content, hash and attachments as
they were decided, never drawn again from the current data.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django_scopes import scopes_disabled

from tupa.access.marks import object_scoped
from tupa.audit.models import AccessRequest
from tupa.audit.services import record_access
from tupa.core.downloads import download
from tupa.dataprotection import access_requests as ar_services
from tupa.dataprotection.pages import dpo_document, wants_pdf
from tupa.episodes.models import Attachment

from .frozen import frozen_letter, letter_context, released_attachment_ids
from .views import dpo_request


@object_scoped
@require_GET
def request_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision with the extract as released (preview, or PDF with ``?muoto=pdf``)."""
    ar, decision = dpo_request(request, pk)
    if ar.status not in {ar.Status.DECIDED, ar.Status.DELIVERED}:
        raise Http404
    letter = frozen_letter(ar)
    if letter is not None:  # as decided and sent: never drawn again from the current data
        context: dict[str, Any] = {"letter": letter}
        attachment_ids = list(letter.attachment_ids)
    else:  # decided before letters were frozen: drawn from the current data, and says so
        draft = ar_services.build_draft(ar.person, ar)
        context = letter_context(ar, draft)
        attachment_ids = released_attachment_ids(ar, draft)
    context["attachment_count"] = len(attachment_ids)
    if request.GET.get("muoto") == "zip":
        return _attachments_zip(request, ar, attachment_ids, decision.basis)
    pdf = wants_pdf(request)
    record_access(
        request=request,
        subjects=[ar.person],
        action="print" if pdf else "view",
        basis=decision.basis,
    )
    return dpo_document(
        request,
        "people/rights/access_request_letter.html",
        context,
        pdf=pdf,
        filename=f"tietopyynto-paatos-{timezone.localdate():%Y-%m-%d}.pdf",
    )


def _attachments_zip(
    request: HttpRequest, ar: AccessRequest, attachment_ids: list[int], basis: str
) -> HttpResponse:
    """The released attachment files of the extract in one ZIP (logged like the PDF)."""
    if not attachment_ids:
        raise Http404
    with scopes_disabled():
        attachments = list(Attachment.objects.filter(pk__in=attachment_ids).order_by("pk"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, attachment in enumerate(attachments, start=1):
            try:
                with attachment.file.open("rb") as handle:
                    data = handle.read()
            except (FileNotFoundError, ValueError) as exc:
                raise Http404 from exc
            archive.writestr(f"{number:02d}-{attachment.original_name}", data)
    record_access(request=request, subjects=[ar.person], action="export", basis=basis)
    return download(
        buffer.getvalue(),
        "application/zip",
        f"tietopyynto-liitteet-{timezone.localdate():%Y-%m-%d}.zip",
    )
