"""Communications (VOL-09, CON-01): the volunteer's consent to be contacted.

A :class:`ContactConsent` is one period of consent to receive the newsletter and volunteer
mailings: given on a date, withdrawn (or not) on a later one. A volunteer has at most one open
consent; a new consent after a withdrawal is a new row. Mailing lists take only volunteers whose
consent is valid on the day of the list.
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


class ContactConsent(OrganisationScopedModel):
    """Consent to be contacted (newsletters, volunteer mailings), from given to withdrawn."""

    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="contact_consents",
        verbose_name=_("vapaaehtoinen"),
    )
    given_on = models.DateField(_("lupa annettu"))
    withdrawn_on = models.DateField(_("lupa peruttu"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kirjaaja"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("yhteydenottolupa")
        verbose_name_plural = _("yhteydenottoluvat")
        ordering = ["-given_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="volunteer_contact_consent_order",
            ),
            models.UniqueConstraint(
                fields=["volunteer"],
                condition=Q(withdrawn_on__isnull=True),
                name="volunteer_contact_consent_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id}: {fi_date(self.given_on)}"
