"""The staff's kiosk form (the public pages post item codes straight to the recording module)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tupa.surveys.models import Questionnaire

REQUIRED = _("Tämä tieto on pakollinen.")


class KioskForm(forms.Form):
    name = forms.CharField(
        label=_("Kioskin nimi"),
        max_length=100,
        help_text=_("Esim. laitteen paikka: ”Perhetuvan aula, tabletti”."),
        error_messages={"required": REQUIRED},
    )
    questionnaire: forms.ModelChoiceField[Questionnaire] = forms.ModelChoiceField(
        label=_("Kysely"),
        queryset=Questionnaire.objects.none(),
        help_text=_("Kioski näyttää kyselyn uusimman julkaistun version."),
        error_messages={"required": REQUIRED, "invalid_choice": _("Valitse listalta.")},
    )

    def __init__(self, *args: Any, questionnaires: QuerySet[Questionnaire], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].queryset = questionnaires  # type: ignore[attr-defined]
