"""Validation of a THL summary document: PDF, XLSX or DOCX, recognised by content, size-limited.

The type is decided by the bytes, never by the name or the browser's ``Content-Type``: a PDF
starts with ``%PDF-`` and ends with ``%%EOF``; an XLSX or DOCX is a ZIP archive holding
``[Content_Types].xml`` and the workbook (``xl/workbook.xml``) or the document
(``word/document.xml``). Macro-enabled Office files (``vbaProject.bin``) are refused. The size
limit is ``settings.TUPA_ATTACHMENT_MAX_BYTES`` (the same as journal attachments).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from tupa.episodes.journal.attachments import max_bytes, read_limited

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {PDF: ".pdf", XLSX: ".xlsx", DOCX: ".docx"}

#: More members than this in an Office archive is not a THL summary (zip bombs, odd files).
MAX_MEMBERS = 2000
#: Uncompressed size limit of an Office archive's contents.
MAX_UNCOMPRESSED = 200 * 1024 * 1024


@dataclass(frozen=True)
class Document:
    data: bytes
    content_type: str

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


def _office_type(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_MEMBERS or sum(i.file_size for i in infos) > MAX_UNCOMPRESSED:
                return None
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names or any(n.endswith("vbaProject.bin") for n in names):
        return None
    if "xl/workbook.xml" in names:
        return XLSX
    if "word/document.xml" in names:
        return DOCX
    return None


def validate_document(uploaded: UploadedFile) -> Document:
    """The upload's bytes and type, or a ``ValidationError`` in Finnish."""
    data = read_limited(uploaded, max_bytes())
    if not data:
        raise ValidationError(_("Tiedosto on tyhjä."), code="empty")
    content_type: str | None = None
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise ValidationError(
                _("PDF-tiedosto on keskeneräinen tai vioittunut. Tallenna se uudelleen."),
                code="broken_pdf",
            )
        content_type = PDF
    elif data.startswith(b"PK\x03\x04"):
        content_type = _office_type(data)
    if content_type is None:
        raise ValidationError(
            _(
                "Tiedostotyyppiä ei hyväksytä. Yhteenvedon on oltava PDF-, XLSX- tai "
                "DOCX-tiedosto (ei makroja); tiedoston nimi ei ratkaise tyyppiä vaan sen sisältö."
            ),
            code="type",
        )
    return Document(data=data, content_type=content_type)
