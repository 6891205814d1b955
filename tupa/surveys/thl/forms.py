"""Forms of the THL pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tupa.core.forms import date_field


class SummaryForm(forms.Form):
    period_start = date_field(_("Jakso alkaa"))
    period_end = date_field(_("Jakso päättyy"))
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
    given_on = date_field(_("Annettu"), required=False)
