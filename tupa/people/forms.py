"""Forms of the person screens. Finnish messages that say what is wrong; typed data is kept."""

from __future__ import annotations

from collections.abc import Container, Iterable
from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tupa.core import dates
from tupa.core.forms import DATE_INVALID, BoundedModelMultipleChoiceField, version_field
from tupa.episodes.models import ServiceTask
from tupa.organisations.models import Municipality, ServiceForm

from . import hetu as hetu_rules
from .models import RESTRICTED_FIELDS, Household, Person, Relationship
from .services import IDENTITY_FIELDS, PERSON_FIELDS

#: The person form's fields: what the person services accept, in their order.
PERSON_FORM_FIELDS = list(PERSON_FIELDS)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PersonForm(forms.ModelForm):  # type: ignore[type-arg]
    """Identity, languages, contact data and the expected child's due date.

    For a person whose restricted fields are hidden (turvakielto), the restricted fields are
    left out of the form altogether: their values are never rendered into the page.
    """

    class Meta:
        model = Person
        fields = PERSON_FORM_FIELDS
        widgets = {
            "birth_date": DateInput(),
            "expected_due_date": DateInput(),
            "hetu": forms.TextInput(
                attrs={
                    "autocomplete": "off",
                    "spellcheck": "false",
                    "autocapitalize": "characters",
                    "inputmode": "text",
                }
            ),
            "first_names": forms.TextInput(attrs={"autocomplete": "off"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
        }
        help_texts = {
            "hetu": _(
                "Vapaaehtoinen. Esimerkiksi 131052-308T. Syntymäaika ja sukupuoli päätellään "
                "tunnuksesta. Ilman tunnusta henkilö saa tilapäisen tunnisteen."
            ),
            "birth_date": _("Jos henkilötunnus on annettu, syntymäaika saadaan siitä."),
            "expected_due_date": _("Jos asiakas odottaa lasta."),
            "languages": _("Esimerkiksi suomi, englanti."),
        }

    def __init__(self, *args: Any, restricted: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.restricted = restricted
        if restricted:
            for name in RESTRICTED_FIELDS:
                self.fields.pop(name, None)
        if "municipality" in self.fields:
            field = self.fields["municipality"]
            field.queryset = Municipality.objects.filter(valid=True).order_by(  # type: ignore[attr-defined]
                Municipality.display_ordering()
            )
            field.empty_label = _("— ei tiedossa —")  # type: ignore[attr-defined]
        self.fields["first_names"].error_messages["required"] = _("Kirjoita etunimet.")
        self.fields["last_name"].error_messages["required"] = _("Kirjoita sukunimi.")
        for name in ("birth_date", "expected_due_date"):
            if name in self.fields:
                self.fields[name].error_messages["invalid"] = DATE_INVALID
        if "birth_date" in self.fields:
            self.fields["birth_date"].validators.append(dates.validate_birth_date)
        if "email" in self.fields:
            self.fields["email"].error_messages["invalid"] = _(
                "Sähköpostiosoite ei ole kelvollinen (esimerkiksi nimi@esimerkki.fi)."
            )

    def clean_hetu(self) -> str | None:
        code = hetu_rules.normalise_hetu(self.cleaned_data.get("hetu"))
        if not code:
            return None
        return hetu_rules.validate_hetu(code, allow_temporary=settings.TUPA_ALLOW_TEST_HETU)

    def clean_first_names(self) -> str:
        return " ".join(self.cleaned_data.get("first_names", "").split())

    def clean_last_name(self) -> str:
        return " ".join(self.cleaned_data.get("last_name", "").split())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        code = cleaned.get("hetu")
        if code:
            derived = hetu_rules.birth_date_from_hetu(code)
            typed = cleaned.get("birth_date")
            if typed is not None and typed != derived:
                self.add_error(
                    "birth_date",
                    _(
                        "Syntymäaika ei vastaa henkilötunnusta: tunnuksen mukaan syntymäaika "
                        "on %(date)s."
                    )
                    % {"date": f"{derived.day}.{derived.month}.{derived.year}"},
                )
            else:
                cleaned["birth_date"] = derived
                if problem := dates.birth_date_problem(derived):
                    self.add_error("hetu", problem)
        if cleaned.get("interpreter_language") and not cleaned.get("interpreter_needed"):
            self.add_error(
                "interpreter_needed",
                _("Valitse tulkin tarve, jos annat tulkkauskielen."),
            )
        return cleaned

    def validate_unique(self) -> None:
        """Uniqueness of the identity code is decided by the services, with a message that
        never tells who holds the code."""

    def person_fields(self) -> dict[str, Any]:
        """The cleaned values of the person's own fields (not the form's extra fields)."""
        return {
            name: self.cleaned_data.get(name)
            for name in self._meta.fields  # type: ignore[union-attr]
            if name in self.fields and name in self.cleaned_data
        }


class PersonCreateForm(PersonForm):
    """A new client: the person and an enquiry-status episode in a service form of the user."""

    service_form: forms.ModelChoiceField[ServiceForm] = forms.ModelChoiceField(
        queryset=ServiceForm.objects.none(),
        label=_("Työmuoto"),
        help_text=_("Henkilölle avataan asiakkuus (yhteydenotto) tässä työmuodossa."),
        error_messages={
            "required": _("Valitse työmuoto."),
            "invalid_choice": _("Valitse työmuoto listasta."),
        },
    )
    service_task = forms.ChoiceField(
        label=_("Palvelutehtävä"),
        choices=[("", _("— työmuodon oletus —")), *ServiceTask.choices],
        required=False,
        help_text=_("Säilytysaika lasketaan palvelutehtävästä. Jätä oletus, jos et ole varma."),
    )

    field_order = ["service_form", *PERSON_FORM_FIELDS, "service_task"]

    def __init__(
        self, *args: Any, service_forms: Iterable[ServiceForm] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        forms_list = list(service_forms)
        field = self.fields["service_form"]
        field.queryset = ServiceForm.objects.filter(pk__in=[f.pk for f in forms_list])  # type: ignore[attr-defined]
        if len(forms_list) == 1 and not self.is_bound:
            self.initial.setdefault("service_form", forms_list[0].pk)


class PersonEditForm(PersonForm):
    """``show_hetu=False`` leaves the identity code out (not shown, not changed): the full code
    is for a membership basis only, as on the person page."""

    version = version_field()

    def __init__(self, *args: Any, show_hetu: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.show_hetu = show_hetu
        if not show_hetu:
            self.fields.pop("hetu", None)


class IdentifyForm(PersonForm):
    """Identify an anonymous client: who the alias is, and why we know it."""

    class Meta(PersonForm.Meta):
        fields = list(IDENTITY_FIELDS)

    reason = forms.CharField(
        label=_("Tunnistamisen peruste"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_(
            "Esimerkiksi: asiakas kertoi nimensä ja henkilötunnuksensa aamulla ja näytti "
            "henkilöllisyystodistuksen."
        ),
        error_messages={"required": _("Kirjoita tunnistamisen peruste.")},
    )


class DuplicateChoiceForm(forms.Form):
    """What to do when possible duplicates were found: use one of them, or save as new."""

    NEW = "new"

    choice = forms.ChoiceField(
        label=_("Onko kyseessä sama henkilö?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Valitse, käytetäänkö olemassa olevaa henkilöä.")},
    )

    def __init__(
        self,
        *args: Any,
        duplicates: Iterable[Person] = (),
        allow_new: bool = True,
        new_label: Any = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("prefix", "dup")
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = [
            (str(p.pk), _("Sama henkilö: %(name)s") % {"name": p}) for p in duplicates
        ]
        if allow_new:
            choices.append((self.NEW, new_label or _("Eri henkilö – tallenna uutena henkilönä")))
        self.fields["choice"].choices = choices  # type: ignore[attr-defined]


class MergeForm(forms.Form):
    keep = forms.ChoiceField(
        label=_("Säilytettävä henkilö"),
        widget=forms.RadioSelect,
        help_text=_("Toisen henkilön asiakkuudet, suhteet ja muut tiedot siirretään tälle."),
        error_messages={"required": _("Valitse säilytettävä henkilö.")},
    )
    confirm = forms.BooleanField(
        label=_("Olen tarkistanut, että kyseessä on sama ihminen. Yhdistämistä ei voi perua."),
        error_messages={"required": _("Vahvista, että kyseessä on sama ihminen.")},
    )

    def __init__(
        self,
        *args: Any,
        persons: Iterable[Person] = (),
        full_codes: Container[int] | None = None,
        **kwargs: Any,
    ) -> None:
        """``full_codes``: the persons whose identity code the user may read in full (on a
        membership basis); the others are named by their temporary id (None: everyone)."""
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [  # type: ignore[attr-defined]
            (
                str(p.pk),
                f"{p} ({p.display_id if full_codes is None or p.pk in full_codes else p.temporary_id})",
            )
            for p in persons
        ]


#: Relationship choices as read on the page of the person being edited: "<relative> is my …".
RELATIVE_KIND_CHOICES = [
    (Relationship.Kind.PARENT.value, _("vanhempi")),
    ("child", _("lapsi")),
    (Relationship.Kind.PARTNER.value, _("puoliso tai kumppani")),
    (Relationship.Kind.EX_PARTNER.value, _("entinen puoliso tai kumppani")),
    (Relationship.Kind.SIBLING.value, _("sisarus")),
    (Relationship.Kind.FOSTER_PARENT.value, _("sijaisvanhempi")),
    ("foster_child", _("sijaislapsi")),
    (Relationship.Kind.GRANDPARENT.value, _("isovanhempi")),
    ("grandchild", _("lapsenlapsi")),
    (Relationship.Kind.STEP_PARENT.value, _("isä- tai äitipuoli")),
    ("step_child", _("lapsipuoli")),
    (Relationship.Kind.OTHER_CLOSE.value, _("muu läheinen")),
]


def _valid_from() -> forms.DateField:
    """From when a relationship or a family membership holds (optional)."""
    return forms.DateField(
        label=_("Alkaen"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": DATE_INVALID},
    )


class _AmongRelatives(forms.Form):
    """A form that picks among the person's relatives the user may see: ``candidates`` (given
    by the view) become the choices of the field named ``candidates_field``."""

    candidates_field: ClassVar[str]

    def __init__(self, *args: Any, candidates: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields[self.candidates_field].queryset = candidates  # type: ignore[attr-defined]


class RelationshipForm(_AmongRelatives):
    candidates_field = "relative"

    relative: forms.ModelChoiceField[Person] = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        label=_("Läheinen"),
        help_text=_("Valittavana ovat henkilöt, joiden asiakkuuksia saat nähdä."),
        error_messages={
            "required": _("Valitse läheinen."),
            "invalid_choice": _("Valitse läheinen listasta."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Läheinen on tälle henkilölle"),
        choices=[("", "—"), *RELATIVE_KIND_CHOICES],
        error_messages={"required": _("Valitse suhde.")},
    )
    valid_from = _valid_from()
    note = forms.CharField(label=_("Lisätieto"), required=False, max_length=300)


class HouseholdForm(_AmongRelatives):
    """Start a family around the person, or add the person to a family they belong to."""

    candidates_field = "members"

    name = forms.CharField(
        label=_("Perheen nimi"),
        max_length=200,
        help_text=_("Esimerkiksi perheen sukunimi."),
        error_messages={"required": _("Anna perheelle nimi.")},
    )
    family_types = forms.MultipleChoiceField(
        label=_("Perhetyypit"),
        choices=Household.FamilyType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    members: forms.ModelMultipleChoiceField[Person] = BoundedModelMultipleChoiceField(
        queryset=Person.objects.none(),
        label=_("Muut perheenjäsenet"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Valittavana ovat henkilön läheiset, joiden asiakkuuksia saat nähdä."),
    )


class HouseholdMemberForm(_AmongRelatives):
    candidates_field = "member"

    member: forms.ModelChoiceField[Person] = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        label=_("Perheenjäsen"),
        help_text=_("Valittavana ovat henkilön läheiset, joiden asiakkuuksia saat nähdä."),
        error_messages={
            "required": _("Valitse lisättävä perheenjäsen."),
            "invalid_choice": _("Valitse perheenjäsen listasta."),
        },
    )
    valid_from = _valid_from()


class HoldConfirmForm(forms.Form):
    """A lead confirms the client of a reused record (the length is checked by the service)."""

    note = forms.CharField(
        label=_("Miten asiakas tunnistettiin"),
        max_length=2000,
        help_text=_(
            "Esimerkiksi: henkilöllisyys tarkistettu kuvallisesta henkilökortista tavattaessa. "
            "Vahvistuksen jälkeen työmuodon työntekijät näkevät henkilön rekisteriin "
            "tallennetut yhteystiedot."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Kirjoita, miten asiakas tunnistettiin.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
