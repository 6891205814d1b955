"""Grant applications, their decisions and reporting deadlines (seed-spec FIN-06, issue 14 item 5).

A :class:`Grant` is one application to one funder for one grant target (*avustuskohde*) and year
(or years). Its decision (granted, partly granted, rejected) is recorded with the amount, the
decision date and number and the conditions. The service forms it funds are a list of
:class:`~tupa.organisations.models.ServiceForm`; the statistics keep using the service forms'
funding tags (:class:`~tupa.organisations.models.ServiceFormFunding`) — the grant services add a
missing tag when a grant is decided, never remove one (see ``docs/finance-grants.md``).

A :class:`GrantDeadline` is a reporting or application deadline of a grant (the STEA results
report in March, the *vuosiselvitys*, a use-of-funds report), done when ``done_on`` is set.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords

from tupa.core.dates import fi_date
from tupa.core.models import OrganisationScopedModel


class Grant(OrganisationScopedModel):
    """One grant application and its decision."""

    class Kind(models.TextChoices):
        STEA_GENERAL = "stea_general", _("STEA yleisavustus (Ay)")
        STEA_TARGETED = "stea_targeted", _("STEA kohdennettu toiminta-avustus (Ak)")
        STEA_PROJECT = "stea_project", _("STEA hankeavustus (C)")
        THL = "thl", _("THL (valtio)")
        MUNICIPALITY = "municipality", _("kunnan avustus")
        FOUNDATION = "foundation", _("säätiö")
        OTHER = "other", _("muu")

    class Status(models.TextChoices):
        DRAFT = "draft", _("valmisteilla")
        APPLIED = "applied", _("haettu")
        GRANTED = "granted", _("myönnetty")
        PARTLY_GRANTED = "partly", _("myönnetty osittain")
        REJECTED = "rejected", _("hylätty")
        WITHDRAWN = "withdrawn", _("peruttu")

    funder = models.ForeignKey(
        "organisations.Funder",
        on_delete=models.PROTECT,
        related_name="grants",
        verbose_name=_("rahoittaja"),
    )
    kind = models.CharField(_("avustuslaji"), max_length=20, choices=Kind.choices)
    target_name = models.CharField(_("avustuskohde"), max_length=200)
    target_code = models.CharField(
        _("avustuskohteen tunnus"),
        max_length=40,
        blank=True,
        help_text=_("Esim. STEAn kohdenumero."),
    )
    year_from = models.PositiveSmallIntegerField(_("vuosi (alkaen)"))
    year_to = models.PositiveSmallIntegerField(_("vuosi (päättyen)"))
    amount_applied = models.DecimalField(
        _("haettu summa (€)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    amount_granted = models.DecimalField(
        _("myönnetty summa (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    status = models.CharField(
        _("tila"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    applied_on = models.DateField(_("haettu"), null=True, blank=True)
    decided_on = models.DateField(_("päätöspäivä"), null=True, blank=True)
    decision_number = models.CharField(_("päätöksen numero"), max_length=60, blank=True)
    conditions = models.TextField(_("ehdot"), blank=True)
    note = models.TextField(_("lisätieto"), blank=True)
    service_forms = models.ManyToManyField(
        "organisations.ServiceForm",
        blank=True,
        related_name="grants",
        verbose_name=_("rahoitettavat työmuodot"),
    )

    history = HistoricalRecords(m2m_fields=[service_forms])

    class Meta:
        verbose_name = _("avustus")
        verbose_name_plural = _("avustukset")
        ordering = ["-year_from", "funder__name", "target_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year_to__gte=models.F("year_from")),
                name="grant_years_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_applied__gte=0), name="grant_applied_nonnegative"
            ),
            models.CheckConstraint(
                condition=models.Q(amount_granted__isnull=True) | models.Q(amount_granted__gte=0),
                name="grant_granted_nonnegative",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "year_from", "year_to"])]

    def __str__(self) -> str:
        return f"{self.target_name} ({self.years_label})"

    @property
    def years_label(self) -> str:
        if self.year_from == self.year_to:
            return str(self.year_from)
        return f"{self.year_from}–{self.year_to}"

    @property
    def is_stea(self) -> bool:
        return self.kind in STEA_KINDS

    @property
    def is_decided(self) -> bool:
        return self.status in DECIDED


STEA_KINDS = frozenset({Grant.Kind.STEA_GENERAL, Grant.Kind.STEA_TARGETED, Grant.Kind.STEA_PROJECT})
DECIDED = frozenset({Grant.Status.GRANTED, Grant.Status.PARTLY_GRANTED, Grant.Status.REJECTED})
#: The statuses of a grant that funds its target: granted in full or in part.
FUNDING = frozenset({Grant.Status.GRANTED, Grant.Status.PARTLY_GRANTED})


class GrantDeadline(models.Model):
    """A reporting or application deadline of a grant."""

    class Kind(models.TextChoices):
        RESULTS_REPORT = "results_report", _("tuloksellisuusraportti")
        ANNUAL_REPORT = "annual_report", _("vuosiselvitys")
        USE_OF_FUNDS = "use_of_funds", _("käyttöselvitys")
        APPLICATION = "application", _("hakemuksen määräaika")
        OTHER = "other", _("muu")

    grant = models.ForeignKey(
        Grant, on_delete=models.CASCADE, related_name="deadlines", verbose_name=_("avustus")
    )
    kind = models.CharField(_("laji"), max_length=20, choices=Kind.choices)
    due_on = models.DateField(_("määräpäivä"))
    done_on = models.DateField(_("tehty"), null=True, blank=True)
    note = models.CharField(_("lisätieto"), max_length=300, blank=True)

    objects = ScopedManager(organisation="grant__organisation")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("avustuksen määräaika")
        verbose_name_plural = _("avustusten määräajat")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.grant}: {self.get_kind_display()} {fi_date(self.due_on)}"
