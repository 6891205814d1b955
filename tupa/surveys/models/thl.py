"""The shelter's client feedback stays with THL (FBK-06, CON-06).

Turvakoti clients answer THL's own national feedback form. Tupa records only that the form's
link was given — to which adult or child of the episode, when, by whom — and stores THL's
periodic summaries as documents. No individual shelter answer ever enters Tupa: there is no model
for one, and the questionnaire services refuse a schedule or a response for a shelter form
(``ServiceForm.violence_work == "victim"`` with kind residential).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tupa.core.models import OrganisationScopedModel


class ThlFormGiven(OrganisationScopedModel):
    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.CASCADE, related_name="+", verbose_name=_("asiakkuus")
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="+", verbose_name=_("henkilö")
    )
    given_on = models.DateField(_("annettu"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("THL:n palautelomakkeen linkki annettu")
        verbose_name_plural = _("THL:n palautelomakkeen linkit annettu")
        ordering = ["-given_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "person"], name="surveys_thl_form_given_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.given_on}"


class ThlSummary(OrganisationScopedModel):
    """A THL periodic summary of the shelter's national client feedback, as a document."""

    service_form = models.ForeignKey(
        "organisations.ServiceForm", on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField(_("jakso alkaa"))
    period_end = models.DateField(_("jakso päättyy"))
    document = models.FileField(_("tiedosto"), upload_to="surveys/thl/%Y/")
    note = models.CharField(_("lisätieto"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("THL:n palauteyhteenveto")
        verbose_name_plural = _("THL:n palauteyhteenvedot")
        ordering = ["-period_end", "pk"]

    def __str__(self) -> str:
        return f"{self.period_start}–{self.period_end}"
