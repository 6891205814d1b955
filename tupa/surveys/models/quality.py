"""Quality self-evaluation (FBK-09): a unit rates itself each year against a named criteria set
(the association's own quality handbook, THL's shelter criteria, *Vaativa vauvatyö*, Alvari) and
sees the previous year's ratings beside this year's.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tupa.core.models import OrganisationScopedModel


class CriteriaSet(OrganisationScopedModel):
    class Source(models.TextChoices):
        OWN_HANDBOOK = "own", _("oma laatukäsikirja")
        THL_SHELTER = "thl_shelter", _("THL:n turvakotien laatusuositukset")
        VAATIVA_VAUVATYO = "vaativa_vauvatyo", _("Vaativa vauvatyö")
        ALVARI = "alvari", _("Alvari-työn kriteerit")
        OTHER = "other", _("muu")

    name = models.CharField(_("nimi"), max_length=200)
    source = models.CharField(_("lähde"), max_length=20, choices=Source.choices)
    edition = models.CharField(_("painos tai versio"), max_length=50, blank=True)
    active = models.BooleanField(_("käytössä"), default=True)

    class Meta:
        verbose_name = _("kriteeristö")
        verbose_name_plural = _("kriteeristöt")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveIntegerField(_("järjestys"), default=0)
    code = models.CharField(_("tunniste"), max_length=20)
    text = models.TextField(_("kriteeri"))

    class Meta:
        verbose_name = _("kriteeri")
        verbose_name_plural = _("kriteerit")
        ordering = ["criteria_set", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "code"], name="surveys_criterion_code_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"


class SelfEvaluation(OrganisationScopedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("kesken")
        DONE = "done", _("valmis")

    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.PROTECT, related_name="evaluations"
    )
    service_form = models.ForeignKey(
        "organisations.ServiceForm", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("vuosi"))
    status = models.CharField(_("tila"), max_length=10, choices=Status.choices, default=Status.OPEN)
    summary = models.TextField(_("yhteenveto ja kehittämiskohteet"), blank=True)
    completed_on = models.DateField(_("valmistui"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("itsearviointi")
        verbose_name_plural = _("itsearvioinnit")
        ordering = ["-year", "service_form", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "service_form", "year"],
                name="surveys_one_evaluation_per_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.criteria_set} {self.year}"


class CriterionRating(models.Model):
    class Rating(models.TextChoices):
        MET = "met", _("toteutuu")
        PARTLY = "partly", _("toteutuu osittain")
        NOT_MET = "not_met", _("ei toteudu")
        NOT_APPLICABLE = "na", _("ei koske meitä")

    evaluation = models.ForeignKey(SelfEvaluation, on_delete=models.CASCADE, related_name="ratings")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="ratings")
    rating = models.CharField(_("arvio"), max_length=10, choices=Rating.choices)
    evidence = models.TextField(_("perustelu"), blank=True)
    improvement = models.TextField(_("kehittämistoimi"), blank=True)

    class Meta:
        verbose_name = _("kriteerin arvio")
        verbose_name_plural = _("kriteerien arviot")
        ordering = ["evaluation", "criterion__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "criterion"], name="surveys_rating_once")
        ]

    def __str__(self) -> str:
        return self.get_rating_display()
