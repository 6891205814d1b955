"""Configuration admin of residential services: only the places (no client data here).

Stays and their members are client data: they are read and written only through the
permission-checked, logged screens and :mod:`tupa.residential.services`.
"""

from __future__ import annotations

from django.contrib import admin

from tupa.organisations.admin import ConfigurationAdmin

from .models import Place


def place_rules(instance: Place) -> dict[str, list[str]]:
    from django.utils.translation import gettext as _

    errors: dict[str, list[str]] = {}
    if instance.service_form_id:
        form = instance.service_form
        if form.organisation_id != instance.organisation_id:
            errors["service_form"] = [_("Valittu kohde kuuluu toiseen organisaatioon.")]
        elif form.kind != "residential":
            errors["service_form"] = [_("Paikkoja voi lisätä vain asumispalveluun.")]
    return errors


@admin.register(Place)
class PlaceAdmin(ConfigurationAdmin):
    list_display = ("name", "code", "service_form", "kind", "capacity", "active", "order")
    list_filter = ("service_form", "kind", "active")
    search_fields = ("name", "code")
    business_rules = place_rules
