"""The shared question renderer (tupa.surveys.rendering and surveys/_questions.html)."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.template.loader import render_to_string
from django_scopes import scopes_disabled

from tupa.core.tests.factories import ServiceFormFactory, worker_in
from tupa.surveys.models import Item, Section
from tupa.surveys.recording import clean_answers
from tupa.surveys.rendering import questions
from tupa.surveys.tests.support import published_questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture
def version():  # type: ignore[no-untyped-def]
    form = ServiceFormFactory.create()
    return published_questionnaire(form, actor=worker_in(form))


def _items(sections):  # type: ignore[no-untyped-def]
    return {item.code: item for section in sections for item in section.items}


def test_every_kind_gets_its_choices_in_the_asked_language(version) -> None:  # type: ignore[no-untyped-def]
    sections = questions(version, language="sv")
    assert [s.title for s in sections] == ["Kokemuksesi"]  # no Swedish title: Finnish fallback
    items = _items(sections)
    assert list(items) == ["overall", "recommend", "mood", "helped", "best", "topics", "free"]
    assert items["overall"].text == "Fråga overall"
    assert [c.value for c in items["overall"].choices] == ["1", "2", "3", "4", "5"]
    assert [c.value for c in items["recommend"].choices] == [str(n) for n in range(11)]
    assert [(c.value, c.smiley) for c in items["mood"].choices] == [("1", 1), ("2", 2), ("3", 3)]
    assert [c.value for c in items["helped"].choices] == ["yes", "no"]
    assert [c.label for c in items["best"].choices] == [
        "Vaihtoehto a",
        "Vaihtoehto b",
        "Vaihtoehto c",
    ]
    assert items["free"].choices == ()
    assert items["overall"].required and not items["recommend"].required


def test_posted_values_and_errors_come_back(version) -> None:  # type: ignore[no-untyped-def]
    posted = QueryDict(mutable=True)
    posted.setlist("topics", ["a", "c"])
    posted["mood"] = "3"
    posted["free"] = "Hyvä <b>paikka</b>"
    _cleaned, errors = clean_answers(version, posted)
    assert set(errors) == {"overall"}
    items = _items(questions(version, language="fi", values=posted, errors=errors))
    assert [c.checked for c in items["topics"].choices] == [True, False, True]
    assert [c.checked for c in items["mood"].choices] == [False, False, True]
    assert items["free"].value == "Hyvä <b>paikka</b>"
    assert items["overall"].error == "Vastaa tähän kysymykseen."
    assert items["overall"].describedby == "q-overall-hint q-overall-error"


def test_partial_renders_accessible_fields(version) -> None:  # type: ignore[no-untyped-def]
    posted = {"mood": "1", "free": "<script>x</script>"}
    _cleaned, errors = clean_answers(version, posted)
    html = render_to_string(
        "surveys/_questions.html",
        {"sections": questions(version, language="en", values=posted, errors=errors)},
    )
    assert "<form" not in html and "style=" not in html and "<script>" not in html
    assert 'lang="en"' in html
    assert html.count("<fieldset") == 6  # every item but the free text
    assert '<label for="q-free-input"' in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert 'name="topics" id="q-topics-0" value="a"' in html and 'type="checkbox"' in html
    assert 'name="helped" id="q-helped-0" value="yes"' in html
    assert 'id="q-mood-0" value="1" checked' in html
    assert "Sad" in html or "Surullinen" in html  # the word, not just a face
    assert '<a href="#q-overall-0">' in html  # error summary links to the first radio
    assert 'aria-describedby="q-overall-hint q-overall-error"' in html
    assert "(required)" in html or "(pakollinen)" in html


def test_child_friendly_and_sections_in_order(version) -> None:  # type: ignore[no-untyped-def]
    with scopes_disabled():
        version.child_friendly = True
        version.save()
        first = Section.objects.create(version=version, order=0, title_fi="Alku", title_en="Start")
        Item.objects.filter(version=version, code="free").update(section=first)
        Item.objects.create(
            version=version, code="loose", kind="text", text_fi="Irrallinen", order=99
        )
    sections = questions(version, language="en")
    assert [s.title for s in sections] == ["", "Start", "Kokemuksesi"]
    assert [[i.code for i in s.items] for s in sections][:2] == [["loose"], ["free"]]
    html = render_to_string("surveys/_questions.html", {"sections": sections})
    assert "questions--child" in html


def test_no_items_renders_nothing(version) -> None:  # type: ignore[no-untyped-def]
    with scopes_disabled():
        Item.objects.filter(version=version).delete()
    assert questions(version, language="fi") == []
    assert render_to_string("surveys/_questions.html", {"sections": []}).strip() == ""


def test_two_queries(version, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    with django_assert_num_queries(2):
        questions(version, language="fi")
