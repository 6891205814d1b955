"""The GDPR art. 17 erasure request (imported by :mod:`tupa.people.models`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tupa.core.models import OrganisationScopedModel


class ErasureRequest(OrganisationScopedModel):
    """An erasure request recorded by the DPO: received → assessed → decided."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("vastaanotettu")
        ASSESSED = "assessed", _("arvioitu")
        DECIDED = "decided", _("päätetty")

    class Decision(models.TextChoices):
        REFUSED = "refused", _("hylätty: tiedot on säilytettävä")
        GRANTED = "granted", _("hyväksytty: tiedot poistetaan")

    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="erasure_requests",
        verbose_name=_("henkilö"),
    )
    status = models.CharField(
        _("tila"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    received_on = models.DateField(_("vastaanotettu"))
    request_text = models.TextField(_("pyyntö"), blank=True)
    #: The retention assessment as it stood when assessed (rows of :class:`RetentionRow`).
    assessment = models.JSONField(_("arvio"), default=list, blank=True)
    assessed_at = models.DateTimeField(_("arvioitu"), null=True, blank=True)
    decision = models.CharField(_("päätös"), max_length=10, choices=Decision.choices, blank=True)
    reasoning = models.TextField(_("perustelut"), blank=True)
    decided_on = models.DateField(_("päätöspäivä"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("päättäjä"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    executed_at = models.DateTimeField(_("toteutettu"), null=True, blank=True)
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("toteuttaja"),
    )
    #: What the execution did: counts by kind (persons, relationships, households, …).
    execution_summary = models.JSONField(_("toteutuksen yhteenveto"), default=dict, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("poistopyyntö")
        verbose_name_plural = _("poistopyynnöt")
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"
