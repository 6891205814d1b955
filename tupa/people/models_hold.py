"""The hold on a reused record's stored contact data (imported by :mod:`tupa.people.models`).

docs/security.md "Intake reuse": an intake by identity code and name reuses the existing record
of a person the worker could not see. Knowing the code is not a reason to read where she lives,
so her stored contact data stay withheld from the new service form's workers until a lead of
that form confirms the client (:mod:`tupa.access.contact`). Meanwhile they see the contact data
given at the intake (``given``), which the intake does not write into her record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tupa.core.models import OrganisationScopedModel


class ContactHold(OrganisationScopedModel):
    """A reused record's stored contact data withheld from one service form until confirmed."""

    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="contact_holds",
        verbose_name=_("henkilö"),
    )
    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("työmuoto"),
    )
    #: The contact data given at the intake and later edited by the form's workers
    #: (``{field: value}`` of :data:`~tupa.people.models.CONTACT_FIELDS`; the municipality as
    #: its id). Shown to them instead of the stored data while the hold is open.
    given = models.JSONField(_("yhteydenotossa annetut yhteystiedot"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("avannut"),
    )
    confirmed_at = models.DateTimeField(_("vahvistettu"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vahvistaja"),
    )
    confirmation_note = models.TextField(_("vahvistuksen peruste"), blank=True)

    class Meta:
        verbose_name = _("yhteystietojen vahvistus")
        verbose_name_plural = _("yhteystietojen vahvistukset")
        ordering = ("-created_at", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(confirmed_at__isnull=True)
                | (models.Q(confirmed_by__isnull=False) & ~models.Q(confirmation_note="")),
                name="people_contacthold_confirmed_by_someone_with_a_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=("person",),
                condition=models.Q(confirmed_at__isnull=True),
                name="people_contacthold_open",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.service_form_id}"
