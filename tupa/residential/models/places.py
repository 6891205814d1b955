"""Places (family places, beds, rooms) and their dates of use."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tupa.core.models import OrganisationScopedModel
from tupa.organisations.models import ServiceForm


class Place(OrganisationScopedModel):
    """A place of a residential service form: a family place, a room or a bed (RES-01, RES-02)."""

    class Kind(models.TextChoices):
        FAMILY_PLACE = "family_place", _("perhepaikka")
        ROOM = "room", _("huone")
        BED = "bed", _("vuodepaikka")

    #: Kinds that hold one stay (one family or one person) at a time.
    EXCLUSIVE_KINDS = frozenset({Kind.FAMILY_PLACE, Kind.BED})

    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        related_name="places",
        verbose_name=_("työmuoto"),
        limit_choices_to={"kind": "residential"},
    )
    name = models.CharField(_("nimi"), max_length=100)
    code = models.SlugField(_("tunnus"), max_length=30)
    kind = models.CharField(
        _("laji"), max_length=20, choices=Kind.choices, default=Kind.FAMILY_PLACE
    )
    capacity = models.PositiveSmallIntegerField(
        _("henkilöitä enintään"),
        default=1,
        help_text=_("Huoneessa samaan aikaan asuvien henkilöiden enimmäismäärä."),
    )
    active = models.BooleanField(_("käytössä"), default=True)
    active_from = models.DateField(
        _("käytössä alkaen"),
        null=True,
        blank=True,
        help_text=_("Ensimmäinen päivä, jona paikka on käytössä. Tyhjä: alusta asti."),
    )
    active_until = models.DateField(
        _("käytössä asti"),
        null=True,
        blank=True,
        help_text=_(
            "Viimeinen päivä, jona paikka oli käytössä. Täytetään tälle päivälle, kun paikka "
            "poistetaan käytöstä; voit antaa aiemman päivän."
        ),
    )
    order = models.PositiveSmallIntegerField(_("järjestys"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("paikka")
        verbose_name_plural = _("paikat")
        ordering = ["service_form", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["service_form", "code"], name="place_unique_code"),
            models.UniqueConstraint(fields=["service_form", "name"], name="place_unique_name"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="place_capacity_positive"),
            models.CheckConstraint(
                condition=Q(active_from__isnull=True)
                | Q(active_until__isnull=True)
                | Q(active_until__gte=models.F("active_from")),
                name="place_active_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Taking a place out of use records the day (today unless given): occupancy of past
        months divides by the places in use on each day (:func:`place_in_use_on`)."""
        from django.core.exceptions import ValidationError

        today = timezone.localdate()
        if not self.active and self.active_until is None:
            self.active_until = today
        if self.active and self.active_until is not None:
            ended = self.active_until
            raise ValidationError(
                {
                    "active_until": _(
                        "Paikan käyttö on päättynyt %(date)s. Jos paikka otetaan uudelleen "
                        "käyttöön, tyhjennä päättymispäivä."
                    )
                    % {"date": f"{ended.day}.{ended.month}.{ended.year}"}
                }
            )
        if (
            self.active_from is not None
            and self.active_until is not None
            and self.active_until < self.active_from
        ):
            raise ValidationError(
                {"active_until": _("Käytön päättymispäivä ei voi olla ennen sen alkamispäivää.")}
            )

    def in_use_on(self, day: date) -> bool:
        """Was the place in use (available for stays) on ``day``? See :func:`place_in_use_on`."""
        return place_in_use_on(
            day, active=self.active, active_from=self.active_from, active_until=self.active_until
        )


def place_in_use_on(
    day: date, *, active: bool, active_from: date | None, active_until: date | None
) -> bool:
    """A place is in use from ``active_from`` (empty: always) to ``active_until`` inclusive
    (empty: as long as it is active). An inactive place without an end date — one taken out of
    use before the dates were recorded and with no history to tell when — counts as never in
    use; the occupancy figures still count it on every day it held a stay."""
    if active_from is not None and day < active_from:
        return False
    if active_until is not None:
        return day <= active_until
    return active


def is_shelter(service_form: ServiceForm) -> bool:
    """A shelter (turvakoti): residential work on the victims' side of the wall (THL's return)."""
    return (
        service_form.kind == ServiceForm.Kind.RESIDENTIAL and service_form.violence_work == "victim"
    )
