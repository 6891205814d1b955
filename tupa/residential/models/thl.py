"""THL's shelter statistics per person, and the year-end confirmation of an open stay."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords

from .stays import Stay


class ShelterClientData(models.Model):
    """What THL's shelter return asks of one person of a shelter episode (issue 4, item 6).

    One row per participant of a residential episode: the statistical attributes THL's yearly
    summary form counts (finnish-requirements §1.2). They are classifications, not free text, and
    an anonymous client (an alias) carries them the same way as a named one (§1.3, §1.4 point 2).
    Gender and age band are stored here, frozen at arrival, so that an anonymous person counts and
    a later birthday does not move last year's statistics.
    """

    class ClientStatus(models.TextChoices):
        VICTIM = "victim", _("väkivallan kokija")
        USED_VIOLENCE = "used_violence", _("väkivallan käyttäjä")
        VIOLENT_ENVIRONMENT = "violent_environment", _("elänyt väkivaltaisessa ilmapiirissä")

    class Gender(models.TextChoices):
        FEMALE = "female", _("nainen tai tyttö")
        MALE = "male", _("mies tai poika")
        UNKNOWN = "unknown", _("sukupuolesta ei tietoa")

    class AgeBand(models.TextChoices):
        # [verify] THL's band limits; children under 18 and adults in the bands of the form.
        UNDER_4 = "0-3", _("0–3 v")
        AGE_4_6 = "4-6", _("4–6 v")
        AGE_7_12 = "7-12", _("7–12 v")
        AGE_13_17 = "13-17", _("13–17 v")
        AGE_18_24 = "18-24", _("18–24 v")
        AGE_25_34 = "25-34", _("25–34 v")
        AGE_35_44 = "35-44", _("35–44 v")
        AGE_45_54 = "45-54", _("45–54 v")
        AGE_55_64 = "55-64", _("55–64 v")
        AGE_65_PLUS = "65-", _("65 v tai yli")
        UNKNOWN = "unknown", _("ikä ei tiedossa")

    class ViolenceForm(models.TextChoices):
        PHYSICAL = "physical", _("fyysinen")
        PSYCHOLOGICAL = "psychological", _("psyykkinen")
        SEXUAL = "sexual", _("seksuaalinen")
        ECONOMIC = "economic", _("taloudellinen")
        THREAT = "threat", _("uhkailu")
        STALKING = "stalking", _("vainoaminen")
        DIGITAL = "digital", _("digitaalinen")
        CULTURAL_RELIGIOUS = "cultural_religious", _("kulttuurinen tai uskonnollinen")
        CHEMICAL = "chemical", _("kemiallinen")
        OTHER = "other", _("muu")

    class Relationship(models.TextChoices):
        CURRENT_PARTNER = "current_partner", _("nykyinen puoliso tai kumppani")
        FORMER_PARTNER = "former_partner", _("entinen puoliso tai kumppani")
        PARENT = "parent", _("vanhempi")
        CHILD = "child", _("oma lapsi")
        OTHER_RELATIVE = "other_relative", _("muu sukulainen")
        OTHER = "other", _("muu henkilö")
        UNKNOWN = "unknown", _("ei tiedossa")

    class StayOrder(models.TextChoices):
        FIRST = "first", _("ensimmäinen turvakotijakso")
        REPEAT = "repeat", _("aiempia turvakotijaksoja")
        UNKNOWN = "unknown", _("ei tiedossa")

    class ViolenceDuration(models.TextChoices):
        UNDER_1_MONTH = "lt_1m", _("alle kuukauden")
        MONTHS_1_6 = "1_6m", _("1–6 kuukautta")
        MONTHS_6_12 = "6_12m", _("6–12 kuukautta")
        YEARS_1_5 = "1_5y", _("1–5 vuotta")
        OVER_5_YEARS = "gt_5y", _("yli 5 vuotta")
        UNKNOWN = "unknown", _("ei tiedossa")

    participant = models.OneToOneField(
        "episodes.Participant",
        on_delete=models.CASCADE,
        related_name="shelter_data",
        verbose_name=_("henkilö"),
    )
    client_status = models.CharField(
        _("asiakkaan asema"), max_length=30, choices=ClientStatus.choices
    )
    gender = models.CharField(
        _("sukupuoli (tilasto)"), max_length=10, choices=Gender.choices, default=Gender.UNKNOWN
    )
    age_band = models.CharField(
        _("ikäryhmä tulohetkellä"), max_length=10, choices=AgeBand.choices, default=AgeBand.UNKNOWN
    )
    violence_forms = models.JSONField(
        _("väkivallan muodot"),
        default=list,
        blank=True,
        help_text=_("Yksi tai useampi; koodit luokituksesta ViolenceForm."),
    )
    relationship = models.CharField(
        _("suhde väkivallan käyttäjään"),
        max_length=20,
        choices=Relationship.choices,
        default=Relationship.UNKNOWN,
    )
    stay_order = models.CharField(
        _("ensimmäinen vai toistuva jakso"),
        max_length=10,
        choices=StayOrder.choices,
        default=StayOrder.UNKNOWN,
    )
    violence_duration = models.CharField(
        _("väkivallan kesto ennen tuloa"),
        max_length=10,
        choices=ViolenceDuration.choices,
        default=ViolenceDuration.UNKNOWN,
    )
    updated_at = models.DateTimeField(_("muokattu"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager(organisation="participant__episode__organisation")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("turvakodin tilastotieto")
        verbose_name_plural = _("turvakodin tilastotiedot")

    def __str__(self) -> str:
        return f"{self.participant}: {self.get_client_status_display()}"


class YearEndConfirmation(models.Model):
    """A worker's confirmation that a stay still open after a year's end really continues.

    THL's return must not count forgotten departures (finnish-requirements §1.4 point 3): an open
    stay blocks the year's summary until someone records the departure or confirms here that the
    family was still living in the unit when the year ended.
    """

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="year_end_confirmations")
    year = models.PositiveSmallIntegerField(_("vuosi"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("vahvistettu"), default=timezone.now)

    objects = ScopedManager(organisation="stay__organisation")

    class Meta:
        verbose_name = _("vuodenvaihteen vahvistus")
        verbose_name_plural = _("vuodenvaihteen vahvistukset")
        constraints = [
            models.UniqueConstraint(fields=["stay", "year"], name="yearendconfirmation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.stay} {self.year}"
