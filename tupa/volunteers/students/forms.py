"""Forms of student placements."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tupa.accounts.models import User
from tupa.accounts.selectors import active_staff
from tupa.core.forms import date_field
from tupa.organisations.models import ServiceForm
from tupa.volunteers.fields import (
    FormChoiceField,
    StaffChoiceField,
    VolunteerChoiceField,
)
from tupa.volunteers.models import PlacementKind, Volunteer


class PlacementForm(forms.Form):
    volunteer = VolunteerChoiceField(label=_("Opiskelija"), queryset=Volunteer.objects.none())
    service_form = FormChoiceField(
        label=_("Työmuoto"), queryset=ServiceForm.objects.none(), empty_label=None
    )
    kind = forms.ChoiceField(label=_("Laji"), choices=PlacementKind.choices)
    school = forms.CharField(label=_("Oppilaitos"), max_length=200)
    degree_programme = forms.CharField(label=_("Koulutusohjelma"), max_length=200)
    supervisor = StaffChoiceField(label=_("Ohjaaja"), queryset=User.objects.none())
    starts_on = date_field(_("Alkaa"))
    ends_on = date_field(_("Päättyy"))
    credits = forms.DecimalField(
        label=_("Opintopisteet"), required=False, min_value=0, max_value=999, decimal_places=1
    )

    def __init__(
        self,
        *args: Any,
        organisation_id: int,
        volunteers: QuerySet[Volunteer] | None,
        forms_qs: QuerySet[ServiceForm] | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = active_staff(organisation_id=organisation_id)  # type: ignore[attr-defined]
        if volunteers is None or forms_qs is None:  # editing: the student and form stay
            del self.fields["volunteer"], self.fields["service_form"]
        else:
            self.fields["volunteer"].queryset = volunteers  # type: ignore[attr-defined]
            self.fields["service_form"].queryset = forms_qs  # type: ignore[attr-defined]
