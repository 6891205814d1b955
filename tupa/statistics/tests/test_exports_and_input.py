"""The statistics exports and the views' handling of bad input (formula injection,
file names, jobs of other users, invalid years, parts and ids)."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.core.spreadsheets import FORMULA_PREFIXES
from tupa.core.tests.factories import ServiceFormFactory, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.finance.models import Grant
from tupa.organisations.models import ServiceForm
from tupa.statistics.indicators import registry as indicators
from tupa.statistics.models import ExportJob, Submission
from tupa.statistics.returns import registry as returns

from .support import YEAR

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("returns_due")]

TEMPLATE = "stea.outpatient"
SLUG = "avokriisityo"
FORM_NAME = '=HYPERLINK("http://x.invalid";"Avokriisityö")'
TARGET = {
    "target_name": "@SUM(1+1)",
    "target_code": "-2+3",
    "decision_number": "+cmd|' /C calc'!A0",
}


def _hostile_names(world: dict[str, Any]) -> None:
    """What users typed: a form name and a grant target that a spreadsheet would run."""
    with scopes_disabled():
        ServiceForm.objects.filter(pk=world["crisis"].pk).update(name=FORM_NAME)
        Grant.objects.filter(service_forms=world["crisis"]).update(**TARGET)


def _csv_cells(content: bytes) -> list[str]:
    assert content.startswith("\ufeff".encode())
    rows = csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";")
    return [cell for row in rows for cell in row]


def _assert_no_formula_in_csv(content: bytes) -> None:
    cells = _csv_cells(content)
    typed = [c for c in cells if any(part in c for part in ("HYPERLINK", "SUM(", "calc", "-2+3"))]
    assert typed, "the hostile texts are in the export"
    for cell in cells:
        assert not cell.startswith(FORMULA_PREFIXES), cell


def _assert_no_formula_in_xlsx(content: bytes) -> None:
    book = openpyxl.load_workbook(io.BytesIO(content))
    texts = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    assert any("HYPERLINK" in t for t in texts) and any("SUM(" in t for t in texts)


def test_user_typed_names_never_become_formulas_in_a_returns_exports(
    client: Client, world: dict[str, Any]
) -> None:
    _hostile_names(world)
    login_verified(client, world["worker"])
    for fmt, check in (("csv", _assert_no_formula_in_csv), ("xlsx", _assert_no_formula_in_xlsx)):
        response = client.get(reverse("statistics:export", args=[TEMPLATE, YEAR, SLUG, fmt]))
        assert response.status_code == 200
        check(response.content)


def test_user_typed_names_never_become_formulas_in_a_sent_returns_exports(
    client: Client, world: dict[str, Any]
) -> None:
    _hostile_names(world)
    login_verified(client, world["lead"])
    client.post(reverse("statistics:send", args=[TEMPLATE, YEAR, SLUG]), {"note": "=1+1"})
    with scopes_disabled():
        sent = Submission.objects.get()
    assert sent.grant_targets and sent.grant_targets[0]["target_name"] == "@SUM(1+1)"
    csv_response = client.get(reverse("statistics:submission_export", args=[sent.pk, "csv"]))
    _assert_no_formula_in_csv(csv_response.content)
    job = client.post(reverse("statistics:prepare_submission", args=[sent.pk, "xlsx"]))
    download = client.get(job["Location"] + "lataa/")
    assert download.status_code == 200
    _assert_no_formula_in_xlsx(download.content)


def test_the_csv_is_finnish_excel_with_a_decimal_comma() -> None:
    """Money (counted in cents) is written with a decimal comma and no grouping; the file is
    ``;``-separated UTF-8 with a BOM, and a name like "Äänekoski" survives it."""
    from decimal import Decimal

    from tupa.statistics import exports
    from tupa.statistics.tests.test_exports import computed

    body = exports.csv_bytes(computed(), None, title="Ääni", subject="Äänekoski", meta=[])
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    assert "Äänekoski" in text and text.splitlines()[0].count(";") == 1
    assert exports.csv_number(Decimal("1234.50")) == "1234,50"
    assert exports.csv_number(Decimal("-0.05")) == "-0,05"


def test_an_export_names_its_file_in_ascii_or_rfc_6266(
    client: Client, world: dict[str, Any]
) -> None:
    """A form whose key is not plain ASCII (e.g. one made before slugs were checked) still
    gets a Content-Disposition that every browser reads: ``filename*=utf-8''…``."""
    with scopes_disabled():
        ServiceForm.objects.filter(pk=world["crisis"].pk).update(slug="äänekoski")
    login_verified(client, world["worker"])
    response = client.get(reverse("statistics:export", args=[TEMPLATE, YEAR, "äänekoski", "csv"]))
    assert response.status_code == 200
    header = response["Content-Disposition"]
    header.encode("ascii")  # a raw Latin-1 "ä" is read differently by each browser
    assert "filename*=utf-8''" in header and "%C3%A4%C3%A4nekoski" in header


# Bad input ------------------------------------------------------------------------------


def _get(client: Client, name: str, *args: Any, **query: str) -> int:
    return client.get(reverse(f"statistics:{name}", args=list(args)), query).status_code


def test_an_odd_part_of_the_year_is_404_not_500(client: Client, world: dict[str, Any]) -> None:
    """``?jakso=`` with a digit Python cannot read as a number ("²" is ``isdigit()``)."""
    login_verified(client, world["lead"])
    for raw in ("²", "0", "-1", "", " 1", "1.0", "99999999999999999999"):
        status = _get(client, "return", "internal.work_done", YEAR, SLUG, jakso=raw)
        assert status == 404, (raw, status)


def test_invalid_years_ids_and_formats_are_404(client: Client, world: dict[str, Any]) -> None:
    other = ServiceFormFactory.create(kind=ServiceForm.Kind.OUTPATIENT, slug="vieras")
    worker_in(other)  # another organisation's form with its own worker
    login_verified(client, world["lead"])
    for year in (0, 1999, 99999, YEAR + 5):
        assert _get(client, "return", TEMPLATE, year, SLUG) == 404, year
        assert _get(client, "export", TEMPLATE, year, SLUG, "csv") == 404, year
        assert _get(client, "drill", TEMPLATE, year, SLUG, 0) == 404, year
    assert _get(client, "return", "ei.ole", YEAR, SLUG) == 404
    assert _get(client, "return", TEMPLATE, YEAR, "vieras") == 404  # another organisation's
    assert _get(client, "return", TEMPLATE, YEAR, "yhdistys") == 404
    assert _get(client, "export", TEMPLATE, YEAR, SLUG, "docx") == 404
    assert _get(client, "drill", TEMPLATE, YEAR, SLUG, 99999) == 404
    with_month = next(
        i
        for i, line in returns.get(TEMPLATE).lines()
        if any(d.key == "month" for d in indicators.get(line.indicator, line.version).dimensions)
    )
    assert _get(client, "drill", TEMPLATE, YEAR, SLUG, with_month, month="2025-01") == 200
    for month in ("2099-13", "2024-12", "abc"):
        assert _get(client, "drill", TEMPLATE, YEAR, SLUG, with_month, month=month) == 404
    assert _get(client, "indicator", "ei.ole", SLUG, YEAR) == 404
    assert _get(client, "indicator", "outpatient.clients", SLUG, 0) == 404
    assert _get(client, "indicator", "outpatient.clients", "vieras", YEAR) == 404
    assert _get(client, "submission", 99999) == 404
    assert _get(client, "submission_export", 99999, "csv") == 404
    send = reverse("statistics:send", args=[TEMPLATE, 0, SLUG])
    assert client.post(send).status_code == 404
    for query in ("abc", "0", "99999", "2025x"):  # the catalogue falls back to its year
        assert _get(client, "index", vuosi=query) == 200


def test_a_sent_return_of_another_organisation_does_not_exist(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["lead"])
    client.post(reverse("statistics:send", args=[TEMPLATE, YEAR, SLUG]))
    with scopes_disabled():
        sent = Submission.objects.get()
    other = ServiceFormFactory.create(kind=ServiceForm.Kind.OUTPATIENT)
    login_verified(client, worker_in(other, role="lead"))
    assert _get(client, "submission", sent.pk) == 404
    for fmt in ("csv", "xlsx", "pdf"):
        assert _get(client, "submission_export", sent.pk, fmt) == 404
        url = reverse("statistics:prepare_submission", args=[sent.pk, fmt])
        assert client.post(url).status_code == 404
    with scopes_disabled():
        assert not ExportJob.objects.exists()


def test_a_job_cannot_be_restarted_or_read_by_another_user(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["worker"])
    response = client.post(reverse("statistics:prepare", args=[TEMPLATE, YEAR, SLUG, "xlsx"]))
    with scopes_disabled():
        job = ExportJob.objects.get()
    assert response["Location"] == reverse("statistics:job", args=[job.pk])
    for who in ("lead", "director"):
        login_verified(client, world[who])
        restart = reverse("statistics:job_restart", args=[job.pk])
        assert client.post(restart).status_code == 404
        assert _get(client, "job_download", job.pk) == 404
    assert _get(client, "job", uuid.uuid4()) == 404
    with scopes_disabled():
        assert ExportJob.objects.count() == 1


def test_the_annual_pack_in_an_unknown_format_is_404(client: Client, world: dict[str, Any]) -> None:
    """``?muoto=`` takes xlsx, csv or pdf; anything else is 404, never a file of another format
    under a wrong name and type."""
    login_verified(client, world["director"])
    for fmt in ("xls", "docx"):
        response = client.get(reverse("statistics:annual_report", args=[YEAR]), {"muoto": fmt})
        assert response.status_code == 404, (fmt, response.get("Content-Disposition"))


@pytest.mark.parametrize(
    ("note", "message"),
    [("x" * 301, "enintään 300 merkkiä"), ("lähetetty\x00 postitse", "kielletty merkki")],
)
def test_a_bad_note_is_refused_on_the_page_and_nothing_is_sent(
    client: Client, world: dict[str, Any], note: str, message: str
) -> None:
    """The note was cut to 300 characters without a word, and a NUL byte was stored (a 500 on
    PostgreSQL). Now the return page says why and keeps what was typed."""
    login_verified(client, world["lead"])
    response = client.post(reverse("statistics:send", args=[TEMPLATE, YEAR, SLUG]), {"note": note})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert note.replace("\x00", "")[:40] in page
    with scopes_disabled():
        assert not Submission.objects.exists()
