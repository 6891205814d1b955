"""Who is asked and when (FBK-01, FBK-03, FBK-04).

A :class:`Schedule` ties a questionnaire to a service form: who answers (target), what makes a
person due (trigger), the channel, and whether answers are anonymous or linked to the episode. The
due lists (``tupa.surveys.schedules``) are computed from the schedules and the records — never
stored — and invitations are made from them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tupa.core.models import OrganisationScopedModel
from tupa.surveys.models.instruments import Questionnaire, Target


class Trigger(models.TextChoices):
    EPISODE_END = "episode_end", _("asiakkuuden päättyessä")
    GROUP_PERIOD_END = "group_end", _("ryhmäjakson päättyessä")
    AFTERCARE_END = "aftercare_end", _("jälkihoidon päättyessä")
    MONTHS_AFTER_END = "months_after", _("kuukausia päättymisen jälkeen")
    YEARLY = "yearly", _("kerran vuodessa")
    CONTINUOUS = "continuous", _("jatkuva")
    MANUAL = "manual", _("käsin")


#: Triggers that reach a person after the service has ended: they need a valid contact
#: permission (CON-01) on the day the invitation is made.
AFTER_SERVICE_TRIGGERS = frozenset({Trigger.MONTHS_AFTER_END, Trigger.AFTERCARE_END})


class Schedule(OrganisationScopedModel):
    class Channel(models.TextChoices):
        LINK = "link", _("linkki (tekstiviesti tai sähköposti)")
        LETTER = "letter", _("kirje QR-koodilla")
        IN_PERSON = "in_person", _("paikan päällä työntekijän kanssa")
        PAPER = "paper", _("paperilomake")
        KIOSK = "kiosk", _("kioski")

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="schedules"
    )
    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("työmuoto"),
    )
    target = models.CharField(_("vastaajat"), max_length=20, choices=Target.choices)
    trigger = models.CharField(_("ajankohta"), max_length=20, choices=Trigger.choices)
    months_after = models.PositiveSmallIntegerField(
        _("kuukautta päättymisestä"), null=True, blank=True
    )
    channel = models.CharField(_("kanava"), max_length=20, choices=Channel.choices)
    anonymous = models.BooleanField(
        _("nimetön"),
        default=True,
        help_text=_("Nimettömät vastaukset eivät liity asiakkuuteen eivätkä henkilöön."),
    )
    due_window_days = models.PositiveSmallIntegerField(
        _("listalla päivää"),
        default=30,
        help_text=_("Kuinka kauan henkilö näkyy erääntyneiden listalla ajankohdan jälkeen."),
    )
    link_valid_days = models.PositiveSmallIntegerField(_("linkki voimassa päivää"), default=21)
    active = models.BooleanField(_("käytössä"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("kyselyaikataulu")
        verbose_name_plural = _("kyselyaikataulut")
        ordering = ["service_form", "questionnaire", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(trigger="months_after") | Q(months_after__gte=1),
                name="surveys_months_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} – {self.get_trigger_display()}"

    @property
    def needs_contact_permission(self) -> bool:
        return self.trigger in AFTER_SERVICE_TRIGGERS
