"""Choice labels for display, translated once per language instead of on every display.

Django gives every model field with choices a ``get_<field>_display()`` method, which builds a
dictionary of the field's choices on every call: each lazy label is translated again just to be
hashed (``make_hashable``). A client list of 25 episodes showing each one's status (4 choices) and
referral source (13) translated 425 labels per request, about a sixth of the page's time.

:func:`install` (called by ``CoreConfig.ready()``, when every model is loaded) replaces the
methods Django generated — never a method a model defines itself — with :func:`display`, which
reads a table of the field's labels kept per language (:func:`labels`). The result is the same
as Django's for every value (``tupa/core/tests/test_choices.py`` compares them for every field
of every model in every language); a value that cannot be a dictionary key falls back to
Django's own method. ADR 0019.
"""

from __future__ import annotations

from functools import cache, partialmethod
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.encoding import force_str
from django.utils.translation import get_language


@cache
def labels(field: models.Field[Any, Any], language: str | None) -> dict[Any, str]:
    """``value → label`` of ``field``'s choices in ``language`` (the active one when asked)."""
    return {value: force_str(label, strings_only=True) for value, label in field.flatchoices}


def display(instance: models.Model, *, field: models.Field[Any, Any]) -> Any:
    """``get_<field>_display()``: the label of the instance's value, or the value itself."""
    value = getattr(instance, field.attname)
    try:
        return force_str(labels(field, get_language()).get(value, value), strings_only=True)
    except TypeError:  # an unhashable value: Django's own lookup makes it hashable
        return instance._get_FIELD_display(field)  # type: ignore[attr-defined]


def _generated_by_django(model: type[models.Model], name: str) -> bool:
    method = model.__dict__.get(name)
    generated = models.Model._get_FIELD_display  # type: ignore[attr-defined]
    return isinstance(method, partialmethod) and method.func is generated


def install() -> None:
    """Replace Django's generated ``get_<field>_display`` of every field with fixed choices."""
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.fields:
            name = f"get_{field.name}_display"
            if not isinstance(field.choices, list | tuple):  # none, or computed when asked
                continue
            if field.model is model and _generated_by_django(model, name):
                setattr(model, name, partialmethod(display, field=field))
