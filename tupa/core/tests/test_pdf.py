"""The one PDF writer (``tupa/core/pdf.py``): every PDF is tagged PDF/UA-1 — marked, with a
structure tree, the document's language and title, and a figure's text alternative — and its
text reads as the HTML does.

No database: a function of an HTML string.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from pypdf import PdfReader

from tupa.core.pdf import PDF_CONTENT_TYPE, html_to_pdf, pdf_response
from tupa.core.tests.helpers import pdf_structure, pdf_text

pytestmark = pytest.mark.db_neutral

CHART = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 20" width="120" height="20" '
    'role="img"><title>Asiakkaat: 2025 / 2024</title>'
    '<rect x="0" y="0" width="80" height="10" fill="#0050b3"/></svg>'
)

HTML = (
    '<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Årsberättelse</title>'
    "</head><body><h1>Årsberättelse 2025</h1>"
    f"<figure>{CHART}"
    '<table><tr><th scope="col">Form</th><th scope="col">2025</th></tr>'
    '<tr><th scope="row">Krisarbete</th><td>8</td></tr></table></figure></body></html>'
)


def test_the_pdf_is_tagged_pdf_ua_with_its_language_and_title() -> None:
    data = html_to_pdf(HTML)
    structure = pdf_structure(data)
    assert structure.tagged  # /MarkInfo /Marked true, and a /StructTreeRoot
    assert structure.lang == "sv"  # from <html lang>, not a default
    assert structure.tags[:2] == ["Document", "H1"]
    assert {"Table", "TH", "TD"} <= set(structure.tags)
    reader = PdfReader(BytesIO(data))
    assert reader.metadata is not None and reader.metadata.title == "Årsberättelse"
    catalog: Any = reader.trailer["/Root"]  # pypdf types a dictionary's items as PdfObject
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    assert 'pdfuaid:part="1"' in xmp  # the claim of PDF/UA-1


def test_an_svg_is_a_figure_with_its_title_as_the_text_alternative() -> None:
    assert pdf_structure(html_to_pdf(HTML)).figures == ["Asiakkaat: 2025 / 2024"]


def test_the_text_reads_as_the_html() -> None:
    assert pdf_text(html_to_pdf(HTML)) == "Årsberättelse 2025 Form 2025 Krisarbete 8"


def test_the_download_is_an_attachment_that_is_not_stored() -> None:
    response = pdf_response(b"%PDF-1.7", "vuosi-2025.pdf")
    assert response["Content-Type"] == PDF_CONTENT_TYPE == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="vuosi-2025.pdf"'
    assert response["Cache-Control"] == "no-store"
    assert response.content == b"%PDF-1.7"


def test_the_helper_sees_an_untagged_pdf() -> None:
    """The check above is no tautology: WeasyPrint's default PDF has no tags."""
    import weasyprint

    untagged = pdf_structure(bytes(weasyprint.HTML(string=HTML).write_pdf()))
    assert (untagged.tagged, untagged.tags, untagged.figures) == (False, [], [])
