"""Choice labels (tupa/core/choices.py): the same as Django's own get_<field>_display, for every
field with choices of every model, in every language, and for a value that is not a choice."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import translation

from tupa.core import choices


def _fields_with_choices() -> list[tuple[type[models.Model], models.Field[Any, Any]]]:
    return [
        (model, field)
        for model in apps.get_models(include_auto_created=True)
        for field in model._meta.fields
        if field.choices is not None and field.model is model
    ]


def test_every_generated_display_method_is_replaced() -> None:
    fields = _fields_with_choices()
    assert len(fields) > 100  # the check below looks at something
    for model, field in fields:
        method = getattr(model, f"get_{field.name}_display")
        assert method.__name__ == "_method" and not choices._generated_by_django(
            model, f"get_{field.name}_display"
        ), (model, field.name)


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_labels_are_djangos_in_every_language(language: str) -> None:
    with translation.override(language):
        for model, field in _fields_with_choices():
            instance = model()
            for value in [*(v for v, _label in field.flatchoices), "ei-ole-valinta", None]:
                setattr(instance, field.attname, value)
                ours = getattr(instance, f"get_{field.name}_display")()
                django = models.Model._get_FIELD_display(instance, field)  # type: ignore[attr-defined]
                assert ours == django and type(ours) is type(django), (model, field.name, value)


def test_the_label_follows_the_active_language() -> None:
    from tupa.episodes.models import Episode

    episode = Episode(status=Episode.Status.ACTIVE)
    with translation.override("fi"):
        finnish = episode.get_status_display()
    with translation.override("en"):
        english = episode.get_status_display()
    assert finnish != english
    with translation.override("fi"):
        assert episode.get_status_display() == finnish


def test_an_unhashable_value_falls_back_to_django() -> None:
    from tupa.episodes.models import Episode

    episode = Episode()
    episode.status = ["active"]  # type: ignore[assignment]
    assert episode.get_status_display() == "['active']"  # as Django's own method answers
