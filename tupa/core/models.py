"""Base classes shared by every organisational model."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("luotu"), auto_now_add=True)
    updated_at = models.DateTimeField(_("muokattu"), auto_now=True)

    class Meta:
        abstract = True


class OrganisationScopedModel(TimeStampedModel):
    """A row that belongs to one organisation (tenant).

    ``objects`` is a django-scopes manager: a query made outside ``scope(organisation=...)``
    raises instead of silently reading another tenant's rows. Code that must work across
    tenants (migrations, the demo builder, the admin of the platform) uses
    ``scopes_disabled()`` explicitly.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisaatio"),
    )

    objects = ScopedManager(organisation="organisation")

    class Meta:
        abstract = True
