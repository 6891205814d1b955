"""Forms of the residential screens (Finnish messages; the services do the real checks)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tupa.core import forms as core_forms
from tupa.core.forms import TIME_WIDGET, BoundedModelMultipleChoiceField, version_field
from tupa.core.wallclock import WallClockForm, this_minute
from tupa.episodes.models import Participant, Referral
from tupa.residential.models import Destination, PayerCategory, Place
from tupa.residential.stays.selectors import PlaceBooking


class _MomentMixin(WallClockForm):
    """A date and a time field that together give an aware moment (default: now).

    A wall-clock time skipped by the spring daylight-saving change is refused, and one that
    happens twice in autumn is asked about (:mod:`tupa.core.wallclock`).
    """

    date_field = "date"
    time_field = "time"

    @property
    def wall_clock_fields(self) -> tuple[tuple[str, str]]:  # type: ignore[override]
        return ((self.date_field, self.time_field),)

    def moment(self) -> dt.datetime:
        return self.moments[self.time_field]


def _moment_label(moment: dt.datetime, today: dt.date) -> str:
    local = timezone.localtime(moment)
    time = local.strftime("%H:%M")
    if local.date() == today:
        return str(_("tänään klo %(time)s") % {"time": time})
    date = f"{local.day}.{local.month}.{local.year}"
    return str(_("%(date)s klo %(time)s") % {"date": date, "time": time})


def booking_note(booking: PlaceBooking | None, *, today: dt.date) -> str:
    """Until when a place is taken, as far as the stays say (they have no planned end: an open
    stay shows when it started)."""
    if booking is None:
        return ""
    parts: list[str] = []
    if booking.taken_now:
        if booking.until is not None:
            parts.append(
                str(_("varattu %(moment)s asti") % {"moment": _moment_label(booking.until, today)})
            )
        elif booking.since is not None:
            parts.append(
                str(
                    _("varattu %(moment)s alkaen") % {"moment": _moment_label(booking.since, today)}
                )
            )
    elif booking.freed_at is not None and booking.next_arrival is None:
        parts.append(
            str(_("vapaa %(moment)s alkaen") % {"moment": _moment_label(booking.freed_at, today)})
        )
    if booking.next_arrival is not None and (not booking.taken_now or booking.until is not None):
        parts.append(
            str(
                _("varattu %(moment)s alkaen")
                % {"moment": _moment_label(booking.next_arrival, today)}
            )
        )
    return "; ".join(parts)


class PlaceChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Places, each with until when it is taken (``bookings``) or "varattu nyt" (``taken``)."""

    def __init__(
        self,
        *args: Any,
        taken: frozenset[int] = frozenset(),
        bookings: Mapping[int, PlaceBooking] | None = None,
        **kwargs: Any,
    ) -> None:
        self.taken = taken
        self.bookings: Mapping[int, PlaceBooking] = bookings or {}
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        note = booking_note(self.bookings.get(obj.pk), today=timezone.localdate())
        if note:
            return f"{obj.name} ({note})"
        if obj.pk in self.taken:
            return str(_("%(place)s (varattu nyt)") % {"place": obj.name})
        return str(obj.name)


class ParticipantChoiceField(BoundedModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        if obj.person is not None:
            name = f"{obj.person.first_names} {obj.person.last_name}"
        else:
            name = str(_("%(label)s (peitenimi)") % {"label": obj.alias.label})
        return f"{name}, {obj.get_role_display()}"


class AdmitForm(_MomentMixin):
    date_field = "arrival_date"
    time_field = "arrival_time"

    place = PlaceChoiceField(label=_("Paikka"), queryset=Place.objects.none(), empty_label=None)
    arrival_date = core_forms.date_field(_("Tulopäivä"))
    arrival_time = forms.TimeField(label=_("Tuloaika"), widget=TIME_WIDGET)
    payer_category = forms.ChoiceField(
        label=_("Maksajaryhmä"), choices=PayerCategory.choices, widget=forms.RadioSelect
    )
    members = ParticipantChoiceField(
        label=_("Tulijat"),
        queryset=Participant.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Valitse vähintään yksi jaksolle tuleva henkilö.")},
    )
    # Ensikoti only (removed in __init__ otherwise).
    started_in_pregnancy = forms.BooleanField(
        label=_("Alkoi raskausaikana"),
        required=False,
        help_text=_("Jakso alkaa ennen lapsen syntymää."),
    )

    def __init__(
        self,
        *args: Any,
        places: Any,
        participants: Any,
        taken: frozenset[int],
        bookings: Mapping[int, PlaceBooking] | None = None,
        mother_and_baby_home: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not mother_and_baby_home:
            del self.fields["started_in_pregnancy"]
        place_field = self.fields["place"]
        assert isinstance(place_field, PlaceChoiceField)
        place_field.queryset = places
        place_field.taken = taken
        place_field.bookings = bookings or {}
        members_field = self.fields["members"]
        assert isinstance(members_field, ParticipantChoiceField)
        members_field.queryset = participants
        if not self.is_bound:
            now = this_minute()
            booked = {pk for pk, booking in place_field.bookings.items() if booking.booked}
            free = [p for p in places if p.pk not in taken and p.pk not in booked]
            self.initial.setdefault("place", free[0].pk if free else None)
            self.initial.setdefault("arrival_date", now.date())
            self.initial.setdefault("arrival_time", now.time())
            self.initial.setdefault(
                "payer_category",
                PayerCategory.MUNICIPALITY if mother_and_baby_home else PayerCategory.STATE,
            )
            self.initial.setdefault("members", [p.pk for p in participants])


class DischargeForm(_MomentMixin):
    date_field = "departure_date"
    time_field = "departure_time"

    departure_date = core_forms.date_field(_("Lähtöpäivä"))
    departure_time = forms.TimeField(label=_("Lähtöaika"), widget=TIME_WIDGET)
    destination = forms.ChoiceField(
        label=_("Jatkosijoitus"), choices=Destination.choices, widget=forms.RadioSelect
    )
    destination_note = forms.CharField(
        label=_("Jatkosijoitus, lisätieto"), max_length=300, required=False
    )
    follow_on_referral: forms.ModelChoiceField[Referral] = forms.ModelChoiceField(
        label=_("Jatko-ohjaus"),
        queryset=Referral.objects.none(),
        required=False,
        empty_label=_("Ei jatko-ohjausta"),
    )
    version = version_field()

    def __init__(self, *args: Any, referrals: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        referral_field = self.fields["follow_on_referral"]
        assert isinstance(referral_field, forms.ModelChoiceField)
        referral_field.queryset = referrals
        if not self.is_bound:
            now = this_minute()
            self.initial.setdefault("departure_date", now.date())
            self.initial.setdefault("departure_time", now.time())


class MoveForm(_MomentMixin):
    date_field = "move_date"
    time_field = "move_time"

    to_place = PlaceChoiceField(
        label=_("Uusi paikka"), queryset=Place.objects.none(), empty_label=None
    )
    move_date = core_forms.date_field(_("Siirtopäivä"))
    move_time = forms.TimeField(label=_("Siirtoaika"), widget=TIME_WIDGET)
    version = version_field()

    def __init__(
        self,
        *args: Any,
        places: Any,
        taken: frozenset[int],
        bookings: Mapping[int, PlaceBooking] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        place_field = self.fields["to_place"]
        assert isinstance(place_field, PlaceChoiceField)
        place_field.queryset = places
        place_field.taken = taken
        place_field.bookings = bookings or {}
        if not self.is_bound:
            now = this_minute()
            self.initial.setdefault("move_date", now.date())
            self.initial.setdefault("move_time", now.time())
