"""The printed letter of an invitation: the link, its QR code and short instructions in Finnish
and Swedish, as a PDF (WeasyPrint). The letter prints no name or address: the worker hands it
over or puts it in an envelope (docs/surveys-answering.md)."""

from __future__ import annotations

import datetime as dt

import qrcode
import qrcode.image.svg
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from tupa.core.pdf import html_to_pdf


def qr_svg(url: str, *, label: str) -> SafeString:
    """``url`` as an inline SVG QR code (generated here from our own data; no user markup).
    ``label`` is its text alternative twice: ``aria-label`` for a page, and a ``<title>``, which
    the tagged PDF takes as the figure's alternative text (:mod:`tupa.core.pdf`)."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathFillImage, border=4)
    svg = image.to_string(encoding="unicode")
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    opening = svg.index(">", svg.index("<svg ")) + 1
    svg = f"{svg[:opening]}<title>{escape(label)}</title>{svg[opening:]}"
    return mark_safe(svg)  # noqa: S308 - qrcode's own markup around our URL


def letter_html(*, link: str, expires_on: dt.date, anonymous: bool) -> str:
    return render_to_string(
        "surveys/answering/letter.html",
        {
            "link": link,
            "qr": qr_svg(link, label="QR-koodi / QR-kod"),
            "expires_on": expires_on,
            "anonymous": anonymous,
        },
    )


def letter_pdf(*, link: str, expires_on: dt.date, anonymous: bool) -> bytes:
    """The letter as PDF bytes (tagged PDF/UA, :func:`tupa.core.pdf.html_to_pdf`)."""
    return html_to_pdf(letter_html(link=link, expires_on=expires_on, anonymous=anonymous))
