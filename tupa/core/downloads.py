"""A file the user downloads: the one way every export is answered.

A spreadsheet, a CSV, a PDF, an invoice's Finvoice XML, a zip of letters or attachments: each is
an attachment (``Content-Disposition``; a name outside ASCII the RFC 6266 way, as
``filename*=utf-8''…``, because a raw "ä" in a header is read differently by each browser),
never kept by a cache (``Cache-Control: no-store``: exports hold client data or figures not yet
sent), and never sniffed into another type (``nosniff``). The format modules name their
responses (:func:`tupa.core.spreadsheets.csv_response`, :func:`tupa.core.pdf.pdf_response`);
everything else calls :func:`download`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

R = TypeVar("R", HttpResponse, StreamingHttpResponse)


def as_download(response: R, filename: str) -> R:
    """``response`` made the download ``filename`` (see the module)."""
    disposition = content_disposition_header(True, filename)
    assert disposition is not None  # always, for an attachment
    response["Content-Disposition"] = disposition
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """``content`` of ``content_type`` as the download ``filename``."""
    return as_download(HttpResponse(content, content_type=content_type), filename)


def streamed_download(
    chunks: Iterable[bytes | str], content_type: str, filename: str
) -> StreamingHttpResponse:
    """``chunks`` streamed as the download ``filename`` (a long file written while it is read)."""
    return as_download(StreamingHttpResponse(chunks, content_type=content_type), filename)
