"""The import's two forms: the file and the version, then the column mapping."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tupa.surveys.imports.services import DATE, SKIP
from tupa.surveys.models import Item, QuestionnaireVersion


class VersionChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return _("%(name)s, versio %(n)s") % {"name": obj.questionnaire.name, "n": obj.number}


class UploadForm(forms.Form):
    version = VersionChoice(
        label=gettext_lazy("Kysely, johon vastaukset tuodaan"),
        queryset=QuestionnaireVersion.objects.none(),
    )
    file = forms.FileField(
        label=gettext_lazy("CSV-tiedosto"),
        help_text=gettext_lazy(
            "Webropolin tai Excelin CSV-vienti: erottimena puolipiste tai pilkku, ensimmäisellä "
            "rivillä sarakkeiden otsikot. Tiedostoa ei säilytetä tuonnin jälkeen."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args: Any, versions: QuerySet[QuestionnaireVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = versions  # type: ignore[attr-defined]


class MappingForm(forms.Form):
    """One choice per column of the file: a question, the answer day or "ohita"."""

    def __init__(self, *args: Any, header: list[str], items: list[Item], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, str]] = [
            (SKIP, _("ohita")),
            (DATE, _("vastauspäivä (vain kuukausi säilytetään)")),
        ] + [(i.code, f"{i.code} – {i.text_fi[:70]}") for i in items]
        for n, name in enumerate(header):
            self.fields[f"col_{n}"] = forms.ChoiceField(
                label=_("Sarake %(n)s: %(name)s") % {"n": n + 1, "name": name or _("(nimetön)")},
                choices=choices,
                required=False,
            )

    def mapping(self) -> dict[int, str]:
        return {
            int(name.removeprefix("col_")): value or SKIP
            for name, value in self.cleaned_data.items()
            if name.startswith("col_")
        }
