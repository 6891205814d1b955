"""The intake: the client, the children who came along, a participant added later."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tupa.core import dates
from tupa.core.forms import date_field
from tupa.people.models import Person

from .. import services
from ..models import Episode, Participant, ReferralSource, ServiceTask
from .base import GENDER_CHOICES, TupaForm, birth_date_of, clean_hetu


def _name_field(label: Any, **kwargs: Any) -> forms.CharField:
    """A name typed at intake (optional: an anonymous client has none); autocomplete off, so the
    browser does not offer names typed about other clients."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        **kwargs,
    )


def _role_field(initial: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Rooli asiakkuudessa"), choices=Participant.Role.choices, initial=initial
    )


def _violence_role_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Väkivaltarooli"),
        required=False,
        choices=[("", _("Ei merkitty")), *Participant.ViolenceRole.choices],
        help_text=_("Merkitään neutraalisti, eikä se vaikuta palvelun saamiseen."),
    )


class SubjectFields(TupaForm):
    """Who the participant is: a new identified person, or an anonymous client (alias)."""

    MODE_PERSON = "person"
    MODE_ALIAS = "alias"
    MODE_EXISTING = "existing"

    mode = forms.ChoiceField(
        label=_("Asiakas"),
        choices=[
            (MODE_PERSON, _("Tunnistettu henkilö")),
            (MODE_ALIAS, _("Anonyymi asiakas (peitenimi)")),
        ],
        initial=MODE_PERSON,
        widget=forms.RadioSelect,
    )
    first_names = _name_field(_("Etunimet"))
    last_name = _name_field(_("Sukunimi"))
    hetu = forms.CharField(
        label=_("Henkilötunnus"),
        required=False,
        max_length=11,
        help_text=_("Vapaaehtoinen. Ilman henkilötunnusta henkilö saa tilapäisen tunnisteen."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )
    birth_date = date_field(
        _("Syntymäaika"), validators=[dates.validate_birth_date], required=False
    )
    gender = forms.ChoiceField(
        label=_("Sukupuoli"), choices=GENDER_CHOICES, initial=Person.Gender.UNKNOWN
    )
    alias_label = forms.CharField(
        label=_("Peitenimi"),
        required=False,
        max_length=100,
        help_text=_("Nimi, jolla asiakas tunnetaan työmuodossa. Älä käytä oikeaa nimeä."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    alias_gender = forms.ChoiceField(
        label=_("Sukupuoli"), choices=GENDER_CHOICES, initial=Person.Gender.UNKNOWN
    )
    alias_birth_year = forms.IntegerField(
        label=_("Syntymävuosi"),
        required=False,
        error_messages={"invalid": _("Kirjoita vuosi numeroina, esimerkiksi 1990.")},
    )

    def clean_hetu(self) -> str:
        return clean_hetu(self.cleaned_data.get("hetu", ""))

    def clean_alias_birth_year(self) -> int | None:
        year = self.cleaned_data.get("alias_birth_year")
        if year is not None and not 1900 <= year <= timezone.localdate().year:
            raise ValidationError(_("Kirjoita syntymävuosi väliltä 1900–tämä vuosi."))
        return year

    def __init__(self, *args: Any, existing: Person | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.existing = existing
        if existing is not None:
            mode = self.fields["mode"]
            mode.choices = [(self.MODE_EXISTING, str(existing)), *mode.choices]  # type: ignore[attr-defined]
            mode.initial = self.MODE_EXISTING

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("mode") == self.MODE_EXISTING:
            return cleaned
        if cleaned.get("mode") == self.MODE_ALIAS:
            if not (cleaned.get("alias_label") or "").strip():
                self.add_error("alias_label", _("Kirjoita peitenimi."))
            return cleaned
        if not (cleaned.get("first_names") or "").strip():
            self.add_error("first_names", _("Kirjoita etunimet."))
        if not (cleaned.get("last_name") or "").strip():
            self.add_error("last_name", _("Kirjoita sukunimi."))
        hetu = cleaned.get("hetu")
        birth = cleaned.get("birth_date")
        if hetu:
            derived = birth_date_of(hetu)
            if birth and derived and birth != derived:
                self.add_error(
                    "birth_date", _("Syntymäaika ei vastaa henkilötunnusta. Tarkista kumpikin.")
                )
            elif derived:
                cleaned["birth_date"] = derived
                if problem := dates.birth_date_problem(derived):
                    self.add_error("hetu", problem)
        return cleaned

    def subject(self) -> services.NewPerson | services.NewAlias | Person:
        data = self.cleaned_data
        if data["mode"] == self.MODE_EXISTING and self.existing is not None:
            return self.existing
        if data["mode"] == self.MODE_ALIAS:
            return services.NewAlias(
                label=data["alias_label"].strip(),
                gender=data.get("alias_gender") or "unknown",
                birth_year=data.get("alias_birth_year"),
            )
        return services.NewPerson(
            first_names=data["first_names"].strip(),
            last_name=data["last_name"].strip(),
            hetu=data.get("hetu") or None,
            birth_date=data.get("birth_date"),
            gender=data.get("gender") or "unknown",
        )


class IntakeForm(SubjectFields):
    """Open an episode: the client, then the episode's intake facts."""

    role = _role_field(Participant.Role.CLIENT)
    violence_role = _violence_role_field()
    status = forms.ChoiceField(
        label=_("Tila"),
        choices=[
            (Episode.Status.ACTIVE, Episode.Status.ACTIVE.label),
            (Episode.Status.WAITING, Episode.Status.WAITING.label),
            (Episode.Status.ENQUIRY, Episode.Status.ENQUIRY.label),
        ],
        initial=Episode.Status.ACTIVE,
    )
    start_date = date_field(
        _("Alkamispäivä"),
        help_text=_("Jos tyhjä, käynnissä olevalle tänään."),
        required=False,
    )
    referral_source = forms.ChoiceField(
        label=_("Ohjaava taho"), choices=ReferralSource.choices, initial=ReferralSource.SELF
    )
    referral_contact = forms.CharField(
        label=_("Ohjaajan yhteyshenkilö"), required=False, max_length=200
    )
    service_task = forms.ChoiceField(
        label=_("Palvelutehtävä"),
        required=False,
        choices=[("", _("Työmuodon oletus")), *ServiceTask.choices],
        help_text=_("Määrää asiakirjojen säilytysajan. Jätä oletukseksi, ellei toisin ohjeisteta."),
    )
    child_violence_role = forms.ChoiceField(
        label=_("Lasten väkivaltarooli"),
        required=False,
        choices=[("", _("Ei merkitty")), *Participant.ViolenceRole.choices],
    )

    def clean_start_date(self) -> dt.date | None:
        day = self.cleaned_data.get("start_date")
        if day and day > timezone.localdate() + dt.timedelta(days=365):
            raise ValidationError(_("Alkamispäivä on liian kaukana tulevaisuudessa."))
        return day

    def episode_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs: dict[str, Any] = {
            "status": data["status"],
            "referral_source": data["referral_source"],
            "referral_contact": data.get("referral_contact", "").strip(),
            "service_task": data.get("service_task") or None,
        }
        if data.get("start_date"):
            kwargs["start_date"] = data["start_date"]
        return kwargs


class ChildRowForm(TupaForm):
    """One child who came along (a row of the intake's repeatable child rows)."""

    first_names = _name_field(_("Etunimi tai peitenimi"))
    last_name = _name_field(_("Sukunimi"), help_text=_("Jos tyhjä, sama kuin asiakkaalla."))
    birth_date = date_field(
        _("Syntymäaika"), validators=[dates.validate_birth_date], required=False
    )
    birth_year = forms.IntegerField(
        label=_("Syntymävuosi"),
        required=False,
        help_text=_("Anonyymille lapselle riittää syntymävuosi."),
        error_messages={"invalid": _("Kirjoita vuosi numeroina, esimerkiksi 2019.")},
    )
    gender = forms.ChoiceField(
        label=_("Sukupuoli"), choices=GENDER_CHOICES, initial=Person.Gender.UNKNOWN
    )

    def has_content(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return bool(
            (data.get("first_names") or "").strip()
            or (data.get("last_name") or "").strip()
            or data.get("birth_date")
            or data.get("birth_year")
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.has_content() and not (cleaned.get("first_names") or "").strip():
            self.add_error("first_names", _("Kirjoita lapsen etunimi tai peitenimi."))
        year = cleaned.get("birth_year")
        today = timezone.localdate()
        if year is not None and not today.year - 30 <= year <= today.year:
            self.add_error("birth_year", _("Tarkista syntymävuosi."))
        return cleaned

    def child(
        self, *, anonymous: bool, parent_last_name: str
    ) -> services.NewPerson | services.NewAlias:
        data = self.cleaned_data
        birth = data.get("birth_date")
        if anonymous:
            return services.NewAlias(
                label=data["first_names"].strip(),
                gender=data.get("gender") or "unknown",
                birth_year=data.get("birth_year") or (birth.year if birth else None),
            )
        return services.NewPerson(
            first_names=data["first_names"].strip(),
            last_name=(data.get("last_name") or "").strip() or parent_last_name,
            birth_date=birth,
            gender=data.get("gender") or "unknown",
        )


ChildFormSet = forms.formset_factory(ChildRowForm, extra=3, max_num=12, absolute_max=12)


class ParticipantForm(SubjectFields):
    """Add a participant to an existing episode (e.g. a child after the intake)."""

    role = _role_field(Participant.Role.CHILD)
    violence_role = _violence_role_field()
