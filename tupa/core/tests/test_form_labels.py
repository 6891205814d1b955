"""One rule for form labels (issue 10): a label never ends in a colon.

The field templates (``forms/_field.html`` and its siblings) render the label without Django's
``label_suffix``, and no label in any form of the project carries a colon of its own — in any of
the three languages.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator

import pytest
from django import forms
from django.template.loader import render_to_string
from django.utils import translation

import tupa

LANGUAGES = ("fi", "sv", "en")
FIELD_TEMPLATES = ("forms/_field.html",)


def _form_modules() -> Iterator[str]:
    for module in pkgutil.walk_packages(tupa.__path__, prefix="tupa."):
        name = module.name
        if ".tests" in name or ".migrations" in name:
            continue
        # ``x/forms.py``, ``x/journal_forms.py``, and every module of a ``forms`` package.
        if any(part.endswith("forms") for part in name.split(".")[2:]):
            yield name


def _form_classes() -> list[type[forms.BaseForm]]:
    found: list[type[forms.BaseForm]] = []
    for name in _form_modules():
        module = importlib.import_module(name)
        for _attr, value in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(value, forms.BaseForm)
                and value.__module__ == name
                and hasattr(value, "base_fields")
            ):
                found.append(value)
    return found


def test_the_project_has_forms_to_check() -> None:
    modules = list(_form_modules())
    for app in ("tupa.episodes.", "tupa.residential."):
        assert any(name.startswith(app) for name in modules), app
    assert len(_form_classes()) > 40


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_form_label_ends_with_a_colon(language: str) -> None:
    offenders = []
    with translation.override(language):
        for form_class in _form_classes():
            for field_name, field in form_class.base_fields.items():
                label = str(field.label) if field.label is not None else ""
                if label.rstrip().endswith(":"):
                    offenders.append(f"{form_class.__module__}.{form_class.__name__}.{field_name}")
    assert offenders == []


class _PlainForm(forms.Form):
    """Django's defaults: ``label_suffix`` is ":"."""

    name = forms.CharField(label="Nimi")
    agreed = forms.BooleanField(label="Hyväksyn", required=False)


@pytest.mark.parametrize("template", FIELD_TEMPLATES)
def test_field_templates_never_add_a_colon(template: str) -> None:
    form = _PlainForm()
    for bound in form:
        html = render_to_string(template, {"field": bound, "form": form})
        assert f">{bound.label}</label>" in html, html
        assert f"{bound.label}:" not in html
