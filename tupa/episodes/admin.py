"""Configuration admin of the episodes app: only the basic-information form definitions.

Client data (episodes, participants, referrals, the journal) is never in the admin: it is read
and written only through the permission-checked, logged screens.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from tupa.organisations.admin import ConfigurationAdmin

from .basic_info import definition_errors, ensikoti_admission_reasons_definition
from .models import BasicFormDefinition


def basic_form_definition_errors(instance: BasicFormDefinition) -> dict[str, list[str]]:
    """Business rules of the admin form: a valid field list, a same-organisation form."""
    errors: dict[str, list[str]] = {}
    messages = definition_errors(instance.fields)
    if messages:
        errors["fields"] = messages
    service_form = getattr(instance, "service_form", None) if instance.service_form_id else None
    if service_form is not None and service_form.organisation_id != instance.organisation_id:
        errors["service_form"] = [str(_("Valitse oman organisaation työmuoto."))]
    return errors


class PrettyJSONField(forms.JSONField):
    """Shows the field list indented, so that it can be edited by hand."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2)


@admin.register(BasicFormDefinition)
class BasicFormDefinitionAdmin(ConfigurationAdmin):
    business_rules = staticmethod(basic_form_definition_errors)
    list_display = ("title", "service_form", "version", "active")
    list_filter = ("active", "service_form")
    search_fields = ("title",)
    list_select_related = ("service_form",)
    ordering = ("service_form__name", "-version")

    def formfield_for_dbfield(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        if db_field.name == "fields":
            example = json.dumps(
                ensikoti_admission_reasons_definition()[:1], ensure_ascii=False, indent=2
            )
            return PrettyJSONField(
                label=db_field.verbose_name,
                required=False,
                widget=forms.Textarea(attrs={"rows": 24, "cols": 100}),
                help_text=_(
                    "JSON-lista kentistä. Jokaisella kentällä on tunniste (code), otsikko "
                    '(label, teksti tai {"fi", "sv", "en"}), tyyppi (type: choice, multi, '
                    "text, bool tai date), pakollisuus (required) ja valintakentillä "
                    "vaihtoehdot (options). Esimerkki: %(example)s"
                )
                % {"example": escape(example)},
                error_messages={"invalid": _("Kentät eivät ole kelvollista JSONia.")},
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)
