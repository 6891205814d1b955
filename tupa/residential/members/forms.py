"""Forms for the people of a stay: later arrival, early departure, a baby born."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tupa.core import forms as core_forms
from tupa.core.forms import TIME_WIDGET
from tupa.core.wallclock import this_minute
from tupa.episodes.models import Participant
from tupa.people.models import Person
from tupa.residential.stays.forms import _MomentMixin


class _ParticipantField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        if obj.person is not None:
            name = f"{obj.person.first_names} {obj.person.last_name}"
        else:
            name = str(_("%(label)s (peitenimi)") % {"label": obj.alias.label})
        label = f"{name}, {obj.get_role_display()}"
        if getattr(obj, "returning", False):
            label += ", " + str(_("palaa jaksolle"))
        return label


def _default_now(form: forms.Form, date_field: str, time_field: str) -> None:
    if not form.is_bound:
        now = this_minute()
        form.initial.setdefault(date_field, now.date())
        form.initial.setdefault(time_field, now.time())


class MemberArriveForm(_MomentMixin):
    date_field = "arrival_date"
    time_field = "arrival_time"

    participant = _ParticipantField(
        label=_("Tulija"),
        queryset=Participant.objects.none(),
        empty_label=None,
        error_messages={"required": _("Valitse jaksolle tuleva henkilö.")},
    )
    arrival_date = core_forms.date_field(_("Tulopäivä"), required_message=_("Anna tulopäivä."))
    arrival_time = forms.TimeField(
        label=_("Tuloaika"),
        widget=TIME_WIDGET,
        error_messages={"required": _("Anna tuloaika.")},
    )

    def __init__(self, *args: Any, participants: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["participant"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = participants
        _default_now(self, self.date_field, self.time_field)


class MemberDepartForm(_MomentMixin):
    date_field = "departure_date"
    time_field = "departure_time"

    departure_date = core_forms.date_field(_("Lähtöpäivä"), required_message=_("Anna lähtöpäivä."))
    departure_time = forms.TimeField(
        label=_("Lähtöaika"),
        widget=TIME_WIDGET,
        error_messages={"required": _("Anna lähtöaika.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _default_now(self, self.date_field, self.time_field)


class BabyBornForm(_MomentMixin):
    date_field = "birth_date"
    time_field = "birth_time"

    first_names = forms.CharField(
        label=_("Etunimet"),
        max_length=200,
        help_text=_("Voi olla väliaikainen, esimerkiksi ”Vauva”, kunnes nimi on päätetty."),
        error_messages={"required": _("Anna vauvan etunimi (voi olla väliaikainen).")},
    )
    last_name = forms.CharField(
        label=_("Sukunimi"),
        max_length=200,
        error_messages={"required": _("Anna vauvan sukunimi.")},
    )
    birth_date = core_forms.date_field(_("Syntymäpäivä"), required_message=_("Anna syntymäpäivä."))
    birth_time = forms.TimeField(
        label=_("Syntymäaika (kellonaika)"),
        widget=TIME_WIDGET,
        help_text=_("Vauva lasketaan jakson henkilöksi tästä hetkestä alkaen."),
        error_messages={"required": _("Anna syntymän kellonaika.")},
    )
    gender = forms.ChoiceField(
        label=_("Sukupuoli"),
        choices=Person.Gender.choices,
        initial=Person.Gender.UNKNOWN,
        widget=forms.RadioSelect,
    )
    hetu = forms.CharField(
        label=_("Henkilötunnus"),
        max_length=11,
        required=False,
        help_text=_("Jos henkilötunnus on jo tiedossa."),
    )
    mother = _ParticipantField(
        label=_("Äiti"),
        queryset=Participant.objects.none(),
        required=False,
        empty_label=_("Ei valittu"),
    )

    def __init__(self, *args: Any, mothers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["mother"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = mothers
        _default_now(self, self.date_field, self.time_field)
        if not self.is_bound:
            first = next(iter(mothers), None)
            if first is not None:
                self.initial.setdefault("mother", first.pk)
                if first.person is not None:
                    self.initial.setdefault("last_name", first.person.last_name)
