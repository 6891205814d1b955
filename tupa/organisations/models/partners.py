"""Master data of the outside world: municipalities, partners (and their roles), funders."""

from __future__ import annotations

from django.db import models
from django.db.models import F, OrderBy, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords

from tupa.core.models import OrganisationScopedModel


class Municipality(models.Model):
    """A Finnish municipality with its official code (Statistics Finland classification).

    Reference data shared by every organisation, loaded from ``data/municipalities.csv``.

    A municipality is shown by :attr:`name`, its name in the reader's language: the Swedish
    name (*Lahtis*) to a Swedish reader, else the Finnish one (English has no names of its
    own). What is stored, frozen or hashed refers to it by its pk or :attr:`code`, never by a
    name.
    """

    code = models.CharField(_("kuntanumero"), max_length=3, unique=True)
    name_fi = models.CharField(_("nimi suomeksi"), max_length=100)
    name_sv = models.CharField(_("nimi ruotsiksi"), max_length=100)
    region_code = models.CharField(_("maakuntakoodi"), max_length=2, blank=True)
    region_name_fi = models.CharField(_("maakunta"), max_length=100, blank=True)
    valid = models.BooleanField(_("voimassa"), default=True)

    class Meta:
        verbose_name = _("kunta")
        verbose_name_plural = _("kunnat")
        ordering = ["name_fi"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language (see the class)."""
        return self.name_in_language(self.name_fi, self.name_sv)

    @staticmethod
    def name_in_language(name_fi: str, name_sv: str | None) -> str:
        """:attr:`name` of a municipality read as values (``values("name_fi", "name_sv")``)."""
        return name_sv if name_sv and _swedish() else name_fi

    @staticmethod
    def display_ordering() -> str | OrderBy:
        """The ``order_by`` of municipalities listed for the reader: by :attr:`name` (the
        Swedish name, or the Finnish one where it has none, for a Swedish reader)."""
        if not _swedish():
            return "name_fi"
        return Coalesce(NullIf(F("name_sv"), Value("")), F("name_fi")).asc()


def _swedish() -> bool:
    return (get_language() or "").split("-")[0] == "sv"


class Partner(OrganisationScopedModel):
    """An outside body: referrer, purchaser, funder, network, project, school, media. ORG-06."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("kunta tai kuntayhtymä")
        WELLBEING_SERVICES = "wellbeing", _("hyvinvointialue")
        STATE = "state", _("valtion viranomainen")
        FUNDING_BODY = "funding_body", _("rahoittaja")
        FEDERATION = "federation", _("liitto")
        NGO = "ngo", _("järjestö")
        PARISH = "parish", _("seurakunta")
        EDUCATION = "education", _("oppilaitos")
        HEALTH = "health", _("terveydenhuolto")
        POLICE = "police", _("poliisi")
        COMPANY = "company", _("yritys")
        MEDIA = "media", _("media")
        NETWORK = "network", _("verkosto")
        OTHER = "other", _("muu")

    name = models.CharField(_("nimi"), max_length=200)
    kind = models.CharField(_("laji"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    business_id = models.CharField(_("Y-tunnus"), max_length=9, blank=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("kunta")
    )
    description = models.TextField(_("kuvaus"), blank=True)
    website = models.URLField(_("verkkosivu"), blank=True)
    active = models.BooleanField(_("aktiivinen"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kumppani")
        verbose_name_plural = _("kumppanit")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="partner_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class PartnerRole(models.Model):
    """One role a partner plays; a partner can play several (PHHYKY refers *and* purchases)."""

    class Role(models.TextChoices):
        REFERRER = "referrer", _("ohjaava taho")
        PURCHASER = "purchaser", _("palvelun ostaja")
        FUNDER = "funder", _("rahoittaja")
        NETWORK = "network", _("verkosto")
        PROJECT = "project", _("hanke")
        EDUCATION = "education", _("oppilaitos")
        MEDIA = "media", _("media")
        COORDINATOR = "coordinator", _("valtakunnallinen koordinoija")
        OPERATOR = "operator", _("toiminnan hallinnoija")
        SUPERVISOR = "supervisor", _("valvova viranomainen")

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="roles", verbose_name=_("kumppani")
    )
    role = models.CharField(_("rooli"), max_length=20, choices=Role.choices)

    objects = ScopedManager(organisation="partner__organisation")

    class Meta:
        verbose_name = _("kumppanin rooli")
        verbose_name_plural = _("kumppanin roolit")
        constraints = [
            models.UniqueConstraint(fields=["partner", "role"], name="partnerrole_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.partner}: {self.get_role_display()}"


class Funder(OrganisationScopedModel):
    """A funding source as the budget groups it (seed-spec §6.1): municipalities, STEA, state…"""

    class Category(models.TextChoices):
        MUNICIPALITIES = "municipalities", _("kunnat ja kuntayhtymät")
        STEA = "stea", _("STEA")
        STATE = "state", _("valtio")
        OTHER = "other", _("muut tuotot")

    name = models.CharField(_("nimi"), max_length=200)
    category = models.CharField(_("tuloluokka"), max_length=20, choices=Category.choices)
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funder_records",
        verbose_name=_("kumppani"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rahoittaja")
        verbose_name_plural = _("rahoittajat")
        ordering = ["category", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="funder_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name
