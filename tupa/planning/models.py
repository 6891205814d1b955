"""The annual operating plan's goals (*toimintasuunnitelman tavoitteet*), seed-spec §8.14.

The plan gives each service form (or working group, or the whole association) its goals for
the year, each under one of the strategy's themes T1–T5 (:class:`StrategicTheme`, PLN-01) or
under none (PLN-02's explicit "other"). During the year the goal's owner follows it up: a
status, a written assessment and the evidence that shows it (PLN-03), which the board's plan
against actual and the annual report read beside the figures (ADR 0030). No goal names a
person: it is a sentence of the association's plan.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tupa.core.models import OrganisationScopedModel

#: The plan's years that Tupa accepts (a typo guard, as the work dates').
FIRST_YEAR = 2000
LAST_YEAR = 2100


class GoalStatus(models.TextChoices):
    PLANNED = "planned", _("suunniteltu")
    IN_PROGRESS = "in_progress", _("käynnissä")
    ACHIEVED = "achieved", _("toteutunut")
    PARTLY = "partly", _("osittain toteutunut")
    NOT_ACHIEVED = "not_achieved", _("ei toteutunut")
    POSTPONED = "postponed", _("siirretty")


#: The statuses that end a goal's year: a goal still planned or in progress at the year's end is
#: unfinished (it may be copied into the next year's plan).
CLOSED_STATUSES = frozenset(
    {GoalStatus.ACHIEVED, GoalStatus.PARTLY, GoalStatus.NOT_ACHIEVED, GoalStatus.POSTPONED}
)


class AnnualGoal(OrganisationScopedModel):
    """One goal of the year's plan: whose (a service form, a working group, or the association),
    under which theme, and how it has gone."""

    year = models.PositiveSmallIntegerField(_("vuosi"))
    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("työmuoto"),
    )
    working_group = models.ForeignKey(
        "organisations.WorkingGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("työryhmä"),
    )
    theme = models.ForeignKey(
        "organisations.StrategicTheme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("painopiste"),
        help_text=_("Tyhjä: muu tavoite, ei strategista painopistettä."),
    )
    text = models.TextField(_("tavoite"), max_length=1000)
    order = models.PositiveSmallIntegerField(_("järjestys"), default=0)
    status = models.CharField(
        _("tila"), max_length=20, choices=GoalStatus.choices, default=GoalStatus.PLANNED
    )
    assessment = models.TextField(
        _("arvio"),
        max_length=3000,
        blank=True,
        help_text=_("Miten tavoite on edennyt. Älä kirjaa henkilöiden nimiä tai asiakastietoja."),
    )
    evidence = models.TextField(
        _("näyttö"),
        max_length=1000,
        blank=True,
        help_text=_("Mistä edistyminen näkyy: luvut, palaute, kirjaukset tai muistiot."),
    )
    assessed_at = models.DateTimeField(_("arvioitu"), null=True, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("arvioija"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kirjaaja"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vuositavoite")
        verbose_name_plural = _("vuositavoitteet")
        ordering = ["year", "order", "pk"]
        indexes = [
            models.Index(fields=["organisation", "year"], name="planning_goal_org_year"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(service_form__isnull=True) | Q(working_group__isnull=True),
                name="planning_goal_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
                name="planning_goal_year_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.text[:60]}"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES
