"""Break-the-glass access and its review."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .. import services
from .base import TupaForm


class BreakGlassForm(TupaForm):
    reason = forms.CharField(
        label=_("Peruste"),
        max_length=2000,
        help_text=_(
            "Vähintään 20 merkkiä: miksi tarvitset tiedot nyt. Peruste tallentuu käyttölokiin, "
            "ja työmuodon esihenkilö tarkastaa jokaisen poikkeuksellisen pääsyn."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Kirjoita peruste.")},
    )
    hours = forms.TypedChoiceField(
        label=_("Kesto"),
        coerce=int,
        choices=[(1, _("1 tunti")), (2, _("2 tuntia")), (4, _("4 tuntia")), (8, _("8 tuntia"))],
        initial=4,
    )

    def clean_reason(self) -> str:
        text = self.cleaned_data.get("reason", "")
        if len(" ".join(text.split())) < services.BREAK_GLASS_MIN_REASON:
            raise ValidationError(
                _("Kirjoita peruste vähintään %(count)d merkillä.")
                % {"count": services.BREAK_GLASS_MIN_REASON}
            )
        return text


class BreakGlassReviewForm(TupaForm):
    note = forms.CharField(
        label=_("Tarkastuksen huomio"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Kirjoita tarkastuksen huomio.")},
    )
