"""The volunteer portal (issue 12 item 9): a volunteer's own login, granted and revoked.

:class:`PortalAccess` links one volunteer to one login of the *volunteer* kind
(:class:`tupa.accounts.models.UserKind`). The login reaches only ``/vapaaehtoinen/``
(:mod:`tupa.access.volunteer_portal`). A revoked access keeps its row (who granted, who revoked,
why); granting again re-opens the same row and login with a new activation link, and the change
history keeps every step. See ``docs/volunteer-portal.md`` and ADR 0011.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tupa.core.models import OrganisationScopedModel
from tupa.volunteers.models.register import Volunteer


class PortalAccess(OrganisationScopedModel):
    """A volunteer's own login to the volunteer portal; in force while not revoked."""

    volunteer = models.OneToOneField(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="portal_access",
        verbose_name=_("vapaaehtoinen"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="volunteer_portal_access",
        verbose_name=_("tunnus"),
    )
    granted_at = models.DateTimeField(_("myönnetty"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("myönsi"),
    )
    link_sent_at = models.DateTimeField(_("aktivointilinkki lähetetty"), null=True, blank=True)
    activated_at = models.DateTimeField(_("salasana asetettu"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("peruttu"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("perui"),
    )
    revoke_reason = models.CharField(_("perumisen syy"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vapaaehtoisen oma tunnus")
        verbose_name_plural = _("vapaaehtoisten omat tunnukset")
        ordering = ["-granted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.volunteer_id}: {self.user_id}"

    @property
    def in_force(self) -> bool:
        return self.revoked_at is None
