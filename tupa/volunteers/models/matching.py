"""Mieskaveri matching (VOL-06, REP-05) and the volunteer ↔ family links (VOL-14).

A :class:`MatchingCase` points at the family's client **episode**; neither it, its
:class:`Match` nor a :class:`FamilyLink` gives the volunteer any access to the client record:
the volunteer sees ``note_for_volunteer`` only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tupa.core.dates import fi_date
from tupa.core.models import OrganisationScopedModel
from tupa.volunteers.models.register import RoleKind, Volunteer


class CaseStatus(models.TextChoices):
    """The steps of a Mieskaveri matching process (VOL-06); allowed moves in ``rules``."""

    APPLIED = "applied", _("hakemus saapunut")
    INTAKE = "intake", _("alkutapaaminen pidetty")
    WAITING = "waiting", _("odottaa kaveria")
    MATCHED = "matched", _("kaveri löydetty")
    ENDED = "ended", _("päättynyt")
    WITHDRAWN = "withdrawn", _("peruttu")


class MatchingCase(OrganisationScopedModel):
    """A mother's application for a male friend for her boy, from application to ending.

    The family is the client ``episode`` of the Mieskaveri service form (and the boy one of its
    ``child`` participants): the client record stays in the client module, reached only through
    ``tupa.access.clients``. The volunteer never sees this row; he sees the match's
    ``note_for_volunteer`` only. ``wishes`` and ``family_situation`` are the coordinator's notes.
    """

    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("työmuoto"),
    )
    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.PROTECT, related_name="+", verbose_name=_("perhe")
    )
    child = models.ForeignKey(
        "episodes.Participant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lapsi"),
    )
    applied_on = models.DateField(_("hakemus saapunut"))
    intake_on = models.DateField(_("alkutapaaminen"), null=True, blank=True)
    wishes = models.TextField(_("toiveet"), blank=True)
    family_situation = models.TextField(_("perheen tilanne"), blank=True)
    area = models.CharField(_("alue"), max_length=100, blank=True)
    contact_with_men = models.BooleanField(
        _("lapsella on yhteys isään tai muihin läheisiin miehiin"), null=True, blank=True
    )
    confirmed_warnings = models.TextField(_("vahvistetut huomiot"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("huomiot vahvisti"),
    )
    confirmed_on = models.DateField(_("huomiot vahvistettu"), null=True, blank=True)
    status = models.CharField(
        _("tila"),
        max_length=20,
        choices=CaseStatus.choices,
        default=CaseStatus.APPLIED,
        editable=False,
    )
    status_since = models.DateField(_("tila alkaen"), editable=False)
    ended_on = models.DateField(_("päättyi"), null=True, blank=True)
    end_reason = models.CharField(_("päättymisen syy"), max_length=300, blank=True)
    successful = models.BooleanField(_("onnistunut"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["status", "status_since"])

    class Meta:
        verbose_name = _("kaveritoiminnan prosessi")
        verbose_name_plural = _("kaveritoiminnan prosessit")
        ordering = ["-applied_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=["applied", "intake", "waiting", "matched", "ended", "withdrawn"]
                ),
                name="volunteer_case_status_known",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("applied_on")),
                name="volunteer_case_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_form} {fi_date(self.applied_on)} #{self.pk}"


class CaseStep(OrganisationScopedModel):
    """One dated step of a matching case, with its reason. Never changed."""

    case = models.ForeignKey(
        MatchingCase, on_delete=models.CASCADE, related_name="steps", verbose_name=_("prosessi")
    )
    status = models.CharField(_("uusi tila"), max_length=20, choices=CaseStatus.choices)
    previous = models.CharField(
        _("aiempi tila"), max_length=20, choices=CaseStatus.choices, blank=True, default=""
    )
    changed_on = models.DateField(_("päivä"))
    reason = models.CharField(_("syy"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("prosessin vaihe")
        verbose_name_plural = _("prosessin vaiheet")
        ordering = ["changed_on", "pk"]

    def __str__(self) -> str:
        return f"{fi_date(self.changed_on)} {self.get_status_display()}"


class Match(OrganisationScopedModel):
    """The male friend found for a case (VOL-06, VOL-14): who, from when, until when.

    Gives the volunteer no access to the family's client record: he sees only
    ``note_for_volunteer``, written by the coordinator.
    """

    case = models.OneToOneField(
        MatchingCase, on_delete=models.CASCADE, related_name="match", verbose_name=_("prosessi")
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="matches", verbose_name=_("kaveri")
    )
    started_on = models.DateField(_("kaverisuhde alkoi"))
    ended_on = models.DateField(_("kaverisuhde päättyi"), null=True, blank=True)
    note_for_volunteer = models.TextField(
        _("viesti vapaaehtoiselle"),
        blank=True,
        help_text=_(
            "Ainoa asia, jonka vapaaehtoinen näkee perheestä. Älä kirjoita asiakastietoja."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kaverisuhde")
        verbose_name_plural = _("kaverisuhteet")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="volunteer_match_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {fi_date(self.started_on)}"


class MatchActivity(OrganisationScopedModel):
    """A dated joint activity of the friend and the boy (the coordinator's note)."""

    match = models.ForeignKey(
        Match, on_delete=models.CASCADE, related_name="activities", verbose_name=_("kaverisuhde")
    )
    date = models.DateField(_("päivä"))
    note = models.TextField(_("mitä tehtiin"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("yhteinen tekeminen")
        verbose_name_plural = _("yhteinen tekeminen")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{fi_date(self.date)}"


class FollowUp(OrganisationScopedModel):
    """A dated follow-up of a match, with the day the next one is due."""

    case = models.ForeignKey(
        MatchingCase,
        on_delete=models.CASCADE,
        related_name="follow_ups",
        verbose_name=_("prosessi"),
    )
    date = models.DateField(_("päivä"))
    note = models.TextField(_("seurannan muistiinpano"), blank=True)
    next_due_on = models.DateField(_("seuraava seuranta"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("seuranta")
        verbose_name_plural = _("seurannat")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_due_on__isnull=True) | Q(next_due_on__gt=models.F("date")),
                name="volunteer_follow_up_next_after",
            ),
        ]

    def __str__(self) -> str:
        return f"{fi_date(self.date)}"


class FamilyLink(OrganisationScopedModel):
    """A volunteer offered to a client family (VOL-14), e.g. a doula to a Baby blues family.

    The link gives the volunteer **no access** to the client record; the volunteer will see
    only ``note_for_volunteer``. (A Mieskaveri match is a :class:`Match`.)
    """

    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.PROTECT,
        related_name="family_links",
        verbose_name=_("vapaaehtoinen"),
    )
    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.PROTECT, related_name="+", verbose_name=_("perhe")
    )
    role = models.CharField(_("tehtävä"), max_length=30, choices=RoleKind.choices)
    started_on = models.DateField(_("alkaen"))
    ended_on = models.DateField(_("päättyen"), null=True, blank=True)
    note_for_volunteer = models.TextField(
        _("viesti vapaaehtoiselle"),
        blank=True,
        help_text=_(
            "Ainoa asia, jonka vapaaehtoinen näkee perheestä. Älä kirjoita asiakastietoja."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vapaaehtoisen perhelinkki")
        verbose_name_plural = _("vapaaehtoisten perhelinkit")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="volunteer_family_link_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {fi_date(self.started_on)}"
