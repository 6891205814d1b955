"""The shelter's feedback stays with THL (FBK-06, CON-06): the THL form link given once per
person, THL's summaries as documents served through a checked view, and no Tupa questionnaire
ever answered for a shelter episode."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import resolve, reverse
from django_scopes import scopes_disabled

from tupa.access.marks import access_class
from tupa.accounts.models import Role
from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import (
    ParticipantFactory,
    PersonFactory,
    ServiceFormFactory,
    client_in,
    worker_in,
)
from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import ServiceForm
from tupa.surveys.models import Channel, Response, ThlFormGiven, ThlSummary
from tupa.surveys.recorded import services as recorded
from tupa.surveys.tests.support import published_questionnaire
from tupa.surveys.thl import services
from tupa.surveys.thl.files import DOCX, PDF, XLSX, validate_document

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _office(kind: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml" if kind == "xlsx" else "word/document.xml", "<x/>")
    return out.getvalue()


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 6, 15, 12), tick=False):
        yield


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def shelter() -> dict[str, Any]:
    form = ServiceFormFactory.create(
        name="Turvakoti",
        slug="turvakoti",
        kind=ServiceForm.Kind.RESIDENTIAL,
        violence_work="victim",
    )
    worker = worker_in(form)
    lead = worker_in(form, role=Role.LEAD)
    mother, episode = client_in(form, first_names="Kuunsäde")
    child = PersonFactory.create(organisation=form.organisation, first_names="Tähtönen")
    ParticipantFactory.create(episode=episode, person=child, role="child")
    return {
        "form": form,
        "worker": worker,
        "lead": lead,
        "mother": mother,
        "child": child,
        "episode": episode,
    }


def test_the_link_is_recorded_once_per_person(shelter: dict[str, Any]) -> None:
    w = shelter
    with scopes_disabled():
        first = services.thl_form_given_record(
            actor=w["worker"], episode=w["episode"], person=w["mother"]
        )
        assert first.given_on == dt.date(2026, 6, 15)
        services.thl_form_given_record(actor=w["worker"], episode=w["episode"], person=w["child"])
        with pytest.raises(ValidationError) as caught:
            services.thl_form_given_record(
                actor=w["worker"], episode=w["episode"], person=w["mother"]
            )
        assert "15.6.2026" in caught.value.messages[0]
        assert ThlFormGiven.objects.filter(episode=w["episode"]).count() == 2


def test_the_link_is_refused_outside_the_shelter_and_for_strangers(
    shelter: dict[str, Any],
) -> None:
    w = shelter
    stranger = worker_in(ServiceFormFactory.create(organisation=w["form"].organisation))
    other = ServiceFormFactory.create(organisation=w["form"].organisation)
    person, episode = client_in(other)
    with scopes_disabled():
        with pytest.raises(PermissionDenied):
            services.thl_form_given_record(actor=stranger, episode=w["episode"], person=w["mother"])
        with pytest.raises(ValidationError):
            services.thl_form_given_record(actor=worker_in(other), episode=episode, person=person)
        outsider = PersonFactory.create(organisation=w["form"].organisation)
        with pytest.raises(ValidationError):
            services.thl_form_given_record(actor=w["worker"], episode=w["episode"], person=outsider)


def test_no_tupa_questionnaire_can_be_answered_for_a_shelter_episode(
    shelter: dict[str, Any],
) -> None:
    w = shelter
    version = published_questionnaire(
        None, actor=w["lead"], organisation_id=w["form"].organisation_id
    )
    assert recorded.versions_for(w["form"]) == []
    with scopes_disabled():
        for anonymous, episode, person in ((True, None, None), (False, w["episode"], w["mother"])):
            with pytest.raises(ValidationError) as caught:
                recorded.feedback_record(
                    actor=w["worker"],
                    version=version,
                    service_form=w["form"],
                    channel=Channel.PAPER,
                    raw={"overall": "5"},
                    form_key="a" * 32,
                    submitted_on=dt.date(2026, 6, 1),
                    anonymous=anonymous,
                    episode=episode,
                    person=person,
                )
            assert caught.value.code == "shelter"
        assert not Response.objects.exists()


def test_the_shelter_panel_shows_only_the_thl_link(client: Client, shelter: dict[str, Any]) -> None:
    w = shelter
    with scopes_disabled():
        services.thl_form_given_record(
            actor=w["worker"],
            episode=w["episode"],
            person=w["mother"],
            given_on=dt.date(2026, 6, 2),
        )
    login_verified(client, w["worker"])
    html = client.get(reverse("episodes:detail", args=[w["episode"].pk])).content.decode()
    assert "THL:n asiakaspalautelomakkeen linkki annettu" in html
    assert "2.6.2026" in html
    assert "Kirjaa linkki annetuksi" in html  # the child's button
    for absent in ("Kirjaa mittaus", "Lähetä linkki", "Kirjaa paperi"):
        assert absent not in html
    response = client.post(
        reverse("surveys:thl_form_given", args=[w["episode"].pk]),
        {"person": w["child"].pk, "given_on": "2026-06-14"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert ThlFormGiven.objects.get(person=w["child"]).given_on == dt.date(2026, 6, 14)
        assert AccessEvent.objects.filter(
            user=w["worker"], subject_id=str(w["child"].pk), view_name="surveys:thl_form_given"
        ).exists()


def test_a_user_who_does_not_see_the_episode_cannot_record_the_link(
    client: Client, shelter: dict[str, Any]
) -> None:
    w = shelter
    login_verified(
        client, worker_in(ServiceFormFactory.create(organisation=w["form"].organisation))
    )
    response = client.post(
        reverse("surveys:thl_form_given", args=[w["episode"].pk]), {"person": w["mother"].pk}
    )
    assert response.status_code == 404
    assert not ThlFormGiven.objects.exists()


# A bad date: the page says what is wrong and keeps the date typed (bad-input rule).
@pytest.mark.parametrize("typed", ["31.2.2026", "2026-13-45", "huomenna"])
def test_a_bad_date_is_shown_again_with_its_message(
    client: Client,
    shelter: dict[str, Any],
    typed: str,
) -> None:
    w = shelter
    login_verified(client, w["worker"])
    response = client.post(
        reverse("surveys:thl_form_given", args=[w["episode"].pk]),
        {"person": w["child"].pk, "given_on": typed},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary"' in html and 'class="errorlist' in html
    assert f'value="{typed}"' in html
    assert str(w["child"]) in html
    assert reverse("episodes:detail", args=[w["episode"].pk]) in html
    with scopes_disabled():
        assert not ThlFormGiven.objects.exists()
        # The page names the person: logged like the successful record.
        assert AccessEvent.objects.filter(
            user=w["worker"], subject_id=str(w["child"].pk), view_name="surveys:thl_form_given"
        ).exists()


def test_the_corrected_date_is_recorded(client: Client, shelter: dict[str, Any]) -> None:
    w = shelter
    login_verified(client, w["worker"])
    url = reverse("surveys:thl_form_given", args=[w["episode"].pk])
    client.post(url, {"person": w["child"].pk, "given_on": "31.2.2026"})
    response = client.post(url, {"person": w["child"].pk, "given_on": "14.6.2026"})
    assert response.status_code == 302
    with scopes_disabled():
        assert ThlFormGiven.objects.get(person=w["child"]).given_on == dt.date(2026, 6, 14)


def test_a_person_not_in_the_episode_is_404_even_with_a_bad_date(
    client: Client,
    shelter: dict[str, Any],
) -> None:
    w = shelter
    login_verified(client, w["worker"])
    url = reverse("surveys:thl_form_given", args=[w["episode"].pk])
    assert client.post(url, {"person": "987654321", "given_on": "31.2.2026"}).status_code == 404
    assert client.post(url, {"person": "x", "given_on": "31.2.2026"}).status_code == 404


# ------------------------------------------------------------------------------ summaries


@pytest.mark.parametrize(
    ("data", "expected"),
    [(PDF_BYTES, PDF), (_office("xlsx"), XLSX), (_office("docx"), DOCX)],
)
def test_documents_are_recognised_by_content(data: bytes, expected: str) -> None:
    assert validate_document(SimpleUploadedFile("x.bin", data)).content_type == expected


@pytest.mark.parametrize(
    "data",
    [b"<html><script>alert(1)</script></html>", b"MZ\x90\x00", b"%PDF-1.4 truncated", b""],
)
def test_other_files_are_refused(data: bytes) -> None:
    with pytest.raises(ValidationError):
        validate_document(SimpleUploadedFile("yhteenveto.pdf", data))


def test_the_lead_uploads_and_a_worker_downloads(client: Client, shelter: dict[str, Any]) -> None:
    w = shelter
    login_verified(client, w["lead"])
    url = reverse("surveys:thl_summaries", args=["turvakoti"])
    response = client.post(
        url,
        {
            "period_start": "2026-01-01",
            "period_end": "2026-03-31",
            "note": "Q1",
            "document": SimpleUploadedFile("raportti.pdf", PDF_BYTES),
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        summary = ThlSummary.objects.get()
    assert summary.document.name.endswith(".pdf") and "raportti" not in summary.document.name
    client.logout()
    login_verified(client, w["worker"])
    page = client.get(url)
    assert page.status_code == 200 and "Tallenna yhteenveto" not in page.content.decode()
    download = client.get(reverse("surveys:thl_summary_download", args=["turvakoti", summary.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == PDF
    assert "attachment" in download["Content-Disposition"]
    assert "thl-palaute-2026-01-01-2026-03-31.pdf" in download["Content-Disposition"]
    assert "no-store" in download["Cache-Control"]
    assert b"".join(download.streaming_content) == PDF_BYTES  # type: ignore[attr-defined]
    # A worker may read but not upload.
    refused = client.post(
        url,
        {
            "period_start": "2026-04-01",
            "period_end": "2026-06-30",
            "document": SimpleUploadedFile("r.pdf", PDF_BYTES),
        },
    )
    assert refused.status_code == 404


def test_a_wrong_file_keeps_the_typed_period(client: Client, shelter: dict[str, Any]) -> None:
    login_verified(client, shelter["lead"])
    response = client.post(
        reverse("surveys:thl_summaries", args=["turvakoti"]),
        {
            "period_start": "2026-01-01",
            "period_end": "2026-03-31",
            "note": "Kevät",
            "document": SimpleUploadedFile("raportti.pdf", b"not a pdf"),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Tiedostotyyppiä ei hyväksytä" in html
    assert 'value="2026-01-01"' in html and "Kevät" in html
    assert not ThlSummary.objects.exists()


def test_summaries_are_404_for_other_forms_and_other_users(
    client: Client, shelter: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    w = shelter
    other = ServiceFormFactory.create(organisation=w["form"].organisation, slug="ensikoti")
    lead_elsewhere = worker_in(other, role=Role.LEAD)
    login_verified(client, lead_elsewhere)
    assert client.get(reverse("surveys:thl_summaries", args=["turvakoti"])).status_code == 404
    assert client.get(reverse("surveys:thl_summaries", args=["ensikoti"])).status_code == 404
    client.logout()
    login_verified(client, w["worker"])
    with scopes_disabled():
        for month in (1, 4, 7, 10):
            ThlSummary.objects.create(
                organisation=w["form"].organisation,
                service_form=w["form"],
                period_start=dt.date(2025, month, 1),
                period_end=dt.date(2025, month, 28),
                document="surveys/thl/x.pdf",
                uploaded_by=w["lead"],
            )
    with django_assert_max_num_queries(15):
        assert client.get(reverse("surveys:thl_summaries", args=["turvakoti"])).status_code == 200


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("surveys:thl_summaries", {"slug": "x"}),
        ("surveys:thl_summary_download", {"slug": "x", "pk": 1}),
        ("surveys:thl_form_given", {"episode_pk": 1}),
    ],
)
def test_url_access_classes(name: str, kwargs: dict[str, Any]) -> None:
    assert access_class(resolve(reverse(name, kwargs=kwargs)).func) == "object_scoped"
