"""The answer import (tupa.surveys.imports): parsing, mapping, dry run, all-or-nothing commit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import resolve, reverse
from django_scopes import scopes_disabled

from tupa.access.marks import access_class
from tupa.accounts.models import Role
from tupa.core.tests.factories import ServiceFormFactory, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.surveys.imports import parsing, services
from tupa.surveys.models import Answer, ImportBatch, Response
from tupa.surveys.recording import items_of
from tupa.surveys.tests.support import published_questionnaire

pytestmark = pytest.mark.django_db

HEADER = "Vastausaika;1. Kysymys overall;Kysymys best;Kysymys topics;Kysymys free;Vastaajan laite"
GOOD = [
    "12.3.2026 10:15;5 - Erittäin hyvä;Vaihtoehto a;Vaihtoehto a, Vaihtoehto c;Kiitos avusta;puhelin",
    "2026-04-02;4;b;;;tietokone",
    "20.4.2026;3;Vaihtoehto C;b;Aamupala oli hyvä;puhelin",
]
BAD = [
    "1.5.2026;7;Vaihtoehto a;;;puhelin",
    "kesäkuu;4;Vaihtoehto d;;;puhelin",
]


def csv_bytes(*rows: str, encoding: str = "utf-8-sig") -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode(encoding)


@pytest.fixture
def world() -> dict[str, Any]:
    form = ServiceFormFactory.create(name="Baby blues", slug="baby-blues")
    lead = worker_in(form, role=Role.LEAD)
    version = published_questionnaire(form, actor=lead)
    return {"form": form, "lead": lead, "worker": worker_in(form), "version": version}


def test_parsing_accepts_semicolon_comma_bom_and_windows_1252() -> None:
    assert parsing.parse(b"a;b\r\n1;2\r\n").header == ["a", "b"]
    comma = parsing.parse('"a";"b,c"\n'.replace(";", ",").encode() + b"1,2\n")
    assert comma.header == ["a", "b,c"] and comma.rows == [["1", "2"]]
    latin = parsing.parse("Päivä;Tyytyväisyys\n1.1.2026;5\n".encode("cp1252"))
    assert latin.header == ["Päivä", "Tyytyväisyys"]
    assert parsing.parse("\ufeffx;y\n1;\n".encode()).header == ["x", "y"]
    with pytest.raises(ValidationError):
        parsing.parse(b"only;header\n")


def test_mapping_is_guessed_from_the_headers(world: dict[str, Any]) -> None:
    parsed = parsing.parse(csv_bytes(*GOOD))
    mapping = services.guess_mapping(items_of(world["version"]), parsed.header)
    assert mapping == {0: services.DATE, 1: "overall", 2: "best", 3: "topics", 4: "free", 5: ""}


def test_dry_run_reports_bad_rows_by_number_and_column(world: dict[str, Any]) -> None:
    parsed = parsing.parse(csv_bytes(*GOOD, *BAD))
    mapping = services.guess_mapping(items_of(world["version"]), parsed.header)
    with scopes_disabled():
        plan = services.plan_import(world["version"], parsed, mapping, today=dt.date(2026, 6, 30))
    assert [n for n, _c, _d in plan.rows] == [2, 3, 4]
    assert [(e.row, e.column) for e in plan.errors] == [
        (5, "1. Kysymys overall"),
        (6, "Vastausaika"),
        (6, "Kysymys best"),
    ]
    assert plan.errors[0].message == "Valitse arvo väliltä 1–5."
    first = plan.rows[0][1]
    assert first["overall"].number == 5 and first["best"].choices == ("a",)
    assert first["topics"].choices == ("a", "c") and first["free"].text == "Kiitos avusta"
    assert plan.rows[2][1]["best"].choices == ("c",)  # the label, case-insensitive


def test_a_bad_row_is_named_by_its_line_in_the_file_blank_lines_counted(
    world: dict[str, Any],
) -> None:
    """Line 1 the header, 2 a good answer, 3 blank, 4 the bad one: the error names line 4."""
    parsed = parsing.parse(csv_bytes(GOOD[0], "", BAD[0]))
    mapping = services.guess_mapping(items_of(world["version"]), parsed.header)
    with scopes_disabled():
        plan = services.plan_import(world["version"], parsed, mapping, today=dt.date(2026, 6, 30))
    assert [n for n, _c, _d in plan.rows] == [2]
    assert [(e.row, e.column) for e in plan.errors] == [(4, "1. Kysymys overall")]


def test_a_file_with_a_bad_row_stores_nothing(world: dict[str, Any]) -> None:
    parsed = parsing.parse(csv_bytes(*GOOD, *BAD))
    mapping = services.guess_mapping(items_of(world["version"]), parsed.header)
    with pytest.raises(ValidationError, match="mitään ei tallennettu"):
        services.import_commit(
            actor=world["lead"],
            version=world["version"],
            service_form=world["form"],
            file_name="webropol.csv",
            parsed=parsed,
            mapping=mapping,
        )
    with scopes_disabled():
        assert Response.objects.count() == 0 and ImportBatch.objects.count() == 0


def test_commit_stores_every_row_anonymously_once(world: dict[str, Any]) -> None:
    parsed = parsing.parse(csv_bytes(*GOOD))
    mapping = services.guess_mapping(items_of(world["version"]), parsed.header)
    kwargs = {
        "actor": world["lead"],
        "version": world["version"],
        "service_form": world["form"],
        "file_name": "webropol.csv",
        "parsed": parsed,
        "mapping": mapping,
    }
    batch = services.import_commit(**kwargs)
    with scopes_disabled():
        responses = list(Response.objects.filter(import_batch=batch).order_by("submitted_on"))
        assert batch.rows == 3 and len(responses) == 3
        assert [r.submitted_on for r in responses] == [
            dt.date(2026, 3, 1),
            dt.date(2026, 4, 1),
            dt.date(2026, 4, 1),
        ]
        assert all(r.anonymous and r.channel == "import" for r in responses)
        assert all(r.recorded_by_id == world["lead"].pk for r in responses)
        # 3 + 2 + 1 + 0 + 1 answers in row 2; 2 in row 3; 4 in row 4 → 5 + 2 + 4 = 11 rows.
        assert Answer.objects.filter(response__import_batch=batch).count() == 11
    with pytest.raises(ValidationError, match="jo tuotu"):
        services.import_commit(**kwargs)
    with scopes_disabled():
        assert Response.objects.count() == 3


# --- Views ----------------------------------------------------------------------------------


def test_import_through_the_pages(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["lead"])
    slug = world["form"].slug
    upload = client.post(
        reverse("surveys:import_new", args=[slug]),
        {
            "version": world["version"].pk,
            "file": SimpleUploadedFile("webropol.csv", csv_bytes(*GOOD, BAD[0]), "text/csv"),
        },
    )
    assert upload.status_code == 302
    mapping_url = reverse("surveys:import_mapping", args=[slug])
    page = client.get(mapping_url)
    assert page.status_code == 200
    columns = {
        f"col_{n}": v for n, v in enumerate(["__date__", "overall", "best", "topics", "free", ""])
    }
    dry = client.post(mapping_url, {**columns, "koeajo": "1"})
    assert dry.status_code == 400
    body = dry.content.decode()
    assert "Valitse arvo väliltä 1–5." in body and '<td class="num">5</td>' in body
    # Skip the bad column: the row's other answers are fine, and the mapping is kept.
    columns["col_1"] = ""
    dry = client.post(mapping_url, {**columns, "koeajo": "1"})
    assert dry.status_code == 200 and "Tallenna 4 vastausta" in dry.content.decode()
    saved = client.post(mapping_url, {**columns, "tallenna": "1"})
    assert saved.status_code == 302
    with scopes_disabled():
        assert Response.objects.filter(channel="import").count() == 4
        assert not Answer.objects.filter(item__code="overall").exists()
    assert "surveys_import" not in client.session


def test_upload_page_lists_earlier_imports_in_few_queries(
    client: Client, world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    for n in range(3):
        parsed = parsing.parse(csv_bytes(*GOOD[: n + 1]))
        services.import_commit(
            actor=world["lead"],
            version=world["version"],
            service_form=world["form"],
            file_name=f"webropol-{n}.csv",
            parsed=parsed,
            mapping=services.guess_mapping(items_of(world["version"]), parsed.header),
        )
    login_verified(client, world["lead"])
    with django_assert_max_num_queries(20):
        response = client.get(reverse("surveys:import_new", args=[world["form"].slug]))
    body = response.content.decode()
    assert all(f"webropol-{n}.csv" in body for n in range(3))


def test_a_worker_cannot_import(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["worker"])
    assert client.get(reverse("surveys:import_new", args=[world["form"].slug])).status_code == 404


def test_a_wrong_file_says_why(client: Client, world: dict[str, Any]) -> None:
    login_verified(client, world["lead"])
    response = client.post(
        reverse("surveys:import_new", args=[world["form"].slug]),
        {"version": world["version"].pk, "file": SimpleUploadedFile("x.csv", b"a;b\n", "text/csv")},
    )
    assert response.status_code == 400
    assert "otsikkorivi ja vähintään yksi vastausrivi" in response.content.decode()


@pytest.mark.parametrize("name", ["surveys:import_new", "surveys:import_mapping"])
def test_url_access_classes(name: str) -> None:
    assert access_class(resolve(reverse(name, args=["x"])).func) == "object_scoped"
