"""Forms of screening.

The record-check form has exactly four fields — the date the extract was seen, the extract's
issue date, who saw it and the result. There is no file field and no free text: the extract and
its contents cannot be stored (Act 148/2014); the recipient may keep only its issue date and who
was checked.
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
    """Only the date seen, the extract's issue date, who saw it and the result — nothing of the
    extract itself. The service refuses an extract issued after it was seen or more than six
    months before; its messages are shown under ``issued_on``."""

    seen_on = date_field(_("Ote nähty"))
    issued_on = date_field(
        _("Otteen antopäivä"),
        required_message=_("Anna otteen antopäivä."),
        help_text=_(
            "Otteeseen merkitty antopäivä. Ote kelpaa kuusi kuukautta antopäivästään "
            "(esimerkiksi 15.1. annettu ote 15.7. asti)."
        ),
    )
    seen_by = StaffChoiceField(label=_("Otteen näki"), queryset=User.objects.none())
    result = forms.ChoiceField(
        label=_("Tulos"), choices=CheckResult.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["seen_by"].queryset = active_staff(organisation_id=organisation_id)  # type: ignore[attr-defined]
