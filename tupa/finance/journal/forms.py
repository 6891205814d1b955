"""The journal export form: the period and the bank account of the payments."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from tupa.core.forms import PeriodForm
from tupa.finance.journal.journal import DEFAULT_BANK_ACCOUNT


class JournalForm(PeriodForm):
    """A period of at most a year (invoices by invoice date, payments by payment day)."""

    max_days = 366
    too_long = _("Vie kirjanpitoon enintään vuosi kerrallaan.")

    bank_account = forms.CharField(
        label=_("Pankkitili (kirjanpidon tili)"),
        max_length=10,
        required=False,
        initial=DEFAULT_BANK_ACCOUNT,
        help_text=_("Tili, jolle suoritukset kirjataan debet-puolelle."),
    )

    def clean_bank_account(self) -> str:
        value = "".join(str(self.cleaned_data.get("bank_account") or "").split())
        if value and not re.fullmatch(r"[0-9A-Za-z]{1,10}", value):
            raise forms.ValidationError(_("Anna tilinumero numeroina, esimerkiksi 1910."))
        return value or DEFAULT_BANK_ACCOUNT
