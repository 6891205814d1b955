"""Configuration admin of scheduling: the rooms (no client data here).

Appointments are client data: they are read and written only through the permission-checked,
logged screens and :mod:`tupa.scheduling.services`. Room bookings have their own screens.
"""

from __future__ import annotations

from django.contrib import admin

from tupa.organisations.admin import ConfigurationAdmin

from .models import Room


def room_rules(instance: Room) -> dict[str, list[str]]:
    from django.utils.translation import gettext as _

    errors: dict[str, list[str]] = {}
    form = instance.service_form if instance.service_form_id else None
    if form is not None and form.organisation_id != instance.organisation_id:
        errors["service_form"] = [_("Valittu kohde kuuluu toiseen organisaatioon.")]
    if instance.hourly_price is not None and not instance.rentable:
        errors["hourly_price"] = [_("Tuntihinta annetaan vain vuokrattavalle tilalle.")]
    return errors


@admin.register(Room)
class RoomAdmin(ConfigurationAdmin):
    list_display = ("name", "service_form", "capacity", "rentable", "hourly_price", "active")
    list_filter = ("service_form", "rentable", "active")
    search_fields = ("name",)
    business_rules = room_rules
