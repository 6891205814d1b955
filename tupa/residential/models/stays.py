"""Stays, the persons in them, payer categories and destinations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords

from tupa.core.models import OrganisationScopedModel

from .places import Place


class PayerCategory(models.TextChoices):
    """Who pays for the care days (the ledger is split by this)."""

    STATE = "state", _("valtio (turvakotien valtionkorvaus)")
    MUNICIPALITY = "municipality", _("kunta tai hyvinvointialue (maksusitoumus)")
    OTHER = "other", _("muu maksaja")


class Destination(models.TextChoices):
    """Where the family went after the stay (discharge)."""

    HOME = "home", _("kotiin")
    OTHER_SHELTER = "other_shelter", _("toiseen turvakotiin")
    OWN_NEW_HOME = "own_new_home", _("omaan uuteen asuntoon")
    RELATIVES = "relatives", _("sukulaisten tai ystävien luo")
    OTHER_SERVICE = "other_service", _("muuhun palveluun")
    UNKNOWN = "unknown", _("ei tiedossa")


class Stay(OrganisationScopedModel):
    """An episode's stay in one place (a move ends it and opens the next one)."""

    episode = models.ForeignKey(
        "episodes.Episode",
        on_delete=models.PROTECT,
        related_name="stays",
        verbose_name=_("asiakkuus"),
    )
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="stays", verbose_name=_("paikka")
    )
    arrived_at = models.DateTimeField(_("tulo"))
    departed_at = models.DateTimeField(_("lähtö"), null=True, blank=True)
    payer_category = models.CharField(
        _("maksajaryhmä"), max_length=20, choices=PayerCategory.choices
    )
    payer = models.ForeignKey(
        "organisations.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("maksaja"),
    )
    destination = models.CharField(
        _("jatkosijoitus"), max_length=20, choices=Destination.choices, blank=True
    )
    destination_note = models.CharField(_("jatkosijoitus, lisätieto"), max_length=300, blank=True)
    follow_on_referral = models.ForeignKey(
        "episodes.Referral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("jatko-ohjaus"),
    )
    started_in_pregnancy = models.BooleanField(
        _("alkoi raskausaikana"),
        default=False,
        help_text=_("Ensikoti: jakso alkoi ennen lapsen syntymää (raskausajan asuminen)."),
    )
    moved_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moved_to",
        verbose_name=_("siirretty paikasta"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("asumisjakso")
        verbose_name_plural = _("asumisjaksot")
        ordering = ["-arrived_at", "-pk"]
        indexes = [
            models.Index(fields=["place", "arrived_at"]),
            models.Index(fields=["organisation", "departed_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(departed_at__isnull=True) | Q(departed_at__gt=models.F("arrived_at")),
                name="stay_departure_after_arrival",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.place} {self.arrived_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.departed_at is None


class StayMember(models.Model):
    """A period of one person (participant of the episode) in a stay: arrival and departure.

    The member's period lies inside the stay's period (checked in :meth:`clean` and by the
    services; a database constraint cannot look at the stay row). A person who leaves early
    and comes back gets a **new period** (row); the earlier one is kept as it was. Periods of
    one person in one stay never overlap (the services check it) and at most one is open (a
    database constraint).
    """

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="members")
    participant = models.ForeignKey(
        "episodes.Participant",
        on_delete=models.PROTECT,
        related_name="stay_memberships",
        verbose_name=_("henkilö"),
    )
    arrived_at = models.DateTimeField(_("tulo"))
    departed_at = models.DateTimeField(_("lähtö"), null=True, blank=True)

    objects = ScopedManager(organisation="stay__organisation")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("jakson henkilö")
        verbose_name_plural = _("jakson henkilöt")
        ordering = ["arrived_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["stay", "participant"],
                condition=Q(departed_at__isnull=True),
                name="staymember_one_open_period",
            ),
            models.CheckConstraint(
                condition=Q(departed_at__isnull=True) | Q(departed_at__gt=models.F("arrived_at")),
                name="staymember_departure_after_arrival",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} @ {self.stay}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        stay = self.stay
        errors: dict[str, str] = {}
        if self.arrived_at is not None and self.arrived_at < stay.arrived_at:
            errors["arrived_at"] = str(_("Henkilö ei voi tulla ennen jakson alkua."))
        if stay.departed_at is not None:
            if self.arrived_at is not None and self.arrived_at >= stay.departed_at:
                errors["arrived_at"] = str(_("Henkilö ei voi tulla jakson päättymisen jälkeen."))
            if self.departed_at is None or self.departed_at > stay.departed_at:
                errors["departed_at"] = str(
                    _("Henkilön lähtö ei voi olla jakson päättymisen jälkeen.")
                )
        if (
            self.departed_at is not None
            and self.arrived_at is not None
            and self.departed_at <= self.arrived_at
        ):
            errors["departed_at"] = str(_("Lähdön on oltava tulon jälkeen."))
        if errors:
            raise ValidationError(errors)
