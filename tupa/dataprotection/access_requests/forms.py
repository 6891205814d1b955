"""Forms of the access-request pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from tupa.audit.models import AccessRequest, AccessRequestItemDecision
from tupa.core.forms import date_field
from tupa.dataprotection.pages import REQUIRED, text_field


class RequestCreateForm(forms.Form):
    received_on = date_field(gettext_lazy("Pyyntö vastaanotettu"))
    request_text = text_field(
        gettext_lazy("Pyyntö"),
        required=False,
        help_text=gettext_lazy("Mitä pyydetään ja miten pyyntö tuli (esim. kirje, käynti)."),
    )


class VerifyForm(forms.Form):
    method = text_field(
        gettext_lazy("Miten henkilöllisyys varmistettiin"),
        rows=2,
        help_text=gettext_lazy(
            "Esimerkiksi: kuvallinen henkilöllisyystodistus tarkistettu käynnillä."
        ),
    )


class ExtendForm(forms.Form):
    due_on = date_field(gettext_lazy("Uusi määräaika"))
    reason = text_field(gettext_lazy("Pidentämisen syy"), rows=2)


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Ratkaisu"),
        choices=AccessRequest.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Valitse ratkaisu.")},
    )
    decision_text = text_field(
        gettext_lazy("Perusteltu päätös"),
        required=False,
        rows=5,
        help_text=gettext_lazy(
            "Pakollinen, jos tietoja jätetään antamatta: mitä jätetään pois ja millä perusteella."
        ),
    )


class DeliverForm(forms.Form):
    method = forms.CharField(
        label=gettext_lazy("Toimitustapa"),
        max_length=200,
        help_text=gettext_lazy("Esimerkiksi: annettu henkilökohtaisesti, kirjattu kirje."),
        error_messages={"required": REQUIRED},
    )


class NoteForm(forms.Form):
    note = text_field(gettext_lazy("Huomio"), required=False, rows=2)


class ItemDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Päätös"),
        choices=AccessRequestItemDecision.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Valitse päätös.")},
    )
    released_text = text_field(
        gettext_lazy("Annettava teksti (peitettynä)"),
        required=False,
        rows=5,
        help_text=gettext_lazy("Vain peitettäessä: teksti sellaisena kuin se annetaan."),
    )
    reason = text_field(
        gettext_lazy("Perustelu"),
        required=False,
        rows=2,
        help_text=gettext_lazy("Pakollinen, kun tietoja peitetään tai jätetään pois."),
    )


STEP_FORMS: dict[str, type[forms.Form]] = {
    "verify": VerifyForm,
    "assemble": forms.Form,
    "dpo_review": NoteForm,
    "extend": ExtendForm,
    "decide": DecideForm,
    "deliver": DeliverForm,
}
