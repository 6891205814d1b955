"""Form fields shared by the volunteer sub-packages' forms: bounded dates
(``tupa.core.dates``), staff, service forms and volunteers to choose from."""

from __future__ import annotations

from typing import Any

from django import forms

from tupa.core.dates import validate_date
from tupa.core.forms import DATE_WIDGET


def date_field(label: Any, *, required: bool = True, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=DATE_WIDGET, validators=[validate_date], **kwargs
    )


class StaffChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class FormChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A service form of the user's own (the view passes the queryset)."""


class VolunteerChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    pass


class VolunteersChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    pass
