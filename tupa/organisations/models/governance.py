"""Working groups, values and strategic themes of the association."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager, scopes_disabled
from simple_history.models import HistoricalRecords

from tupa.core.models import OrganisationScopedModel

from .service_forms import ServiceForm


class WorkingGroup(OrganisationScopedModel):
    """A working group (*työryhmä*) such as KAVA or Vastuutiimi. ORG-05."""

    name = models.CharField(_("nimi"), max_length=200)
    short_name = models.CharField(_("lyhenne"), max_length=30, blank=True)
    purpose = models.TextField(_("tehtävä"), blank=True)
    meeting_frequency = models.CharField(_("kokoontuu"), max_length=100, blank=True)
    minutes_public_to_staff = models.BooleanField(
        _("muistiot kaikkien työntekijöiden luettavissa"), default=False
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("työryhmä")
        verbose_name_plural = _("työryhmät")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="workinggroup_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class WorkingGroupMember(models.Model):
    """A member of a working group: a staff user, or a seat held for a service form."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("puheenjohtaja")
        MEMBER = "member", _("jäsen")
        SECRETARY = "secretary", _("sihteeri")
        SAFETY_MANAGER = "safety_manager", _("työsuojelupäällikkö")
        DEPUTY_SAFETY_MANAGER = "deputy_safety_manager", _("varatyösuojelupäällikkö")
        SAFETY_REPRESENTATIVE = "safety_rep", _("työsuojeluvaltuutettu")
        DEPUTY_SAFETY_REPRESENTATIVE = "deputy_safety_rep", _("varavaltuutettu")
        VOLUNTEER_CONTACT = "volunteer_contact", _("vapaaehtoistoiminnan vastuuhenkilö")

    group = models.ForeignKey(
        WorkingGroup, on_delete=models.CASCADE, related_name="members", verbose_name=_("työryhmä")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="working_groups",
        verbose_name=_("työntekijä"),
    )
    service_form = models.ForeignKey(
        ServiceForm, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("työmuoto")
    )
    role = models.CharField(_("rooli"), max_length=30, choices=Role.choices, default=Role.MEMBER)

    objects = ScopedManager(organisation="group__organisation")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("työryhmän jäsen")
        verbose_name_plural = _("työryhmän jäsenet")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(service_form__isnull=False),
                name="wgmember_user_or_service_form",
            ),
        ]

    def __str__(self) -> str:
        who = self.user or self.service_form
        return f"{self.group}: {who} ({self.get_role_display()})"


class Value(OrganisationScopedModel):
    """One of the association's values (*arvot*), seed-spec §1.4."""

    order = models.PositiveSmallIntegerField(_("järjestys"))
    name = models.CharField(_("nimi"), max_length=100)
    description = models.TextField(_("kuvaus"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("arvo")
        verbose_name_plural = _("arvot")
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "order"], name="value_unique_order"),
        ]

    def __str__(self) -> str:
        return self.name


#: The order of themes by code, shorter codes first so that T2 comes before T10 (a code's text
#: alone would sort "T10" first); :func:`theme_order` is the same order in Python.
THEME_ORDERING = (Length("code"), "code")


def theme_order(code: str) -> tuple[int, str]:
    """A theme code's place in :data:`THEME_ORDERING`, for lists sorted in Python."""
    return (len(code), code)


class StrategicTheme(OrganisationScopedModel):
    """A strategic theme (*painopiste*) T1–T5 of the strategy, seed-spec §1.5.

    A strategy lasts a few years and the next one brings its own themes, often with the same
    codes: a code is unique within a strategy period (``start_year``), and two themes with the
    same code may not cover the same year (:meth:`clean`). The plan's goals of a year are filed
    under the themes whose period covers it (``tupa.planning``)."""

    code = models.CharField(_("koodi"), max_length=5)
    name = models.CharField(_("nimi"), max_length=200)
    description = models.TextField(_("kuvaus"), blank=True)
    strategy_name = models.CharField(_("strategia"), max_length=200, blank=True)
    start_year = models.PositiveSmallIntegerField(_("strategiakausi alkaa"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("strategiakausi päättyy"), null=True, blank=True)
    heading_variants = models.JSONField(_("otsikon muunnelmat"), default=list, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("strateginen painopiste")
        verbose_name_plural = _("strategiset painopisteet")
        ordering = THEME_ORDERING
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code", "start_year"], name="theme_unique_code_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def covers(self, year: int) -> bool:
        """Whether the theme's strategy period includes ``year`` (an open end covers all)."""
        return (self.start_year is None or self.start_year <= year) and (
            self.end_year is None or year <= self.end_year
        )

    def clean(self) -> None:
        super().clean()
        if self.organisation_id is None or not self.code:
            return
        low, high = self.start_year or 0, self.end_year or 9999
        with scopes_disabled():  # the admin's form validates outside the request's scope too
            others = list(
                StrategicTheme.objects.filter(
                    organisation_id=self.organisation_id, code=self.code
                ).exclude(pk=self.pk)
            )
        for other in others:
            if (other.start_year or 0) <= high and low <= (other.end_year or 9999):
                raise ValidationError(
                    {
                        "code": _(
                            "Painopisteellä %(code)s on jo strategiakausi, joka osuu samoille "
                            "vuosille."
                        )
                        % {"code": self.code}
                    }
                )
