"""The client plan, the network, referrals out and co-workers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tupa.accounts.models import User
from tupa.core.forms import BoundedModelMultipleChoiceField, date_field
from tupa.organisations.models import Partner

from .base import TupaForm


class GoalForm(TupaForm):
    text = forms.CharField(
        label=_("Tavoite"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Kirjoita tavoite.")},
    )
    defined_with = forms.CharField(
        label=_("Määritelty yhdessä"),
        required=False,
        max_length=200,
        help_text=_("Esimerkiksi: asiakas ja lastensuojelun sosiaalityöntekijä."),
    )
    review_date = date_field(_("Arviointipäivä"), required=False)


class GoalReviewForm(TupaForm):
    achieved = forms.ChoiceField(
        label=_("Toteutuminen"),
        choices=[("yes", _("toteutui")), ("partly", _("osittain")), ("no", _("ei toteutunut"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Valitse, miten tavoite toteutui.")},
    )
    next_review = date_field(_("Seuraava arviointipäivä"), required=False)


class NetworkMeetingForm(TupaForm):
    held_on = date_field(_("Päivä"), required=True)
    external_participants = forms.CharField(
        label=_("Ulkopuoliset osallistujat"),
        required=False,
        max_length=2000,
        help_text=_("Tehtävänimikkeet ja organisaatiot, esimerkiksi: sosiaalityöntekijä, neuvola."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    partners: forms.ModelMultipleChoiceField[Partner] = BoundedModelMultipleChoiceField(
        label=_("Yhteistyötahot"),
        required=False,
        queryset=Partner.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    child_participated = forms.BooleanField(label=_("Lapsi osallistui"), required=False)
    notes = forms.CharField(
        label=_("Muistiinpanot"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, partners: QuerySet[Partner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["partners"]
        field.queryset = partners  # type: ignore[attr-defined]
        if not partners.exists():
            del self.fields["partners"]

    def clean_held_on(self) -> dt.date:
        day = self.cleaned_data["held_on"]
        if day > timezone.localdate() + dt.timedelta(days=365):
            raise ValidationError(_("Päivä on liian kaukana tulevaisuudessa."))
        return day


class ExternalReferralForm(TupaForm):
    service_name = forms.CharField(
        label=_("Palvelu"),
        max_length=200,
        help_text=_("Esimerkiksi vertaisryhmä tai mentorointi."),
        error_messages={"required": _("Kirjoita palvelu, johon asiakas ohjattiin.")},
    )
    partner: forms.ModelChoiceField[Partner] = forms.ModelChoiceField(
        label=_("Yhteistyötaho"),
        required=False,
        queryset=Partner.objects.none(),
        empty_label=_("Ei valittu"),
    )
    referred_on = date_field(_("Päivä"), help_text=_("Jos tyhjä, tänään."), required=False)
    note = forms.CharField(
        label=_("Lisätieto"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, partners: QuerySet[Partner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners  # type: ignore[attr-defined]


class AssignmentForm(TupaForm):
    user: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("Työntekijä"),
        queryset=User.objects.none(),
        empty_label=_("Valitse työntekijä"),
        error_messages={
            "required": _("Valitse työntekijä."),
            "invalid_choice": _("Valitse työntekijä listasta."),
        },
    )
    is_primary = forms.BooleanField(label=_("Vastuutyöntekijä"), required=False)
    valid_from = date_field(_("Alkaen"), help_text=_("Jos tyhjä, tänään."), required=False)
    valid_until = date_field(_("Päättyy"), required=False)

    def __init__(self, *args: Any, users: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        field.queryset = users  # type: ignore[attr-defined]
        field.label_from_instance = lambda u: u.get_full_name() or u.username  # type: ignore[attr-defined]
