"""``{% service_form_links service_form %}``: the links the apps registered for a form's page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from tupa.core import registry

register = template.Library()


@register.simple_tag(takes_context=True)
def service_form_links(context: template.Context, service_form: Any) -> SafeString:
    """Each registered link template that applies to ``service_form``, rendered like an include."""
    engine = context.template.engine  # type: ignore[union-attr]
    parts = []
    for entry in registry.service_form_links.all():
        if entry.applies(service_form):
            with context.push():
                parts.append(engine.get_template(entry.template).render(context))
    return mark_safe("".join(parts))  # noqa: S308 - each part is an autoescaped template rendering
