"""Forms of the register screens. The services hold the rules; these only shape what is typed."""

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
)
from tupa.volunteers.models import (
    Gender,
    RoleKind,
    Status,
    Volunteer,
)


class ProfileForm(forms.Form):
    first_names = forms.CharField(label=_("Etunimet"), max_length=100)
    last_name = forms.CharField(label=_("Sukunimi"), max_length=100)
    birth_year = forms.IntegerField(
        label=_("Syntymävuosi"), required=False, min_value=1900, max_value=2100
    )
    gender = forms.ChoiceField(label=_("Sukupuoli"), choices=Gender.choices, required=False)
    phone = forms.CharField(label=_("Puhelin"), max_length=40, required=False)
    email = forms.EmailField(label=_("Sähköposti"), required=False)
    street_address = forms.CharField(label=_("Katuosoite"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postinumero"), max_length=10, required=False)
    post_office = forms.CharField(label=_("Postitoimipaikka"), max_length=100, required=False)
    languages = forms.CharField(
        label=_("Kielet"),
        max_length=200,
        required=False,
        help_text=_("Esimerkiksi suomi, englanti, arabia."),
    )
    availability = forms.CharField(
        label=_("Käytettävissä"),
        max_length=300,
        required=False,
        help_text=_("Esimerkiksi arki-illat, viikonloput tai alue."),
    )

    @classmethod
    def initial_of(cls, volunteer: Volunteer) -> dict[str, Any]:
        return {name: getattr(volunteer, name) for name in cls.base_fields}


class AssignmentFields(forms.Form):
    service_form = FormChoiceField(
        label=_("Työmuoto"), queryset=ServiceForm.objects.none(), empty_label=None
    )
    role = forms.ChoiceField(label=_("Tehtävä"), choices=RoleKind.choices)
    alone_with_children = forms.BooleanField(
        label=_("Toimii lasten kanssa ilman valvontaa"),
        required=False,
        help_text=_(
            "Säännöllistä henkilökohtaista vuorovaikutusta alaikäisten kanssa ilman valvontaa "
            "(laki 148/2014): vaatii voimassa olevan rikostaustan tarkistuksen."
        ),
    )
    started_on = date_field(_("Alkaen"))

    def __init__(self, *args: Any, forms_qs: QuerySet[ServiceForm], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_form"].queryset = forms_qs  # type: ignore[attr-defined]


class VolunteerCreateForm(AssignmentFields, ProfileForm):
    field_order = ["first_names", "last_name", "service_form", "role", "alone_with_children"]


class AssignmentForm(AssignmentFields):
    pass


class AssignmentEndForm(forms.Form):
    ended_on = date_field(_("Päättyen"))


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Uusi tila"), choices=Status.choices)
    changed_on = date_field(_("Päivä"))
    reason = forms.CharField(
        label=_("Syy"),
        max_length=300,
        required=False,
        help_text=_(
            "Pakollinen tauolle ja lopettamiselle. Älä kirjoita terveys- tai asiakastietoja."
        ),
    )


class ResponsibleForm(forms.Form):
    user = StaffChoiceField(
        label=_("Vapaaehtoistoiminnan vastuuhenkilö"), queryset=User.objects.none()
    )

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = active_staff(organisation_id=organisation_id)  # type: ignore[attr-defined]


class FilterForm(forms.Form):
    service_form = FormChoiceField(
        label=_("Työmuoto"), queryset=ServiceForm.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("Tila"), choices=[("", _("kaikki")), *Status.choices], required=False
    )
    role = forms.ChoiceField(
        label=_("Tehtävä"), choices=[("", _("kaikki")), *RoleKind.choices], required=False
    )

    def __init__(self, *args: Any, forms_qs: QuerySet[ServiceForm], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_form"].queryset = forms_qs  # type: ignore[attr-defined]
