"""A field hidden from the viewer keeps its stored value: :class:`tupa.core.forms.HidingFieldsMixin`."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms

from tupa.core.forms import HidingFieldsMixin
from tupa.organisations.models import Municipality

pytestmark = pytest.mark.django_db


class _PayerForm(HidingFieldsMixin, forms.Form):
    payer = forms.ModelChoiceField(queryset=Municipality.objects.all(), empty_label="Ei valittu")
    note = forms.CharField(required=False)


def _municipality() -> Municipality:
    home, _created = Municipality.objects.get_or_create(
        code="999", defaults={"name_fi": "Piilokunta", "name_sv": "Piilokunta"}
    )
    return home


def test_a_hidden_field_is_not_shown_preselected_or_required() -> None:
    home = _municipality()
    form = _PayerForm(initial={"payer": home.pk, "note": "x"})
    form.hide_fields("payer", placeholder="Suojattu tieto")
    assert form.initial == {"note": "x"}
    html = str(form["payer"])
    assert "Suojattu tieto" in html and "Ei valittu" not in html
    assert f'value="{home.pk}" selected' not in html
    bound = _PayerForm({"payer": "", "note": "y"})
    bound.hide_fields("payer", placeholder="Suojattu tieto")
    assert bound.is_valid(), bound.errors
    # Left empty, the hidden field is not saved: the record keeps the value it has.
    assert bound.keeping_hidden(bound.cleaned_data) == {"note": "y"}


def test_a_chosen_value_and_an_empty_shown_field_are_saved() -> None:
    home = _municipality()
    chosen = _PayerForm({"payer": str(home.pk), "note": ""})
    chosen.hide_fields("payer", placeholder="Suojattu tieto")
    assert chosen.is_valid(), chosen.errors
    assert chosen.keeping_hidden(chosen.cleaned_data) == {"payer": home, "note": ""}
    # Nothing hidden: an empty value is a value (it clears the field), and it is required.
    shown: Any = _PayerForm({"payer": "", "note": ""})
    assert not shown.is_valid()
    assert shown.keeping_hidden({"payer": None, "note": ""}) == {"payer": None, "note": ""}
