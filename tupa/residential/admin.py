"""Configuration admin of residential services: only the places (no client data here).

Stays and their members are client data: they are read and written only through the
permission-checked, logged screens and :mod:`tupa.residential.stays.services`.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import admin

from tupa.organisations.admin import ConfigurationAdmin
from tupa.residential.models import Place, Stay


def place_rules(instance: Place) -> dict[str, list[str]]:
    from django.db.models import Q
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from tupa.core.wallclock import local_midnight

    errors: dict[str, list[str]] = {}
    if instance.service_form_id:
        form = instance.service_form
        if form.organisation_id != instance.organisation_id:
            errors["service_form"] = [_("Valittu kohde kuuluu toiseen organisaatioon.")]
        elif form.kind != "residential":
            errors["service_form"] = [_("Paikkoja voi lisätä vain asumispalveluun.")]
    # Taking a place out of use: no stay may go on in it after the last day of use (the model
    # fills that day in as today when it is left empty).
    if instance.pk and (not instance.active or instance.active_until is not None):
        last = instance.active_until or timezone.localdate()
        after = local_midnight(last + dt.timedelta(days=1))
        if (
            Stay.objects.filter(place_id=instance.pk)
            .filter(Q(departed_at__isnull=True) | Q(departed_at__gt=after))
            .exists()
        ):
            errors["active"] = [
                _(
                    "Paikalla on asumisjakso, joka jatkuu %(date)s jälkeen. Kirjaa ensin lähtö "
                    "tai siirto."
                )
                % {"date": f"{last.day}.{last.month}.{last.year}"}
            ]
    return errors


@admin.register(Place)
class PlaceAdmin(ConfigurationAdmin):
    list_display = (
        "name",
        "code",
        "service_form",
        "kind",
        "capacity",
        "active",
        "active_from",
        "active_until",
        "order",
    )
    list_filter = ("service_form", "kind", "active")
    search_fields = ("name", "code")
    business_rules = place_rules
