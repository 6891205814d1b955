"""The decision letters of access requests as they were decided (GDPR art. 15, 5(2)).

An :class:`AccessRequestLetter` is written once when the DPO decides an access request: the
letter's content as rendered then (header, decision, reasons and the extract as released), the
released attachments, the moment and a SHA-256 of the content. It is never changed
(append-only: the model, its queryset and the database triggers of migration ``0001``), so the
letter shown or printed afterwards is the one the controller decided and sent, whatever has
been corrected in the person's data since.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from tupa.core.append_only import AppendOnlyManager, AppendOnlyModel

LETTER_APPEND_ONLY_MESSAGE = "a decided access request letter is frozen"


class AccessRequestLetterFrozenError(Exception):
    """Raised when code tries to change or remove a frozen access request letter."""


def content_hash(html: str) -> str:
    """The SHA-256 (hex) of a letter's content as stored (UTF-8)."""
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


class AccessRequestLetter(AppendOnlyModel):
    """One access request's decision letter, frozen when decided."""

    access_request = models.OneToOneField(
        "audit.AccessRequest",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tietopyyntö"),
    )
    html = models.TextField(_("kirjeen sisältö"))
    attachment_ids = models.JSONField(_("annetut liitteet"), default=list, blank=True)
    content_hash = models.CharField(_("sisällön tiiviste (SHA-256)"), max_length=64)
    frozen_at = models.DateTimeField(_("lukittu"))
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lukitsija"),
    )

    objects = ScopedManager(  # type: ignore[django-manager-missing]
        organisation="access_request__organisation", _manager_class=AppendOnlyManager
    )

    append_only_message = LETTER_APPEND_ONLY_MESSAGE
    append_only_error = AccessRequestLetterFrozenError

    class Meta:
        verbose_name = _("tietopyynnön päätöskirje")
        verbose_name_plural = _("tietopyyntöjen päätöskirjeet")
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.access_request_id}: {self.content_hash[:12]}"

    @property
    def intact(self) -> bool:
        """Does the content still match its hash?"""
        return content_hash(self.html) == self.content_hash
