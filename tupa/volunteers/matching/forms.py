"""Forms of Mieskaveri matching and the family links. Free text about the family is the
coordinator's only; the volunteer sees ``note_for_volunteer`` alone."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tupa.core.dates import fi_date
from tupa.core.forms import date_field
from tupa.episodes.models import Participant
from tupa.volunteers.fields import (
    VolunteerChoiceField,
)
from tupa.volunteers.models import (
    CaseStatus,
    RoleKind,
    Volunteer,
)

_FREE_TEXT_HELP = _("Vain koordinaattori näkee tämän. Vapaaehtoinen ei näe perheen tietoja.")


def _note_for_volunteer_field() -> forms.CharField:
    """The one text about the family that the volunteer sees (a match's and a family link's),
    worded the same on every form that writes it."""
    return forms.CharField(
        label=_("Viesti vapaaehtoiselle"),
        widget=forms.Textarea,
        required=False,
        help_text=_(
            "Ainoa asia, jonka vapaaehtoinen näkee perheestä. Älä kirjoita asiakastietoja."
        ),
    )


class CaseCreateForm(forms.Form):
    applied_on = date_field(_("Hakemus saapunut"))
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
        born = f" ({fi_date(person.birth_date)})" if person.birth_date else ""
        return f"{person.first_names} {person.last_name}{born}"


class IntakeForm(CaseCreateForm):
    intake_on = date_field(_("Alkutapaaminen"))
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
    changed_on = date_field(_("Päivä"))
    reason = forms.CharField(
        label=_("Syy"), max_length=300, required=False, help_text=_("Pakollinen perumiselle.")
    )


class MatchForm(forms.Form):
    volunteer = VolunteerChoiceField(label=_("Kaveri"), queryset=Volunteer.objects.none())
    started_on = date_field(_("Kaverisuhde alkaa"))
    note_for_volunteer = _note_for_volunteer_field()

    def __init__(self, *args: Any, volunteers: QuerySet[Volunteer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers  # type: ignore[attr-defined]


class NoteForVolunteerForm(forms.Form):
    note_for_volunteer = _note_for_volunteer_field()


class ActivityForm(forms.Form):
    date = date_field(_("Päivä"))
    note = forms.CharField(label=_("Mitä tehtiin"), widget=forms.Textarea)


class FollowUpForm(forms.Form):
    date = date_field(_("Päivä"))
    note = forms.CharField(label=_("Muistiinpano"), widget=forms.Textarea, required=False)
    next_due_on = date_field(_("Seuraava seuranta"), required=False)


class CaseEndForm(forms.Form):
    ended_on = date_field(_("Päättyi"))
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
    started_on = date_field(_("Alkaen"))
    note_for_volunteer = _note_for_volunteer_field()

    def __init__(self, *args: Any, volunteers: QuerySet[Volunteer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers  # type: ignore[attr-defined]


class FamilyLinkUpdateForm(forms.Form):
    note_for_volunteer = _note_for_volunteer_field()
    ended_on = date_field(_("Päättyen"), required=False)
