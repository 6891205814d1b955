"""Experience experts (VOL-12): the consent to act as an experience expert.

An experience expert is a :class:`~tupa.volunteers.models.register.Volunteer` like any other;
what is recorded here is their consent — the date, its scope and the service form whose work it
concerns — and its withdrawal. A former client (e.g. of Alvari) is entered in the register again:
nothing here, nor anywhere in the register, links to a client person or episode
(``former_client`` is a yes/no the person has agreed to tell, not a link).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tupa.core.dates import fi_date
from tupa.core.models import OrganisationScopedModel
from tupa.volunteers.models.register import Volunteer


class ExpertConsent(OrganisationScopedModel):
    """A volunteer's consent to act as an experience expert in a form, until withdrawn."""

    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="expert_consents",
        verbose_name=_("vapaaehtoinen"),
    )
    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("työmuoto"),
    )
    former_client = models.BooleanField(
        _("työmuodon entinen asiakas"),
        default=False,
        help_text=_(
            "Merkitse vain, jos henkilö on itse kertonut ja suostunut merkintään. "
            "Asiakastietoihin ei tehdä linkkiä."
        ),
    )
    given_on = models.DateField(_("suostumus annettu"))
    scope = models.CharField(
        _("suostumuksen laajuus"),
        max_length=500,
        help_text=_("Esimerkiksi: kehittämistyö, koulutukset, oma tarina mediassa nimettömänä."),
    )
    withdrawn_on = models.DateField(_("suostumus peruttu"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kirjaaja"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kokemusasiantuntijan suostumus")
        verbose_name_plural = _("kokemusasiantuntijoiden suostumukset")
        ordering = ["-given_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="volunteer_expert_consent_order",
            ),
            models.UniqueConstraint(
                fields=["volunteer", "service_form"],
                condition=Q(withdrawn_on__isnull=True),
                name="volunteer_expert_consent_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id}: {fi_date(self.given_on)}"
