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
- **A file exists only with its row** (issue 10). The bytes are first written to
  ``attachments/.tmp/<random>.part``, created with mode 0600 (never readable by others, not even
  half-written), and moved to their final name by ``transaction.on_commit`` — a rename within
  one folder tree, atomic on one file system. A rollback leaves no file: the temporary is deleted
  when the service fails, and at the end of a request whose transaction did not commit
  (:func:`discard_rolled_back`). What a killed process leaves behind is found by
  ``manage.py sweep_orphan_attachments``: temporaries older than a day are deleted, or moved into
  place when their row did commit (a crash between the commit and the rename), and files without
  a row are reported and deleted.
- **Serving.** Only through the permission-checked, logged view ``episodes:journal_attachment``
  (``tupa/episodes/journal/views.py``). ``MEDIA_URL`` is deliberately not routed.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import re
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from asgiref.local import Local
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from ..models import Attachment, Entry

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


def read_limited(uploaded: UploadedFile, limit: int) -> bytes:
    """The upload's bytes, or the "too large" error — without reading more than ``limit`` + 1."""
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
    data = read_limited(uploaded, max_bytes())
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


# --------------------------------------------------------------------------- files follow rows

logger = logging.getLogger(__name__)

#: Folder (under ``MEDIA_ROOT/attachments/``) of the files whose row has not committed yet.
TEMP_FOLDER = ".tmp"
TEMP_SUFFIX = ".part"
ROOT_FOLDER = "attachments"

#: The temporaries of this thread whose transaction has not committed yet.
_pending = Local()


def attachment_root() -> Path:
    return Path(settings.MEDIA_ROOT) / ROOT_FOLDER


def temp_folder() -> Path:
    return attachment_root() / TEMP_FOLDER


def _directory_mode() -> int:
    return getattr(settings, "FILE_UPLOAD_DIRECTORY_PERMISSIONS", None) or 0o700


def _pending_set() -> set[Path]:
    paths: set[Path] | None = getattr(_pending, "paths", None)
    if paths is None:
        paths = set()
        _pending.paths = paths
    return paths


def _write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file that is mode 0600 from its first byte, and flush it to disk."""
    path.parent.mkdir(mode=_directory_mode(), parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(path, flags, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise


def _discard(temp: Path) -> None:
    _pending_set().discard(temp)
    with contextlib.suppress(FileNotFoundError):
        temp.unlink()


def move_into_place(temp: Path, final: Path) -> None:
    """Rename a committed attachment's temporary to its final name (same file system)."""
    final.parent.mkdir(mode=_directory_mode(), parents=True, exist_ok=True)
    os.replace(temp, final)


def _committed(temp: Path, final: Path) -> None:
    # The row is committed: from here on the temporary must never be deleted as rolled back.
    _pending_set().discard(temp)
    try:
        move_into_place(temp, final)
    except OSError:
        # The sweep finds the temporary next to its committed row and moves it into place.
        logger.exception("attachment file could not be moved into place")


def _after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` when the current transaction commits (robust: a failure is logged)."""
    transaction.on_commit(callback, robust=True)


def discard_rolled_back(**_kwargs: object) -> None:
    """At the end of a request: delete the temporaries whose transaction ended without commit.

    Connected to ``request_finished`` (``EpisodesConfig.ready``). While a transaction is still
    open (a test runs inside one) nothing is decided.
    """
    paths = getattr(_pending, "paths", None)
    if not paths or connection.in_atomic_block:
        return
    for temp in list(paths):
        _discard(temp)


@transaction.atomic
def attachment_add(*, actor: User, entry: Entry, uploaded: UploadedFile, kind: str) -> Attachment:
    """Validate ``uploaded`` and attach it to the newest version of ``entry``.

    The actor needs write access to the entry's episode (see :mod:`tupa.episodes.journal.services`).
    """
    from .services import ensure_can_write

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
    """Record the Attachment row; its file reaches its final name only when the row commits.

    Call inside the service's transaction. The bytes go to a private temporary now and are
    renamed into place by ``on_commit``; if the row cannot be saved the temporary is deleted.
    """
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
    field = attachment.file.field
    attachment.file.name = field.generate_filename(attachment, random_name)
    final = Path(field.storage.path(attachment.file.name))
    temp = temp_folder() / (random_name + TEMP_SUFFIX)
    _write_private(temp, clean.data)
    _pending_set().add(temp)
    try:
        attachment.save()
    except BaseException:
        _discard(temp)
        raise
    _after_commit(partial(_committed, temp, final))
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
