"""Form fields shared by the volunteer sub-packages' forms: staff, service forms and volunteers
to choose from (a date is :func:`tupa.core.forms.date_field`)."""

from __future__ import annotations

from typing import Any

from django import forms


class StaffChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class FormChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A service form of the user's own (the view passes the queryset)."""


class VolunteerChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    pass


class VolunteersChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    pass
