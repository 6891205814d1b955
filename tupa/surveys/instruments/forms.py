"""Forms of the questionnaire builder (labels in Finnish; the services check the rules)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tupa.organisations.models import ServiceForm
from tupa.surveys.instruments.services import DOWN, UP
from tupa.surveys.models import ItemKind, QuestionnaireVersion, Section, Target

ORGANISATION_WIDE = ""


def _text(label: Any, *, required: bool = False, long: bool = False, max_length: int = 200) -> Any:
    if long:
        return forms.CharField(
            label=label, required=required, widget=forms.Textarea(attrs={"rows": 3})
        )
    return forms.CharField(label=label, required=required, max_length=max_length)


class QuestionnaireForm(forms.Form):
    name = forms.CharField(
        label=_("Kyselyn nimi"),
        max_length=200,
        help_text=_("Näkyy henkilökunnalle, esim. ”Ensikoti, palaute jakson lopussa”."),
    )
    service_form = forms.ChoiceField(label=_("Työmuoto"))
    target = forms.ChoiceField(label=_("Vastaajat"), choices=Target.choices)
    is_outcome_measure = forms.BooleanField(
        label=_("Vaikuttavuusmittari (vastataan mittauspisteissä: alku, väli, loppu, seuranta)"),
        required=False,
    )

    def __init__(
        self, *args: Any, forms_qs: Iterable[ServiceForm], organisation_wide: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.service_forms = {str(f.pk): f for f in forms_qs}
        choices = [(pk, f.name) for pk, f in self.service_forms.items()]
        if organisation_wide:
            choices.insert(0, (ORGANISATION_WIDE, str(_("Koko organisaatio"))))
        self.fields["service_form"].choices = choices  # type: ignore[attr-defined]

    def clean_service_form(self) -> ServiceForm | None:
        value = self.cleaned_data["service_form"]
        return None if value == ORGANISATION_WIDE else self.service_forms[value]


class NameForm(forms.Form):
    name = forms.CharField(label=_("Kyselyn nimi"), max_length=200)


class VersionTextsForm(forms.Form):
    title_fi = _text(_("Otsikko suomeksi"), required=True)
    title_sv = _text(_("Otsikko ruotsiksi"))
    title_en = _text(_("Otsikko englanniksi"))
    intro_fi = _text(_("Johdanto suomeksi"), long=True)
    intro_sv = _text(_("Johdanto ruotsiksi"), long=True)
    intro_en = _text(_("Johdanto englanniksi"), long=True)
    thanks_fi = _text(_("Kiitosteksti suomeksi"), long=True)
    thanks_sv = _text(_("Kiitosteksti ruotsiksi"), long=True)
    thanks_en = _text(_("Kiitosteksti englanniksi"), long=True)
    child_friendly = forms.BooleanField(
        label=_("Lapsille sopiva esitys (isot valinnat, selkeä asettelu)"), required=False
    )

    @staticmethod
    def initial_of(version: QuestionnaireVersion) -> dict[str, Any]:
        names = [f"{n}_{lang}" for n in ("title", "intro", "thanks") for lang in ("fi", "sv", "en")]
        return {**{n: getattr(version, n) for n in names}, "child_friendly": version.child_friendly}


class SectionForm(forms.Form):
    title_fi = _text(_("Osion otsikko suomeksi"), required=True)
    title_sv = _text(_("Osion otsikko ruotsiksi"))
    title_en = _text(_("Osion otsikko englanniksi"))


class ItemForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kysymystyyppi"), choices=ItemKind.choices, widget=forms.RadioSelect
    )
    text_fi = forms.CharField(label=_("Kysymys suomeksi"), widget=forms.Textarea(attrs={"rows": 2}))
    text_sv = forms.CharField(
        label=_("Kysymys ruotsiksi"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    text_en = forms.CharField(
        label=_("Kysymys englanniksi"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    help_fi = _text(_("Ohje suomeksi"), max_length=300)
    help_sv = _text(_("Ohje ruotsiksi"), max_length=300)
    help_en = _text(_("Ohje englanniksi"), max_length=300)
    required = forms.BooleanField(label=_("Pakollinen kysymys"), required=False)
    section = forms.ModelChoiceField(
        label=_("Osio"), queryset=Section.objects.none(), required=False, empty_label=_("Ei osiota")
    )
    code = forms.SlugField(
        label=_("Tunniste"),
        required=False,
        max_length=50,
        help_text=_(
            "Pysyy samana versiosta toiseen; tulokset vertaavat kysymyksiä tunnisteen mukaan. "
            "Jätä tyhjäksi, niin tunniste muodostetaan kysymyksestä."
        ),
    )

    def __init__(self, *args: Any, version: QuestionnaireVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = version.sections.all()  # type: ignore[attr-defined]


class ChoiceForm(forms.Form):
    label_fi = _text(_("Vaihtoehto suomeksi"), required=True)
    label_sv = _text(_("Vaihtoehto ruotsiksi"))
    label_en = _text(_("Vaihtoehto englanniksi"))
    value = forms.SlugField(
        label=_("Arvo"),
        required=False,
        max_length=50,
        help_text=_("Tallennetaan vastaukseen. Jätä tyhjäksi, niin arvo muodostetaan tekstistä."),
    )


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[(UP, _("ylös")), (DOWN, _("alas"))])


class ArchiveForm(forms.Form):
    archived = forms.BooleanField(required=False)
