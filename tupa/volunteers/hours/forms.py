"""Forms of the activity log: an occasion, its correction and its deletion."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tupa.core.forms import TIME_WIDGET, date_field
from tupa.organisations.models import ServiceForm
from tupa.volunteers.fields import (
    FormChoiceField,
)
from tupa.volunteers.models import (
    ActivityKind,
)


class HoursForm(forms.Form):
    service_form = FormChoiceField(
        label=_("Työmuoto"), queryset=ServiceForm.objects.none(), empty_label=None
    )
    kind = forms.ChoiceField(label=_("Toiminta"), choices=ActivityKind.choices)
    date = date_field(_("Päivä"))
    starts = forms.TimeField(label=_("Alkaa"), widget=TIME_WIDGET)
    ends = forms.TimeField(label=_("Päättyy"), widget=TIME_WIDGET)

    def __init__(self, *args: Any, forms_qs: QuerySet[ServiceForm], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_form"].queryset = forms_qs  # type: ignore[attr-defined]


class HoursEditForm(HoursForm):
    reason = forms.CharField(label=_("Korjauksen syy"), max_length=200, required=False)


class HoursDeleteForm(forms.Form):
    reason = forms.CharField(label=_("Poistamisen syy"), max_length=200)
