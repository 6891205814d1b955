"""Form fields shared by the volunteer sub-packages' forms: staff, service forms and volunteers
to choose from (a date is :func:`tupa.core.forms.date_field`); and the one attendance form of a
group meeting and a training session."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tupa.core.forms import BoundedModelMultipleChoiceField
from tupa.volunteers.models import Volunteer


class StaffChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class FormChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A service form of the user's own (the view passes the queryset)."""


class VolunteerChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    pass


class VolunteersChoiceField(BoundedModelMultipleChoiceField):
    pass


class AttendanceForm(forms.Form):
    """Who was present, ticked among ``volunteers`` (a group's members on the meeting day, a
    course's participants)."""

    present = VolunteersChoiceField(
        label=_("Läsnä"),
        queryset=Volunteer.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, volunteers: QuerySet[Volunteer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = volunteers  # type: ignore[attr-defined]
