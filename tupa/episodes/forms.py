"""Forms of the episode screens. Every message is Finnish (gettext source language).

Forms only bind and check the shape of the input; the rules live in :mod:`.services`, whose
``ValidationError`` messages the views attach back to these forms
(:func:`tupa.core.forms.apply_errors`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tupa.accounts.models import User
from tupa.core import dates
from tupa.core.forms import DATE_WIDGET
from tupa.organisations.models import Partner, ServiceForm
from tupa.people import hetu as hetu_rules
from tupa.people.models import Person

from . import services
from .models import Episode, Participant, ReferralSource, ServiceTask

GENDER_CHOICES = Person.Gender.choices


def _date_field(label: Any, *, required: bool = False, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DATE_WIDGET,
        error_messages={
            "invalid": _("Kirjoita päivämäärä muodossa pp.kk.vvvv."),
            "required": _("Kirjoita päivämäärä."),
        },
        **kwargs,
    )


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


# --------------------------------------------------------------------------- filters


class ClientListFilterForm(TupaForm):
    q = forms.CharField(
        label=_("Nimi tai peitenimi"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    status = forms.ChoiceField(
        label=_("Tila"), required=False, choices=[("", _("Kaikki")), *Episode.Status.choices]
    )
    referral_source = forms.ChoiceField(
        label=_("Ohjaava taho"),
        required=False,
        choices=[("", _("Kaikki")), *ReferralSource.choices],
    )
    opened_from = _date_field(_("Avattu alkaen"), validators=[dates.validate_date])
    opened_to = _date_field(_("Avattu asti"), validators=[dates.validate_date])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("opened_from"), cleaned.get("opened_to")
        if start and end and end < start:
            self.add_error("opened_to", _("Loppupäivä ei voi olla ennen alkupäivää."))
        return cleaned


# --------------------------------------------------------------------------- intake


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
    first_names = forms.CharField(
        label=_("Etunimet"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    last_name = forms.CharField(
        label=_("Sukunimi"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    hetu = forms.CharField(
        label=_("Henkilötunnus"),
        required=False,
        max_length=11,
        help_text=_("Vapaaehtoinen. Ilman henkilötunnusta henkilö saa tilapäisen tunnisteen."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )
    birth_date = _date_field(_("Syntymäaika"), validators=[dates.validate_birth_date])
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

    role = forms.ChoiceField(
        label=_("Rooli asiakkuudessa"),
        choices=Participant.Role.choices,
        initial=Participant.Role.CLIENT,
    )
    violence_role = forms.ChoiceField(
        label=_("Väkivaltarooli"),
        required=False,
        choices=[("", _("Ei merkitty")), *Participant.ViolenceRole.choices],
        help_text=_("Merkitään neutraalisti, eikä se vaikuta palvelun saamiseen."),
    )
    status = forms.ChoiceField(
        label=_("Tila"),
        choices=[
            (Episode.Status.ACTIVE, Episode.Status.ACTIVE.label),
            (Episode.Status.WAITING, Episode.Status.WAITING.label),
            (Episode.Status.ENQUIRY, Episode.Status.ENQUIRY.label),
        ],
        initial=Episode.Status.ACTIVE,
    )
    start_date = _date_field(
        _("Alkamispäivä"),
        help_text=_("Jos tyhjä, käynnissä olevalle tänään."),
        validators=[dates.validate_date],
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

    first_names = forms.CharField(
        label=_("Etunimi tai peitenimi"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    last_name = forms.CharField(
        label=_("Sukunimi"),
        required=False,
        max_length=200,
        help_text=_("Jos tyhjä, sama kuin asiakkaalla."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    birth_date = _date_field(_("Syntymäaika"), validators=[dates.validate_birth_date])
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

    role = forms.ChoiceField(
        label=_("Rooli asiakkuudessa"),
        choices=Participant.Role.choices,
        initial=Participant.Role.CHILD,
    )
    violence_role = forms.ChoiceField(
        label=_("Väkivaltarooli"),
        required=False,
        choices=[("", _("Ei merkitty")), *Participant.ViolenceRole.choices],
        help_text=_("Merkitään neutraalisti, eikä se vaikuta palvelun saamiseen."),
    )


# --------------------------------------------------------------------------- status and episode


class VersionedForm(TupaForm):
    """Carries the version of the episode the user saw (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class StatusForm(VersionedForm):
    status = forms.ChoiceField(label=_("Uusi tila"), choices=Episode.Status.choices)
    start_date = _date_field(_("Alkamispäivä"), validators=[dates.validate_date])
    end_date = _date_field(
        _("Päättymispäivä"),
        help_text=_("Pakollinen, kun asiakkuus päättyy."),
        validators=[dates.validate_date],
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
    start_date = _date_field(_("Alkamispäivä"), validators=[dates.validate_date])
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
    date = _date_field(_("Luvan päivä"), help_text=_("Jos tyhjä, tänään."))

    def permission_value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("permission") or "")


# --------------------------------------------------------------------------- plan and network


class GoalForm(TupaForm):
    text = forms.CharField(
        label=_("Tavoite"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Kirjoita tavoite.")},
    )
    defined_with = forms.CharField(
        label=_("Määritelty yhdessä"),
        required=False,
        max_length=200,
        help_text=_("Esimerkiksi: asiakas ja lastensuojelun sosiaalityöntekijä."),
    )
    review_date = _date_field(_("Arviointipäivä"))


class GoalReviewForm(TupaForm):
    achieved = forms.ChoiceField(
        label=_("Toteutuminen"),
        choices=[("yes", _("toteutui")), ("partly", _("osittain")), ("no", _("ei toteutunut"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Valitse, miten tavoite toteutui.")},
    )
    next_review = _date_field(_("Seuraava arviointipäivä"))


class NetworkMeetingForm(TupaForm):
    held_on = _date_field(_("Päivä"), required=True)
    external_participants = forms.CharField(
        label=_("Ulkopuoliset osallistujat"),
        required=False,
        max_length=2000,
        help_text=_("Tehtävänimikkeet ja organisaatiot, esimerkiksi: sosiaalityöntekijä, neuvola."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    partners: forms.ModelMultipleChoiceField[Partner] = forms.ModelMultipleChoiceField(
        label=_("Yhteistyötahot"),
        required=False,
        queryset=Partner.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    child_participated = forms.BooleanField(label=_("Lapsi osallistui"), required=False)
    notes = forms.CharField(
        label=_("Muistiinpanot"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, partners: QuerySet[Partner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["partners"]
        field.queryset = partners  # type: ignore[attr-defined]
        if not partners.exists():
            del self.fields["partners"]

    def clean_held_on(self) -> dt.date:
        day = self.cleaned_data["held_on"]
        if day > timezone.localdate() + dt.timedelta(days=365):
            raise ValidationError(_("Päivä on liian kaukana tulevaisuudessa."))
        return day


class ExternalReferralForm(TupaForm):
    service_name = forms.CharField(
        label=_("Palvelu"),
        max_length=200,
        help_text=_("Esimerkiksi vertaisryhmä tai mentorointi."),
        error_messages={"required": _("Kirjoita palvelu, johon asiakas ohjattiin.")},
    )
    partner: forms.ModelChoiceField[Partner] = forms.ModelChoiceField(
        label=_("Yhteistyötaho"),
        required=False,
        queryset=Partner.objects.none(),
        empty_label=_("Ei valittu"),
    )
    referred_on = _date_field(_("Päivä"), help_text=_("Jos tyhjä, tänään."))
    note = forms.CharField(
        label=_("Lisätieto"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, partners: QuerySet[Partner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners  # type: ignore[attr-defined]


class AssignmentForm(TupaForm):
    user: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("Työntekijä"),
        queryset=User.objects.none(),
        empty_label=_("Valitse työntekijä"),
        error_messages={
            "required": _("Valitse työntekijä."),
            "invalid_choice": _("Valitse työntekijä listasta."),
        },
    )
    is_primary = forms.BooleanField(label=_("Vastuutyöntekijä"), required=False)
    valid_from = _date_field(_("Alkaen"), help_text=_("Jos tyhjä, tänään."))
    valid_until = _date_field(_("Päättyy"))

    def __init__(self, *args: Any, users: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        field.queryset = users  # type: ignore[attr-defined]
        field.label_from_instance = lambda u: u.get_full_name() or u.username  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- referrals


class ReferralForm(TupaForm):
    person = forms.ChoiceField(
        label=_("Ohjattava henkilö"),
        error_messages={"required": _("Valitse ohjattava henkilö.")},
    )
    to_service_form: forms.ModelChoiceField[ServiceForm] = forms.ModelChoiceField(
        label=_("Työmuoto, johon ohjataan"),
        queryset=ServiceForm.objects.none(),
        empty_label=_("Valitse työmuoto"),
        error_messages={
            "required": _("Valitse työmuoto."),
            "invalid_choice": _("Valitse työmuoto listasta."),
        },
    )
    reason = forms.CharField(
        label=_("Ohjauksen syy"),
        max_length=2000,
        help_text=_(
            "Vastaanottava työmuoto näkee henkilön nimen, tämän syyn, lähettävän työmuodon ja "
            "päivän — ei tämän asiakkuuden tietoja. Kirjoita vain se, mitä vastaanottaja tarvitsee."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Kirjoita ohjauksen syy.")},
    )
    consent_given = forms.BooleanField(
        label=_("Asiakas on antanut suostumuksensa ohjaukseen"), required=False
    )

    def __init__(
        self,
        *args: Any,
        persons: list[tuple[int, str]],
        targets: QuerySet[ServiceForm],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", _("Valitse henkilö")), *persons]  # type: ignore[attr-defined]
        self.fields["person"].error_messages["invalid_choice"] = _("Valitse henkilö listasta.")
        self.fields["to_service_form"].queryset = targets  # type: ignore[attr-defined]

    def clean_consent_given(self) -> bool:
        if not self.cleaned_data.get("consent_given"):
            raise ValidationError(services.CONSENT_REQUIRED_MESSAGE, code="consent")
        return True


class ReferralDecisionForm(TupaForm):
    ACCEPT = "accept"
    DECLINE = "decline"

    decision = forms.ChoiceField(
        label=_("Päätös"),
        choices=[(ACCEPT, _("Vastaanota")), (DECLINE, _("Älä vastaanota"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Valitse, vastaanotetaanko ohjaus.")},
    )
    status = forms.ChoiceField(
        label=_("Uuden asiakkuuden tila"),
        choices=[
            (Episode.Status.WAITING, Episode.Status.WAITING.label),
            (Episode.Status.ACTIVE, Episode.Status.ACTIVE.label),
            (Episode.Status.ENQUIRY, Episode.Status.ENQUIRY.label),
        ],
        initial=Episode.Status.WAITING,
        required=False,
    )
    note = forms.CharField(
        label=_("Perustelu"),
        required=False,
        max_length=2000,
        help_text=_("Pakollinen, jos ohjausta ei vastaanoteta. Lähettävä työntekijä näkee sen."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == self.DECLINE and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Kirjoita peruste, miksi ohjausta ei vastaanoteta."))
        return cleaned


# --------------------------------------------------------------------------- break-the-glass


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


class ConsentForm(TupaForm):
    """A consent given by a participant of the episode (sharing across forms, or follow-up)."""

    person: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Henkilö"),
        queryset=None,  # type: ignore[arg-type]
        empty_label=None,
        error_messages={
            "required": _("Valitse henkilö."),
            "invalid_choice": _("Valitse henkilö listasta."),
        },
    )
    purpose = forms.ChoiceField(
        label=_("Suostumuksen tarkoitus"),
        choices=[
            ("sharing", _("tietojen jakaminen toisen työmuodon kanssa")),
            ("follow_up", _("yhteydenotto myöhemmin palautetta varten")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Valitse suostumuksen tarkoitus.")},
    )
    recipient_service_form: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Työmuoto, jonka kanssa tietoja saa jakaa"),
        queryset=None,  # type: ignore[arg-type]
        required=False,
        help_text=_("Vain tietojen jakamisessa. Työmuodon työntekijät näkevät tämän asiakkuuden."),
    )
    scope_text = forms.CharField(
        label=_("Mitä tietoja suostumus koskee"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    given_on = _date_field(_("Suostumus annettu"), required=True)
    valid_until = _date_field(_("Voimassa asti"))

    def __init__(self, *args: Any, episode: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from tupa.organisations.models import ServiceForm
        from tupa.people.models import Person

        self.fields["person"].queryset = Person.objects.filter(  # type: ignore[attr-defined]
            participations__episode=episode
        ).order_by("last_name", "first_names")
        self.fields["recipient_service_form"].queryset = ServiceForm.objects.filter(  # type: ignore[attr-defined]
            active=True
        ).exclude(pk=episode.service_form_id)
