"""Forms of a prevention form's activity register. No person is named: head counts, places and
organisations only (the help texts say so)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tupa.core.forms import RemovalReasonForm, date_field

from .models import ActivityKind, Material, RecipientKind, Role
from .services import MAX_REACHED, MIN_REASON

_count_errors = {
    "required": _("Anna luku."),
    "invalid": _("Anna luku kokonaislukuna."),
    "min_value": _("Anna luku, joka on nolla tai suurempi."),
    "max_value": _("Luku on liian suuri."),
}


def _count_field(label: Any, *, min_value: int = 0, **kwargs: Any) -> forms.IntegerField:
    errors = dict(_count_errors)
    if min_value > 0:
        errors["min_value"] = _("Anna vähintään %(limit_value)s.")
    return forms.IntegerField(
        label=label,
        min_value=min_value,
        max_value=MAX_REACHED,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages=errors,
        **kwargs,
    )


class ActivityForm(forms.Form):
    """An activity (event, training, meeting) and the head counts of who it reached; the field
    names are the model's, so a service's ``ValidationError`` lands on the field it names."""

    title = forms.CharField(
        label=_("Tilaisuuden nimi"),
        max_length=200,
        error_messages={
            "required": _("Anna tilaisuuden nimi."),
            "max_length": _("Nimi on liian pitkä (enintään %(limit_value)d merkkiä)."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Laji"),
        choices=[("", _("Valitse laji")), *ActivityKind.choices],
        error_messages={
            "required": _("Valitse tilaisuuden laji."),
            "invalid_choice": _("Valitse laji luettelosta."),
        },
    )
    role = forms.ChoiceField(
        label=_("Työmuodon osuus"),
        choices=Role.choices,
        initial=Role.ORGANISED,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Valitse työmuodon osuus."),
            "invalid_choice": _("Valitse osuus luettelosta."),
        },
    )
    starts_on = date_field(_("Päivä"), required_message=_("Anna tilaisuuden päivä."))
    ends_on = date_field(
        _("Viimeinen päivä"),
        required=False,
        help_text=_("Vain usean päivän tapahtumalle (esimerkiksi messut)."),
    )
    professionals = _count_field(_("Ammattilaisia"), initial=0)
    citizens = _count_field(_("Kuntalaisia (aikuisia)"), initial=0)
    children = _count_field(_("Lapsia ja nuoria"), initial=0)
    partners = forms.CharField(
        label=_("Yhteistyökumppanit"),
        max_length=300,
        required=False,
        help_text=_("Organisaatioiden nimet, ei henkilöiden."),
        error_messages={
            "max_length": _("Teksti on liian pitkä (enintään %(limit_value)d merkkiä).")
        },
    )
    notes = forms.CharField(
        label=_("Muistiinpanot"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Sisältö ja havainnot. Älä kirjaa tähän henkilöiden nimiä tai asiakastietoja."),
    )


class MaterialChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class DeliveryForm(forms.Form):
    """A batch of one material handed to a place; only the form's active materials are offered."""

    material = MaterialChoiceField(
        label=_("Materiaali"),
        queryset=Material.objects.none(),
        empty_label=_("Valitse materiaali"),
        error_messages={
            "required": _("Valitse materiaali."),
            "invalid_choice": _("Valitse materiaali luettelosta."),
        },
    )
    date = date_field(_("Päivä"), required_message=_("Anna jakopäivä."))
    quantity = _count_field(_("Kappaletta"), min_value=1)
    recipient_kind = forms.ChoiceField(
        label=_("Vastaanottaja"),
        choices=[("", _("Valitse vastaanottaja")), *RecipientKind.choices],
        error_messages={
            "required": _("Valitse, millaiseen paikkaan materiaali meni."),
            "invalid_choice": _("Valitse vastaanottaja luettelosta."),
        },
    )
    recipient = forms.CharField(
        label=_("Paikka"),
        max_length=200,
        required=False,
        help_text=_("Esim. koulun tai toimipisteen nimi, ei henkilön."),
        error_messages={
            "max_length": _("Teksti on liian pitkä (enintään %(limit_value)d merkkiä).")
        },
    )

    def __init__(self, *args: Any, materials: QuerySet[Material], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["material"]
        assert isinstance(field, MaterialChoiceField)
        field.queryset = materials


class MaterialForm(forms.Form):
    name = forms.CharField(
        label=_("Uuden materiaalin nimi"),
        max_length=120,
        error_messages={
            "required": _("Anna materiaalin nimi."),
            "max_length": _("Nimi on liian pitkä (enintään %(limit_value)d merkkiä)."),
        },
    )


class RemovalForm(RemovalReasonForm):
    """The lead's written reason for removing a row recorded by mistake (kept in the history)."""

    min_reason = MIN_REASON
