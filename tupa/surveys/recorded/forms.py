"""Forms of staff-recorded feedback and of the team's feedback list."""

from __future__ import annotations

import re
import secrets
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tupa.core.forms import date_field
from tupa.episodes.models import Participant
from tupa.surveys.models import Channel, MeasurementPoint, Questionnaire, QuestionnaireVersion
from tupa.surveys.recorded.services import RECORDED_CHANNELS

ANONYMOUS = "anonymous"
_KEY = re.compile(r"^[0-9a-f]{32}$")


def new_form_key() -> str:
    """A one-time key of one rendered form (a double submit of the same form stores one)."""
    return secrets.token_hex(16)


class ChooseForm(forms.Form):
    kysely = forms.ChoiceField(label=_("Kysely"))

    def __init__(self, *args: Any, versions: list[QuestionnaireVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kysely"].choices = [  # type: ignore[attr-defined]
            (str(v.pk), f"{v.questionnaire.name} (v{v.number})") for v in versions
        ]


class RecordForm(forms.Form):
    """The facts of a recorded answer set (the answers themselves are the questions partial)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    form_key = forms.CharField(widget=forms.HiddenInput)
    channel = forms.ChoiceField(
        label=_("Miten palaute saatiin"),
        choices=[(c.value, c.label) for c in RECORDED_CHANNELS],
        widget=forms.RadioSelect,
    )
    submitted_on = date_field(
        _("Vastauspäivä"),
        help_text=_(
            "Päivä, jona palaute annettiin. Nimettömästä vastauksesta säilyy vain kuukausi."
        ),
    )

    def __init__(
        self,
        *args: Any,
        participants: list[Participant] | None = None,
        outcome: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.participants = {p.person_id: p for p in participants or [] if p.person_id}
        if participants is not None:
            options: list[tuple[str, Any]] = [] if outcome else [(ANONYMOUS, _("Nimetön vastaus"))]
            options += [
                (str(p.person_id), f"{p.person} ({p.get_role_display()})")
                for p in participants
                if p.person_id
            ]
            self.fields["respondent"] = forms.ChoiceField(
                label=_("Vastaaja"), choices=options, widget=forms.RadioSelect
            )
        if outcome:
            self.fields["measurement_point"] = forms.ChoiceField(
                label=_("Mittauspiste"), choices=MeasurementPoint.choices, widget=forms.RadioSelect
            )

    def clean_form_key(self) -> str:
        key = str(self.cleaned_data.get("form_key") or "")
        if not _KEY.match(key):
            raise ValidationError(_("Lomake on vanhentunut; avaa se uudelleen."))
        return key

    def clean_submitted_on(self) -> Any:
        day = self.cleaned_data.get("submitted_on")
        if day and day > timezone.localdate():
            raise ValidationError(_("Vastauspäivä ei voi olla tulevaisuudessa."))
        return day

    @property
    def person(self) -> Any:
        chosen = self.cleaned_data.get("respondent", ANONYMOUS)
        if chosen in (None, "", ANONYMOUS):
            return None
        participant = self.participants.get(int(chosen))
        return participant.person if participant is not None else None


class FilterForm(forms.Form):
    """The list's filters (GET); an invalid value is ignored, never an error page."""

    kysely = forms.TypedChoiceField(label=_("Kysely"), required=False, coerce=int, empty_value=None)
    kanava = forms.ChoiceField(
        label=_("Kanava"), required=False, choices=[("", _("kaikki")), *Channel.choices]
    )
    alkaen = date_field(_("Alkaen"), required=False)
    paattyen = date_field(_("Päättyen"), required=False)

    def __init__(self, *args: Any, questionnaires: list[Questionnaire], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kysely"].choices = [  # type: ignore[attr-defined]
            ("", _("kaikki")),
            *((str(q.pk), q.name) for q in questionnaires),
        ]

    def values(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "questionnaire_id": data.get("kysely"),
            "channel": data.get("kanava") or "",
            "start": data.get("alkaen"),
            "end": data.get("paattyen"),
        }
