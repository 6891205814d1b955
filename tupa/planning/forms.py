"""Forms of the annual plan's pages: adding, editing, assessing and removing a goal (ADR 0030).

The field names are the services' (``theme``, ``text``, ``order``, ``status``, ``assessment``,
``evidence``, ``reason``), so a service's ``ValidationError`` lands next to the field it names.
The owner of a new goal is one choice (:class:`Owner`): a service form the user keeps, or for
the executive director also a working group or the whole association.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tupa.core.forms import RemovalReasonForm, version_field
from tupa.organisations.models import ServiceForm, StrategicTheme, WorkingGroup

from .models import GoalStatus
from .services import MIN_REASON

#: The value of the owner choice meaning the association's own goals.
ASSOCIATION = "association"

_TEXT_ERRORS = {
    "required": _("Kirjoita tavoite."),
    "max_length": _("Tavoite on liian pitkä (enintään %(limit_value)d merkkiä)."),
}


@dataclass(frozen=True)
class Owner:
    """One owner a new goal may be given: a service form, a working group, or neither (the
    association). ``key`` is the choice's value (the selectors' ``owner_key``)."""

    key: str
    label: Any
    service_form: ServiceForm | None = None
    working_group: WorkingGroup | None = None


def owner_of_form(service_form: ServiceForm) -> Owner:
    return Owner(f"form-{service_form.pk}", service_form.name, service_form=service_form)


def owner_of_group(group: WorkingGroup) -> Owner:
    return Owner(f"group-{group.pk}", group.name, working_group=group)


def association_owner() -> Owner:
    return Owner(ASSOCIATION, _("Koko yhdistys"))


class ThemeChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.name}"


def _theme_field() -> ThemeChoiceField:
    return ThemeChoiceField(
        label=_("Painopiste"),
        queryset=StrategicTheme.objects.none(),
        required=False,
        empty_label=_("Muu, ei painopistettä"),
        help_text=_("Strategian painopiste, jota tavoite toteuttaa."),
        error_messages={"invalid_choice": _("Valitse painopiste listasta.")},
    )


def _text_field() -> forms.CharField:
    return forms.CharField(
        label=_("Tavoite"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Yksi tavoite lauseena. Älä kirjaa henkilöiden nimiä."),
        error_messages=_TEXT_ERRORS,
    )


def _with_themes(form: forms.Form, themes: QuerySet[StrategicTheme]) -> None:
    field = form.fields["theme"]
    assert isinstance(field, ThemeChoiceField)
    field.queryset = themes


class GoalAddForm(forms.Form):
    """A new goal: whose (the owners offered), under which theme, and its text."""

    owner = forms.ChoiceField(
        label=_("Kenen tavoite"),
        error_messages={
            "required": _("Valitse, kenen tavoite on."),
            "invalid_choice": _("Valitse listasta."),
        },
    )
    theme = _theme_field()
    text = _text_field()

    def __init__(
        self, *args: Any, owners: list[Owner], themes: QuerySet[StrategicTheme], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.owners = {owner.key: owner for owner in owners}
        field = self.fields["owner"]
        assert isinstance(field, forms.ChoiceField)
        choices = [(owner.key, owner.label) for owner in owners]
        field.choices = choices if len(choices) == 1 else [("", _("Valitse")), *choices]
        _with_themes(self, themes)

    def clean_owner(self) -> Owner:
        return self.owners[self.cleaned_data["owner"]]


class GoalEditForm(forms.Form):
    """A goal's theme, text and place in its owner's list; ``version`` is the one the user saw."""

    theme = _theme_field()
    text = _text_field()
    order = forms.IntegerField(
        label=_("Järjestys"),
        min_value=0,
        max_value=32767,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("Pienempi numero näytetään ensin."),
        error_messages={
            "required": _("Anna järjestysnumero."),
            "invalid": _("Anna järjestys kokonaislukuna."),
            "min_value": _("Anna luku, joka on nolla tai suurempi."),
            "max_value": _("Luku on liian suuri."),
        },
    )
    version = version_field()

    def __init__(self, *args: Any, themes: QuerySet[StrategicTheme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _with_themes(self, themes)


class GoalAssessForm(forms.Form):
    """How the goal has gone: status, a written assessment and the evidence."""

    status = forms.ChoiceField(
        label=_("Tila"),
        choices=GoalStatus.choices,
        error_messages={
            "required": _("Valitse tila."),
            "invalid_choice": _("Valitse tila listasta."),
        },
    )
    assessment = forms.CharField(
        label=pgettext_lazy("tavoitteen arvio", "Arvio"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Miten tavoite on edennyt. Pakollinen, kun tila on muu kuin suunniteltu. "
            "Älä kirjaa henkilöiden nimiä tai asiakastietoja."
        ),
        error_messages={
            "max_length": _("Arvio on liian pitkä (enintään %(limit_value)d merkkiä)."),
        },
    )
    evidence = forms.CharField(
        label=_("Näyttö"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Mistä edistyminen näkyy: luvut, palaute, kirjaukset tai muistiot "
            "(Tupan omien sivujen osoitteet käyvät)."
        ),
        error_messages={
            "max_length": _("Teksti on liian pitkä (enintään %(limit_value)d merkkiä)."),
        },
    )
    version = version_field()


class GoalRemovalForm(RemovalReasonForm):
    """The written reason for removing a goal added by mistake (kept in the history)."""

    min_reason = MIN_REASON
