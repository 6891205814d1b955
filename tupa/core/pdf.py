"""The one PDF writer of Tupa (WeasyPrint), and the download response for a PDF.

Every PDF Tupa writes — a return, the annual report pack, the board's plan against actual, an
invoice, a data-protection extract or register description, a survey invitation letter — is
made here by :func:`html_to_pdf`, and is always a tagged, accessible **PDF/UA-1**: a structure
tree of the HTML (headings, paragraphs, lists, tables with their header cells, figures), the
document language and the document title. So a screen reader reads it as the page is read.

What the HTML (rendered by the caller from a template) must hold for that:

* ``<html lang="…">``: the document language (a template rendered without a request takes it
  with ``{% get_current_language %}``: the context processors do not run then);
* ``<title>``: the title a PDF reader shows;
* a text alternative for each picture: an ``<img>`` has ``alt``, an inline ``<svg>`` a
  ``<title>`` of its own (:func:`tupa.core.svg.chart` draws one); WeasyPrint takes the
  figure's alternative text from those, not from ``aria-label``.

The download (:func:`pdf_response`) is :func:`tupa.core.downloads.download`'s, as every
export's.
"""

from __future__ import annotations

from django.http import HttpResponse

from tupa.core.downloads import download

PDF_CONTENT_TYPE = "application/pdf"

#: The PDF variant of every PDF Tupa writes: tagged, with its language and title (ISO 14289-1).
PDF_VARIANT = "pdf/ua-1"


def html_to_pdf(html: str) -> bytes:
    """``html`` as the bytes of a tagged PDF/UA-1 document (no base URL: the HTML refers to no
    file or address; pictures are inline SVG or ``data:`` URIs)."""
    import weasyprint  # lazily: a heavy import, needed only for downloads

    document = weasyprint.HTML(string=html, base_url=None)
    return bytes(document.write_pdf(pdf_variant=PDF_VARIANT))


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    """``content`` (:func:`html_to_pdf`) as the download ``filename``
    (:func:`tupa.core.downloads.download`)."""
    return download(content, PDF_CONTENT_TYPE, filename)
