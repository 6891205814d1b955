"""Forms of the group-programme screens. Services validate again; these give early messages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tupa.accounts.models import User
from tupa.core.forms import date_field
from tupa.episodes.models import Participant
from tupa.scheduling.models import Room

from .models import PEUKALOINEN_RULES, Attendance, GroupProgramme, Leader, Member

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
TIME_ERRORS = {
    "invalid": _("Anna kellonaika muodossa tt:mm."),
    "required": _("Anna kellonaika."),
}
NUMBER_ERRORS = {
    "invalid": _("Anna kokonaisluku."),
    "min_value": _("Luvun on oltava vähintään %(limit_value)s."),
    "max_value": _("Luku voi olla enintään %(limit_value)s."),
}


def _rule(label: Any, help_text: Any = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=1,
        max_value=100,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages=NUMBER_ERRORS,
    )


def rooms_for(service_form_id: int) -> QuerySet[Room]:
    from django.db.models import Q

    return Room.objects.filter(
        Q(service_form__isnull=True) | Q(service_form_id=service_form_id), active=True
    ).order_by("name")


class ProgrammeForm(forms.Form):
    name = forms.CharField(
        label=_("Nimi"), max_length=200, error_messages={"required": _("Anna ryhmälle nimi.")}
    )
    type = forms.ChoiceField(
        label=_("Ryhmän laji"),
        choices=GroupProgramme.Type.choices,
        error_messages={"required": _("Valitse ryhmän laji.")},
    )
    target_group = forms.ChoiceField(
        label=_("Kohderyhmä"),
        choices=GroupProgramme.TargetGroup.choices,
        error_messages={"required": _("Valitse kohderyhmä.")},
    )
    starts_on = date_field(_("Alkaa"))
    ends_on = date_field(_("Päättyy"), required=False)
    aftercare_until = date_field(_("Jälkituki päättyy"), required=False)
    capacity = forms.IntegerField(
        label=_("Paikkoja"),
        required=False,
        min_value=1,
        max_value=500,
        help_text=_("Vauva–vanhempi-ryhmissä paikka on pari."),
        error_messages=NUMBER_ERRORS,
    )
    planned_hours_per_week = forms.DecimalField(
        label=_("Suunniteltu tuntimäärä viikossa"),
        required=False,
        min_value=0.5,
        max_value=60,
        decimal_places=1,
        localize=True,
        error_messages={
            "invalid": _("Anna tuntimäärä numerona, esimerkiksi 15 tai 7,5."),
            "min_value": _("Tuntimäärän on oltava 0,5–60 tuntia viikossa."),
            "max_value": _("Tuntimäärän on oltava 0,5–60 tuntia viikossa."),
            "max_decimal_places": _("Anna tuntimäärä enintään yhden desimaalin tarkkuudella."),
        },
    )
    room: forms.ModelChoiceField[Room] = forms.ModelChoiceField(
        label=_("Tila"), queryset=Room.objects.none(), required=False, empty_label=_("ei valittu")
    )
    description = forms.CharField(label=_("Kuvaus"), required=False, widget=forms.Textarea)
    use_peukaloinen = forms.BooleanField(
        label=_("Käytä Peukaloisen sääntöjä"),
        required=False,
        help_text=_(
            "Täyttää tyhjiin sääntökenttiin: 3 motivointitapaamista, 15 h viikossa, 6 kk, "
            "4 (enintään 5) paria ja 6 kk jälkituki."
        ),
    )
    min_motivation_meetings = _rule(_("Motivointitapaamisia ennen aloitusta vähintään"))
    min_hours_per_week = _rule(_("Tunteja viikossa vähintään"))
    min_duration_months = _rule(_("Ryhmäjakson kesto vähintään (kk)"))
    pairs_target = _rule(_("Pareja tavoite"))
    pairs_max = _rule(_("Pareja enintään"))
    aftercare_months = _rule(_("Jälkituki vähintään (kk)"))
    sessions_per_month = _rule(
        _("Kokoontumisia kuukaudessa vähintään"), _("Esimerkiksi avoin ryhmä kahdesti kuussa.")
    )
    invitation_years = _rule(
        _("Kutsulista: osallistuneet viimeisten vuosien aikana"),
        _("Jälkiryhmän kutsulista työmuodon ryhmiin osallistuneista."),
    )

    RULE_FIELDS = (
        "min_motivation_meetings",
        "min_hours_per_week",
        "min_duration_months",
        "pairs_target",
        "pairs_max",
        "aftercare_months",
        "sessions_per_month",
        "invitation_years",
    )

    def __init__(self, *args: Any, service_form_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = rooms_for(service_form_id)  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, programme: GroupProgramme) -> dict[str, Any]:
        initial: dict[str, Any] = {
            f: getattr(programme, f)
            for f in (
                "name",
                "type",
                "target_group",
                "starts_on",
                "ends_on",
                "aftercare_until",
                "capacity",
                "planned_hours_per_week",
                "room",
                "description",
            )
        }
        initial.update({k: programme.rules.get(k) for k in cls.RULE_FIELDS})
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        target, most = data.get("pairs_target"), data.get("pairs_max")
        if target and most and most < target:
            self.add_error("pairs_max", _("Enimmäismäärä ei voi olla pienempi kuin tavoite."))
        return data

    def rules(self) -> dict[str, int]:
        data = self.cleaned_data
        rules = {k: data[k] for k in self.RULE_FIELDS if data.get(k)}
        if data.get("use_peukaloinen"):
            for key, value in PEUKALOINEN_RULES.items():
                rules.setdefault(key, value)
        return rules

    def programme_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "type": data["type"],
            "target_group": data["target_group"],
            "starts_on": data["starts_on"],
            "ends_on": data.get("ends_on"),
            "aftercare_until": data.get("aftercare_until"),
            "capacity": data.get("capacity"),
            "planned_hours_per_week": data.get("planned_hours_per_week"),
            "room": data.get("room"),
            "description": data.get("description", ""),
        }


class ParticipantChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Participant) -> str:
        return str(obj.person)


class ChildChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Participant) -> str:
        return str(
            _("%(child)s (asiakkuus #%(episode)s)")
            % {
                "child": obj.person,
                "episode": obj.episode_id,
            }
        )


class MemberForm(forms.Form):
    participant = ParticipantChoiceField(
        label=_("Osallistuja"),
        queryset=Participant.objects.none(),
        error_messages={
            "required": _("Valitse osallistuja."),
            "invalid_choice": _("Valitse osallistuja listasta."),
        },
        help_text=_("Työmuodon avoimien asiakkuuksien aikuiset."),
    )
    child = ChildChoiceField(
        label=_("Parin lapsi"),
        queryset=Participant.objects.none(),
        required=False,
        empty_label=_("ei lasta"),
        error_messages={"invalid_choice": _("Valitse lapsi listasta.")},
        help_text=_("Vauva–vanhempi-ryhmässä pari on yksi osallistuja."),
    )
    joined_on = date_field(
        _("Aloittaa ryhmässä"), required=False, help_text=_("Tyhjä: ryhmän alkamispäivä.")
    )

    def __init__(
        self, *args: Any, adults: QuerySet[Participant], children: QuerySet[Participant], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["participant"].queryset = adults  # type: ignore[attr-defined]
        self.fields["child"].queryset = children  # type: ignore[attr-defined]


class LeaveForm(forms.Form):
    """The day a participant's group period ends (the programme page's inline form)."""

    left_on = date_field(_("Lopetti"))


class LeaderForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Ohjaajan laji"),
        choices=Leader.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Valitse ohjaajan laji.")},
    )
    task = forms.ChoiceField(
        label=_("Tehtävä"),
        choices=Leader.Task.choices,
        initial=Leader.Task.LEADER,
        error_messages={"required": _("Valitse tehtävä.")},
    )
    user = forms.ModelChoiceField(
        label=_("Työntekijä"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("ei valittu"),
        help_text=_("Työntekijä tai yhdistyksen toisen työmuodon työpari."),
    )
    name = forms.CharField(
        label=_("Nimi"),
        required=False,
        max_length=200,
        help_text=_("Ulkopuolisen työparin nimi."),
    )
    volunteer = forms.TypedChoiceField(
        label=_("Vapaaehtoinen"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_(
            "Vapaaehtoisrekisterin aktiiviset vapaaehtoiset, joilla on tehtävä tässä "
            "työmuodossa. Lasten kanssa toimivalla on oltava voimassa oleva rikostaustan "
            "tarkistus."
        ),
        error_messages={"invalid_choice": _("Valitse vapaaehtoinen luettelosta.")},
    )

    def __init__(
        self,
        *args: Any,
        users: QuerySet[User],
        volunteers: Iterable[tuple[int, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users  # type: ignore[attr-defined]
        self.fields["volunteer"].choices = [  # type: ignore[attr-defined]
            ("", _("ei valittu")),
            *volunteers,
        ]
        self.fields["user"].label_from_instance = (  # type: ignore[attr-defined]
            lambda u: u.get_full_name() or u.get_username()
        )


WEEKDAYS = [
    (0, _("maanantai")),
    (1, _("tiistai")),
    (2, _("keskiviikko")),
    (3, _("torstai")),
    (4, _("perjantai")),
    (5, _("lauantai")),
    (6, _("sunnuntai")),
]


class SessionForm(forms.Form):
    day = date_field(_("Päivä"))
    start_time = forms.TimeField(
        label=_("Alkaa klo"),
        widget=TIME,
        input_formats=["%H:%M", "%H.%M"],
        error_messages=TIME_ERRORS,
    )
    end_time = forms.TimeField(
        label=_("Päättyy klo"),
        widget=TIME,
        input_formats=["%H:%M", "%H.%M"],
        error_messages=TIME_ERRORS,
    )
    weeks = forms.IntegerField(
        label=_("Toistetaan viikkoina"),
        min_value=1,
        max_value=60,
        initial=1,
        help_text=_("1 = vain tämä päivä. Useampi viikko: valitse viikonpäivät."),
        error_messages={**NUMBER_ERRORS, "required": _("Anna viikkojen määrä.")},
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Viikonpäivät"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    room: forms.ModelChoiceField[Room] = forms.ModelChoiceField(
        label=_("Tila"), queryset=Room.objects.none(), required=False, empty_label=_("ryhmän tila")
    )
    topic = forms.CharField(label=_("Aihe"), required=False, max_length=200)

    def __init__(self, *args: Any, service_form_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = rooms_for(service_form_id)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("Päättymisajan on oltava alkamisajan jälkeen."))
        return data


class AttendanceForm(forms.Form):
    """Fast checkboxes per member (present / excused; neither = absent) and head counts."""

    cancelled = forms.BooleanField(label=_("Kokoontuminen peruttiin"), required=False)
    topic = forms.CharField(label=_("Aihe"), required=False, max_length=200)
    anonymous_adults = forms.IntegerField(
        label=_("Nimettömiä aikuisia"),
        min_value=0,
        max_value=500,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={**NUMBER_ERRORS, "required": _("Anna lukumäärä (0, jos ei ketään).")},
    )
    anonymous_children = forms.IntegerField(
        label=_("Nimettömiä lapsia"),
        min_value=0,
        max_value=500,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={**NUMBER_ERRORS, "required": _("Anna lukumäärä (0, jos ei ketään).")},
    )
    leaders = forms.TypedMultipleChoiceField(
        label=_("Paikalla olleet ohjaajat"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        members: Iterable[tuple[Member, str]],
        leaders: Iterable[Leader],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.members = list(members)
        self.fields["leaders"].choices = [  # type: ignore[attr-defined]
            (leader.pk, f"{leader} ({leader.get_task_display()})") for leader in leaders
        ]
        for member, label in self.members:
            self.fields[f"present_{member.pk}"] = forms.BooleanField(
                label=_("%(name)s: paikalla") % {"name": label}, required=False
            )
            self.fields[f"excused_{member.pk}"] = forms.BooleanField(
                label=_("%(name)s: poissa ilmoittaen") % {"name": label}, required=False
            )

    def rows(self) -> list[tuple[Member, str, forms.BoundField, forms.BoundField]]:
        return [
            (m, label, self[f"present_{m.pk}"], self[f"excused_{m.pk}"])
            for m, label in self.members
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for member, _label in self.members:
            if data.get(f"present_{member.pk}") and data.get(f"excused_{member.pk}"):
                self.add_error(
                    f"excused_{member.pk}",
                    _("Valitse joko paikalla tai poissa ilmoittaen, ei molempia."),
                )
        if data.get("cancelled") and any(data.get(f"present_{m.pk}") for m, _l in self.members):
            self.add_error("cancelled", _("Peruttuun kokoontumiseen ei voi merkitä läsnäoloja."))
        return data

    def statuses(self) -> dict[int, str]:
        data = self.cleaned_data
        result: dict[int, str] = {}
        for member, _label in self.members:
            if data.get(f"present_{member.pk}"):
                result[member.pk] = Attendance.Status.PRESENT
            elif data.get(f"excused_{member.pk}"):
                result[member.pk] = Attendance.Status.EXCUSED
            else:
                result[member.pk] = Attendance.Status.ABSENT
        return result
