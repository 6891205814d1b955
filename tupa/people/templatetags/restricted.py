"""Template tags for restricted (turvakielto) fields.

Usage::

    {% load restricted %}
    {% restricted_field person "street_address" restricted_ids %}

renders the field's value, or the neutral placeholder "Suojattu tieto" when the person's id is in
``restricted_ids`` (from :func:`tupa.people.restrictions.restricted_person_ids`). The placeholder
is the same whether or not the field holds a value, so an empty field leaks nothing.
"""

from __future__ import annotations

from collections.abc import Container
from typing import Any

from django import template
from django.utils.translation import gettext

from tupa.people.models import RESTRICTED_FIELDS

register = template.Library()


def placeholder() -> str:
    return gettext("Suojattu tieto")


@register.simple_tag
def restricted_field(person: Any, field: str, restricted_ids: Container[int] | None) -> str:
    """The value of ``person.<field>``, or the placeholder when the person is restricted.

    A restricted field is also hidden when ``restricted_ids`` is missing (None): a template
    that forgot to pass the ids fails safe. Non-restricted fields render normally.
    """
    if field in RESTRICTED_FIELDS and (restricted_ids is None or person.pk in restricted_ids):
        return placeholder()
    value = getattr(person, field, "")
    if value is None:
        return ""
    return str(value)  # auto-escaped by simple_tag


@register.simple_tag
def restricted_placeholder() -> str:
    return placeholder()
