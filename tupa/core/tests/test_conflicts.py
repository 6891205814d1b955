"""tupa.core.conflicts and the form step that shows a conflict: one check of the version the
user saw, one error, one message, and a form that keeps what was typed and moves on to the
saved version (so saving again is deliberate) with 409."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django import forms
from django.http import QueryDict
from django.test import RequestFactory
from django.utils import translation

from tupa.core.conflicts import MESSAGE, VersionConflict, ensure_version
from tupa.core.forms import (
    VERSION_MISSING,
    conflict_of,
    form_status,
    posted_status,
    show_conflict,
    submit,
    version_field,
)

pytestmark = pytest.mark.db_neutral


@dataclass
class Row:
    version: int
    text: str = "tallennettu"


class NoteForm(forms.Form):
    text = forms.CharField()
    version = version_field()


def _saving(row: Row) -> Any:
    """A service that locks ``row`` and saves what was typed when the version still matches."""

    def save(data: dict[str, Any]) -> Row:
        ensure_version(row, data["version"])
        row.text, row.version = data["text"], row.version + 1
        return row

    return save


def test_the_same_version_or_none_passes_and_another_raises_with_the_saved_row() -> None:
    row = Row(version=3)
    ensure_version(row, 3)
    ensure_version(row, None)  # a save with no form behind it
    with pytest.raises(VersionConflict) as caught:
        ensure_version(row, 2)
    assert caught.value.current is row and caught.value.version == 3


def test_a_version_other_than_the_rows_own_can_be_given() -> None:
    conflict = VersionConflict(Row(version=3), version="a1b2")
    assert conflict.version == "a1b2"


def test_the_message_is_one_finnish_sentence_pair_for_every_form() -> None:
    with translation.override("fi"):
        assert VersionConflict(Row(version=1)).message == (
            "Joku muu on tallentanut muutoksia sillä välin, kun täytit lomaketta. Kirjoittamasi "
            "tiedot ovat yhä lomakkeella, mutta niitä ei tallennettu. Tarkista ajantasaiset tiedot "
            "ja tallenna uudelleen."
        )
    assert str(MESSAGE)


def test_submit_shows_a_conflict_keeps_what_was_typed_and_moves_the_version_on() -> None:
    row = Row(version=2)  # somebody saved after the form was loaded at version 1
    form = NoteForm(QueryDict("text=minun+tekstini&version=1"))
    done = submit(form, _saving(row))
    assert not done.ok and done.conflict is not None and done.conflict.current is row
    assert conflict_of(form) is done.conflict
    assert form.non_field_errors() == [str(MESSAGE)]
    assert form["text"].value() == "minun tekstini"
    assert form["version"].value() == "2"
    assert form_status(form) == 409
    assert row.text == "tallennettu"  # nothing was stored
    # Saving again from the form shown goes through.
    again = NoteForm(form.data)
    assert submit(again, _saving(row)).ok
    assert (row.text, row.version) == ("minun tekstini", 3)


def test_a_form_rebuilt_on_the_saved_row_shows_the_conflict_under_its_prefix() -> None:
    form = NoteForm({"note-text": "uusi", "note-version": "1"}, prefix="note")
    show_conflict(form, VersionConflict(Row(version=5)))
    assert form["version"].value() == "5" and form["text"].value() == "uusi"
    assert form.non_field_errors() == [str(MESSAGE)]


def test_a_named_version_input_moves_on() -> None:
    class BasicForm(forms.Form):
        answer = forms.CharField()
        episode_version = version_field()

    form = BasicForm({"answer": "kyllä", "episode_version": "1"})
    done = submit(
        form, lambda _data: ensure_version(Row(version=4), 1), version_field="episode_version"
    )
    assert done.conflict is not None and form["episode_version"].value() == "4"


def test_a_refused_or_unposted_form_is_not_a_conflict() -> None:
    refused = NoteForm({"text": "", "version": "1"})
    assert not submit(refused, _saving(Row(version=1))).ok
    assert conflict_of(refused) is None and form_status(refused) == 400
    assert form_status(NoteForm()) == 200
    rf = RequestFactory()
    assert posted_status(rf.get("/"), None) == 200
    assert posted_status(rf.post("/"), None) == 400
    assert posted_status(rf.post("/"), refused) == 400


def test_a_missing_version_is_a_clear_message_not_a_silent_overwrite() -> None:
    form = NoteForm({"text": "teksti"})
    assert not form.is_valid()
    assert form.errors["version"] == [str(VERSION_MISSING)]
    optional = version_field(required=False)
    assert optional.clean("") is None
