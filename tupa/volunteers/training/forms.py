"""Forms of training: courses, sessions, participants and completion (attendance is the shared
:class:`tupa.volunteers.fields.AttendanceForm`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tupa.core.forms import date_field
from tupa.organisations.models import ServiceForm
from tupa.volunteers.fields import (
    FormChoiceField,
    VolunteerChoiceField,
)
from tupa.volunteers.models import (
    CourseKind,
    Volunteer,
)


class CourseForm(forms.Form):
    service_form = FormChoiceField(
        label=_("Työmuoto"), queryset=ServiceForm.objects.none(), empty_label=None
    )
    kind = forms.ChoiceField(label=_("Koulutuksen laji"), choices=CourseKind.choices)
    name = forms.CharField(label=_("Nimi"), max_length=200)
    place = forms.CharField(label=_("Paikka"), max_length=200, required=False)
    starts_on = date_field(_("Alkaa"))
    ends_on = date_field(_("Päättyy"))
    planned_hours = forms.DecimalField(
        label=_("Laajuus (tuntia)"),
        required=False,
        min_value=0,
        max_value=999,
        decimal_places=1,
    )

    def __init__(self, *args: Any, forms_qs: QuerySet[ServiceForm], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_form"].queryset = forms_qs  # type: ignore[attr-defined]


class SessionForm(forms.Form):
    date = date_field(_("Päivä"))
    hours = forms.DecimalField(
        label=_("Kesto (tuntia)"), min_value=0.5, max_value=24, decimal_places=1
    )
    topic = forms.CharField(label=_("Aihe"), max_length=200, required=False)


class ParticipantForm(forms.Form):
    volunteer = VolunteerChoiceField(label=_("Vapaaehtoinen"), queryset=Volunteer.objects.none())

    def __init__(self, *args: Any, volunteers: QuerySet[Volunteer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers  # type: ignore[attr-defined]


class CompletionForm(forms.Form):
    completed_on = date_field(
        _("Suoritettu"), required=False, help_text=_("Jätä tyhjäksi, jos ei ole suorittanut.")
    )
