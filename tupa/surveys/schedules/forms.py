"""Forms of who is asked and when: a schedule, and the hidden fields of "Luo kutsu"."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tupa.core.forms import DATE_WIDGET
from tupa.episodes.models import Episode
from tupa.organisations.models import Partner
from tupa.people.models import Person
from tupa.programmes.models import GroupProgramme
from tupa.surveys.models import Questionnaire, Schedule, Target, Trigger
from tupa.volunteers.models import Volunteer


class ScheduleForm(forms.Form):
    questionnaire: forms.ModelChoiceField[Questionnaire] = forms.ModelChoiceField(
        label=_("Kysely"), queryset=Questionnaire.objects.none(), empty_label=None
    )
    target = forms.ChoiceField(label=_("Vastaajat"), choices=Target.choices)
    trigger = forms.ChoiceField(
        label=_("Ajankohta"), choices=Trigger.choices, widget=forms.RadioSelect
    )
    months_after = forms.IntegerField(
        label=_("Kuukautta päättymisen jälkeen"),
        min_value=1,
        max_value=60,
        required=False,
        help_text=_("Vain kun ajankohta on ”kuukausia päättymisen jälkeen”."),
    )
    channel = forms.ChoiceField(
        label=_("Kanava"), choices=Schedule.Channel.choices, widget=forms.RadioSelect
    )
    anonymous = forms.TypedChoiceField(
        label=_("Vastaukset"),
        choices=[
            ("1", _("nimettömiä (eivät liity asiakkuuteen eivätkä henkilöön)")),
            ("0", _("liitetään asiakkuuteen")),
        ],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    due_window_days = forms.IntegerField(
        label=_("Listalla päivää"),
        min_value=1,
        max_value=365,
        help_text=_("Kuinka kauan henkilö näkyy erääntyneiden listalla ajankohdan jälkeen."),
    )
    link_valid_days = forms.IntegerField(
        label=_("Linkki voimassa päivää"), min_value=1, max_value=180
    )

    def __init__(self, *args: Any, questionnaires: QuerySet[Questionnaire], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].queryset = questionnaires  # type: ignore[attr-defined]


def schedule_initial(schedule: Schedule | None = None) -> dict[str, Any]:
    if schedule is None:
        return {
            "target": Target.ADULT,
            "trigger": Trigger.EPISODE_END,
            "channel": Schedule.Channel.LINK,
            "anonymous": "1",
            "due_window_days": 30,
            "link_valid_days": 21,
        }
    return {
        "questionnaire": schedule.questionnaire_id,
        "target": schedule.target,
        "trigger": schedule.trigger,
        "months_after": schedule.months_after,
        "channel": schedule.channel,
        "anonymous": "1" if schedule.anonymous else "0",
        "due_window_days": schedule.due_window_days,
        "link_valid_days": schedule.link_valid_days,
    }


class ActiveForm(forms.Form):
    active = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")], coerce=lambda value: value == "1"
    )


class InvitationCreateForm(forms.Form):
    """The hidden fields of a due-list row. Each queryset is what the user may name; anything
    else (a forged or stale row) makes the form invalid and the view answers 404."""

    schedule: forms.ModelChoiceField[Schedule] = forms.ModelChoiceField(
        queryset=Schedule.objects.none()
    )
    episode: forms.ModelChoiceField[Episode] = forms.ModelChoiceField(
        queryset=Episode.objects.none(), required=False
    )
    person: forms.ModelChoiceField[Person] = forms.ModelChoiceField(
        queryset=Person.objects.none(), required=False
    )
    programme: forms.ModelChoiceField[GroupProgramme] = forms.ModelChoiceField(
        queryset=GroupProgramme.objects.none(), required=False
    )
    volunteer: forms.ModelChoiceField[Volunteer] = forms.ModelChoiceField(
        queryset=Volunteer.objects.none(), required=False
    )
    partner: forms.ModelChoiceField[Partner] = forms.ModelChoiceField(
        queryset=Partner.objects.none(), required=False
    )
    recipient_label = forms.CharField(max_length=200, required=False)
    due_on = forms.DateField(required=False, widget=DATE_WIDGET)

    def __init__(
        self,
        *args: Any,
        schedules: QuerySet[Schedule],
        episodes: QuerySet[Episode],
        organisation_id: int,
        service_form_id: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        querysets: dict[str, QuerySet[Any]] = {
            "schedule": schedules,
            "episode": episodes,
            "person": Person.objects.filter(organisation_id=organisation_id),
            "programme": GroupProgramme.objects.filter(service_form_id=service_form_id),
            "volunteer": Volunteer.objects.filter(organisation_id=organisation_id),
            "partner": Partner.objects.filter(organisation_id=organisation_id),
        }
        for name, queryset in querysets.items():
            self.fields[name].queryset = queryset  # type: ignore[attr-defined]
