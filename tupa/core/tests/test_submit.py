"""tupa.core.forms.submit: the bind → service → errors step of a form view."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tupa.core.forms import submit


class NameForm(forms.Form):
    name = forms.CharField()


def _refuse(_data: dict[str, Any]) -> None:
    raise PermissionDenied("ei oikeutta")


def test_the_service_gets_the_cleaned_data_and_its_value_comes_back() -> None:
    done = submit(NameForm({"name": " Aino "}), lambda data: data["name"].upper())
    assert done.ok and done.value == "AINO"


def test_a_validation_error_goes_next_to_its_field_and_the_input_stays() -> None:
    def reject(_data: dict[str, Any]) -> None:
        raise ValidationError({"name": "Nimi on jo käytössä."})

    form = NameForm({"name": "Aino"})
    done = submit(form, reject)
    assert not done.ok
    assert form.errors == {"name": ["Nimi on jo käytössä."]}
    assert form["name"].value() == "Aino"


def test_an_invalid_form_never_calls_the_service() -> None:
    called: list[bool] = []
    assert not submit(NameForm({}), lambda data: called.append(True)).ok
    assert called == []


def test_a_refusal_stays_a_refusal_unless_the_view_asks_for_404() -> None:
    with pytest.raises(PermissionDenied):
        submit(NameForm({"name": "Aino"}), _refuse)
    with pytest.raises(Http404):
        submit(NameForm({"name": "Aino"}), _refuse, denied_as_404=True)
