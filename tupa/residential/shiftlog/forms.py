"""Forms of the shift log: writing (and correcting) a note, and the shift filter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tupa.core.forms import BoundedModelMultipleChoiceField, date_field
from tupa.episodes.models import Episode
from tupa.residential.models import ShiftNote
from tupa.residential.shiftlog.services import TEXT_MAX, current_shift


def episode_label(episode: Episode) -> str:
    """The clients' names of an episode (prefetched ``label_clients``), or its number."""
    names = []
    for participant in getattr(episode, "label_clients", []):
        if participant.person is not None:
            names.append(f"{participant.person.first_names} {participant.person.last_name}")
        elif participant.alias is not None:
            names.append(_("%(label)s (peitenimi)") % {"label": participant.alias.label})
    return ", ".join(names) or _("Asiakkuus #%(number)s") % {"number": episode.pk}


class _EpisodeChoices(BoundedModelMultipleChoiceField):
    def label_from_instance(self, obj: Episode) -> str:  # type: ignore[override]
        return episode_label(obj)


class ShiftNoteForm(forms.Form):
    shift = forms.ChoiceField(
        label=gettext_lazy("Vuoro"),
        choices=ShiftNote.Shift.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Valitse vuoro.")},
    )
    shift_date = date_field(
        gettext_lazy("Vuoron päivä"),
        required_message=gettext_lazy("Anna vuoron päivä."),
        help_text=gettext_lazy("Yövuoro merkitään sen illan päivälle, jona vuoro alkaa."),
    )
    text = forms.CharField(
        label=gettext_lazy("Raportti"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "Vältä asiakkaiden nimiä tekstissä: liitä asiakkuus alta, jos raportti koskee sitä."
        ),
        error_messages={
            "required": gettext_lazy("Kirjoita raportti."),
            "max_length": gettext_lazy("Raportti voi olla enintään %(limit_value)d merkkiä."),
        },
    )
    important = forms.BooleanField(
        label=gettext_lazy("Tärkeä – nostetaan esiin seuraavalle vuorolle"), required=False
    )
    episodes = _EpisodeChoices(
        label=gettext_lazy("Koskee asiakkuuksia"),
        queryset=Episode.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy(
                "Valitse asiakkuudet tämän yksikön voimassa olevista asiakkuuksista."
            ),
            "invalid_pk_value": gettext_lazy(
                "Valitse asiakkuudet tämän yksikön voimassa olevista asiakkuuksista."
            ),
        },
    )

    def __init__(
        self, *args: Any, episodes: QuerySet[Episode], note: ShiftNote | None = None, **kwargs: Any
    ) -> None:
        if note is not None:
            initial = {
                "shift": note.shift,
                "shift_date": note.shift_date,
                "text": note.text,
                "important": note.important,
                "episodes": [e.pk for e in note.episodes.all()],
            }
        else:
            shift, shift_date = current_shift()
            initial = {"shift": shift, "shift_date": shift_date}
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        field = self.fields["episodes"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = episodes

    def choice_episodes(self) -> list[Episode]:
        """The episodes offered (names shown): for the access log."""
        field = self.fields["episodes"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        return list(field.queryset or [])

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "shift": data["shift"],
            "shift_date": data["shift_date"],
            "text": data["text"],
            "important": data["important"],
            "episodes": list(data["episodes"]),
        }


class ShiftFilterForm(forms.Form):
    vuoro = forms.ChoiceField(
        label=gettext_lazy("Vuoro"),
        choices=[("", gettext_lazy("kaikki vuorot")), *ShiftNote.Shift.choices],
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Valitse vuoro listasta.")},
    )
