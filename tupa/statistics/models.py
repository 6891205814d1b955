"""Frozen submissions of returns, and the federation that member organisations share them with.

A :class:`Submission` is written once when a return is marked as sent ("Lähetetty"): the
figures, the template and indicator versions, the parameters, the data-as-of time, who and when,
the suppression applied and a content hash. It is never changed (append-only, database
triggers): a frozen return is shown as it was sent, and a correction is a new submission.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tupa.core.append_only import AppendOnlyManager, AppendOnlyModel
from tupa.core.models import OrganisationScopedModel
from tupa.organisations.models import Organisation

from .choices import Recipient

SUBMISSION_APPEND_ONLY_MESSAGE = "a sent return is frozen"


class SubmissionFrozenError(Exception):
    """Raised when code tries to change or remove a sent return."""


class Submission(AppendOnlyModel, OrganisationScopedModel):
    """A return as it was sent: figures, versions, parameters, hash (see the module docstring)."""

    template_id = models.CharField(_("ilmoitus"), max_length=60)
    template_version = models.PositiveSmallIntegerField(_("ilmoituksen versio"))
    recipient = models.CharField(_("vastaanottaja"), max_length=20, choices=Recipient.choices)
    title = models.CharField(_("otsikko"), max_length=300)
    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("työmuoto"),
    )
    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kunta"),
    )
    period_start = models.DateField(_("kausi alkaa"))
    period_end = models.DateField(_("kausi päättyy"))
    params = models.JSONField(_("parametrit"))
    figures = models.JSONField(_("luvut"))
    suppression = models.JSONField(
        _("pienten lukujen salaus"),
        default=dict,
        blank=True,
        help_text=_("Salattujen solujen tila riveittäin; tyhjä, jos ilmoitus on sisäinen."),
    )
    suppression_threshold = models.PositiveSmallIntegerField(
        _("salauksen raja"), null=True, blank=True
    )
    data_as_of = models.DateTimeField(_("tiedot hetkellä"))
    content_hash = models.CharField(_("sisällön tiiviste (SHA-256)"), max_length=64)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lähettäjä"),
    )
    submitted_at = models.DateTimeField(_("lähetetty"))
    note = models.CharField(_("lisätieto"), max_length=300, blank=True)
    grant_targets = models.JSONField(
        _("avustuskohteet"),
        null=True,
        blank=True,
        default=None,
        help_text=_(
            "Avustusrekisterin avustuskohteet, joista ilmoitus raportoi, sellaisina kuin ne "
            "olivat lähetettäessä (nimi, numero, päätös); tyhjä, jos ilmoitusta ei laadita "
            "avustuskohteittain tai se lähetettiin ennen kuin kohteet tallennettiin."
        ),
    )
    plan_goals = models.JSONField(
        _("vuosisuunnitelman tavoitteet"),
        null=True,
        blank=True,
        default=None,
        help_text=_(
            "Työmuodon vuoden tavoitteet seurantoineen sellaisina kuin ne olivat lähetettäessä "
            "(STEA:n osio I); tyhjä, jos ilmoituksessa ei ole tavoitteita tai se lähetettiin "
            "ennen kuin ne tallennettiin."
        ),
    )

    objects = AppendOnlyManager()  # type: ignore[assignment,misc]

    append_only_message = SUBMISSION_APPEND_ONLY_MESSAGE
    append_only_error = SubmissionFrozenError

    class Meta:
        verbose_name = _("lähetetty ilmoitus")
        verbose_name_plural = _("lähetetyt ilmoitukset")
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(
                fields=["organisation", "template_id", "period_start"],
                name="statistics_submission_lookup",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.period_start:%Y}"


class Federation(models.Model):
    """A federation of member associations (e.g. Ensi- ja turvakotien liitto).

    Its staff are users of its own office organisation (``office``) holding the role
    *liiton tilastoasiantuntija*; they see the members' shared, suppressed returns side by side
    and summed, never a record, a name or a drill-down into a member.
    """

    name = models.CharField(_("nimi"), max_length=200, unique=True)
    office = models.OneToOneField(
        Organisation,
        on_delete=models.PROTECT,
        related_name="federation_office",
        verbose_name=_("liiton oma organisaatio"),
    )

    class Meta:
        verbose_name = _("liitto")
        verbose_name_plural = _("liitot")

    def __str__(self) -> str:
        return self.name


class FederationMembership(models.Model):
    """A member organisation shares its sent federation returns with the federation."""

    federation = models.ForeignKey(
        Federation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("liitto")
    )
    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.PROTECT,
        related_name="federation_membership",
        verbose_name=_("jäsenyhdistys"),
    )
    joined_on = models.DateField(_("jäsen alkaen"))

    class Meta:
        verbose_name = _("liiton jäsenyys")
        verbose_name_plural = _("liiton jäsenyydet")

    def __str__(self) -> str:
        return f"{self.organisation} – {self.federation}"


#: How long a job may wait for a worker, and run, before its page calls it stalled.
STALL_QUEUED = dt.timedelta(minutes=5)
STALL_RUNNING = dt.timedelta(minutes=15)


class ExportJob(OrganisationScopedModel):
    """A PDF or XLSX export prepared in the background for the user who asked for it.

    The file is made by a task (:mod:`tupa.statistics.jobs`) that records its progress here;
    only the requester sees the job and downloads the file, and only while they may still see
    its subject. The row and the file are deleted when the job expires (24 h,
    ``manage.py purge_export_jobs``).
    """

    class Kind(models.TextChoices):
        RETURN = "return", _("ilmoitus")
        SUBMISSION = "submission", _("lähetetty ilmoitus")
        ANNUAL = "annual", _("toimintakertomuksen luvut")

    class Format(models.TextChoices):
        XLSX = "xlsx", "Excel (XLSX)"
        PDF = "pdf", "PDF"

    class Status(models.TextChoices):
        QUEUED = "queued", _("jonossa")
        RUNNING = "running", _("käynnissä")
        DONE = "done", _("valmis")
        FAILED = "failed", _("epäonnistui")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("pyytäjä"),
    )
    kind = models.CharField(_("vienti"), max_length=20, choices=Kind.choices)
    fmt = models.CharField(_("muoto"), max_length=4, choices=Format.choices)
    title = models.CharField(_("otsikko"), max_length=300)
    # The subject, as its page's URL names it: a return's template, year, subject key and period
    # query (``jakso=2``, ``alku=…&loppu=…``); a sent return; the annual pack's year.
    template_id = models.CharField(_("ilmoitus"), max_length=60, blank=True)
    year = models.PositiveSmallIntegerField(_("vuosi"), null=True, blank=True)
    key = models.CharField(_("kohde"), max_length=60, blank=True)
    query = models.CharField(_("kausi"), max_length=200, blank=True)
    submission = models.ForeignKey(
        Submission,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lähetetty ilmoitus"),
    )
    language = models.CharField(_("kieli"), max_length=10)
    status = models.CharField(
        _("tila"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress_done = models.PositiveIntegerField(_("tehty"), default=0)
    progress_total = models.PositiveIntegerField(_("vaiheita"), default=0)
    step = models.CharField(_("vaihe"), max_length=200, blank=True)
    result = models.BinaryField(_("tiedosto"), null=True, blank=True)
    filename = models.CharField(_("tiedostonimi"), max_length=200, blank=True)
    content_type = models.CharField(_("sisältötyyppi"), max_length=100, blank=True)
    error = models.CharField(_("virhe"), max_length=300, blank=True)
    task_id = models.CharField(_("tehtävän tunniste"), max_length=64, blank=True)
    started_at = models.DateTimeField(_("aloitettu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("valmistunut"), null=True, blank=True)
    expires_at = models.DateTimeField(_("vanhenee"), db_index=True)

    class Meta:
        verbose_name = _("vienti")
        verbose_name_plural = _("viennit")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.title} ({self.fmt})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def stalled(self) -> bool:
        """Queued for :data:`STALL_QUEUED` with no worker taking it, or running for
        :data:`STALL_RUNNING` (an export takes seconds): the worker is not running, or died
        mid-way. The page says so and offers to start again."""
        now = timezone.now()
        if self.status == self.Status.QUEUED:
            return self.created_at is not None and now - self.created_at > STALL_QUEUED
        if self.status == self.Status.RUNNING:
            started = self.started_at or self.created_at
            return started is not None and now - started > STALL_RUNNING
        return False

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)
