"""The association's structure: organisation → area → team (service forms: :mod:`.service_forms`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tupa.core.models import OrganisationScopedModel, TimeStampedModel


class Organisation(TimeStampedModel):
    """A tenant: one association. Every organisational row points here."""

    name = models.CharField(_("nimi"), max_length=200, unique=True)
    short_name = models.CharField(_("lyhenne"), max_length=50, blank=True)
    slug = models.SlugField(_("tunniste"), max_length=60, unique=True)
    business_id = models.CharField(_("Y-tunnus"), max_length=9, blank=True)
    vision = models.CharField(_("visio"), max_length=300, blank=True)
    mission = models.TextField(_("tarkoitus"), blank=True)
    founded_year = models.PositiveSmallIntegerField(_("perustamisvuosi"), null=True, blank=True)
    federation_member = models.BooleanField(
        _("Ensi- ja turvakotien liiton jäsenyhdistys"), default=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisaatio")
        verbose_name_plural = _("organisaatiot")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Area(OrganisationScopedModel):
    """Work area (*toiminta-alue*): Vauvaperhetyö, Perheväkivaltatyö, … or Administration."""

    class Kind(models.TextChoices):
        OPERATIONAL = "operational", _("toiminta-alue")
        ADMINISTRATION = "administration", _("hallinto")

    name = models.CharField(_("nimi"), max_length=200)
    kind = models.CharField(
        _("laji"), max_length=20, choices=Kind.choices, default=Kind.OPERATIONAL
    )
    description = models.TextField(_("kuvaus"), blank=True)
    order = models.PositiveSmallIntegerField(_("järjestys"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("toiminta-alue")
        verbose_name_plural = _("toiminta-alueet")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="area_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Team(OrganisationScopedModel):
    """A team (*tiimi*) with its line manager (*lähiesimies*). ORG-01, ORG-02, STF-02."""

    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="teams", verbose_name=_("toiminta-alue")
    )
    name = models.CharField(_("nimi"), max_length=200)
    description = models.TextField(_("kuvaus"), blank=True)
    line_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_teams",
        verbose_name=_("lähiesimies"),
    )
    meeting_frequency = models.CharField(_("kokoontuu"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("järjestys"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tiimi")
        verbose_name_plural = _("tiimit")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name
