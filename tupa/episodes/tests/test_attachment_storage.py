"""An attachment's file exists only with its committed row (issue 10, found by killing the
server mid-save): written privately to a temporary, moved into place on commit, gone on
rollback; and the sweep for what a killed process leaves behind.

These tests need real commits and rollbacks (``transaction=True``); they write no access
events, so the flush between tests meets no append-only table.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from tupa.core.tests.helpers import login_verified
from tupa.episodes import journal
from tupa.episodes.journal import attachments
from tupa.episodes.models import Attachment, Entry
from tupa.episodes.tests.journal_support import Family, entry_kwargs, make_family, png_bytes, upload


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _entry(family: Family) -> Entry:
    with scope(organisation=family.episode.organisation_id):
        return journal.entry_create(
            actor=family.worker,
            episode=family.episode,
            participants=[family.mother_p],
            **entry_kwargs(),  # type: ignore[arg-type]
        )


def _add(family: Family, entry: Entry) -> Attachment:
    with scope(organisation=family.episode.organisation_id):
        return attachments.attachment_add(
            actor=family.worker,
            entry=entry,
            uploaded=upload("Piirros.png", png_bytes()),
            kind="child_drawing",
        )


@pytest.mark.django_db(transaction=True)
def test_the_file_is_private_from_the_first_byte_and_in_place_only_after_commit(
    media_root: Path,
) -> None:
    family = make_family()
    entry = _entry(family)
    with transaction.atomic():
        stored = _add(family, entry)
        final = Path(stored.file.path)
        # Before the commit: only a private temporary, nothing under the final name.
        assert not final.exists()
        (temp,) = _files(media_root)
        assert temp.parent == attachments.temp_folder()
        assert _mode(temp) == 0o600
    assert _files(media_root) == [final]
    assert _mode(final) == 0o600
    assert hashlib.sha256(final.read_bytes()).hexdigest() == stored.sha256
    assert _mode(final.parent) == 0o700


@pytest.mark.django_db(transaction=True)
def test_a_rollback_after_the_service_leaves_no_file(media_root: Path) -> None:
    family = make_family()
    entry = _entry(family)
    with pytest.raises(RuntimeError), transaction.atomic():
        _add(family, entry)
        raise RuntimeError("something later in the same transaction failed")
    # The request that held the transaction ends (request_finished): its temporaries go.
    attachments.discard_rolled_back()
    assert _files(media_root) == []
    with scopes_disabled():
        assert not Attachment.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_request_that_fails_after_the_save_leaves_no_file(
    client: Client, media_root: Path
) -> None:
    family = make_family()
    entry = _entry(family)
    login_verified(client, family.worker)
    client.raise_request_exception = False
    # The view saves the attachment, then fails (here: the success message); ATOMIC_REQUESTS
    # rolls the whole request back.
    with mock.patch("tupa.episodes.journal.views.messages.success", side_effect=RuntimeError):
        response = client.post(
            reverse("episodes:journal_attachment_add", args=[entry.pk]),
            {"file": upload("Piirros.png", png_bytes()), "kind": "child_drawing"},
        )
    assert response.status_code == 500
    with scopes_disabled():
        assert not Attachment.objects.exists()
    assert _files(media_root) == []


@pytest.mark.django_db
def test_a_row_that_cannot_be_saved_leaves_no_file(media_root: Path) -> None:
    family = make_family()
    entry = _entry(family)
    with (
        mock.patch.object(Attachment, "save", side_effect=IntegrityError("refused")),
        pytest.raises(IntegrityError),
    ):
        _add(family, entry)
    assert _files(media_root) == []


# --------------------------------------------------------------------------- the sweep


def _age(path: Path, hours: float) -> None:
    moment = time.time() - hours * 3600
    os.utime(path, (moment, moment))


def _sweep(*args: str) -> str:
    out = StringIO()
    call_command("sweep_orphan_attachments", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_sweep_finds_orphans_and_old_temporaries_and_keeps_referenced_files(
    media_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    family = make_family()
    entry = _entry(family)
    # The test transaction never commits: move the referenced file into place as a commit would.
    monkeypatch.setattr(attachments, "_after_commit", lambda callback: callback())
    stored = _add(family, entry)
    referenced = Path(stored.file.path)
    root = attachments.attachment_root()
    orphan = root / "2025" / "01" / "0123456789abcdef0123456789abcdef.png"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"left behind")
    old_temp = attachments.temp_folder() / ("f" * 32 + ".pdf.part")
    old_temp.write_bytes(b"rolled back")
    young_temp = attachments.temp_folder() / ("e" * 32 + ".png.part")
    young_temp.write_bytes(b"being saved right now")
    # A process killed between the commit and the rename: the row exists, the file is a temp.
    crashed = attachments.temp_folder() / (referenced.name + attachments.TEMP_SUFFIX)
    referenced.rename(crashed)
    for path in (orphan, old_temp, crashed):
        _age(path, 48)

    report = _sweep()
    assert f"file without a row: attachments/2025/01/{orphan.name}" in report
    assert f"temporary without a row: attachments/.tmp/{old_temp.name}" in report
    assert f"committed temporary, move into place: attachments/.tmp/{crashed.name}" in report
    assert young_temp.name not in report
    assert "Dry run, nothing changed" in report
    assert orphan.exists() and old_temp.exists() and crashed.exists()

    report = _sweep("--delete")
    assert "Done: 1 file(s) without a row, 1 temporary file(s) without a row, 1 committed" in (
        report
    )
    assert not orphan.exists() and not old_temp.exists()
    assert young_temp.exists()  # younger than --hours: may belong to a save in progress
    assert referenced.exists() and not crashed.exists()  # the committed file is in place
    assert _sweep("--delete", "--hours", "0").count("temporary without a row") == 1
    assert referenced.exists()


@pytest.mark.django_db
def test_the_sweep_clears_stale_upload_temporaries(
    settings,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(uploads)
    stale = uploads / "tmpabc123.upload.pdf"
    stale.write_bytes(b"%PDF- half an upload")
    _age(stale, 48)
    other = uploads / "not-ours.txt"
    other.write_bytes(b"x")
    _age(other, 48)
    assert "upload temporary: tmpabc123.upload.pdf" in _sweep()
    _sweep("--delete")
    assert not stale.exists() and other.exists()


# --------------------------------------------------------------------------- upload temp files


def _parse(data: dict[str, object]):  # type: ignore[no-untyped-def]
    from django.test import RequestFactory

    request = RequestFactory().post("/liite/", data)
    return request.FILES["file"]


def test_an_upload_at_the_attachment_limit_never_touches_a_temp_file(settings) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import InMemoryUploadedFile

    # The real settings: the largest acceptable attachment, sent with the rest of a form.
    limit = settings.TUPA_ATTACHMENT_MAX_BYTES
    uploaded = _parse(
        {
            "file": upload("iso.pdf", b"%PDF-" + b"x" * (limit - 5), "application/pdf"),
            "kind": "scanned",
            "text": "Kirjauksen teksti. " * 500,
        }
    )
    assert isinstance(uploaded, InMemoryUploadedFile)
    assert uploaded.size == limit


def test_a_larger_upload_spills_only_into_the_private_folder(settings) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import TemporaryUploadedFile

    folder = Path(settings.FILE_UPLOAD_TEMP_DIR)
    assert folder.is_dir() and _mode(folder) == 0o700
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000  # only to make a small file spill here
    uploaded = _parse({"file": upload("iso.pdf", b"%PDF-" + b"x" * 5000, "application/pdf")})
    assert isinstance(uploaded, TemporaryUploadedFile)
    path = Path(uploaded.temporary_file_path())
    assert path.parent == folder and ".upload" in path.name
    assert _mode(path) == 0o600
    uploaded.close()


def test_the_memory_limit_follows_the_configured_attachment_limit(tmp_path: Path) -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[3]
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; "
        "from django.conf import settings; "
        "print(settings.TUPA_ATTACHMENT_MAX_BYTES, settings.FILE_UPLOAD_MAX_MEMORY_SIZE, "
        "settings.DATA_UPLOAD_MAX_MEMORY_SIZE, settings.FILE_UPLOAD_TEMP_DIR)"
    )
    env = {
        **os.environ,
        "TUPA_ENV": "test",
        "TUPA_ATTACHMENT_MAX_BYTES": str(50 * 1024 * 1024),
        "TUPA_UPLOAD_TEMP_DIR": str(tmp_path / "uploads"),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    limit, memory, data, folder = result.stdout.split()
    assert int(memory) >= int(limit) + int(data)
    assert int(limit) == 50 * 1024 * 1024
    assert folder == str(tmp_path / "uploads")
    assert _mode(tmp_path / "uploads") == 0o700
