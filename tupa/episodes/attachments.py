"""Attachments of journal entries: validation, content sniffing, metadata stripping, storage.

Issue 3 item 6, CLI-14 (children's drawings, scanned documents). The rules:

- **Type by content, never by name.** The first bytes decide (PNG, JPEG or PDF); the file name's
  extension and the browser's ``Content-Type`` are ignored. Anything else — an HTML page or a
  script renamed to ``piirustus.png`` — is refused with a Finnish message.
- **Size.** At most ``settings.TUPA_ATTACHMENT_MAX_BYTES`` (default 10 MiB), checked before the
  file is read into memory and again on the bytes actually read.
- **No metadata.** Images are decoded and re-encoded with Pillow: the orientation is applied
  (``ImageOps.exif_transpose``) and a fresh copy is written without EXIF (GPS position, camera,
  time), ICC profile, comments or text chunks. A file Pillow cannot decode is refused. PDFs are
  stored as received (there is no PDF rewriter in the stack); they are always served as a
  download, never inline.
- **Storage.** Under ``MEDIA_ROOT/attachments/<yyyy>/<mm>/`` with a random name; the original
  name is kept only as (sanitised) metadata. SHA-256 and size of the stored bytes are recorded.
- **Serving.** Only through the permission-checked, logged view ``episodes:journal_attachment``
  (``tupa/episodes/journal_views.py``). ``MEDIA_URL`` is deliberately not routed.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import unicodedata
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .models import Attachment, Entry

if TYPE_CHECKING:
    from tupa.accounts.models import User

DEFAULT_MAX_BYTES = 10_485_760
#: Larger images are refused before decoding (decompression bombs, absurd scans).
MAX_IMAGE_PIXELS = 40_000_000

PNG = "image/png"
JPEG = "image/jpeg"
PDF = "application/pdf"

#: (magic bytes at offset 0, content type). Nothing else is accepted.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"%PDF-", PDF),
)
EXTENSIONS = {PNG: ".png", JPEG: ".jpg", PDF: ".pdf"}
IMAGE_TYPES = frozenset({PNG, JPEG})
_PILLOW_FORMATS = {PNG: "PNG", JPEG: "JPEG"}


def max_bytes() -> int:
    return int(getattr(settings, "TUPA_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def size_label(size: int) -> str:
    megabytes = size / (1024 * 1024)
    return f"{megabytes:.0f} Mt" if megabytes >= 1 else f"{size // 1024} kt"


def sniff(head: bytes) -> str | None:
    """The content type recognised from the first bytes, or None if not an allowed type."""
    for magic, content_type in SIGNATURES:
        if head.startswith(magic):
            return content_type
    return None


_UNSAFE_NAME_CHARS = re.compile(r"[^\w .()\-]+", re.UNICODE)


def sanitise_name(name: str) -> str:
    """The original file name made harmless for metadata and ``Content-Disposition``.

    Keeps only the last path component, letters (ä, ö, å …), digits, space, ``. ( ) - _``;
    at most 200 characters with the extension kept; never empty, never a dot file.
    """
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = _UNSAFE_NAME_CHARS.sub("_", base).strip(" .")
    if not base:
        return "liite"
    if len(base) > 200:
        stem, dot, ext = base.rpartition(".")
        base = stem[: 200 - len(ext) - 1] + "." + ext if dot and 0 < len(ext) <= 10 else base[:200]
    return base


@dataclass(frozen=True)
class CleanFile:
    """Validated, metadata-free bytes ready to store."""

    data: bytes
    content_type: str
    original_name: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _read_limited(uploaded: UploadedFile, limit: int) -> bytes:
    too_big = ValidationError(
        _("Tiedosto on liian suuri. Suurin sallittu koko on %(size)s.")
        % {"size": size_label(limit)},
        code="too_large",
    )
    if uploaded.size is not None and uploaded.size > limit:
        raise too_big
    uploaded.seek(0)
    data = uploaded.read(limit + 1)
    if len(data) > limit:
        raise too_big
    return data


def _reencode_image(data: bytes, content_type: str) -> bytes:
    """Decode and write a fresh copy: orientation applied, every metadata block dropped."""
    broken = ValidationError(
        _("Kuvatiedostoa ei voitu lukea. Tiedosto voi olla vioittunut; tallenna se uudelleen."),
        code="broken_image",
    )
    fmt = _PILLOW_FORMATS[content_type]
    try:
        with Image.open(io.BytesIO(data), formats=[fmt]) as probe:
            width, height = probe.size
            if width * height > MAX_IMAGE_PIXELS:
                raise ValidationError(
                    _("Kuvan koko on liian suuri (%(width)s × %(height)s kuvapistettä).")
                    % {"width": width, "height": height},
                    code="too_many_pixels",
                )
            probe.verify()
        with Image.open(io.BytesIO(data), formats=[fmt]) as image:
            image.load()
            clean = ImageOps.exif_transpose(image)
            if "transparency" in clean.info:
                clean = clean.convert("RGBA")
            elif clean.mode not in {"1", "L", "RGB", "RGBA", "LA", "P", "CMYK", "I;16"}:
                clean = clean.convert("RGB")
            if fmt == "JPEG" and clean.mode not in {"L", "RGB", "CMYK"}:
                clean = clean.convert("RGB")
            # ``info`` carries EXIF, ICC profile, comments, PNG text chunks, DPI …: drop it all.
            clean.info = {}
            out = io.BytesIO()
            if fmt == "JPEG":
                clean.save(out, format="JPEG", quality=90)
            else:
                clean.save(out, format="PNG")
            return out.getvalue()
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise broken from None


def validate_upload(uploaded: UploadedFile) -> CleanFile:
    """Check size and content type of an upload; images come back without metadata."""
    data = _read_limited(uploaded, max_bytes())
    if not data:
        raise ValidationError(_("Tiedosto on tyhjä."), code="empty")
    content_type = sniff(data[:16])
    if content_type is None:
        raise ValidationError(
            _(
                "Tiedostotyyppiä ei hyväksytä. Liitteen on oltava PNG- tai JPEG-kuva tai "
                "PDF-asiakirja; tiedoston nimi ei ratkaise tyyppiä vaan sen sisältö."
            ),
            code="type",
        )
    if content_type in IMAGE_TYPES:
        data = _reencode_image(data, content_type)
    elif b"%%EOF" not in data[-2048:]:
        raise ValidationError(
            _("PDF-tiedosto on keskeneräinen tai vioittunut. Tallenna se uudelleen."),
            code="broken_pdf",
        )
    return CleanFile(
        data=data,
        content_type=content_type,
        original_name=sanitise_name(getattr(uploaded, "name", "") or ""),
    )


def _delete_quietly(name: str) -> None:
    from django.core.files.storage import default_storage

    with contextlib.suppress(OSError):  # best effort: the row was not written anyway
        default_storage.delete(name)


@transaction.atomic
def attachment_add(*, actor: User, entry: Entry, uploaded: UploadedFile, kind: str) -> Attachment:
    """Validate ``uploaded`` and attach it to the newest version of ``entry``.

    The actor needs write access to the entry's episode (see :mod:`tupa.episodes.journal`).
    """
    from .journal import ensure_can_write

    ensure_can_write(actor=actor, episode=entry.episode)
    if Entry.objects.filter(supersedes=entry).exists():
        raise ValidationError(
            _("Kirjauksesta on uudempi versio. Lisää liite uusimpaan versioon."),
            code="superseded",
        )
    if kind not in Attachment.Kind.values:
        raise ValidationError({"kind": _("Valitse liitteen laji.")}, code="kind")
    clean = validate_upload(uploaded)
    return store(actor=actor, entry=entry, clean=clean, kind=kind)


def store(*, actor: User, entry: Entry, clean: CleanFile, kind: str) -> Attachment:
    """Write validated bytes under a random name and record the Attachment row."""
    if actor.organisation_id != entry.episode.organisation_id:  # pragma: no cover - guarded above
        raise PermissionDenied
    attachment = Attachment(
        entry=entry,
        kind=kind,
        original_name=clean.original_name,
        content_type=clean.content_type,
        size=len(clean.data),
        sha256=clean.sha256,
        uploaded_by=actor,
    )
    random_name = uuid.uuid4().hex + EXTENSIONS[clean.content_type]
    attachment.file.save(random_name, ContentFile(clean.data), save=False)
    try:
        attachment.save()
    except Exception:
        _delete_quietly(attachment.file.name)
        raise
    return attachment


def copy_to(*, attachment: Attachment, entry: Entry) -> Attachment:
    """Carry an attachment over to a corrected version of its entry (same stored file).

    The stored file is shared, never rewritten: the earlier version keeps its own row.
    """
    return Attachment.objects.create(
        entry=entry,
        kind=attachment.kind,
        file=attachment.file.name,
        original_name=attachment.original_name,
        content_type=attachment.content_type,
        size=attachment.size,
        sha256=attachment.sha256,
        uploaded_by=attachment.uploaded_by,
    )
