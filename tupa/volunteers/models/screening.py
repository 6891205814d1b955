"""Screening (CON-02; Act 148/2014): the interview, the power of attorney, the checks seen.

- :class:`Screening` — the individual interview and the power of attorney (CON-02).
- :class:`RecordCheck` — a criminal-record extract **seen**: the date, the extract's issue date,
  who saw it and the result (fit / unfit). Nothing else: no file, no free text, no issue number
  (Act 148/2014 §6; the Legal Register Centre forbids copying the extract and lets the recipient
  keep only its issue date and who was checked).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tupa.core.dates import fi_date
from tupa.core.models import OrganisationScopedModel
from tupa.volunteers.models.register import Volunteer


class Screening(OrganisationScopedModel):
    """The screening steps other than the record check: interview and power of attorney."""

    volunteer = models.OneToOneField(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="screening",
        verbose_name=_("vapaaehtoinen"),
    )
    interviewed_on = models.DateField(_("yksilöhaastattelu pidetty"), null=True, blank=True)
    interviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("haastattelija"),
    )
    power_of_attorney_on = models.DateField(
        _("valtakirja rikostaustaotteen pyytämiseen saatu"),
        null=True,
        blank=True,
        help_text=_("Päivä, jona vapaaehtoisen valtakirja saatiin (CON-02)."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("soveltuvuuden arviointi")
        verbose_name_plural = _("soveltuvuuden arvioinnit")

    def __str__(self) -> str:
        return str(self.volunteer_id)


class CheckResult(models.TextChoices):
    FIT = "fit", _("ei estettä")
    UNFIT = "unfit", _("este")


class RecordCheck(OrganisationScopedModel):
    """A criminal-record extract that was **seen** (Act 148/2014): when, the extract's issue
    date, by whom, the result.

    The extract itself, a copy, its number or what it said are never stored; there is no field
    for them on purpose. Rows are never changed: a new check is a new row.

    ``issued_on`` is empty only on checks recorded before the issue date was kept (ADR 0010,
    amendment of 6.12.2026); :func:`tupa.volunteers.screening.services.record_check_add` requires
    it for every new check and refuses an extract issued more than six months before it was seen.
    """

    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="record_checks",
        verbose_name=_("vapaaehtoinen"),
    )
    seen_on = models.DateField(_("ote nähty"))
    issued_on = models.DateField(
        _("otteen antopäivä"),
        null=True,
        blank=True,
        help_text=_(
            "Päivä, jona oikeusrekisterikeskus antoi otteen. Tyhjä vain tarkistuksissa, "
            "jotka kirjattiin ennen kuin antopäivä tallennettiin."
        ),
    )
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("otteen näki"),
    )
    result = models.CharField(_("tulos"), max_length=10, choices=CheckResult.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kirjaaja"),
    )

    class Meta:
        verbose_name = _("rikostaustan tarkistus")
        verbose_name_plural = _("rikostaustan tarkistukset")
        ordering = ["-seen_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(result__in=["fit", "unfit"]), name="volunteer_record_check_result"
            ),
            models.CheckConstraint(
                condition=Q(issued_on__isnull=True) | Q(issued_on__lte=F("seen_on")),
                name="volunteer_record_check_issued_before_seen",
                violation_error_message=_("Otetta ei voi olla annettu sen näkemisen jälkeen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{fi_date(self.seen_on)} {self.get_result_display()}"
