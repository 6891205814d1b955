"""Forms of the THL pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tupa.core import dates
from tupa.core.forms import DATE_WIDGET


class SummaryForm(forms.Form):
    period_start = forms.DateField(
        label=_("Jakso alkaa"), widget=DATE_WIDGET, validators=[dates.validate_date]
    )
    period_end = forms.DateField(
        label=_("Jakso päättyy"), widget=DATE_WIDGET, validators=[dates.validate_date]
    )
    document = forms.FileField(
        label=_("Tiedosto"),
        help_text=_("THL:n yhteenveto PDF-, XLSX- tai DOCX-muodossa."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".pdf,.xlsx,.docx,application/pdf,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        ),
    )
    note = forms.CharField(label=_("Lisätieto"), max_length=300, required=False)


class GivenForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    given_on = forms.DateField(
        label=_("Annettu"), widget=DATE_WIDGET, validators=[dates.validate_date], required=False
    )
