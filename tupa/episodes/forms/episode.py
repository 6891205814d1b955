"""An episode's status, basic data and contact permission."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tupa.core.forms import date_field
from tupa.organisations.models import Partner

from .. import services
from ..models import Episode, ReferralSource, ServiceTask
from .base import VersionedForm


class StatusForm(VersionedForm):
    status = forms.ChoiceField(label=_("Uusi tila"), choices=Episode.Status.choices)
    start_date = date_field(_("Alkamispäivä"), required=False)
    end_date = date_field(
        _("Päättymispäivä"),
        help_text=_("Pakollinen, kun asiakkuus päättyy."),
        required=False,
    )
    end_reason = forms.ChoiceField(
        label=_("Päättymisen syy"),
        required=False,
        choices=[("", _("Valitse")), *Episode.EndReason.choices],
    )
    reason = forms.CharField(
        label=_("Peruste uudelleen avaamiselle"),
        required=False,
        max_length=500,
        help_text=_("Pakollinen, kun päättynyt asiakkuus avataan uudelleen."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, episode: Episode, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed: frozenset[str] = (
            services.REOPEN_TO
            if episode.status == Episode.Status.ENDED
            else services.TRANSITIONS[episode.status]
        )
        status_field = cast(forms.ChoiceField, self.fields["status"])
        status_field.choices = [
            (value, label) for value, label in Episode.Status.choices if value in allowed
        ]
        self.fields["status"].error_messages["invalid_choice"] = _(
            "Tätä tilaa ei voi valita. Asiakkuus etenee yhteydenotosta jonoon, käyntiin ja "
            "päättyneeksi."
        )
        if episode.status != Episode.Status.ENDED:
            del self.fields["reason"]


class EpisodeEditForm(VersionedForm):
    """The intake facts of an episode: referrer, payer, service task, start, situation."""

    referral_source = forms.ChoiceField(label=_("Ohjaava taho"), choices=ReferralSource.choices)
    referral_partner: forms.ModelChoiceField[Partner] = forms.ModelChoiceField(
        label=_("Ohjaava yhteistyötaho"),
        required=False,
        queryset=Partner.objects.none(),
        empty_label=_("Ei valittu"),
    )
    referral_contact = forms.CharField(
        label=_("Ohjaajan yhteyshenkilö"), required=False, max_length=200
    )
    payer: forms.ModelChoiceField[Partner] = forms.ModelChoiceField(
        label=_("Maksaja"),
        required=False,
        queryset=Partner.objects.none(),
        empty_label=_("Ei maksajaa"),
    )
    service_task = forms.ChoiceField(
        label=_("Palvelutehtävä"),
        choices=ServiceTask.choices,
        help_text=_("Määrää asiakirjojen säilytysajan."),
    )
    start_date = date_field(_("Alkamispäivä"), required=False)
    summary = forms.CharField(
        label=_("Tilanteen kuvaus"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, partners: QuerySet[Partner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("referral_partner", "payer"):
            cast(forms.ModelChoiceField, self.fields[name]).queryset = partners  # type: ignore[type-arg]

    def episode_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            name: (data.get(name) or "").strip()
            if name in ("referral_contact", "summary")
            else data.get(name)
            for name in (
                "referral_source",
                "referral_partner",
                "referral_contact",
                "payer",
                "service_task",
                "start_date",
                "summary",
            )
        }


class ContactPermissionForm(VersionedForm):
    permission = forms.ChoiceField(
        label=_("Yhteydenottolupa"),
        choices=[
            ("yes", _("Kyllä, asiakkaaseen saa ottaa yhteyttä myöhemmin")),
            ("no", _("Ei")),
            ("", _("Ei kysytty")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    date = date_field(_("Luvan päivä"), help_text=_("Jos tyhjä, tänään."), required=False)

    def permission_value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("permission") or "")
