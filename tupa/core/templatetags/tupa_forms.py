"""Template filters for the project's field templates (``forms/_field.html`` and siblings).

Usage::

    {% load tupa_forms %}
    {{ field|label_tag }}

The one rule for labels: a label never ends in a colon. Django's ``label_tag`` appends the form's
``label_suffix`` (":" by default); the field templates render every label through this filter, so
no form has to remember to switch the suffix off.
"""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def label_tag(field: BoundField) -> SafeString:
    """``field.label_tag`` without a suffix."""
    return field.label_tag(label_suffix="")
