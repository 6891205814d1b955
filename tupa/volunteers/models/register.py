"""The register: volunteers, their tasks and lifecycle, and a form's responsible person.

A :class:`Volunteer` is a record of its own kind. It is **never** a client list entry and has no
link to :class:`tupa.people.models.Person`: a former client who becomes a volunteer or an
experience expert is entered here again, so that neither role can be read through the other.

- :class:`Assignment` — the service forms a volunteer works in and the role there (VOL-03).
- :class:`StatusChange` — every dated step of the lifecycle with its reason; the volunteer's
  ``status`` is the latest of them (written only by
  :func:`tupa.volunteers.register.services.volunteer_set_status`).
- :class:`FormResponsible` — the named volunteer-responsible staff member of a form (VOL-02).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tupa.core.dates import fi_date
from tupa.core.models import OrganisationScopedModel


class RoleKind(models.TextChoices):
    """Volunteer roles named in the 2018 plan (VOL-03, VOL-12, VOL-13)."""

    MIESKAVERI = "mieskaveri", _("Mieskaveri")
    DOULA = "doula", _("doula")
    BIRTH_SUPPORT = "birth_support", _("synnytystukihenkilö")
    BREASTFEEDING_SUPPORT = "breastfeeding_support", _("imetystukihenkilö")
    FAMILY_SUPPORT = "family_support", _("ensikodin vapaaehtoinen")
    FATHER_WORK = "father_work", _("isätyön vapaaehtoinen")
    CHILDMINDER = "childminder", _("lastenhoitaja (ryhmät ja tapahtumat)")
    GROUP_CO_LEADER = "group_co_leader", _("ryhmän vertaisohjaaja")
    PERHETUPA = "perhetupa", _("Perhetuvan vapaaehtoinen")
    STEPFAMILY = "stepfamily", _("uusperhevapaaehtoinen (SUPLI)")
    SARO = "saro", _("Särö-vapaaehtoinen")
    SHELTER = "shelter", _("turvakodin vapaaehtoinen")
    EXPERIENCE_EXPERT = "experience_expert", _("kokemusasiantuntija")
    STUDENT = "student", _("opiskelija")
    BOARD_MEMBER = "board_member", _("hallituksen jäsen")
    OTHER = "other", _("muu vapaaehtoinen")


class Status(models.TextChoices):
    """The lifecycle of a volunteer (issue 12); the allowed steps are in ``rules.TRANSITIONS``."""

    INTERESTED = "interested", _("kiinnostunut")
    INTERVIEWED = "interviewed", _("haastateltu")
    IN_TRAINING = "in_training", _("koulutuksessa")
    SCREENED = "screened", _("soveltuvuus todettu")
    ACTIVE = "active", _("aktiivinen")
    PAUSED = "paused", _("tauolla")
    ENDED = "ended", _("lopettanut")


class Gender(models.TextChoices):
    WOMAN = "woman", _("nainen")
    MAN = "man", _("mies")
    OTHER = "other", _("muu")
    UNKNOWN = "", _("ei kerrottu")


class Volunteer(OrganisationScopedModel):
    """A volunteer, experience expert or student: a person record of its own kind."""

    first_names = models.CharField(_("etunimet"), max_length=100)
    last_name = models.CharField(_("sukunimi"), max_length=100)
    birth_year = models.PositiveSmallIntegerField(_("syntymävuosi"), null=True, blank=True)
    gender = models.CharField(
        _("sukupuoli"), max_length=10, choices=Gender.choices, blank=True, default=""
    )
    phone = models.CharField(_("puhelin"), max_length=40, blank=True)
    email = models.EmailField(_("sähköposti"), blank=True)
    street_address = models.CharField(_("katuosoite"), max_length=200, blank=True)
    postal_code = models.CharField(_("postinumero"), max_length=10, blank=True)
    post_office = models.CharField(_("postitoimipaikka"), max_length=100, blank=True)
    languages = models.CharField(_("kielet"), max_length=200, blank=True)
    availability = models.CharField(
        _("käytettävissä"),
        max_length=300,
        blank=True,
        help_text=_("Esimerkiksi arki-illat, viikonloput tai alue."),
    )
    status = models.CharField(
        _("tila"), max_length=20, choices=Status.choices, default=Status.INTERESTED, editable=False
    )
    status_since = models.DateField(_("tila alkaen"), editable=False)

    history = HistoricalRecords(excluded_fields=["status", "status_since"])

    class Meta:
        verbose_name = _("vapaaehtoinen")
        verbose_name_plural = _("vapaaehtoiset")
        ordering = ["last_name", "first_names", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "interested",
                        "interviewed",
                        "in_training",
                        "screened",
                        "active",
                        "paused",
                        "ended",
                    ]
                ),
                name="volunteer_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_names} {self.last_name}"


class Assignment(OrganisationScopedModel):
    """A volunteer's role in a service form, from ``started_on`` to ``ended_on`` (open: current).

    ``alone_with_children`` marks a task that meets the conditions of Act 148/2014 §2 (regular
    personal interaction with minors, alone or unsupervised); such a task — and every role whose
    requirements say so (``rules.REQUIREMENTS``) — needs a valid record check.
    """

    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("vapaaehtoinen"),
    )
    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("työmuoto"),
    )
    role = models.CharField(_("tehtävä"), max_length=30, choices=RoleKind.choices)
    alone_with_children = models.BooleanField(
        _("toimii lasten kanssa ilman valvontaa"),
        default=False,
        help_text=_(
            "Tehtävä sisältää säännöllistä henkilökohtaista vuorovaikutusta alaikäisten kanssa "
            "ilman valvontaa (laki 148/2014). Vaatii voimassa olevan rikostaustan tarkistuksen."
        ),
    )
    started_on = models.DateField(_("alkaen"))
    ended_on = models.DateField(_("päättyen"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vapaaehtoistehtävä")
        verbose_name_plural = _("vapaaehtoistehtävät")
        ordering = ["service_form__name", "role", "started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="volunteer_assignment_period_order",
            ),
            models.UniqueConstraint(
                fields=["volunteer", "service_form", "role"],
                condition=Q(ended_on__isnull=True),
                name="volunteer_assignment_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} ({self.service_form})"

    def is_current(self, on: dt.date) -> bool:
        return self.started_on <= on and (self.ended_on is None or self.ended_on >= on)


class StatusChange(OrganisationScopedModel):
    """One dated step of a volunteer's lifecycle, with its reason. Never changed or removed."""

    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="status_changes",
        verbose_name=_("vapaaehtoinen"),
    )
    status = models.CharField(_("uusi tila"), max_length=20, choices=Status.choices)
    previous = models.CharField(
        _("aiempi tila"), max_length=20, choices=Status.choices, blank=True, default=""
    )
    changed_on = models.DateField(_("päivä"))
    reason = models.CharField(_("syy"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kirjaaja"),
    )

    class Meta:
        verbose_name = _("tilan muutos")
        verbose_name_plural = _("tilan muutokset")
        ordering = ["changed_on", "pk"]

    def __str__(self) -> str:
        return f"{fi_date(self.changed_on)} {self.get_status_display()}"


class FormResponsible(OrganisationScopedModel):
    """The named volunteer-responsible staff member of a service form (VOL-02)."""

    service_form = models.OneToOneField(
        "organisations.ServiceForm",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("työmuoto"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("vapaaehtoistoiminnan vastuuhenkilö"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vapaaehtoistoiminnan vastuuhenkilö")
        verbose_name_plural = _("vapaaehtoistoiminnan vastuuhenkilöt")

    def __str__(self) -> str:
        return f"{self.service_form}: {self.user}"
