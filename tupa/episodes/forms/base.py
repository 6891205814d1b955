"""What the episode forms share: the Finnish defaults, identity codes, versions (a date field is
:func:`tupa.core.forms.date_field`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tupa.core.forms import version_field
from tupa.people import hetu as hetu_rules
from tupa.people.models import Person

GENDER_CHOICES = Person.Gender.choices


class TupaForm(forms.Form):
    """No colon after labels; Finnish 'required' messages by default."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        default = forms.Field.default_error_messages["required"]
        for field in self.fields.values():
            if field.error_messages.get("required") is default:
                field.error_messages["required"] = _("Täytä tämä kenttä.")


def clean_hetu(value: str) -> str:
    """A valid identity code in canonical form, or "" (Finnish messages from people.hetu)."""
    code = hetu_rules.normalise_hetu(value)
    return (
        hetu_rules.validate_hetu(code, allow_temporary=settings.TUPA_ALLOW_TEST_HETU)
        if code
        else ""
    )


def birth_date_of(hetu: str) -> dt.date | None:
    return hetu_rules.birth_date_from_hetu(hetu) if hetu else None


class VersionedForm(TupaForm):
    """Carries the version of the episode the user saw (optimistic locking)."""

    version = version_field()
