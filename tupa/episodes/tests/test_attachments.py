"""Journal attachments: content sniffing, size limit, EXIF stripping, storage and the one
permission-checked, logged way to read them."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.static import serve
from django_scopes import scope, scopes_disabled
from PIL import Image
from PIL.ExifTags import GPS, IFD, Base

from tupa.access.policy import Basis
from tupa.accounts.models import User
from tupa.audit.models import AccessEvent
from tupa.core.tests.helpers import login_verified
from tupa.episodes import journal
from tupa.episodes.journal import attachments
from tupa.episodes.models import Attachment, Entry
from tupa.episodes.tests.journal_support import (
    Family,
    entry_kwargs,
    png_bytes,
    upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root", "committed_at_once")]

HTML_AS_PNG = b"<!DOCTYPE html><html><script>alert('xss')</script></html>"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def entry(family: Family) -> Entry:
    with scope(organisation=family.episode.organisation_id):
        return journal.entry_create(
            actor=family.worker,
            episode=family.episode,
            participants=[family.mother_p],
            **entry_kwargs(),  # type: ignore[arg-type]
        )


def jpeg_with_gps() -> bytes:
    """A 40×20 JPEG that says 'rotate 90°' and carries a camera name and a GPS position."""
    exif = Image.Exif()
    exif[Base.Make] = "Testikamera"
    exif[Base.Orientation] = 6
    exif[IFD.GPSInfo] = {
        GPS.GPSLatitudeRef: "N",
        GPS.GPSLatitude: (60.0, 59.0, 1.0),
        GPS.GPSLongitudeRef: "E",
        GPS.GPSLongitude: (25.0, 39.0, 2.0),
    }
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(
        out, format="JPEG", exif=exif, comment=b"Kommentti"
    )
    data = out.getvalue()
    # The fixture itself must carry the metadata, or the test below proves nothing.
    with Image.open(io.BytesIO(data)) as check:
        assert check.getexif().get_ifd(IFD.GPSInfo)[GPS.GPSLatitudeRef] == "N"
    return data


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


# --- sniffing and names ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\x89PNG\r\n\x1a\nrest", "image/png"),
        (b"\xff\xd8\xff\xe0rest", "image/jpeg"),
        (b"%PDF-1.7", "application/pdf"),
        (b"<html>", None),
        (b"GIF89a", None),
        (b"\x89PNG", None),  # truncated signature
        (b"", None),
    ],
)
def test_sniff_reads_only_the_magic_bytes(head: bytes, expected: str | None) -> None:
    assert attachments.sniff(head) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("piirustus.png", "piirustus.png"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\Äiti\\Lapsen piirros (1).jpg", "Lapsen piirros (1).jpg"),
        ('"><script>x.png', "_script_x.png"),
        ('"><script>x</script>.png', "script_.png"),  # "/" ends a path component
        ("rivi\r\nvaihto.pdf", "rivivaihto.pdf"),
        ("...", "liite"),
        ("", "liite"),
    ],
)
def test_original_names_are_sanitised(name: str, expected: str) -> None:
    assert attachments.sanitise_name(name) == expected


def test_long_names_keep_their_extension() -> None:
    name = attachments.sanitise_name("a" * 300 + ".pdf")
    assert len(name) == 200 and name.endswith(".pdf")


def test_default_limit_is_ten_mebibytes(settings) -> None:  # type: ignore[no-untyped-def]
    del settings.TUPA_ATTACHMENT_MAX_BYTES
    assert attachments.max_bytes() == 10_485_760


# --- storing -----------------------------------------------------------------------------------


def test_png_is_stored_under_a_random_name_with_checksum(
    family: Family, entry: Entry, org_scope: None, media_root: Path
) -> None:
    stored = attachments.attachment_add(
        actor=family.worker,
        entry=entry,
        uploaded=upload("Lapsen piirustus.png", png_bytes()),
        kind="child_drawing",
    )
    path = Path(stored.file.path)
    data = path.read_bytes()
    assert path.is_relative_to(media_root / "attachments")
    assert "piirustus" not in stored.file.name.lower()
    assert stored.file.name.endswith(".png") and len(path.stem) == 32
    assert stored.original_name == "Lapsen piirustus.png"
    assert stored.content_type == "image/png"
    assert stored.size == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.uploaded_by == family.worker and stored.kind == "child_drawing"
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size == (8, 6)
        assert image.getpixel((0, 0)) == (10, 120, 30)


def test_jpeg_with_gps_exif_is_stored_without_any_metadata(
    family: Family, entry: Entry, org_scope: None
) -> None:
    stored = attachments.attachment_add(
        actor=family.worker,
        entry=entry,
        uploaded=upload("kuva.jpg", jpeg_with_gps(), "image/jpeg"),
        kind="scanned",
    )
    data = Path(stored.file.path).read_bytes()
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info and "comment" not in image.info
        assert image.size == (20, 40)  # the orientation was applied before dropping it
    assert b"Exif" not in data and b"Testikamera" not in data and b"Kommentti" not in data
    assert stored.content_type == "image/jpeg"


def test_png_metadata_chunks_are_dropped(family: Family, entry: Entry, org_scope: None) -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Salainen Kirjoittaja")
    exif = Image.Exif()
    exif[IFD.GPSInfo] = {GPS.GPSLatitudeRef: "N"}
    out = io.BytesIO()
    Image.new("RGB", (5, 5)).save(out, format="PNG", pnginfo=info, exif=exif)
    assert b"Salainen" in out.getvalue()
    stored = attachments.attachment_add(
        actor=family.worker, entry=entry, uploaded=upload("a.png", out.getvalue()), kind="other"
    )
    data = Path(stored.file.path).read_bytes()
    assert b"Salainen" not in data and b"eXIf" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert dict(image.getexif()) == {}


def test_pdf_is_accepted_as_is(family: Family, entry: Entry, org_scope: None) -> None:
    stored = attachments.attachment_add(
        actor=family.worker,
        entry=entry,
        uploaded=upload("lausunto.pdf", PDF, "application/pdf"),
        kind="scanned",
    )
    assert stored.content_type == "application/pdf"
    assert Path(stored.file.path).read_bytes() == PDF
    assert stored.file.name.endswith(".pdf")


@pytest.mark.parametrize(
    ("name", "data", "browser_type", "message"),
    [
        (
            "piirustus.png",
            HTML_AS_PNG,
            "image/png",
            "Tiedostotyyppiä ei hyväksytä. Liitteen on oltava PNG- tai JPEG-kuva tai "
            "PDF-asiakirja; tiedoston nimi ei ratkaise tyyppiä vaan sen sisältö.",
        ),
        (
            "ohjelma.pdf",
            b"MZ\x90\x00 Windows executable",
            "application/pdf",
            "Tiedostotyyppiä ei hyväksytä. Liitteen on oltava PNG- tai JPEG-kuva tai "
            "PDF-asiakirja; tiedoston nimi ei ratkaise tyyppiä vaan sen sisältö.",
        ),
        (
            "rikki.jpg",
            b"\xff\xd8\xff\xe0 this is not really a jpeg",
            "image/jpeg",
            "Kuvatiedostoa ei voitu lukea. Tiedosto voi olla vioittunut; tallenna se uudelleen.",
        ),
        (
            "rikki.png",
            b"\x89PNG\r\n\x1a\n<script>alert(1)</script>",
            "image/png",
            "Kuvatiedostoa ei voitu lukea. Tiedosto voi olla vioittunut; tallenna se uudelleen.",
        ),
        (
            "kesken.pdf",
            b"%PDF-1.4\n1 0 obj",
            "application/pdf",
            "PDF-tiedosto on keskeneräinen tai vioittunut. Tallenna se uudelleen.",
        ),
        ("tyhja.png", b"", "image/png", "Tiedosto on tyhjä."),
    ],
)
def test_disguised_or_broken_files_are_refused_in_finnish(
    family: Family,
    entry: Entry,
    org_scope: None,
    media_root: Path,
    name: str,
    data: bytes,
    browser_type: str,
    message: str,
) -> None:
    with pytest.raises(ValidationError) as exc:
        attachments.attachment_add(
            actor=family.worker,
            entry=entry,
            uploaded=upload(name, data, browser_type),
            kind="other",
        )
    assert exc.value.messages == [message]
    assert Attachment.objects.count() == 0
    assert _files(media_root) == []


def test_oversize_files_are_refused(
    family: Family,
    entry: Entry,
    org_scope: None,
    settings,
    media_root: Path,  # type: ignore[no-untyped-def]
) -> None:
    data = png_bytes()
    settings.TUPA_ATTACHMENT_MAX_BYTES = len(data) - 1
    with pytest.raises(ValidationError) as exc:
        attachments.attachment_add(
            actor=family.worker, entry=entry, uploaded=upload("iso.png", data), kind="other"
        )
    assert exc.value.messages == ["Tiedosto on liian suuri. Suurin sallittu koko on 0 kt."]
    settings.TUPA_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
    big = upload("iso.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "application/pdf")
    with pytest.raises(ValidationError) as exc:
        attachments.attachment_add(actor=family.worker, entry=entry, uploaded=big, kind="other")
    assert exc.value.messages == ["Tiedosto on liian suuri. Suurin sallittu koko on 10 Mt."]
    assert _files(media_root) == []


def test_exactly_the_limit_is_accepted(
    family: Family, entry: Entry, org_scope: None, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.TUPA_ATTACHMENT_MAX_BYTES = len(PDF)
    attachments.attachment_add(
        actor=family.worker,
        entry=entry,
        uploaded=upload("a.pdf", PDF, "application/pdf"),
        kind="other",
    )
    assert Attachment.objects.count() == 1


def test_image_dimensions_are_limited(
    family: Family, entry: Entry, org_scope: None, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(attachments, "MAX_IMAGE_PIXELS", 47)
    with pytest.raises(ValidationError) as exc:
        attachments.attachment_add(
            actor=family.worker, entry=entry, uploaded=upload("a.png", png_bytes()), kind="other"
        )
    assert exc.value.messages == ["Kuvan koko on liian suuri (8 × 6 kuvapistettä)."]


def test_only_writers_may_attach_and_only_to_the_newest_version(
    family: Family, entry: Entry, org_scope: None
) -> None:
    with pytest.raises(journal.JournalPermissionDenied):
        attachments.attachment_add(
            actor=family.consent_reader,
            entry=entry,
            uploaded=upload("a.png", png_bytes()),
            kind="other",
        )
    journal.entry_correct(actor=family.worker, entry=entry, text="Korjattu.", reason="r")
    with pytest.raises(ValidationError) as exc:
        attachments.attachment_add(
            actor=family.worker, entry=entry, uploaded=upload("a.png", png_bytes()), kind="other"
        )
    assert exc.value.messages == ["Kirjauksesta on uudempi versio. Lisää liite uusimpaan versioon."]


def test_correction_carries_attachments_unless_left_out(
    family: Family, entry: Entry, org_scope: None
) -> None:
    keep = attachments.attachment_add(
        actor=family.worker,
        entry=entry,
        uploaded=upload("oikea.png", png_bytes()),
        kind="child_drawing",
    )
    wrong = attachments.attachment_add(
        actor=family.worker,
        entry=entry,
        uploaded=upload("vaara.pdf", PDF, "application/pdf"),
        kind="scanned",
    )
    new = journal.entry_correct(
        actor=family.worker,
        entry=entry,
        text="Väärä liite pois.",
        reason="Väärän asiakkaan liite",
        attachments=[keep],
    )
    carried = list(new.attachments.all())
    assert [(a.original_name, a.file.name, a.sha256) for a in carried] == [
        (keep.original_name, keep.file.name, keep.sha256)
    ]
    # The earlier version still has both: history is not rewritten.
    assert set(entry.attachments.all()) == {keep, wrong}
    again = journal.entry_correct(actor=family.worker, entry=new, text="Vielä.", reason="r")
    assert [a.original_name for a in again.attachments.all()] == ["oikea.png"]


# --- the serving view ---------------------------------------------------------------------------


@pytest.fixture
def stored_png(family: Family, entry: Entry) -> Attachment:
    with scope(organisation=family.episode.organisation_id):
        return attachments.attachment_add(
            actor=family.worker,
            entry=entry,
            uploaded=upload("piirustus.png", png_bytes()),
            kind="child_drawing",
        )


def _url(pk: int) -> str:
    return reverse("episodes:journal_attachment", args=[pk])


def _events(user: User) -> list[AccessEvent]:
    with scopes_disabled():
        return list(AccessEvent.objects.filter(user=user))


ATTACHMENT_MATRIX = [
    ("worker", 200),
    ("colleague", 200),
    ("lead", 200),
    ("assigned", 200),
    ("consent_reader", 200),
    ("other_form_worker", 404),
    ("foreign_worker", 404),
    ("dpo", 404),
    ("admin", 404),
    ("director", 404),
]


@pytest.mark.parametrize(("who", "status"), ATTACHMENT_MATRIX)
def test_attachment_view_access_matrix(
    client: Client, family: Family, stored_png: Attachment, who: str, status: int
) -> None:
    user = getattr(family, who)
    login_verified(client, user)
    response = client.get(_url(stored_png.pk))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == Path(stored_png.file.path).read_bytes()  # type: ignore[attr-defined]
        assert len(_events(user)) == 1
    else:
        assert _events(user) == []


def test_attachment_view_sends_safe_headers_and_logs_the_entrys_participants(
    client: Client, family: Family, stored_png: Attachment
) -> None:
    login_verified(client, family.worker)
    response = client.get(_url(stored_png.pk))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="piirustus.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert "sandbox" in response["Content-Security-Policy"]
    # The entry names only the mother as participant: she alone is logged, not the child.
    events = _events(family.worker)
    assert [(int(e.subject_id), e.action, e.basis, e.episode_id) for e in events] == [
        (family.mother.pk, "view", str(Basis.MEMBERSHIP), family.episode.pk)
    ]


def test_pdf_is_always_a_download_and_without_participants_everyone_is_logged(
    client: Client, family: Family
) -> None:
    with scope(organisation=family.episode.organisation_id):
        bare = journal.entry_create(actor=family.worker, episode=family.episode, **entry_kwargs())  # type: ignore[arg-type]
        pdf = attachments.attachment_add(
            actor=family.worker,
            entry=bare,
            uploaded=upload("Lausunto ä.pdf", PDF, "application/pdf"),
            kind="scanned",
        )
    login_verified(client, family.consent_reader)
    response = client.get(_url(pdf.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Lausunto" in response["Content-Disposition"]
    events = _events(family.consent_reader)
    assert {int(e.subject_id) for e in events} == {family.mother.pk, family.child.pk}
    assert {e.basis for e in events} == {str(Basis.CONSENT)}


def test_anonymous_is_sent_to_login_and_unknown_ids_are_404(
    client: Client, family: Family, stored_png: Attachment
) -> None:
    response = client.get(_url(stored_png.pk))
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse(settings.LOGIN_URL)
    login_verified(client, family.worker)
    assert client.get(_url(987654)).status_code == 404


def test_a_missing_file_is_404_not_a_crash(
    client: Client, family: Family, stored_png: Attachment
) -> None:
    Path(stored_png.file.path).unlink()
    login_verified(client, family.worker)
    assert client.get(_url(stored_png.pk)).status_code == 404


def _all_patterns(patterns: list[object]) -> list[URLPattern]:
    found: list[URLPattern] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            found.extend(_all_patterns(p.url_patterns))
        elif isinstance(p, URLPattern):
            found.append(p)
    return found


def test_media_files_are_served_by_no_other_url(
    client: Client, family: Family, stored_png: Attachment
) -> None:
    patterns = _all_patterns(get_resolver().url_patterns)
    assert patterns
    assert not [p for p in patterns if getattr(p.callback, "__wrapped__", p.callback) is serve]
    login_verified(client, family.worker)
    name = stored_png.file.name
    for url in (f"/{name}", f"/media/{name}", f"{settings.MEDIA_URL.rstrip('/')}/{name}"):
        assert client.get(url).status_code == 404, url


# --- upload through the views ---------------------------------------------------------------------


def test_create_view_stores_an_attachment_with_the_entry(client: Client, family: Family) -> None:
    from django.utils import timezone

    from tupa.episodes.tests.journal_support import an_hour_ago

    login_verified(client, family.worker)
    response = client.post(
        reverse("episodes:journal_create", args=[family.episode.pk]),
        {
            "type": "individual_meeting",
            "occurred_at": timezone.localtime(an_hour_ago()).strftime("%Y-%m-%dT%H:%M"),
            "place": "own",
            "text": "Lapsi piirsi kodin.",
            "attachment": upload("koti.jpg", jpeg_with_gps(), "image/jpeg"),
            "attachment_kind": "child_drawing",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        stored = Attachment.objects.get()
        assert stored.entry.text == "Lapsi piirsi kodin."
    assert b"Exif" not in Path(stored.file.path).read_bytes()


def test_create_view_refuses_a_disguised_file_and_keeps_the_text(
    client: Client, family: Family, media_root: Path
) -> None:
    from django.utils import timezone

    from tupa.episodes.tests.journal_support import an_hour_ago

    login_verified(client, family.worker)
    response = client.post(
        reverse("episodes:journal_create", args=[family.episode.pk]),
        {
            "type": "individual_meeting",
            "occurred_at": timezone.localtime(an_hour_ago()).strftime("%Y-%m-%dT%H:%M"),
            "place": "own",
            "text": "Tämä teksti ei saa kadota.",
            "attachment": upload("piirustus.png", HTML_AS_PNG),
            "attachment_kind": "child_drawing",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Tiedostotyyppiä ei hyväksytä." in body
    assert "Tämä teksti ei saa kadota." in body
    assert "Valitse liitetiedosto uudelleen" in body
    with scopes_disabled():
        assert Entry.objects.count() == 0 and Attachment.objects.count() == 0
    assert _files(media_root) == []


def test_attachment_add_view(client: Client, family: Family, entry: Entry) -> None:
    login_verified(client, family.worker)
    url = reverse("episodes:journal_attachment_add", args=[entry.pk])
    refused = client.post(url, {"file": upload("x.png", HTML_AS_PNG), "kind": "other"})
    assert refused.status_code == 200
    assert "Tiedostotyyppiä ei hyväksytä." in refused.content.decode()
    missing_kind = client.post(url, {"file": upload("x.png", png_bytes())})
    assert missing_kind.context["form"].errors["kind"] == ["Valitse liitteen laji."]
    ok = client.post(url, {"file": upload("Piirros.png", png_bytes()), "kind": "child_drawing"})
    assert ok.status_code == 302
    with scopes_disabled():
        assert [a.original_name for a in entry.attachments.all()] == ["Piirros.png"]
    page = client.get(reverse("episodes:journal_list", args=[family.episode.pk])).content.decode()
    assert "Piirros.png" in page
    with scopes_disabled():
        assert _url(entry.attachments.get().pk) in page
