"""A consent given by a participant of an episode."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tupa.core.forms import date_field
from tupa.organisations.models import ServiceForm
from tupa.people.models import Person

from .base import TupaForm


class ConsentForm(TupaForm):
    """A consent given by a participant of the episode (sharing across forms, or follow-up)."""

    person: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Henkilö"),
        queryset=None,  # type: ignore[arg-type]
        empty_label=None,
        error_messages={
            "required": _("Valitse henkilö."),
            "invalid_choice": _("Valitse henkilö listasta."),
        },
    )
    purpose = forms.ChoiceField(
        label=_("Suostumuksen tarkoitus"),
        choices=[
            ("sharing", _("tietojen jakaminen toisen työmuodon kanssa")),
            ("follow_up", _("yhteydenotto myöhemmin palautetta varten")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Valitse suostumuksen tarkoitus.")},
    )
    recipient_service_form: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Työmuoto, jonka kanssa tietoja saa jakaa"),
        queryset=None,  # type: ignore[arg-type]
        required=False,
        help_text=_("Vain tietojen jakamisessa. Työmuodon työntekijät näkevät tämän asiakkuuden."),
    )
    scope_text = forms.CharField(
        label=_("Mitä tietoja suostumus koskee"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    given_on = date_field(_("Suostumus annettu"), required=True)
    valid_until = date_field(_("Voimassa asti"), required=False)

    def __init__(self, *args: Any, episode: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

        self.fields["person"].queryset = Person.objects.filter(  # type: ignore[attr-defined]
            participations__episode=episode
        ).order_by("last_name", "first_names")
        self.fields["recipient_service_form"].queryset = ServiceForm.objects.filter(  # type: ignore[attr-defined]
            active=True
        ).exclude(pk=episode.service_form_id)
