"""tupa.core.downloads: every export answers as the same kind of download."""

from __future__ import annotations

import pytest

from tupa.core.downloads import download, streamed_download
from tupa.core.pdf import pdf_response
from tupa.core.spreadsheets import csv_response, csv_streaming_response, xlsx_response

pytestmark = pytest.mark.db_neutral


def test_an_ascii_name_is_a_plain_attachment_never_cached_or_sniffed() -> None:
    response = download(b"PK..", "application/zip", "liitteet-2026-12-07.zip")
    assert response["Content-Disposition"] == 'attachment; filename="liitteet-2026-12-07.zip"'
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/zip" and response.content == b"PK.."


def test_a_finnish_name_is_written_the_rfc_6266_way() -> None:
    response = download(b"%PDF", "application/pdf", "vuosikertomus-äiti.pdf")
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''vuosikertomus-%C3%A4iti.pdf"
    )


def test_every_format_answers_through_it() -> None:
    for response in (
        csv_response(b"a;b", "t.csv"),
        xlsx_response(b"PK", "t.xlsx"),
        pdf_response(b"%PDF", "t.pdf"),
        csv_streaming_response(iter(["a;b\r\n"]), "t.csv"),
        streamed_download(iter([b"x"]), "text/plain", "t.txt"),
    ):
        assert response["Content-Disposition"].startswith('attachment; filename="t.')
        assert response["Cache-Control"] == "no-store"
        assert response["X-Content-Type-Options"] == "nosniff"
