"""Invitations, kiosks, responses and answers (FBK-02, FBK-03, FBK-05, FBK-08).

- An :class:`Invitation` is a one-time link for one recipient: only the SHA-256 of its token is
  stored (``tupa.surveys.tokens``), so the link cannot be rebuilt from the database; a reprint
  issues a new token and the old one stops working. It expires and is used once.
- A :class:`Kiosk` is a device link (a Perhetupa tablet) that takes anonymous continuous feedback.
- A :class:`Response` is one answer set. A *linked* response names the episode and the person; an
  *anonymous* one names neither, not even its invitation, and keeps only the month it was given
  (``submitted_on`` is the first day of that month), so it cannot be traced back by time.
- ``submission_key`` makes a double submit store one answer set.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tupa.core.models import OrganisationScopedModel
from tupa.surveys.models.instruments import Choice, Item, QuestionnaireVersion, Target


class Channel(models.TextChoices):
    """How a response reached Tupa."""

    LINK = "link", _("linkki")
    KIOSK = "kiosk", _("kioski")
    IN_PERSON = "in_person", _("täytetty työntekijän kanssa")
    PAPER = "paper", _("paperilomake (tallennettu)")
    ORAL = "oral", _("suullinen palaute (kirjattu)")
    IMPORT = "import", _("tuotu tiedostosta")


#: Channels where a staff member typed the answers (``recorded_by`` is required).
STAFF_CHANNELS = frozenset({Channel.IN_PERSON, Channel.PAPER, Channel.ORAL, Channel.IMPORT})


class MeasurementPoint(models.TextChoices):
    """When an outcome measure is answered in a client's process (issue 13 item 6)."""

    START = "start", _("alku")
    INTERIM = "interim", _("väli")
    END = "end", _("loppu")
    FOLLOW_UP = "follow_up", _("seuranta")


class Invitation(OrganisationScopedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("avoin")
        ANSWERED = "answered", _("vastattu")
        CANCELLED = "cancelled", _("peruttu")

    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.PROTECT, related_name="invitations"
    )
    schedule = models.ForeignKey(
        "surveys.Schedule",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations",
    )
    service_form = models.ForeignKey(
        "organisations.ServiceForm", on_delete=models.PROTECT, related_name="+"
    )
    target = models.CharField(_("vastaaja"), max_length=20, choices=Target.choices)
    # Who and what the invitation is for (due lists, "already invited"). Kept for anonymous
    # invitations too — the *response* of an anonymous invitation carries no link back.
    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    programme = models.ForeignKey(
        "programmes.GroupProgramme",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    partner = models.ForeignKey(
        "organisations.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recipient_label = models.CharField(
        _("vastaanottaja"),
        max_length=200,
        blank=True,
        help_text=_("Esim. lähettävän tahon yhteyshenkilö, kun vastaaja ei ole asiakas."),
    )
    anonymous = models.BooleanField(_("nimetön"), default=True)
    measurement_point = models.CharField(
        _("mittauspiste"), max_length=20, choices=MeasurementPoint.choices, blank=True
    )
    due_on = models.DateField(_("ajankohta"), null=True, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("vanhenee"))
    status = models.CharField(_("tila"), max_length=20, choices=Status.choices, default=Status.OPEN)
    # Only the day: a linked invitation's answer time is its response's; an anonymous one's is
    # not kept at all beyond "answered".
    answered_on = models.DateField(_("vastattu"), null=True, blank=True)
    reminded_on = models.DateField(_("muistutettu"), null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_("muistutuksia"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("kutsu")
        verbose_name_plural = _("kutsut")
        ordering = ["-created_at", "pk"]
        indexes = [
            models.Index(fields=["organisation", "service_form", "status"]),
            models.Index(fields=["schedule", "episode", "person"]),
        ]

    def __str__(self) -> str:
        return f"{self.version} ({self.get_status_display()})"


class Kiosk(OrganisationScopedModel):
    """A device that takes anonymous continuous feedback (a Perhetupa tablet)."""

    name = models.CharField(_("nimi"), max_length=100)
    service_form = models.ForeignKey(
        "organisations.ServiceForm", on_delete=models.PROTECT, related_name="+"
    )
    questionnaire = models.ForeignKey(
        "surveys.Questionnaire", on_delete=models.PROTECT, related_name="kiosks"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    active = models.BooleanField(_("käytössä"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("kioski")
        verbose_name_plural = _("kioskit")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class ResponseDraft(models.Model):
    """What a recipient has typed so far (autosave); removed when the response is stored."""

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="draft")
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("keskeneräinen vastaus")
        verbose_name_plural = _("keskeneräiset vastaukset")

    def __str__(self) -> str:
        return f"{self.invitation_id}"


class ImportBatch(OrganisationScopedModel):
    """One imported file (a Webropol or any CSV export) into a questionnaire version."""

    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.PROTECT, related_name="imports"
    )
    service_form = models.ForeignKey(
        "organisations.ServiceForm", on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(_("tiedosto"), max_length=200)
    file_sha256 = models.CharField(max_length=64)
    mapping = models.JSONField(_("sarakkeiden vastaavuus"), default=dict)
    rows = models.PositiveIntegerField(_("rivejä"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("tuonti")
        verbose_name_plural = _("tuonnit")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "file_sha256"], name="surveys_import_file_once"
            )
        ]

    def __str__(self) -> str:
        return self.file_name


class Response(OrganisationScopedModel):
    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.PROTECT, related_name="responses"
    )
    service_form = models.ForeignKey(
        "organisations.ServiceForm", on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("kanava"), max_length=20, choices=Channel.choices)
    anonymous = models.BooleanField(_("nimetön"), default=True)
    # Linked responses only (a check constraint keeps anonymous ones free of every link).
    invitation = models.OneToOneField(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="response"
    )
    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    measurement_point = models.CharField(
        _("mittauspiste"), max_length=20, choices=MeasurementPoint.choices, blank=True
    )
    submitted_on = models.DateField(_("vastattu"))
    submission_key = models.CharField(max_length=64, unique=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kirjaaja"),
    )
    import_batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, null=True, blank=True, related_name="responses"
    )

    class Meta:
        verbose_name = _("vastaus")
        verbose_name_plural = _("vastaukset")
        ordering = ["-submitted_on", "pk"]
        indexes = [
            models.Index(fields=["organisation", "version", "submitted_on"]),
            models.Index(fields=["episode", "measurement_point"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=False)
                | Q(invitation__isnull=True, episode__isnull=True, person__isnull=True),
                name="surveys_anonymous_has_no_link",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=["link", "kiosk"]) | Q(recorded_by__isnull=False),
                name="surveys_staff_channel_has_recorder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} {self.submitted_on}"


class Answer(models.Model):
    """One answer to one item; a multiple-choice item has one row per chosen value."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="answers")
    choice = models.ForeignKey(
        Choice, on_delete=models.PROTECT, null=True, blank=True, related_name="answers"
    )
    number = models.SmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("vastaus kysymykseen")
        verbose_name_plural = _("vastaukset kysymyksiin")
        indexes = [models.Index(fields=["item", "number"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(choice__isnull=False) | Q(number__isnull=False) | ~Q(text=""),
                name="surveys_answer_not_empty",
            )
        ]

    def __str__(self) -> str:
        return f"{self.item.code}"
