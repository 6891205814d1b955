"""Forms of the Tapaamispaikka screens (Finnish messages; the services do the real checks)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tupa.core.forms import (
    TIME_WIDGET,
    BoundedModelMultipleChoiceField,
    HidingFieldsMixin,
    date_field,
    version_field,
)
from tupa.core.wallclock import WallClockForm
from tupa.episodes.models import Participant
from tupa.organisations.models import Municipality, Partner
from tupa.people.restrictions import PLACEHOLDER_MSGID

from . import rules
from .models import (
    ContactChannel,
    InterruptionReason,
    MeetingOrder,
    MeetingType,
    OrderBasis,
    OrderParty,
    Outcome,
    PartyRole,
)


def participant_label(participant: Participant) -> str:
    """A participant's name (or alias) and role in the episode; never an address."""
    if participant.person is not None:
        name = f"{participant.person.first_names} {participant.person.last_name}"
    else:
        name = str(_("%(label)s (peitenimi)") % {"label": participant.alias.label})  # type: ignore[union-attr]
    return f"{name}, {participant.get_role_display()}"


class PartnerChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class OrderForm(HidingFieldsMixin, forms.Form):
    basis = forms.ChoiceField(
        label=_("Peruste"), choices=OrderBasis.choices, widget=forms.RadioSelect
    )
    basis_date = date_field(_("Päätöksen tai sopimuksen päivä"))
    basis_reference = forms.CharField(
        label=_("Diaari- tai asianumero"), max_length=100, required=False
    )
    authority = PartnerChoice(
        label=_("Määrääjä"),
        queryset=Partner.objects.none(),
        required=False,
        empty_label=_("Ei listassa – kirjoita nimi alle"),
    )
    authority_name = forms.CharField(
        label=_("Määrääjä, jos ei listassa"),
        max_length=200,
        required=False,
        help_text=_("Esimerkiksi käräjäoikeuden tai lastenvalvojan yksikön nimi."),
    )
    meeting_type = forms.ChoiceField(
        label=_("Tapaamisen laji"), choices=MeetingType.choices, widget=forms.RadioSelect
    )
    interval_weeks = forms.IntegerField(
        label=_("Tiheys (viikon välein)"), min_value=1, max_value=12, initial=2
    )
    duration_minutes = forms.IntegerField(
        label=_("Kesto (min)"), min_value=5, max_value=480, initial=120
    )
    valid_from = date_field(_("Voimassa alkaen"))
    valid_until = date_field(_("Voimassa asti"), required=False)
    payer_municipality = forms.ModelChoiceField(
        label=_("Maksava kunta (lapsen kotikunta)"),
        queryset=Municipality.objects.filter(valid=True),
        empty_label=_("Valitse kunta"),
    )
    payer_partner = PartnerChoice(
        label=_("Laskutettava yhteistyötaho"),
        queryset=Partner.objects.none(),
        required=False,
        empty_label=_("Ei erikseen"),
    )
    arrival_offset_minutes = forms.IntegerField(
        label=_("Lapsen tuoja saapuu ennen tapaajavanhempaa (min)"),
        min_value=0,
        max_value=120,
        initial=15,
    )
    departure_offset_minutes = forms.IntegerField(
        label=_("Tapaajavanhempi lähtee lapsen lähdön jälkeen (min)"),
        min_value=0,
        max_value=120,
        initial=15,
        help_text=_("Valvotussa vaihdossa lapsen tuoja poistuu heti, eikä tätä käytetä."),
    )
    separate_entrances = forms.BooleanField(label=_("Eri sisäänkäynnit"), required=False)
    separate_waiting_rooms = forms.BooleanField(label=_("Eri odotustilat"), required=False)
    security_guard = forms.BooleanField(label=_("Vartija paikalla"), required=False)
    safety_notes = forms.CharField(
        label=_("Turvallisuusjärjestelyt, lisätiedot"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Älä kirjoita tähän osoite- tai kuntatietoja."),
    )
    notes = forms.CharField(
        label=_("Muistiinpanot"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    version = version_field(required=False)

    def __init__(
        self,
        *args: Any,
        partners: QuerySet[Partner],
        participants: list[Participant],
        hide_payer: bool = False,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # A change of a saved order needs the version the user saw (optimistic locking):
        # without it, a save could silently overwrite somebody else's.
        self.fields["version"].required = editing
        payer = self.fields["payer_municipality"]
        assert isinstance(payer, forms.ModelChoiceField)
        payer.queryset = Municipality.objects.filter(valid=True).order_by(
            Municipality.display_ordering()  # by the name the reader sees
        )
        # A party has a restriction in force: the payer (the child's home municipality) and the
        # invoiced partner (its social services, as a rule) are not shown, as on the order's
        # page; left empty, the order keeps what it has.
        if hide_payer:
            self.hide_fields(
                "payer_municipality", "payer_partner", placeholder=_(PLACEHOLDER_MSGID)
            )
        for name in ("authority", "payer_partner"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = partners
        self.participants = participants
        for participant in participants:
            self.fields[f"party_{participant.pk}"] = forms.ChoiceField(
                label=participant_label(participant),
                choices=[("", _("ei osapuoli")), *list(PartyRole.choices)],
                required=False,
            )

    @property
    def party_fields(self) -> list[forms.BoundField]:
        return [self[f"party_{p.pk}"] for p in self.participants]

    @property
    def main_fields(self) -> list[forms.BoundField]:
        return [
            self[name]
            for name in self.fields
            if not name.startswith("party_") and name != "version"
        ]

    def parties(self) -> list[tuple[Participant, str]]:
        return [
            (p, self.cleaned_data[f"party_{p.pk}"])
            for p in self.participants
            if self.cleaned_data.get(f"party_{p.pk}")
        ]

    def order_values(self) -> dict[str, Any]:
        values = {
            k: v
            for k, v in self.cleaned_data.items()
            if not k.startswith("party_") and k != "version"
        }
        return self.keeping_hidden(values)  # an empty hidden payer keeps the order's

    @staticmethod
    def initial_for(order: MeetingOrder) -> dict[str, Any]:
        from .services import ORDER_FIELDS

        initial: dict[str, Any] = {f: getattr(order, f) for f in ORDER_FIELDS}
        initial["version"] = order.version
        for party in order.parties.all():
            initial[f"party_{party.participant_id}"] = party.role
        return initial


class ScheduleForm(forms.Form):
    first_day = date_field(_("Ensimmäinen päivä"))
    time = forms.TimeField(label=_("Alkamisaika"), widget=TIME_WIDGET)
    count = forms.IntegerField(
        label=_("Tapaamisten määrä"), min_value=1, max_value=rules.MAX_SCHEDULE_COUNT, initial=6
    )
    location = forms.CharField(
        label=_("Paikka, jos muu kuin tapaamispaikka"), max_length=200, required=False
    )


class MeetingForm(WallClockForm):
    """A meeting's new time. A time skipped by the spring daylight-saving change is refused and
    one that happens twice in autumn is asked about (:mod:`tupa.core.wallclock`)."""

    wall_clock_fields = (("start_date", "start_time"),)

    start_date = date_field(_("Päivä"))
    start_time = forms.TimeField(label=_("Alkamisaika"), widget=TIME_WIDGET)
    duration_minutes = forms.IntegerField(label=_("Kesto (min)"), min_value=5, max_value=480)
    location = forms.CharField(
        label=_("Paikka, jos muu kuin tapaamispaikka"), max_length=200, required=False
    )
    version = version_field()

    def starts_at(self) -> dt.datetime:
        return self.moments["start_time"]


class PresentChoice(BoundedModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return participant_label(obj)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Toteutuminen"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    no_show_role = forms.ChoiceField(label=_("Kuka ei saapunut"), required=False)
    late_cancellation = forms.BooleanField(
        label=_("Myöhäinen peruutus"),
        required=False,
        help_text=_("Perhe perui niin myöhään, että peruutus laskutetaan (sopimuksen mukaan)."),
    )
    interruption_reason = forms.ChoiceField(
        label=_("Keskeyttämisen syy"),
        choices=[("", _("Ei keskeytetty")), *list(InterruptionReason.choices)],
        required=False,
    )
    outcome_note = forms.CharField(label=_("Lyhyt huomio"), max_length=500, required=False)
    record_text = forms.CharField(
        label=_("Tapaamisen kirjaus"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_(
            "Kirjoitetaan yhdessä asiakkaan kanssa tapaamisen jälkeen. Tallentuu asiakkuuden "
            "kirjauksiin."
        ),
    )
    written_with_client = forms.BooleanField(
        label=_("Kirjoitettu yhdessä asiakkaan kanssa"), required=False, initial=True
    )
    present = PresentChoice(
        label=_("Läsnä"),
        queryset=Participant.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    version = version_field()

    def __init__(
        self, *args: Any, parties: list[OrderParty], record_exists: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        roles = list(dict.fromkeys(p.role for p in parties))
        labels = dict(PartyRole.choices)
        no_show = self.fields["no_show_role"]
        assert isinstance(no_show, forms.ChoiceField)
        no_show.choices = [("", _("Valitse"))] + [(r, labels[r]) for r in roles]
        present = self.fields["present"]
        assert isinstance(present, forms.ModelMultipleChoiceField)
        present.queryset = (
            Participant.objects.filter(pk__in=[p.participant_id for p in parties])
            .select_related("person", "alias")
            .order_by("pk")
        )
        if record_exists:
            for name in ("record_text", "written_with_client", "present"):
                del self.fields[name]
        elif not self.is_bound:
            self.initial.setdefault("present", [p.participant_id for p in parties])


class ContactForm(forms.Form):
    contacted_on = date_field(_("Päivä"))
    party: forms.ModelChoiceField[OrderParty] = forms.ModelChoiceField(
        label=_("Osapuoli"),
        queryset=OrderParty.objects.none(),
        required=False,
        empty_label=_("Ei osapuoli"),
    )
    partner = PartnerChoice(
        label=_("Viranomainen tai yhteistyötaho"),
        queryset=Partner.objects.none(),
        required=False,
        empty_label=_("Ei listassa"),
    )
    other = forms.CharField(label=_("Muu, kuka"), max_length=200, required=False)
    channel = forms.ChoiceField(
        label=_("Yhteydenottotapa"), choices=[("", _("Valitse")), *list(ContactChannel.choices)]
    )
    summary = forms.CharField(
        label=_("Yhteenveto"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )

    def __init__(
        self, *args: Any, parties: list[OrderParty], partners: QuerySet[Partner], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        party = self.fields["party"]
        assert isinstance(party, forms.ModelChoiceField)
        party.queryset = OrderParty.objects.filter(pk__in=[p.pk for p in parties]).select_related(
            "participant__person", "participant__alias"
        )
        party.label_from_instance = lambda obj: (  # type: ignore[method-assign]
            f"{participant_label(obj.participant).split(',')[0]}, {obj.get_role_display()}"
        )
        partner = self.fields["partner"]
        assert isinstance(partner, forms.ModelChoiceField)
        partner.queryset = partners
