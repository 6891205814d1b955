"""Rooms and room bookings (scheduling app; appointments are added on top of these).

A **room** is a space of the association's premises that appointments, group sessions and
outside bookings can reserve. A **booking** reserves a room for a self-organised group, a
birthday-party rental or an internal event; its price becomes an invoice line later.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tupa.core.models import OrganisationScopedModel


class Room(OrganisationScopedModel):
    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rooms",
        verbose_name=_("työmuoto"),
        help_text=_("Tyhjä: koko organisaation yhteinen tila."),
    )
    name = models.CharField(_("nimi"), max_length=100)
    description = models.CharField(_("kuvaus"), max_length=300, blank=True)
    capacity = models.PositiveSmallIntegerField(_("henkilöitä enintään"), default=10)
    rentable = models.BooleanField(
        _("vuokrattavissa ulkopuolisille"),
        default=False,
        help_text=_("Esimerkiksi syntymäpäiväjuhlat tai omaehtoiset ryhmät."),
    )
    hourly_price = models.DecimalField(
        _("vuokra tunnilta (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    active = models.BooleanField(_("käytössä"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tila")
        verbose_name_plural = _("tilat")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="room_unique_name"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="room_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Booking(OrganisationScopedModel):
    class Kind(models.TextChoices):
        SELF_ORGANISED_GROUP = "self_organised_group", _("omaehtoinen ryhmä")
        BIRTHDAY_PARTY = "birthday_party", _("syntymäpäiväjuhlat")
        INTERNAL = "internal", _("oma tilaisuus")
        OTHER = "other", _("muu varaus")

    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("tila")
    )
    kind = models.CharField(_("varauksen laji"), max_length=30, choices=Kind.choices)
    starts_at = models.DateTimeField(_("alkaa"))
    ends_at = models.DateTimeField(_("päättyy"))
    title = models.CharField(_("otsikko"), max_length=200)
    organiser_name = models.CharField(_("varaaja"), max_length=200, blank=True)
    organiser_contact = models.CharField(_("varaajan yhteystieto"), max_length=200, blank=True)
    price = models.DecimalField(
        _("hinta (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    note = models.CharField(_("lisätieto"), max_length=300, blank=True)
    cancelled_at = models.DateTimeField(_("peruttu"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tilavaraus")
        verbose_name_plural = _("tilavaraukset")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["room", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="booking_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gte=0), name="booking_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room} {self.starts_at:%Y-%m-%d %H:%M}"
