"""Filter forms of the access-log and change-history pages (GET forms, Finnish messages)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tupa.accounts.models import SecurityEvent, User
from tupa.audit.models import Action
from tupa.core.forms import date_field

#: How far back the pages look when the user has not chosen a period.
DEFAULT_PERIOD_DAYS = 30


class UserChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        full_name = obj.get_full_name()
        return f"{full_name} ({obj.username})" if full_name else str(obj.username)


class SubjectTypeField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        model = obj.model_class()
        return str(model._meta.verbose_name).capitalize() if model else str(obj)


class PeriodFilterForm(forms.Form):
    """Common part: the user whose actions are shown and the period (inclusive local dates)."""

    user = UserChoiceField(
        label=_("Käyttäjä"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Kaikki käyttäjät"),
        error_messages={"invalid_choice": _("Valitse käyttäjä listasta.")},
    )
    date_from = date_field(_("Alkaen"), required=False)
    date_to = date_field(_("Päättyen"), required=False)

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user_field = self.fields["user"]
        assert isinstance(user_field, forms.ModelChoiceField)
        user_field.queryset = User.objects.filter(organisation_id=organisation_id).order_by(
            "last_name", "first_name", "username"
        )
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("date_from", today - dt.timedelta(days=DEFAULT_PERIOD_DAYS))
            self.initial.setdefault("date_to", today)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Päättymispäivä ei voi olla ennen alkamispäivää."))
        return cleaned

    def filter_values(self) -> dict[str, Any]:
        """The cleaned filters; for an unbound form the defaults (last 30 days)."""
        if self.is_bound:
            return dict(self.cleaned_data)
        return {
            "user": None,
            "date_from": self.initial["date_from"],
            "date_to": self.initial["date_to"],
        }


def _subject_type_queryset() -> Any:
    """Tupa's own models, without the history tables (``historical…``) and the log itself."""
    labels = [
        c.label for c in apps.get_app_configs() if c.name.startswith("tupa.") and c.label != "audit"
    ]
    return (
        ContentType.objects.filter(app_label__in=labels)
        .exclude(model__startswith="historical")
        .order_by("app_label", "model")
    )


class AccessLogFilterForm(PeriodFilterForm):
    subject_type = SubjectTypeField(
        label=_("Kohteen tyyppi"),
        queryset=ContentType.objects.none(),
        required=False,
        empty_label=_("Kaikki"),
        error_messages={"invalid_choice": _("Valitse kohteen tyyppi listasta.")},
    )
    subject_id = forms.CharField(label=_("Kohteen tunniste"), required=False, max_length=64)
    action = forms.ChoiceField(
        label=_("Toiminto"),
        required=False,
        choices=[("", _("Kaikki")), *Action.choices],
        error_messages={"invalid_choice": _("Valitse toiminto listasta.")},
    )

    field_order = ["user", "subject_type", "subject_id", "action", "date_from", "date_to"]

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, organisation_id=organisation_id, **kwargs)
        subject_field = self.fields["subject_type"]
        assert isinstance(subject_field, forms.ModelChoiceField)
        subject_field.queryset = _subject_type_queryset()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        subject_id = (cleaned.get("subject_id") or "").strip()
        cleaned["subject_id"] = subject_id
        if subject_id and not cleaned.get("subject_type") and "subject_type" not in self.errors:
            self.add_error(
                "subject_type", _("Valitse kohteen tyyppi, kun annat kohteen tunnisteen.")
            )
        return cleaned

    def filter_values(self) -> dict[str, Any]:
        values = super().filter_values()
        values.setdefault("subject_type", None)
        values.setdefault("subject_id", "")
        values.setdefault("action", "")
        return values


class ChangeFilterForm(PeriodFilterForm):
    model = forms.ChoiceField(
        label=_("Tietolaji"),
        required=False,
        choices=[],
        error_messages={"invalid_choice": _("Valitse tietolaji listasta.")},
    )

    field_order = ["model", "user", "date_from", "date_to"]

    def __init__(
        self, *args: Any, organisation_id: int, model_choices: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, organisation_id=organisation_id, **kwargs)
        self.fields["model"].choices = [("", _("Kaikki tietolajit")), *model_choices]  # type: ignore[attr-defined]

    def filter_values(self) -> dict[str, Any]:
        values = super().filter_values()
        values.setdefault("model", "")
        return values


class SecurityEventFilterForm(PeriodFilterForm):
    """Filters of the security event log: user (account concerned or acting), kind, period."""

    kind = forms.ChoiceField(
        label=_("Tapahtuma"),
        required=False,
        choices=[],
        error_messages={"invalid_choice": _("Valitse tapahtuma listasta.")},
    )

    field_order = ["user", "kind", "date_from", "date_to"]

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, organisation_id=organisation_id, **kwargs)
        self.fields["kind"].choices = [("", _("Kaikki")), *SecurityEvent.Kind.choices]  # type: ignore[attr-defined]

    def filter_values(self) -> dict[str, Any]:
        values = super().filter_values()
        values.setdefault("kind", "")
        return values
