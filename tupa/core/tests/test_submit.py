"""tupa.core.forms.submit: the bind → service → errors step of a form view; saved_redirect and
form_page, the steps around it of a form page that posts to itself."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tupa.core.forms import form_page, saved_redirect, submit


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


# --------------------------------------------------------------------------- saved_redirect


def _request(rf: Any, method: str, data: dict[str, str] | None = None) -> Any:
    request = rf.post("/", data or {}) if method == "POST" else rf.get("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_a_get_saves_nothing_and_the_form_page_answers_200(rf: Any) -> None:
    called: list[bool] = []
    request = _request(rf, "GET")
    form = NameForm(None)
    assert saved_redirect(request, form, called.append, next_url="/valmis/") is None
    assert called == []
    assert form_page(request, "forms/_field.html", form, {"field": form["name"]}).status_code == 200


def test_a_saved_form_says_so_and_goes_to_the_page_of_what_was_saved(rf: Any) -> None:
    request = _request(rf, "POST", {"name": "Aino"})
    response = saved_redirect(
        request,
        NameForm(request.POST),
        lambda data: 7,
        next_url=lambda pk: f"/kohde/{pk}/",
        success="Tallennettu.",
    )
    assert response is not None and response.status_code == 302
    assert response["Location"] == "/kohde/7/"
    assert [str(m) for m in get_messages(request)] == ["Tallennettu."]


def test_a_refused_form_is_shown_again_with_400_and_no_message(rf: Any) -> None:
    def reject(_data: dict[str, Any]) -> None:
        raise ValidationError({"name": "Nimi on jo käytössä."})

    request = _request(rf, "POST", {"name": "Aino"})
    form = NameForm(request.POST)
    assert saved_redirect(request, form, reject, next_url="/", success="Tallennettu.") is None
    assert list(get_messages(request)) == []
    assert form_page(request, "forms/_field.html", form, {"field": form["name"]}).status_code == 400


def test_a_refusal_after_the_access_check_answers_404_when_asked(rf: Any) -> None:
    request = _request(rf, "POST", {"name": "Aino"})
    with pytest.raises(Http404):
        saved_redirect(request, NameForm(request.POST), _refuse, next_url="/", denied_as_404=True)
