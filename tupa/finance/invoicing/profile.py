"""The seller's invoicing details ("Laskutuksen perustiedot"): one row per organisation,
printed on every invoice and sent in Finvoice; the accounts of the bookkeeping journal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_scopes import scope
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban

from tupa.core.saving import save_validated
from tupa.finance.models import InvoicingProfile
from tupa.finance.models.agreements import validate_operator, validate_ovt
from tupa.organisations.models import Organisation

if TYPE_CHECKING:
    from tupa.accounts.models import User

FIELDS = [
    "street",
    "postcode",
    "town",
    "phone",
    "email",
    "iban",
    "bic",
    "einvoice_address",
    "einvoice_operator",
    "default_payment_term_days",
    "penalty_interest",
    "vat_exempt_note",
    "receivables_account",
    "income_account",
    "vat_account",
    "bank_account",
]


def profile_of(organisation_id: int) -> InvoicingProfile | None:
    """The organisation's invoicing details as they are now, or None when not set up."""
    return (
        InvoicingProfile.objects.filter(organisation_id=organisation_id)
        .select_related("organisation")
        .first()
    )


class ProfileForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = InvoicingProfile
        fields = FIELDS
        help_texts = {
            "iban": _lazy("Tili, jolle laskut maksetaan (FI + 16 numeroa)."),
            "vat_exempt_note": _lazy("Tulostuu laskulle, kun rivit ovat arvonlisäverottomia."),
        }

    def clean_iban(self) -> str:
        value = stdnum_iban.compact(self.cleaned_data.get("iban") or "")
        if not stdnum_iban.is_valid(value):
            raise ValidationError(_("Tarkista IBAN: tarkistenumero ei täsmää."))
        return value

    def clean_bic(self) -> str:
        value = (self.cleaned_data.get("bic") or "").replace(" ", "").upper()
        if not stdnum_bic.is_valid(value):
            raise ValidationError(_("BIC on 8 tai 11 merkkiä, esimerkiksi OKOYFIHH."))
        return value

    def clean_einvoice_address(self) -> str:
        value = (self.cleaned_data.get("einvoice_address") or "").replace(" ", "").upper()
        if value:
            validate_ovt(value)
        return value

    def clean_einvoice_operator(self) -> str:
        value = (self.cleaned_data.get("einvoice_operator") or "").replace(" ", "").upper()
        if value:
            validate_operator(value)
        return value


@transaction.atomic
def profile_save(
    *, actor: User | None, organisation: Organisation, data: dict[str, Any]
) -> InvoicingProfile:
    """Create or change the organisation's invoicing details. Drafts print the current details;
    a sent invoice is reprinted with the details of the moment it was sent (the profile's
    history, :func:`tupa.finance.documents.selectors.sellers_of`)."""
    with scope(organisation=organisation.pk):
        found = InvoicingProfile.objects.select_for_update().filter(
            organisation=organisation
        ).first() or InvoicingProfile(organisation=organisation)
        for name in FIELDS:
            setattr(found, name, data[name])
        save_validated(found, actor=actor)
    return found
