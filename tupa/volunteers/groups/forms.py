"""Forms of volunteer groups: a group, a member, a meeting (its attendance is the shared
:class:`tupa.volunteers.fields.AttendanceForm`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tupa.accounts.models import User
from tupa.accounts.selectors import active_staff
from tupa.core.forms import TIME_WIDGET, date_field
from tupa.organisations.models import ServiceForm
from tupa.volunteers.fields import (
    FormChoiceField,
    StaffChoiceField,
    VolunteerChoiceField,
)
from tupa.volunteers.models import GroupKind, Volunteer


class GroupForm(forms.Form):
    service_form = FormChoiceField(
        label=_("Työmuoto"), queryset=ServiceForm.objects.none(), empty_label=None
    )
    kind = forms.ChoiceField(label=_("Ryhmän laji"), choices=GroupKind.choices)
    name = forms.CharField(label=_("Nimi"), max_length=200)
    description = forms.CharField(
        label=_("Kuvaus"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    started_on = date_field(_("Aloitettu"))
    closed_on = date_field(
        _("Lopetettu"), required=False, help_text=_("Jätä tyhjäksi, kun ryhmä kokoontuu yhä.")
    )

    def __init__(self, *args: Any, forms_qs: QuerySet[ServiceForm] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if forms_qs is None:  # editing: the form of a group does not change
            del self.fields["service_form"]
        else:
            self.fields["service_form"].queryset = forms_qs  # type: ignore[attr-defined]


class MemberForm(forms.Form):
    volunteer = VolunteerChoiceField(label=_("Vapaaehtoinen"), queryset=Volunteer.objects.none())
    joined_on = date_field(_("Liittyi"))

    def __init__(self, *args: Any, volunteers: QuerySet[Volunteer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers  # type: ignore[attr-defined]


class MemberEndForm(forms.Form):
    left_on = date_field(_("Erosi"))


class MeetingForm(forms.Form):
    date = date_field(_("Päivä"))
    starts_at = forms.TimeField(label=_("Alkaa klo"), widget=TIME_WIDGET)
    ends_at = forms.TimeField(label=_("Päättyy klo"), widget=TIME_WIDGET, required=False)
    place = forms.CharField(label=_("Paikka"), max_length=200, required=False)
    topic = forms.CharField(label=_("Aihe"), max_length=200, required=False)
    leader = StaffChoiceField(label=_("Ohjaaja"), queryset=User.objects.none())

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = active_staff(organisation_id=organisation_id)  # type: ignore[attr-defined]
