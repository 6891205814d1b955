"""Forms of communications: the mailing-list filter and the consent to be contacted."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tupa.core.forms import date_field
from tupa.organisations.models import ServiceForm
from tupa.volunteers.fields import FormChoiceField
from tupa.volunteers.models import CourseKind, RoleKind, Status

_ANY = [("", _("Kaikki"))]


class MailingFilterForm(forms.Form):
    service_form = FormChoiceField(
        label=_("Työmuoto"),
        queryset=ServiceForm.objects.none(),
        required=False,
        empty_label=_("Kaikki"),
    )
    role = forms.ChoiceField(label=_("Tehtävä"), choices=_ANY + RoleKind.choices, required=False)
    status = forms.ChoiceField(label=_("Tila"), choices=_ANY + Status.choices, required=False)
    course_kind = forms.ChoiceField(
        label=_("Suoritettu koulutus"), choices=_ANY + CourseKind.choices, required=False
    )

    def __init__(self, *args: Any, forms_qs: QuerySet[ServiceForm], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_form"].queryset = forms_qs  # type: ignore[attr-defined]


class ConsentForm(forms.Form):
    given_on = date_field(_("Lupa annettu"))


class ConsentWithdrawForm(forms.Form):
    withdrawn_on = date_field(_("Lupa peruttu"))
