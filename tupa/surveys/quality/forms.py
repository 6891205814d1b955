"""Forms of the quality self-evaluation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tupa.core.forms import version_field
from tupa.surveys.models import CriteriaSet, Criterion, CriterionRating
from tupa.surveys.quality.services import MAX_ORDER, ORDER_MESSAGE, RatingInput


class CriteriaSetForm(forms.Form):
    name = forms.CharField(label=_("Nimi"), max_length=200)
    source = forms.ChoiceField(
        label=_("Lähde"), choices=CriteriaSet.Source.choices, widget=forms.RadioSelect
    )
    edition = forms.CharField(label=_("Painos tai versio"), max_length=50, required=False)
    active = forms.BooleanField(label=_("Käytössä"), required=False, initial=True)


class CriterionForm(forms.Form):
    code = forms.CharField(label=_("Tunniste"), max_length=20, help_text=_("Esim. 2.1"))
    text = forms.CharField(label=_("Kriteeri"), widget=forms.Textarea(attrs={"rows": 3}))
    order = forms.IntegerField(
        label=_("Järjestys"),
        min_value=0,
        max_value=MAX_ORDER,
        required=False,
        error_messages={"max_value": ORDER_MESSAGE},
    )


class EvaluationStartForm(forms.Form):
    criteria_set: forms.ModelChoiceField[CriteriaSet] = forms.ModelChoiceField(
        label=_("Kriteeristö"), queryset=CriteriaSet.objects.none(), empty_label=None
    )
    year = forms.IntegerField(label=_("Vuosi"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, sets: QuerySet[CriteriaSet], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criteria_set"].queryset = sets  # type: ignore[attr-defined]


RATING_CHOICES = [("", _("ei vielä arvioitu")), *CriterionRating.Rating.choices]


class EvaluationForm(forms.Form):
    """One rating, evidence and improvement per criterion, the summary and the version seen."""

    version = version_field()
    summary = forms.CharField(
        label=_("Yhteenveto ja kehittämiskohteet"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            self.fields[f"rating_{c.pk}"] = forms.ChoiceField(
                label=_("Arvio"),
                choices=RATING_CHOICES,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"evidence_{c.pk}"] = forms.CharField(
                label=_("Perustelu"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"improvement_{c.pk}"] = forms.CharField(
                label=_("Kehittämistoimi"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def bound_rows(self, rows: list[Any]) -> list[dict[str, Any]]:
        """The template's rows: the criterion, its three fields and the previous year's rating."""
        return [
            {
                "row": row,
                "rating": self[f"rating_{row.criterion.pk}"],
                "evidence": self[f"evidence_{row.criterion.pk}"],
                "improvement": self[f"improvement_{row.criterion.pk}"],
            }
            for row in rows
        ]

    def ratings(self) -> dict[int, RatingInput]:
        data = self.cleaned_data
        return {
            c.pk: RatingInput(
                rating=data.get(f"rating_{c.pk}") or "",
                evidence=data.get(f"evidence_{c.pk}") or "",
                improvement=data.get(f"improvement_{c.pk}") or "",
            )
            for c in self.criteria
        }


def evaluation_initial(rows: list[Any], *, version: int, summary: str) -> dict[str, Any]:
    initial: dict[str, Any] = {"version": version, "summary": summary}
    for row in rows:
        pk = row.criterion.pk
        if row.rating is not None:
            initial[f"rating_{pk}"] = row.rating.rating
            initial[f"evidence_{pk}"] = row.rating.evidence
            initial[f"improvement_{pk}"] = row.rating.improvement
        else:
            initial[f"rating_{pk}"] = ""
    return initial
