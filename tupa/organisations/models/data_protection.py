"""The stored parts of the register descriptions (GDPR Art 30, *tietosuojaseloste*)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tupa.core.models import OrganisationScopedModel

from .service_forms import ServiceForm

# The register descriptions (GDPR Art 30, tietosuojaseloste) are generated from the
# configuration by ``tupa.dataprotection.register``; only the contacts and the prose parts are
# stored here, with their change history. See docs/data-protection.md.


class DataProtectionProfile(OrganisationScopedModel):
    """The organisation's public contacts for data protection and accessibility (one per org)."""

    address = models.CharField(
        _("postiosoite"),
        max_length=300,
        blank=True,
        help_text=_(
            "Yhdistyksen julkinen posti- tai toimisto-osoite. Näkyy julkisissa selosteissa. "
            "Älä koskaan kirjaa tähän turvakodin osoitetta."
        ),
    )
    email = models.EmailField(_("sähköposti"), blank=True)
    phone = models.CharField(_("puhelin"), max_length=40, blank=True)
    dpo_name = models.CharField(_("tietosuojavastaava"), max_length=200, blank=True)
    dpo_email = models.EmailField(_("tietosuojavastaavan sähköposti"), blank=True)
    dpo_phone = models.CharField(_("tietosuojavastaavan puhelin"), max_length=40, blank=True)
    accessibility_email = models.EmailField(
        _("saavutettavuuspalautteen sähköposti"),
        blank=True,
        help_text=_("Tyhjä: käytetään yhdistyksen sähköpostia."),
    )
    accessibility_phone = models.CharField(
        _("saavutettavuuspalautteen puhelin"), max_length=40, blank=True
    )
    accessibility_reviewed_on = models.DateField(
        _("saavutettavuusseloste tarkistettu"), null=True, blank=True
    )
    accessibility_note = models.TextField(
        _("saavutettavuusselosteen lisätiedot"),
        blank=True,
        help_text=_("Tämän käyttöönoton omat tiedossa olevat puutteet tai lisätiedot."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tietosuojan yhteystiedot")
        verbose_name_plural = _("tietosuojan yhteystiedot")
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="dataprotectionprofile_unique"),
        ]

    def __str__(self) -> str:
        return str(_("Tietosuojan yhteystiedot"))


class RegisterDescription(OrganisationScopedModel):
    """The administrator's prose for one service form's register description.

    Everything else in the description (categories, recipients, retention, safeguards) is
    generated from the configuration; these texts add to it and never replace it.
    """

    service_form = models.OneToOneField(
        ServiceForm,
        on_delete=models.CASCADE,
        related_name="register_description",
        verbose_name=_("työmuoto"),
    )
    purpose = models.TextField(
        _("käsittelyn tarkoitus, tarkennus"),
        blank=True,
        help_text=_("Julkinen teksti. Älä kirjoita henkilötietoja tai turvakodin osoitetta."),
    )
    controller_note = models.TextField(_("rekisterinpitäjä, tarkennus"), blank=True)
    legal_basis_note = models.TextField(_("oikeusperuste, tarkennus"), blank=True)
    recipients_note = models.TextField(_("luovutukset, tarkennus"), blank=True)
    retention_note = models.TextField(_("säilytysaika, tarkennus"), blank=True)
    notes = models.TextField(_("muut tiedot"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rekisteriselosteen tekstit")
        verbose_name_plural = _("rekisteriselosteiden tekstit")
        ordering = ["service_form__name"]

    def __str__(self) -> str:
        return str(self.service_form)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.service_form_id is None or self.organisation_id is None:
            return
        if self.service_form.organisation_id != self.organisation_id:
            raise ValidationError({"service_form": _("Työmuoto kuuluu toiseen organisaatioon.")})
