"""Other income and earmarked funds (FIN-05, FIN-08; ``docs/finance-income.md``).

- :class:`OtherIncome`: a donation, bequest, fundraising proceeds, a sponsor's payment, a training
  fee or other income, with its source — a company or organisation by name, or a private person
  (*yksityishenkilö*). A private donor's name is personal data: stored only when the user types
  it, shown only to the finance manager, never exported.
- :class:`EarmarkedFund`: donations given for a purpose (e.g. *lasten virkistys*); an income row
  with ``fund`` set is money into it, a :class:`FundUse` money out to the event it paid for. The
  balance (in − uses) never goes below zero on any day (the services check).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords

from tupa.core.dates import fi_date
from tupa.core.models import OrganisationScopedModel

CENT = Decimal("0.01")


class EarmarkedFund(OrganisationScopedModel):
    """Money given for one purpose (*korvamerkitty lahjoitus / rahasto*)."""

    name = models.CharField(_("nimi"), max_length=200)
    purpose = models.TextField(_("käyttötarkoitus"))
    active = models.BooleanField(_("käytössä"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("korvamerkitty rahasto")
        verbose_name_plural = _("korvamerkityt rahastot")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="earmarkedfund_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class OtherIncome(OrganisationScopedModel):
    """One item of other income (FIN-05); into an earmarked fund when ``fund`` is set (FIN-08)."""

    class Kind(models.TextChoices):
        DONATION = "donation", _("lahjoitus")
        BEQUEST = "bequest", _("testamenttilahjoitus")
        FUNDRAISING = "fundraising", _("varainhankinta tai keräys")
        SPONSOR = "sponsor", _("yhteistyökumppani tai sponsori")
        TRAINING_FEE = "training_fee", _("koulutusmaksu")
        OTHER = "other", _("muu tuotto")

    class Source(models.TextChoices):
        ORGANISATION = "organisation", _("yritys tai yhteisö")
        PRIVATE = "private", _("yksityishenkilö")

    kind = models.CharField(_("laji"), max_length=20, choices=Kind.choices)
    received_on = models.DateField(_("päivä"))
    amount = models.DecimalField(
        _("summa (€)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(CENT)],
    )
    source_kind = models.CharField(_("maksaja"), max_length=20, choices=Source.choices)
    source_name = models.CharField(_("yrityksen tai yhteisön nimi"), max_length=200, blank=True)
    #: Personal data: only when the user types it; shown to the finance manager only.
    donor_name = models.CharField(_("lahjoittajan nimi"), max_length=200, blank=True)
    funder = models.ForeignKey(
        "organisations.Funder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rahoituslähde"),
    )
    fund = models.ForeignKey(
        EarmarkedFund,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incomes",
        verbose_name=_("korvamerkitty rahasto"),
    )
    description = models.CharField(_("selite"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kirjaaja"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("muu tuotto")
        verbose_name_plural = _("muut tuotot")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="otherincome_amount_positive"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(source_kind="private", source_name="")
                    | models.Q(source_kind="organisation", donor_name="")
                ),
                name="otherincome_source_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{fi_date(self.received_on)} {self.get_kind_display()} {self.amount} €"

    @property
    def public_source(self) -> str:
        """The source as anyone but the finance manager sees it (never a private name)."""
        if self.source_kind == self.Source.PRIVATE:
            return str(self.Source.PRIVATE.label)
        return self.source_name


class FundUse(models.Model):
    """Money out of an earmarked fund to the event it paid for."""

    fund = models.ForeignKey(
        EarmarkedFund,
        on_delete=models.PROTECT,
        related_name="uses",
        verbose_name=_("rahasto"),
    )
    used_on = models.DateField(_("tapahtuman päivä"))
    amount = models.DecimalField(
        _("summa (€)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(CENT)],
    )
    event = models.CharField(_("tapahtuma"), max_length=200)
    event_link = models.CharField(
        _("linkki tapahtumaan"),
        max_length=300,
        blank=True,
        help_text=_("Esim. ryhmän tapaamiskerran osoite Tupassa (vapaaehtoinen)."),
    )
    description = models.CharField(_("selite"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kirjaaja"),
    )
    created_at = models.DateTimeField(_("luotu"), auto_now_add=True)

    objects = ScopedManager(organisation="fund__organisation")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rahaston käyttö")
        verbose_name_plural = _("rahaston käytöt")
        ordering = ["used_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="funduse_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund}: {self.event} {self.amount} €"
