"""Forms of the appointment screens (Finnish messages; the services do the real checks)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tupa.accounts.models import User
from tupa.core import dates
from tupa.core.forms import TIME_WIDGET, BoundedModelMultipleChoiceField, date_field, version_field
from tupa.core.wallclock import FOLD_SUFFIX, WallClockForm
from tupa.episodes.models import Episode
from tupa.organisations.models import Partner

from .models import AppointmentSeries, AppointmentType, Outcome, PlaceKind, Room
from .services import Recurrence


class EpisodeChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Episodes labelled "A-123 Etunimi Sukunimi" (the caller logs the persons shown)."""

    def label_from_instance(self, obj: Any) -> str:
        names = [
            str(p.person) if p.person else str(p.alias.label)
            for p in getattr(obj, "listed_participants", [])
            if p.person or p.alias
        ]
        return " ".join([f"A-{obj.pk}", ", ".join(names)]).strip()


class WorkerChoiceField(BoundedModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        forms_of = ", ".join(
            sorted({m.service_form.name for m in getattr(obj, "client_memberships", [])})
        )
        return f"{obj} ({forms_of})" if forms_of else str(obj)


REPEAT_CHOICES = [("", _("Ei toistu")), *AppointmentSeries.Frequency.choices]


class AppointmentForm(WallClockForm):
    #: A start or end time skipped by the spring change is refused; one that happens twice in
    #: autumn is asked about (:mod:`tupa.core.wallclock`).
    wall_clock_fields = (("date", "start"), ("date", "end"))

    episode = EpisodeChoiceField(
        label=_("Asiakkuus"),
        queryset=Episode.objects.none(),
        required=False,
        empty_label=_("Ei asiakkuutta (esim. oma palaveri)"),
    )
    date = date_field(_("Päivä"))
    start = forms.TimeField(label=_("Alkaa klo"), widget=TIME_WIDGET)
    end = forms.TimeField(label=_("Päättyy klo"), widget=TIME_WIDGET)
    type = forms.ChoiceField(
        label=_("Tapaamisen laji"),
        choices=AppointmentType.choices,
        widget=forms.RadioSelect,
        initial=AppointmentType.HOME_VISIT,
    )
    place_kind = forms.ChoiceField(
        label=_("Paikka"),
        choices=PlaceKind.choices,
        widget=forms.RadioSelect,
        initial=PlaceKind.CLIENT_HOME,
    )
    partner: forms.ModelChoiceField[Partner] = forms.ModelChoiceField(
        label=_("Yhteistyötaho"),
        queryset=Partner.objects.none(),
        required=False,
        help_text=_("Kun tapaaminen on yhteistyötahon tiloissa, esim. neuvolassa."),
    )
    room: forms.ModelChoiceField[Room] = forms.ModelChoiceField(
        label=_("Tila"),
        queryset=Room.objects.none(),
        required=False,
        help_text=_("Vain omissa tiloissa pidettävälle tapaamiselle."),
    )
    place_note = forms.CharField(
        label=_("Paikan tarkenne"),
        max_length=200,
        required=False,
        help_text=_("Esimerkiksi videoyhteyden tapa. Älä kirjoita osoitetta."),
    )
    organiser = forms.ModelChoiceField(label=_("Vastuutyöntekijä"), queryset=User.objects.none())
    co_workers = WorkerChoiceField(
        label=_("Työparit"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Lisätieto"),
        max_length=300,
        required=False,
        help_text=_("Näkyy vain niille, jotka näkevät asiakkuuden."),
    )
    repeat = forms.ChoiceField(label=_("Toistuu"), choices=REPEAT_CHOICES, required=False)
    repeat_until = date_field(_("Toistuu asti (päivä)"), required=False)
    repeat_count = forms.IntegerField(
        label=_("tai kertoja yhteensä"), min_value=2, max_value=104, required=False
    )
    version = version_field(required=False)

    def __init__(
        self,
        *args: Any,
        episodes: QuerySet[Episode] | None,
        partners: QuerySet[Partner],
        rooms: QuerySet[Room],
        organisers: QuerySet[User],
        co_worker_choices: QuerySet[User],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if episodes is None or editing:
            del self.fields["episode"]
        else:
            self.fields["episode"].queryset = episodes  # type: ignore[attr-defined]
        self.fields["partner"].queryset = partners  # type: ignore[attr-defined]
        self.fields["room"].queryset = rooms  # type: ignore[attr-defined]
        self.fields["organiser"].queryset = organisers  # type: ignore[attr-defined]
        self.fields["co_workers"].queryset = co_worker_choices  # type: ignore[attr-defined]
        # A change needs the version the user saw (optimistic locking).
        self.fields["version"].required = editing
        if editing:
            for name in ("repeat", "repeat_until", "repeat_count"):
                del self.fields[name]
        self.fields["date"].error_messages["invalid"] = _("Anna päivä muodossa pp.kk.vvvv.")
        for name in ("start", "end"):
            self.fields[name].error_messages["invalid"] = _("Anna kellonaika muodossa hh:mm.")
        self.fields["date"].error_messages["required"] = _("Anna tapaamisen päivä.")
        self.fields["start"].error_messages["required"] = _("Anna alkamisaika.")
        self.fields["end"].error_messages["required"] = _("Anna päättymisaika.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        starts_at, ends_at = self.moments.get("start"), self.moments.get("end")
        if starts_at is not None and ends_at is not None:
            wrong_order = ends_at <= starts_at
        else:  # the date is missing or wrong; unless a repeated hour makes the order unknown
            asked = any(name + FOLD_SUFFIX in self.fields for name in ("start", "end"))
            wrong_order = bool(start and end and end <= start and not asked)
        if wrong_order:
            self.add_error("end", _("Päättymisajan on oltava alkamisajan jälkeen."))
        if data.get("place_kind") == PlaceKind.PARTNER and not data.get("partner"):
            self.add_error("partner", _("Valitse yhteistyötaho, jonka tiloissa tapaaminen on."))
        if data.get("room") and data.get("place_kind") != PlaceKind.OWN_PREMISES:
            self.add_error(
                "room", _("Tila valitaan vain omissa tiloissa pidettävälle tapaamiselle.")
            )
        if data.get("repeat"):
            until, count = data.get("repeat_until"), data.get("repeat_count")
            typed_wrong = self.has_error("repeat_count") or self.has_error("repeat_until")
            if until is None and count is None and not typed_wrong:
                self.add_error(
                    "repeat_until", _("Anna joko toiston päättymispäivä tai kertojen määrä.")
                )
            elif until is not None and count is not None:
                self.add_error(
                    "repeat_count", _("Anna joko päättymispäivä tai kertojen määrä, ei molempia.")
                )
        return data

    def starts_at(self) -> dt.datetime:
        return self.moments["start"]

    def ends_at(self) -> dt.datetime:
        return self.moments["end"]

    def recurrence(self) -> Recurrence | None:
        frequency = self.cleaned_data.get("repeat")
        if not frequency:
            return None
        return Recurrence(
            frequency=frequency,
            until=self.cleaned_data.get("repeat_until"),
            count=self.cleaned_data.get("repeat_count"),
        )


OUTCOME_CHOICES = [(v, label) for v, label in Outcome.choices if v != Outcome.PLANNED]


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Lopputulos"), choices=OUTCOME_CHOICES, widget=forms.RadioSelect
    )
    outcome_note = forms.CharField(
        label=_("Kuvaus"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Tulee asiakaskirjaukseen lopputuloksen perään."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].error_messages["required"] = _("Valitse tapaamisen lopputulos.")


class WeekForm(forms.Form):
    """The ?paiva=YYYY-MM-DD&nakyma=viikko|paiva query of the calendars."""

    paiva = forms.DateField(
        required=False,
        validators=[dates.validate_date],
        error_messages={"invalid": _("Anna päivä muodossa vvvv-kk-pp.")},
    )
    nakyma = forms.ChoiceField(choices=[("viikko", "viikko"), ("paiva", "päivä")], required=False)
