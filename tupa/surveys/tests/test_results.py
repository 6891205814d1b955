"""Feedback results (tupa.surveys.results): distributions, means, response rate, suppression,
free texts, access and the exports — every expectation computed by hand."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import resolve, reverse
from django_scopes import scopes_disabled
from openpyxl import load_workbook

from tupa.access.marks import access_class
from tupa.accounts.models import Role
from tupa.audit.models import AccessEvent
from tupa.core.tests.factories import ServiceFormFactory, client_in, org_role_user, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.surveys.models import Channel, Invitation, QuestionnaireVersion
from tupa.surveys.recording import clean_answers, response_record
from tupa.surveys.results import selectors, suppression
from tupa.surveys.tests.support import invitation_for, published_questionnaire

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 10)


def answer(
    version: QuestionnaireVersion,
    form: Any,
    raw: dict[str, Any],
    *,
    channel: str = Channel.KIOSK,
    day: dt.date = DAY,
    **links: Any,
) -> Any:
    cleaned, errors = clean_answers(version, raw, enforce_required=False)
    assert errors == {}
    anonymous = "episode" not in links
    response, _created = response_record(
        version=version,
        service_form=form,
        channel=channel,
        answers=cleaned,
        submission_key=uuid.uuid4().hex,
        anonymous=anonymous,
        submitted_on=day,
        recorded_by=links.pop("recorded_by", None),
        **links,
    )
    return response


@pytest.fixture
def world() -> dict[str, Any]:
    form = ServiceFormFactory.create(name="Ensikoti", slug="ensikoti")
    other = ServiceFormFactory.create(organisation=form.organisation, name="Alvari", slug="alvari")
    worker = worker_in(form)
    version = published_questionnaire(form, actor=worker)
    return {
        "form": form,
        "other": other,
        "worker": worker,
        "outsider": worker_in(other),
        "director": org_role_user(form.organisation, Role.EXECUTIVE_DIRECTOR),
        "version": version,
        "questionnaire": version.questionnaire,
    }


def five_answers(world: dict[str, Any]) -> None:
    """overall 5, 4, 4, 3, 5 → 3: 1, 4: 2, 5: 2; mean 4,2, median 4; best a, a, b, a, c."""
    for overall, best, free in (
        ("5", "a", "Hyvä paikka."),
        ("4", "a", ""),
        ("4", "b", "Aamut olivat kiireisiä."),
        ("3", "a", ""),
        ("5", "c", ""),
    ):
        raw = {"overall": overall, "best": best}
        if free:
            raw["free"] = free
        answer(world["version"], world["form"], raw)


def _results(world: dict[str, Any], user: Any, **kwargs: Any) -> selectors.Results:
    with scopes_disabled():
        return selectors.results_for(
            user=user,
            questionnaire=world["questionnaire"],
            forms=[world["form"]],
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 12, 31),
            **kwargs,
        )


def _item(results: selectors.Results, code: str) -> selectors.ItemResult:
    return next(i for i in results.forms[0].items if i.code == code)


def test_distribution_mean_and_median_for_a_worker_of_the_form(world: dict[str, Any]) -> None:
    five_answers(world)
    results = _results(world, world["worker"])
    block = results.forms[0]
    assert block.respondents == 5 and not block.suppressed
    overall = _item(results, "overall")
    assert [(r.value, r.display, r.percent) for r in overall.rows] == [
        ("1", "0", "0 %"),
        ("2", "0", "0 %"),
        ("3", "1", "20 %"),
        ("4", "2", "40 %"),
        ("5", "2", "40 %"),
    ]
    assert (overall.mean, overall.median) == ("4,2", "4,0")
    best = _item(results, "best")
    assert [(r.value, r.count) for r in best.rows] == [("a", 3), ("b", 1), ("c", 1)]
    assert 'role="img"' in str(overall.chart) and "<script" not in str(overall.chart)
    free = _item(results, "free")
    assert [t.text for t in free.texts] == ["Aamut olivat kiireisiä.", "Hyvä paikka."]


def test_the_director_outside_the_form_sees_small_cells_suppressed(world: dict[str, Any]) -> None:
    five_answers(world)
    results = _results(world, world["director"])
    block = results.forms[0]
    assert block.suppressed and block.respondents_display == "5"
    overall = _item(results, "overall")
    # 1, 2 and 2 are all under 5: primary; three hidden cells need no complementary one.
    assert [r.display for r in overall.rows] == ["0", "0", "< 5", "< 5", "< 5"]
    assert overall.answered_display == "5"
    # Five respondents, but the mean 4,2 beside three "< 5"s would give them away: 3a + 4b + 5c
    # = 21 with a + b + c = 5, each 1–4, only a = 1, b = 2, c = 2.
    assert (overall.mean, overall.median) == ("", "")
    assert overall.stats_withheld == selectors.PARTS_HIDDEN


def test_a_question_few_answered_hides_its_zeros_too(world: dict[str, Any]) -> None:
    """Five respondents, three of whom answered the optional questions, all with the first
    option. Outside the form "< 5", 0, 0 would say that everyone who answered chose it: the
    zeros are "< 5" too (ADR 0036), for a single choice (a one-way table) and a multiple one
    (whose choices add up to no total)."""
    for n in range(5):
        raw: dict[str, Any] = {"overall": "4"}
        if n < 3:
            raw |= {"best": "a", "topics": ["a"]}
        answer(world["version"], world["form"], raw)
    outside = _results(world, world["director"])
    for code in ("best", "topics"):
        item = _item(outside, code)
        assert [r.display for r in item.rows] == ["< 5", "< 5", "< 5"], code
        assert item.answered_display == "< 5", code
    inside = _item(_results(world, world["worker"]), "topics")
    assert [r.display for r in inside.rows] == ["3", "0", "0"]


def test_one_small_cell_gets_a_complementary_cell(world: dict[str, Any]) -> None:
    """overall 5 ×6, 4 ×5, 2 ×1 → 2: '< 5' (primary), 4 (5, the smaller) 'x'; and 5 (6) 'x'
    too: the total 12 minus a shown 6 would say '< 5' + 'x' = 6, which only 1 + 5 makes."""
    for overall in ["5"] * 6 + ["4"] * 5 + ["2"]:
        answer(world["version"], world["form"], {"overall": overall})
    scale = _item(_results(world, world["director"]), "overall")
    assert [r.display for r in scale.rows] == ["0", "< 5", "0", "x", "x"]
    assert all(r.percent == "" for r in scale.rows if r.hidden)
    assert scale.mean == "" and scale.stats_withheld == selectors.PARTS_HIDDEN


def test_the_mean_beside_hidden_parts_would_recover_them(world: dict[str, Any]) -> None:
    """The audit's case, in small: 25 answers, 2 ×2, 9 ×4, 14 ×5. Suppressed: "< 5", "x", 14,
    n 25. The mean 4,4 (110 / 25) and the median would add 2a + 4b = 40 to a + b = 11, whose
    only solution is a = 2, b = 9: the copy that leaves the form shows neither; the form's own
    worker sees both; with nothing hidden the mean is no secret and is shown."""
    for overall in ["2"] * 2 + ["4"] * 9 + ["5"] * 14:
        answer(world["version"], world["form"], {"overall": overall})
    outside = _item(_results(world, world["director"]), "overall")
    assert [r.display for r in outside.rows] == ["0", "< 5", "0", "x", "14"]
    assert (outside.mean, outside.median) == ("", "")
    assert outside.stats_withheld == selectors.PARTS_HIDDEN
    inside = _item(_results(world, world["worker"]), "overall")
    assert (inside.mean, inside.median, inside.stats_withheld) == ("4,4", "5,0", "")
    # Every part at least 5 (or 0): nothing hidden, the mean shown outside too.
    for overall in ["2"] * 3:
        answer(world["version"], world["form"], {"overall": overall})
    whole = _item(_results(world, world["director"]), "overall")
    assert [r.display for r in whole.rows] == ["0", "5", "0", "9", "14"]
    assert (whole.mean, whole.median) == ("4,1", "4,5")  # 116 / 28 = 4,14…; (4 + 5) / 2


def test_four_respondents_show_as_under_five_and_no_free_text(world: dict[str, Any]) -> None:
    for n in range(4):
        answer(world["version"], world["form"], {"overall": "4", "free": f"Kiitos {n}"})
    outside = _results(world, world["director"]).forms[0]
    assert outside.respondents_display == "< 5" and outside.withheld and outside.items == []
    inside = _results(world, world["worker"]).forms[0]
    assert inside.respondents_display == "4" and not inside.withheld
    free = next(i for i in inside.items if i.code == "free")
    assert free.texts == [] and free.texts_withheld == 4


def test_response_rate_counts_the_invitations_made_in_the_period(world: dict[str, Any]) -> None:
    """5 made in the period: 3 answered, 1 open, 1 cancelled (not counted) → 3 / 4 = 75 %;
    one made the year before does not count."""
    version, form, worker = world["version"], world["form"], world["worker"]
    made = [
        ("answered", 2026),
        ("answered", 2026),
        ("answered", 2026),
        ("open", 2026),
        ("cancelled", 2026),
        ("answered", 2025),
    ]
    with scopes_disabled():
        for status, year in made:
            invitation, _token = invitation_for(version, form, actor=worker)
            Invitation.objects.filter(pk=invitation.pk).update(
                status=status, created_at=dt.datetime(year, 3, 1, 12, tzinfo=dt.UTC)
            )
    block = _results(world, world["worker"]).forms[0]
    assert (block.invitations, block.invitations_answered, block.rate) == (4, 3, "75 %")


def test_items_are_matched_across_versions_by_code(world: dict[str, Any]) -> None:
    """Version 2 renames the question 'overall' and drops 'best'; results join the two."""
    v1 = world["version"]
    answer(v1, world["form"], {"overall": "2", "best": "a"})
    with scopes_disabled():
        from tupa.surveys.models import Item

        v2 = QuestionnaireVersion.objects.create(
            questionnaire=world["questionnaire"],
            number=2,
            title_fi="Uusi",
            status=QuestionnaireVersion.Status.PUBLISHED,
            published_at=dt.datetime(2026, 2, 1, tzinfo=dt.UTC),
        )
        Item.objects.create(
            version=v2, order=1, code="overall", kind="scale5", text_fi="Uusi sanamuoto"
        )
    answer(v2, world["form"], {"overall": "4"})
    results = _results(world, world["worker"])
    overall = _item(results, "overall")
    assert overall.text == "Uusi sanamuoto" and overall.versions == [1, 2]
    assert [r.count for r in overall.rows] == [0, 1, 0, 1, 0]
    assert _item(results, "best").versions == [1]
    assert results.forms[0].versions == [1, 2]
    only_v2 = _results(world, world["worker"], version=2)
    assert [r.count for r in _item(only_v2, "overall").rows] == [0, 0, 0, 1, 0]


def _linked(world: dict[str, Any]) -> Any:
    person, episode = client_in(world["form"])
    answer(
        world["version"],
        world["form"],
        {"overall": "5", "free": "Työntekijä kuunteli."},
        channel=Channel.IN_PERSON,
        episode=episode,
        person=person,
        recorded_by=world["worker"],
    )
    return person


def test_linked_free_text_only_for_those_who_see_the_episode(world: dict[str, Any]) -> None:
    five_answers(world)
    _linked(world)
    mine = _item(_results(world, world["worker"]), "free")
    assert "Työntekijä kuunteli." in [t.text for t in mine.texts]
    director = _item(_results(world, world["director"]), "free")
    assert "Työntekijä kuunteli." not in [t.text for t in director.texts]
    assert director.texts_hidden_linked == 1


def test_an_anonymous_text_among_linked_answers_is_withheld_until_five_are_anonymous(
    world: dict[str, Any],
) -> None:
    """Five linked answers and one anonymous: six respondents, but the linked ones are known,
    so the one anonymous text could only be the one other person's. Four more anonymous
    answers (five in all) hide it among them."""
    for _n in range(5):
        _linked(world)
    answer(world["version"], world["form"], {"overall": "3", "free": "Nimetön palaute."})
    free = _item(_results(world, world["worker"]), "free")
    assert _results(world, world["worker"]).forms[0].respondents == 6
    assert "Nimetön palaute." not in [t.text for t in free.texts]
    assert free.texts_withheld == 1
    for _n in range(4):
        answer(world["version"], world["form"], {"overall": "4"})
    free = _item(_results(world, world["worker"]), "free")
    assert "Nimetön palaute." in [t.text for t in free.texts]
    assert free.texts_withheld == 0


# --- Views ----------------------------------------------------------------------------------


def _url(world: dict[str, Any], name: str = "surveys:results") -> str:
    return reverse(name, kwargs={"pk": world["questionnaire"].pk}) + "?vuosi=2026"


def test_results_page_shows_the_figures_and_logs_the_linked_text(
    client: Client, world: dict[str, Any]
) -> None:
    five_answers(world)
    person = _linked(world)
    login_verified(client, world["worker"])
    response = client.get(_url(world))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Työntekijä kuunteli." in body and "Keskiarvo 4,3, mediaani 4,5." in body
    assert "<svg" in body and "<script>" not in body
    with scopes_disabled():
        assert AccessEvent.objects.filter(subject_id=person.pk, user=world["worker"]).count() == 1


def test_results_page_is_404_for_a_worker_of_another_form(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["outsider"])
    assert client.get(_url(world)).status_code == 404
    assert client.get(_url(world, "surveys:results_answers_csv")).status_code == 404


def test_a_wrong_custom_period_says_what_is_wrong_and_keeps_it(
    client: Client, world: dict[str, Any]
) -> None:
    login_verified(client, world["worker"])
    url = reverse("surveys:results", kwargs={"pk": world["questionnaire"].pk})
    response = client.get(
        url, {"vuosi": "2026", "jakso": "oma", "alku": "2026-05-01", "loppu": "2026-04-01"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Päättymispäivä on ennen alkamispäivää." in body and 'value="2026-05-01"' in body


def test_results_page_query_count_does_not_grow_with_answers(
    client: Client, world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    for _n in range(3):
        five_answers(world)
    login_verified(client, world["director"])
    with django_assert_max_num_queries(30):
        assert client.get(_url(world)).status_code == 200


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_summary_export_is_suppressed_even_for_the_unit(
    client: Client, world: dict[str, Any]
) -> None:
    five_answers(world)
    login_verified(client, world["worker"])
    rows = _csv_rows(client.get(_url(world, "surveys:results_summary_csv")).content)
    overall = {r[2]: r[3] for r in rows if len(r) > 3 and r[1] == "overall"}
    assert overall["3"] == "< 5" and overall["5"] == "< 5" and overall["Vastanneita"] == "5"


def test_answers_export_has_no_identifiers_and_the_month_only(
    client: Client, world: dict[str, Any]
) -> None:
    five_answers(world)
    _linked(world)
    login_verified(client, world["worker"])
    rows = _csv_rows(client.get(_url(world, "surveys:results_answers_csv")).content)
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "Rivi")
    header, data = rows[header_at], rows[header_at + 1 :]
    assert header[:6] == ["Rivi", "Kuukausi", "Työmuoto", "Versio", "Kanava", "Mittauspiste"]
    assert len(data) == 6 and {r[1] for r in data} == {"2026-03"}
    assert not any("10.3.2026" in c or "2026-03-10" in c for r in rows for c in r)
    xlsx = client.get(_url(world, "surveys:results_answers_xlsx"))
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Vastaukset", "Kysymykset", "Tiedot"]
    assert book["Vastaukset"].max_row == 7


def test_answers_export_cells_are_formula_safe(client: Client, world: dict[str, Any]) -> None:
    five_answers(world)
    answer(world["version"], world["form"], {"overall": "1", "free": '=HYPERLINK("x")'})
    login_verified(client, world["worker"])
    rows = _csv_rows(client.get(_url(world, "surveys:results_answers_csv")).content)
    cells = [c for r in rows for c in r]
    assert '\'=HYPERLINK("x")' in cells and '=HYPERLINK("x")' not in cells


def test_charts_have_no_style_or_script(world: dict[str, Any]) -> None:
    five_answers(world)
    chart = str(_item(_results(world, world["director"]), "overall").chart)
    assert chart.startswith("<svg") and "<title>" in chart
    assert "style" not in chart and "script" not in chart and "on" + "load" not in chart
    # A suppressed row has no bar: only the two shown rows (1 and 2, zero wide) have one.
    assert chart.count("<rect") == 2 and chart.count('<rect x="130" y="2" width="0"') == 1


def test_answers_export_leaves_out_a_form_under_the_threshold(
    client: Client, world: dict[str, Any]
) -> None:
    for _n in range(4):
        answer(world["version"], world["form"], {"overall": "4"})
    login_verified(client, world["worker"])
    rows = _csv_rows(client.get(_url(world, "surveys:results_answers_csv")).content)
    assert ["Jätetty pois (alle raja-arvon)", "Ensikoti"] in rows
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "Rivi")
    assert rows[header_at + 1 :] == []


def test_answers_export_leaves_out_anonymous_answers_too_few_to_hide_among(
    client: Client, world: dict[str, Any]
) -> None:
    """Five linked answers and one anonymous one: the form is exported, its anonymous row is
    not (the file says so); with five anonymous answers they are all in it."""
    for _n in range(5):
        _linked(world)
    answer(world["version"], world["form"], {"overall": "3"})
    login_verified(client, world["worker"])
    url = _url(world, "surveys:results_answers_csv")
    rows = _csv_rows(client.get(url).content)
    assert ["Nimettömät vastaukset jätetty pois (alle raja-arvon)", "Ensikoti"] in rows
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "Rivi")
    overall = rows[header_at].index("overall")
    assert sorted(r[overall] for r in rows[header_at + 1 :]) == ["5"] * 5
    for _n in range(4):
        answer(world["version"], world["form"], {"overall": "4"})
    rows = _csv_rows(client.get(url).content)
    assert not any(r and r[0].startswith("Nimettömät") for r in rows)
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "Rivi")
    assert sorted(r[overall] for r in rows[header_at + 1 :]) == ["3", *["4"] * 4, *["5"] * 5]


@pytest.mark.parametrize(
    "name",
    [
        "surveys:results",
        "surveys:results_answers_csv",
        "surveys:results_answers_xlsx",
        "surveys:results_summary_csv",
    ],
)
def test_url_access_classes(name: str) -> None:
    assert access_class(resolve(reverse(name, kwargs={"pk": 1})).func) == "object_scoped"


def test_index_lists_the_questionnaires_and_the_import(
    client: Client, world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    lead = worker_in(world["form"], role=Role.LEAD)
    login_verified(client, lead)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("surveys:results_index"))
    body = response.content.decode()
    assert response.status_code == 200
    assert reverse("surveys:results", kwargs={"pk": world["questionnaire"].pk}) in body
    assert reverse("surveys:import_new", args=[world["form"].slug]) in body
    login_verified(client, world["outsider"])
    body = client.get(reverse("surveys:results_index")).content.decode()
    assert reverse("surveys:results", kwargs={"pk": world["questionnaire"].pk}) not in body
    assert access_class(resolve(reverse("surveys:results_index")).func) == "login_only"


def test_threshold_comes_from_the_setting(settings: Any) -> None:
    settings.SURVEYS_SMALL_CELL = 3
    assert suppression.threshold() == 3 and suppression.is_small(2) and not suppression.is_small(3)


# --- Small anonymous groups within a period: by month and version ---------------------------
# An anonymous answer is known by its month (the export's column, the feedback list) and its
# version (a new version starts on a known day). Among five anonymous answers of March, the one
# anonymous answer of April is still alone in April: a year's export shows it on a row of its
# own month, and the year's text list minus the first quarter's is its text.

APRIL = dt.date(2026, 4, 14)


def _march_and_one_april(world: dict[str, Any]) -> None:
    for n in range(5):
        answer(world["version"], world["form"], {"overall": "4", "free": f"Maaliskuu {n}."})
    answer(world["version"], world["form"], {"overall": "1", "free": "Huhtikuu yksin."}, day=APRIL)


def _export_rows(client: Client, world: dict[str, Any], query: str = "?vuosi=2026") -> Any:
    url = reverse("surveys:results_answers_csv", kwargs={"pk": world["questionnaire"].pk})
    rows = _csv_rows(client.get(url + query).content)
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "Rivi")
    return rows[:header_at], rows[header_at], rows[header_at + 1 :]


def test_answers_export_leaves_out_an_anonymous_answer_alone_in_its_month(
    client: Client, world: dict[str, Any]
) -> None:
    _march_and_one_april(world)
    login_verified(client, world["worker"])
    head, _header, data = _export_rows(client, world)
    assert {r[1] for r in data} == {"2026-03"} and len(data) == 5
    assert not any("Huhtikuu yksin." in c for r in data for c in r)
    assert any(r and r[0].startswith("Nimettömät vastaukset jätetty pois") for r in head)
    xlsx = client.get(
        reverse("surveys:results_answers_xlsx", kwargs={"pk": world["questionnaire"].pk})
        + "?vuosi=2026"
    )
    sheet = load_workbook(io.BytesIO(xlsx.content))["Vastaukset"]
    assert "Huhtikuu yksin." not in [c.value for row in sheet.iter_rows() for c in row]
    # Four more in April: the month hides each of them, and they are exported.
    for _n in range(4):
        answer(world["version"], world["form"], {"overall": "2"}, day=APRIL)
    _head, _header, data = _export_rows(client, world)
    assert len(data) == 10 and any("Huhtikuu yksin." in c for r in data for c in r)


def test_results_texts_cannot_be_dated_by_comparing_two_periods(world: dict[str, Any]) -> None:
    _march_and_one_april(world)
    year = _item(_results(world, world["worker"]), "free")
    with scopes_disabled():
        quarter = selectors.results_for(
            user=world["worker"],
            questionnaire=world["questionnaire"],
            forms=[world["form"]],
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 3, 31),
        )
    first_quarter = {t.text for t in _item(quarter, "free").texts}
    assert len(first_quarter) == 5
    assert {t.text for t in year.texts} - first_quarter == set()
    assert year.texts_withheld == 1


def test_an_anonymous_answer_alone_in_its_version_is_not_exported(
    client: Client, world: dict[str, Any]
) -> None:
    with scopes_disabled():
        from tupa.surveys.models import Item

        v2 = QuestionnaireVersion.objects.create(
            questionnaire=world["questionnaire"],
            number=2,
            title_fi="Uusi",
            status=QuestionnaireVersion.Status.PUBLISHED,
            published_at=dt.datetime(2026, 3, 20, tzinfo=dt.UTC),
        )
        Item.objects.create(version=v2, order=1, code="overall", kind="scale5", text_fi="Uusi")
        Item.objects.create(version=v2, order=2, code="free", kind="text", text_fi="Vapaa")
    for _n in range(5):
        answer(world["version"], world["form"], {"overall": "4"})
    answer(v2, world["form"], {"overall": "1", "free": "Ainoa uuden version vastaus."})
    login_verified(client, world["worker"])
    _head, header, data = _export_rows(client, world)
    assert {r[header.index("Versio")] for r in data} == {"1"} and len(data) == 5
    free = _item(_results(world, world["worker"]), "free")
    assert "Ainoa uuden version vastaus." not in [t.text for t in free.texts]


def test_an_anonymous_answer_alone_in_its_channel_is_not_exported(
    client: Client, world: dict[str, Any]
) -> None:
    """The export shows each row's channel: one oral feedback among five kiosk answers of the
    month is alone in it."""
    for _n in range(5):
        answer(world["version"], world["form"], {"overall": "4"})
    answer(
        world["version"],
        world["form"],
        {"overall": "1", "free": "Kerroin tämän suullisesti."},
        channel=Channel.ORAL,
        recorded_by=world["worker"],
    )
    login_verified(client, world["worker"])
    _head, header, data = _export_rows(client, world)
    assert {r[header.index("Kanava")] for r in data} == {"kioski"} and len(data) == 5


def test_a_text_hidden_in_the_feedback_list_is_hidden_on_the_results_page_too(
    client: Client, world: dict[str, Any]
) -> None:
    """The feedback list withholds the text of the one oral feedback among five kiosk answers
    (its channel is shown there); were it on the results page, the text missing from the list
    would be that oral feedback's. Both pages count the same groups."""
    for n in range(5):
        answer(world["version"], world["form"], {"overall": "4", "free": f"Kioskilla {n}."})
    answer(
        world["version"],
        world["form"],
        {"overall": "1", "free": "Kerroin tämän suullisesti."},
        channel=Channel.ORAL,
        recorded_by=world["worker"],
    )
    free = _item(_results(world, world["worker"]), "free")
    assert sorted(t.text for t in free.texts) == [f"Kioskilla {n}." for n in range(5)]
    assert free.texts_withheld == 1
    login_verified(client, world["worker"])
    listed = client.get(reverse("surveys:feedback", args=[world["form"].slug])).content.decode()
    assert "Kioskilla 0." in listed and "Kerroin tämän suullisesti." not in listed
