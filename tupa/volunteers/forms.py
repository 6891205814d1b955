"""Forms of the volunteer screens. Dates are bounded (``tupa.core.dates``); the services hold
the rules, so these only shape what is typed.

The record-check form has exactly three fields — the date the extract was seen, who saw it and
the result. There is no file field and no free text: the extract and its contents cannot be
stored (Act 148/2014).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tupa.accounts.models import User
from tupa.core.dates import validate_date
from tupa.core.forms import DATE_WIDGET, TIME_WIDGET
from tupa.episodes.models import Participant
from tupa.organisations.models import ServiceForm
from tupa.volunteers.models import (
    ActivityKind,
    CaseStatus,
    CheckResult,
    CourseKind,
    Gender,
    RoleKind,
    Status,
    Volunteer,
)


def _date(label: Any, *, required: bool = True, **kwargs: Any) -> forms.DateField:
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


def staff_of(organisation_id: int) -> QuerySet[User]:
    return User.objects.filter(organisation_id=organisation_id, is_active=True).order_by(
        "last_name", "first_name", "username"
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
    started_on = _date(_("Alkaen"))

    def __init__(self, *args: Any, forms_qs: QuerySet[ServiceForm], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_form"].queryset = forms_qs  # type: ignore[attr-defined]


class VolunteerCreateForm(AssignmentFields, ProfileForm):
    field_order = ["first_names", "last_name", "service_form", "role", "alone_with_children"]


class AssignmentForm(AssignmentFields):
    pass


class AssignmentEndForm(forms.Form):
    ended_on = _date(_("Päättyen"))


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Uusi tila"), choices=Status.choices)
    changed_on = _date(_("Päivä"))
    reason = forms.CharField(
        label=_("Syy"),
        max_length=300,
        required=False,
        help_text=_(
            "Pakollinen tauolle ja lopettamiselle. Älä kirjoita terveys- tai asiakastietoja."
        ),
    )


class ScreeningForm(forms.Form):
    interviewed_on = _date(_("Yksilöhaastattelu pidetty"), required=False)
    interviewed_by = StaffChoiceField(
        label=_("Haastattelija"), queryset=User.objects.none(), required=False
    )
    power_of_attorney_on = _date(
        _("Valtakirja rikostaustaotteen pyytämiseen saatu"), required=False
    )

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["interviewed_by"].queryset = staff_of(organisation_id)  # type: ignore[attr-defined]


class RecordCheckForm(forms.Form):
    """Only the date, who saw the extract and the result — nothing of the extract itself."""

    seen_on = _date(_("Ote nähty"))
    seen_by = StaffChoiceField(label=_("Otteen näki"), queryset=User.objects.none())
    result = forms.ChoiceField(
        label=_("Tulos"), choices=CheckResult.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["seen_by"].queryset = staff_of(organisation_id)  # type: ignore[attr-defined]


class ResponsibleForm(forms.Form):
    user = StaffChoiceField(
        label=_("Vapaaehtoistoiminnan vastuuhenkilö"), queryset=User.objects.none()
    )

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff_of(organisation_id)  # type: ignore[attr-defined]


class CourseForm(forms.Form):
    service_form = FormChoiceField(
        label=_("Työmuoto"), queryset=ServiceForm.objects.none(), empty_label=None
    )
    kind = forms.ChoiceField(label=_("Koulutuksen laji"), choices=CourseKind.choices)
    name = forms.CharField(label=_("Nimi"), max_length=200)
    place = forms.CharField(label=_("Paikka"), max_length=200, required=False)
    starts_on = _date(_("Alkaa"))
    ends_on = _date(_("Päättyy"))
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
    date = _date(_("Päivä"))
    hours = forms.DecimalField(
        label=_("Kesto (tuntia)"), min_value=0.5, max_value=24, decimal_places=1
    )
    topic = forms.CharField(label=_("Aihe"), max_length=200, required=False)


class ParticipantForm(forms.Form):
    volunteer = VolunteerChoiceField(label=_("Vapaaehtoinen"), queryset=Volunteer.objects.none())

    def __init__(self, *args: Any, volunteers: QuerySet[Volunteer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers  # type: ignore[attr-defined]


class AttendanceForm(forms.Form):
    present = VolunteersChoiceField(
        label=_("Läsnä"),
        queryset=Volunteer.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, volunteers: QuerySet[Volunteer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = volunteers  # type: ignore[attr-defined]


class CompletionForm(forms.Form):
    completed_on = _date(
        _("Suoritettu"), required=False, help_text=_("Jätä tyhjäksi, jos ei ole suorittanut.")
    )


class HoursForm(forms.Form):
    service_form = FormChoiceField(
        label=_("Työmuoto"), queryset=ServiceForm.objects.none(), empty_label=None
    )
    kind = forms.ChoiceField(label=_("Toiminta"), choices=ActivityKind.choices)
    date = _date(_("Päivä"))
    starts = forms.TimeField(label=_("Alkaa"), widget=TIME_WIDGET)
    ends = forms.TimeField(label=_("Päättyy"), widget=TIME_WIDGET)

    def __init__(self, *args: Any, forms_qs: QuerySet[ServiceForm], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_form"].queryset = forms_qs  # type: ignore[attr-defined]


class HoursEditForm(HoursForm):
    reason = forms.CharField(label=_("Korjauksen syy"), max_length=200, required=False)


class HoursDeleteForm(forms.Form):
    reason = forms.CharField(label=_("Poistamisen syy"), max_length=200)


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


# --------------------------------------------------------------------------- Mieskaveri matching

_FREE_TEXT_HELP = _("Vain koordinaattori näkee tämän. Vapaaehtoinen ei näe perheen tietoja.")


class CaseCreateForm(forms.Form):
    applied_on = _date(_("Hakemus saapunut"))
    area = forms.CharField(label=_("Alue"), max_length=100, required=False)
    wishes = forms.CharField(
        label=_("Toiveet"), widget=forms.Textarea, required=False, help_text=_FREE_TEXT_HELP
    )
    family_situation = forms.CharField(
        label=_("Perheen tilanne"),
        widget=forms.Textarea,
        required=False,
        help_text=_FREE_TEXT_HELP,
    )


class ChildChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        person = obj.person
        if person is None:
            return str(_("lapsi (tunnistamaton)"))
        born = f" ({person.birth_date:%d.%m.%Y})" if person.birth_date else ""
        return f"{person.first_names} {person.last_name}{born}"


class IntakeForm(CaseCreateForm):
    intake_on = _date(_("Alkutapaaminen"))
    child = ChildChoiceField(label=_("Lapsi"), queryset=Participant.objects.none(), required=False)
    contact_with_men = forms.NullBooleanField(
        label=_("Onko lapsella yhteyttä isään tai muihin läheisiin miehiin?"),
        required=False,
        widget=forms.Select(
            choices=[("unknown", _("ei tiedossa")), ("true", _("kyllä")), ("false", _("ei"))]
        ),
    )
    confirm = forms.BooleanField(
        label=_("Olen lukenut huomiot ja vahvistan jatkamisen"), required=False
    )
    field_order = [
        "intake_on",
        "child",
        "contact_with_men",
        "area",
        "wishes",
        "family_situation",
        "confirm",
    ]

    def __init__(self, *args: Any, children: QuerySet[Participant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["applied_on"]
        self.fields["child"].queryset = children  # type: ignore[attr-defined]


class CaseStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Uusi tila"),
        choices=[
            (CaseStatus.WAITING, CaseStatus.WAITING.label),
            (CaseStatus.WITHDRAWN, CaseStatus.WITHDRAWN.label),
        ],
    )
    changed_on = _date(_("Päivä"))
    reason = forms.CharField(
        label=_("Syy"), max_length=300, required=False, help_text=_("Pakollinen perumiselle.")
    )


class MatchForm(forms.Form):
    volunteer = VolunteerChoiceField(label=_("Kaveri"), queryset=Volunteer.objects.none())
    started_on = _date(_("Kaverisuhde alkaa"))
    note_for_volunteer = forms.CharField(
        label=_("Viesti vapaaehtoiselle"),
        widget=forms.Textarea,
        required=False,
        help_text=_(
            "Ainoa asia, jonka vapaaehtoinen näkee perheestä. Älä kirjoita asiakastietoja."
        ),
    )

    def __init__(self, *args: Any, volunteers: QuerySet[Volunteer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers  # type: ignore[attr-defined]


class NoteForVolunteerForm(forms.Form):
    note_for_volunteer = forms.CharField(
        label=_("Viesti vapaaehtoiselle"),
        widget=forms.Textarea,
        required=False,
        help_text=_(
            "Ainoa asia, jonka vapaaehtoinen näkee perheestä. Älä kirjoita asiakastietoja."
        ),
    )


class ActivityForm(forms.Form):
    date = _date(_("Päivä"))
    note = forms.CharField(label=_("Mitä tehtiin"), widget=forms.Textarea)


class FollowUpForm(forms.Form):
    date = _date(_("Päivä"))
    note = forms.CharField(label=_("Muistiinpano"), widget=forms.Textarea, required=False)
    next_due_on = _date(_("Seuraava seuranta"), required=False)


class CaseEndForm(forms.Form):
    ended_on = _date(_("Päättyi"))
    reason = forms.CharField(label=_("Päättymisen syy"), max_length=300)
    successful = forms.TypedChoiceField(
        label=_("Onnistuiko kaverisuhde?"),
        choices=[("yes", _("kyllä")), ("no", _("ei"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )


class FamilyLinkForm(forms.Form):
    volunteer = VolunteerChoiceField(label=_("Vapaaehtoinen"), queryset=Volunteer.objects.none())
    role = forms.ChoiceField(label=_("Tehtävä"), choices=RoleKind.choices)
    started_on = _date(_("Alkaen"))
    note_for_volunteer = forms.CharField(
        label=_("Viesti vapaaehtoiselle"),
        widget=forms.Textarea,
        required=False,
        help_text=_(
            "Ainoa asia, jonka vapaaehtoinen näkee perheestä. Älä kirjoita asiakastietoja."
        ),
    )

    def __init__(self, *args: Any, volunteers: QuerySet[Volunteer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers  # type: ignore[attr-defined]


class FamilyLinkUpdateForm(forms.Form):
    note_for_volunteer = forms.CharField(
        label=_("Viesti vapaaehtoiselle"),
        widget=forms.Textarea,
        required=False,
        help_text=_(
            "Ainoa asia, jonka vapaaehtoinen näkee perheestä. Älä kirjoita asiakastietoja."
        ),
    )
    ended_on = _date(_("Päättyen"), required=False)
