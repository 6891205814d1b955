"""Forms of the open family house. Anonymous by design: no name fields except in ANO-05."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tupa.core import dates
from tupa.core.forms import date_field
from tupa.core.wallclock import WallClockForm
from tupa.organisations.models import ServiceForm
from tupa.scheduling.models import Booking, Room

from .models import Programme, Session

TIME_FORMATS = ["%H:%M", "%H.%M"]

_count_errors = {
    "required": _("Anna luku."),
    "invalid": _("Anna luku kokonaislukuna."),
    "min_value": _("Anna luku, joka on nolla tai suurempi."),
    "max_value": _("Luku on liian suuri."),
}


def _count_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=999,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages=_count_errors,
    )


def _time_field(label: Any) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        input_formats=TIME_FORMATS,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": _("Anna kellonaika."),
            "invalid": _("Anna kellonaika muodossa tt:mm."),
        },
    )


class _SpanForm(WallClockForm):
    """A day with a start and an end time. A time skipped by the spring daylight-saving change
    is refused and one that happens twice in autumn is asked about (:mod:`tupa.core.wallclock`);
    the moments go to ``starts_at`` and ``ends_at`` in the cleaned data."""

    wall_clock_fields = (("day", "start"), ("day", "end"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts_at, ends_at = self.moments.get("start"), self.moments.get("end")
        if starts_at is not None and ends_at is not None:
            if ends_at <= starts_at:
                self.add_error("end", _("Päättymisajan on oltava alkamisajan jälkeen."))
            else:
                data["starts_at"] = starts_at
                data["ends_at"] = ends_at
        return data


class CorrectionForm(forms.Form):
    """The lead's correction of a day's figures (with a reason)."""

    day = date_field(_("Päivä"))
    session = forms.ChoiceField(
        label=_("Aukioloaika"),
        choices=Session.choices,
        error_messages={"required": _("Valitse aukioloaika.")},
    )
    programme = forms.ChoiceField(
        label=_("Ohjelma"),
        choices=Programme.choices,
        error_messages={"required": _("Valitse ohjelma.")},
    )
    adults = _count_field(_("Aikuiset"))
    children = _count_field(_("Lapset (1 v ja yli)"))
    under_ones = _count_field(_("Alle 1-vuotiaat"))
    first_timers = _count_field(_("Ensikertalaiset perheet"))
    reason = forms.CharField(
        label=_("Korjauksen syy"),
        max_length=300,
        help_text=_("Esimerkiksi: laskuri jäi auki, luvut paperilistalta."),
        error_messages={"required": _("Kirjoita korjauksen syy.")},
    )

    def clean_day(self) -> dt.date:
        day: dt.date = self.cleaned_data["day"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Tulevan päivän lukuja ei voi kirjata."))
        return day


class DayChoiceForm(forms.Form):
    day = date_field(_("Päivä"))
    session = forms.ChoiceField(label=_("Aukioloaika"), choices=Session.choices)


class ChildcareForm(_SpanForm):
    day = date_field(_("Päivä"))
    start = _time_field(_("Alkaa klo"))
    end = _time_field(_("Päättyy klo"))
    children_under_1 = _count_field(_("Alle 1-vuotiaat"))
    children_1_2 = _count_field(_("1–2-vuotiaat"))
    children_3_6 = _count_field(_("3–6-vuotiaat"))
    staff_carers = _count_field(_("Hoitajat (henkilöstö)"))
    volunteers = forms.TypedMultipleChoiceField(
        label=_("Vapaaehtoiset lastenhoitajat"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Vapaaehtoisrekisterin aktiiviset vapaaehtoiset, joilla on tehtävä Perhetuvassa ja "
            "voimassa oleva rikostaustan tarkistus."
        ),
        error_messages={"invalid_choice": _("Valitse vapaaehtoinen luettelosta.")},
    )
    volunteer_carers = forms.IntegerField(
        label=_("Hoitajat (vapaaehtoiset)"),
        min_value=0,
        max_value=999,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages=_count_errors,
        help_text=_(
            "Kaikki vapaaehtoiset hoitajat. Jätä tyhjäksi, jos kaikki on nimetty yllä; "
            "laske mukaan rekisteriin kuulumattomat."
        ),
    )
    note = forms.CharField(
        label=_("Lisätieto"),
        required=False,
        max_length=300,
        help_text=_("Ei lasten tai vanhempien nimiä."),
    )

    def __init__(self, *args: Any, volunteers: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["volunteers"].choices = volunteers  # type: ignore[attr-defined]


class PriceField(forms.CharField):
    """Euros with a comma or a dot (``12,50``); empty means "compute"."""

    def clean(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().clean(value)
        if not text:
            return None
        text = re.sub(r"[\s€]", "", str(text)).replace(",", ".")
        try:
            price = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(_("Anna hinta euroina, esimerkiksi 45,00.")) from None
        if not price.is_finite() or price < 0:
            raise forms.ValidationError(_("Hinta ei voi olla negatiivinen."))
        if price >= Decimal("1000000"):
            raise forms.ValidationError(_("Hinta on liian suuri."))
        return price.quantize(Decimal("0.01"))


class BookingForm(_SpanForm):
    room: forms.ModelChoiceField[Room] = forms.ModelChoiceField(
        label=_("Tila"),
        queryset=Room.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Valitse tila."),
            "invalid_choice": _("Valitse jokin Perhetuvan vuokrattavista tiloista."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Varauksen laji"),
        choices=Booking.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Valitse varauksen laji.")},
    )
    day = date_field(_("Päivä"))
    start = _time_field(_("Alkaa klo"))
    end = _time_field(_("Päättyy klo"))
    title = forms.CharField(
        label=_("Otsikko"),
        max_length=200,
        help_text=_("Esimerkiksi: syntymäpäiväjuhlat tai vertaisryhmän nimi."),
        error_messages={"required": _("Anna varaukselle otsikko.")},
    )
    organiser_name = forms.CharField(label=_("Varaaja"), max_length=200, required=False)
    organiser_contact = forms.CharField(
        label=_("Varaajan yhteystieto"),
        max_length=200,
        required=False,
        help_text=_("Puhelin tai sähköposti. Näkyy vain työmuodon työntekijöille."),
    )
    price = PriceField(
        label=_("Hinta (€)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("Tyhjä: tilan tuntihinta × tunnit."),
    )
    billable = forms.BooleanField(label=_("Laskutettava"), required=False, initial=True)
    note = forms.CharField(label=_("Lisätieto"), max_length=300, required=False)

    def __init__(self, *args: Any, rooms: QuerySet[Room], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        room_field = self.fields["room"]
        assert isinstance(room_field, forms.ModelChoiceField)
        room_field.queryset = rooms


class IdentifyForm(forms.Form):
    """ANO-05: the visitor's names and the consent (the only names asked in the house)."""

    first_names = forms.CharField(
        label=_("Etunimet"), max_length=200, error_messages={"required": _("Anna etunimet.")}
    )
    last_name = forms.CharField(
        label=_("Sukunimi"), max_length=200, error_messages={"required": _("Anna sukunimi.")}
    )
    birth_date = date_field(
        _("Syntymäaika"), required=False, validators=[dates.validate_birth_date]
    )
    hetu = forms.CharField(
        label=_("Henkilötunnus"),
        max_length=11,
        required=False,
        help_text=_("Vapaaehtoinen."),
    )
    target_service_form: forms.ModelChoiceField[ServiceForm] = forms.ModelChoiceField(
        label=_("Työmuoto, johon asiakkuus avataan"),
        queryset=ServiceForm.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Valitse työmuoto."),
            "invalid_choice": _("Valitse työmuoto, jossa teet asiakastyötä."),
        },
    )
    consent = forms.BooleanField(
        label=_(
            "Kävijä on antanut suostumuksensa siihen, että hänet kirjataan nimellä asiakkaaksi "
            "valittuun työmuotoon."
        ),
        required=True,
        error_messages={
            "required": _(
                "Kävijää voi kirjata asiakkaaksi vain hänen suostumuksellaan. "
                "Merkitse suostumus, kun kävijä on antanut sen."
            )
        },
    )

    def __init__(self, *args: Any, targets: QuerySet[ServiceForm], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target_field = self.fields["target_service_form"]
        assert isinstance(target_field, forms.ModelChoiceField)
        target_field.queryset = targets


class MonthForm(forms.Form):
    """The month shown by the childcare and booking lists (``YYYY-MM``)."""

    month = forms.CharField(
        label=_("Kuukausi"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month"}),
        error_messages={"required": _("Valitse kuukausi.")},
    )

    def clean_month(self) -> tuple[int, int]:
        value = self.cleaned_data["month"]
        match = re.fullmatch(r"(\d{4})-(\d{2})", value or "")
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise forms.ValidationError(_("Anna kuukausi muodossa vvvv-kk."))
        year, month = int(match.group(1)), int(match.group(2))
        problem = dates.month_problem(year, month)
        if problem:
            raise forms.ValidationError(problem)
        return year, month
