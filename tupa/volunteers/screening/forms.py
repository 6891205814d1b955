"""Forms of screening.

The record-check form has exactly three fields — the date the extract was seen, who saw it and
the result. There is no file field and no free text: the extract and its contents cannot be
stored (Act 148/2014).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tupa.accounts.models import User
from tupa.accounts.selectors import active_staff
from tupa.core.forms import date_field
from tupa.volunteers.fields import (
    StaffChoiceField,
)
from tupa.volunteers.models import (
    CheckResult,
)


class ScreeningForm(forms.Form):
    interviewed_on = date_field(_("Yksilöhaastattelu pidetty"), required=False)
    interviewed_by = StaffChoiceField(
        label=_("Haastattelija"), queryset=User.objects.none(), required=False
    )
    power_of_attorney_on = date_field(
        _("Valtakirja rikostaustaotteen pyytämiseen saatu"), required=False
    )

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["interviewed_by"].queryset = active_staff(organisation_id=organisation_id)  # type: ignore[attr-defined]


class RecordCheckForm(forms.Form):
    """Only the date, who saw the extract and the result — nothing of the extract itself."""

    seen_on = date_field(_("Ote nähty"))
    seen_by = StaffChoiceField(label=_("Otteen näki"), queryset=User.objects.none())
    result = forms.ChoiceField(
        label=_("Tulos"), choices=CheckResult.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["seen_by"].queryset = active_staff(organisation_id=organisation_id)  # type: ignore[attr-defined]
