"""Client episodes per service form, participants, referrals, plans and the journal.

Seed-spec §8.2 (CLI-03, CLI-07..16, CLI-20), §8.4 (OUT-01, OUT-02); ARCHITECTURE.md §5–6.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords

from tupa.core.append_only import AppendOnlyManager, AppendOnlyModel
from tupa.core.models import OrganisationScopedModel
from tupa.organisations.models import ServiceTask

__all__ = ["ServiceTask"]  # re-exported: the service task is configured on the service form


class ReferralSource(models.TextChoices):
    """Coded referral sources (CLI-07)."""

    SELF = "self", _("oma yhteydenotto")
    SOCIAL_SERVICES = "social_services", _("sosiaalitoimi")
    CHILD_PROTECTION = "child_protection", _("lastensuojelu")
    WELLBEING_COUNTY = "wellbeing_county", _("hyvinvointialue")
    CHILD_HEALTH_CLINIC = "child_health_clinic", _("neuvola")
    HOME_HELP = "home_help", _("lapsiperheiden kotipalvelu")
    HOSPITAL = "hospital", _("keskussairaala tai muu terveydenhuolto")
    DISTRICT_COURT = "district_court", _("käräjäoikeus")
    CHILD_WELFARE_SUPERVISOR = "child_welfare_supervisor", _("lastenvalvoja")
    POLICE = "police", _("poliisi")
    OTHER_SERVICE_FORM = "other_service_form", _("yhdistyksen toinen työmuoto")
    PARTNER = "partner", _("muu yhteistyötaho")
    OTHER = "other", _("muu")


class Episode(OrganisationScopedModel):
    """A client episode (*asiakkuus / jakso*) in one service form."""

    class Status(models.TextChoices):
        ENQUIRY = "enquiry", _("yhteydenotto")
        WAITING = "waiting", _("jonossa")
        ACTIVE = "active", _("asiakkuus käynnissä")
        ENDED = "ended", _("päättynyt")

    class EndReason(models.TextChoices):
        GOALS_MET = "goals_met", _("tavoitteet saavutettu")
        PLANNED_END = "planned_end", _("suunnitelman mukainen päättyminen")
        MOVED_ON = "moved_on", _("siirtyi toiseen palveluun")
        CLIENT_ENDED = "client_ended", _("asiakas lopetti")
        NO_CONTACT = "no_contact", _("ei yhteyttä")
        NOT_STARTED = "not_started", _("asiakkuus ei alkanut")
        OTHER = "other", _("muu syy")

    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        related_name="episodes",
        verbose_name=_("työmuoto"),
    )
    status = models.CharField(
        _("tila"), max_length=10, choices=Status.choices, default=Status.ENQUIRY
    )
    opened_at = models.DateTimeField(_("avattu"))
    start_date = models.DateField(_("alkamispäivä"), null=True, blank=True)
    end_date = models.DateField(_("päättymispäivä"), null=True, blank=True)
    end_reason = models.CharField(
        _("päättymisen syy"), max_length=20, choices=EndReason.choices, blank=True
    )
    referral_source = models.CharField(
        _("ohjaava taho"),
        max_length=30,
        choices=ReferralSource.choices,
        default=ReferralSource.SELF,
    )
    referral_partner = models.ForeignKey(
        "organisations.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ohjaava yhteistyötaho"),
    )
    referral_contact = models.CharField(_("ohjaajan yhteyshenkilö"), max_length=200, blank=True)
    payer = models.ForeignKey(
        "organisations.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("maksaja"),
    )
    service_task = models.CharField(_("palvelutehtävä"), max_length=20, choices=ServiceTask.choices)
    contact_permission = models.BooleanField(_("yhteydenottolupa"), null=True, blank=True)
    contact_permission_date = models.DateField(_("yhteydenottoluvan päivä"), null=True, blank=True)
    basic_form = models.JSONField(_("perustiedot"), default=dict, blank=True)
    summary = models.TextField(_("tilanteen kuvaus"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("asiakkuus")
        verbose_name_plural = _("asiakkuudet")
        ordering = ["-opened_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "service_form", "status"]),
            # A form's client list shows its episodes newest first, 25 a page (ORDER BY
            # opened_at DESC, id DESC LIMIT 25). Read in this order, PostgreSQL stops after one
            # page instead of checking and sorting the unit's whole history (≈ 800 episodes in
            # ten years; 10.7 → 0.4 ms for the page's query, issue 11 item 10).
            models.Index(
                fields=["service_form", "-opened_at", "-id"], name="episode_form_newest_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="episode_period_order",
            ),
            models.CheckConstraint(
                condition=~Q(status="ended") | (Q(end_date__isnull=False) & ~Q(end_reason="")),
                name="episode_ended_has_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_form} #{self.pk}"


class Participant(models.Model):
    """A person (or an alias) taking part in an episode in a role."""

    class Role(models.TextChoices):
        CLIENT = "client", _("asiakas")
        CHILD = "child", _("lapsi")
        EXPECTANT_PARENT = "expectant_parent", _("odottava vanhempi")
        PARTNER = "partner", _("puoliso tai kumppani")
        CLOSE_PERSON = "close_person", _("läheinen")

    class ViolenceRole(models.TextChoices):
        EXPERIENCED = "experienced", _("kokenut väkivaltaa")
        USED = "used", _("käyttänyt väkivaltaa")
        WITNESSED = "witnessed", _("nähnyt tai kuullut väkivaltaa")
        UNDER_THREAT = "under_threat", _("väkivallan uhan alla")

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
    )
    alias = models.ForeignKey(
        "people.Alias",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
    )
    role = models.CharField(_("rooli"), max_length=20, choices=Role.choices)
    violence_role = models.CharField(
        _("väkivaltarooli"), max_length=20, choices=ViolenceRole.choices, blank=True
    )
    joined_on = models.DateField(_("alkaen"), null=True, blank=True)
    left_on = models.DateField(_("päättynyt"), null=True, blank=True)

    objects = ScopedManager(organisation="episode__organisation")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("osallistuja")
        verbose_name_plural = _("osallistujat")
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(alias__isnull=True))
                | (Q(person__isnull=True) & Q(alias__isnull=False)),
                name="participant_person_xor_alias",
            ),
            models.UniqueConstraint(
                fields=["episode", "person"],
                condition=Q(person__isnull=False),
                name="participant_unique_person",
            ),
            models.UniqueConstraint(
                fields=["episode", "alias"],
                condition=Q(alias__isnull=False),
                name="participant_unique_alias",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person or self.alias} ({self.get_role_display()})"


class Assignment(models.Model):
    """A worker assigned to an episode as co-worker (access basis 'assignment')."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    is_primary = models.BooleanField(_("vastuutyöntekijä"), default=False)
    valid_from = models.DateField(_("alkaen"))
    valid_until = models.DateField(_("päättyy"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager(organisation="episode__organisation")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("työntekijän nimeäminen")
        verbose_name_plural = _("työntekijöiden nimeämiset")

    def __str__(self) -> str:
        return f"{self.user} → {self.episode}"


class BreakGlass(models.Model):
    """Emergency access to an episode outside one's work task: reason, time limit, lead review."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass"
    )
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="break_glass")
    reason = models.TextField(_("peruste"))
    started_at = models.DateTimeField(_("alkoi"))
    expires_at = models.DateTimeField(_("päättyy"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("tarkastettu"), null=True, blank=True)
    review_note = models.TextField(_("tarkastuksen huomio"), blank=True)

    objects = ScopedManager(organisation="episode__organisation")

    class Meta:
        verbose_name = _("poikkeuksellinen pääsy")
        verbose_name_plural = _("poikkeukselliset pääsyt")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.user} → {self.episode} ({self.started_at:%Y-%m-%d %H:%M})"


class Goal(models.Model):
    """A client-defined goal in the client plan (CLI-12)."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="goals")
    text = models.TextField(_("tavoite"))
    defined_with = models.CharField(_("määritelty yhdessä"), max_length=200, blank=True)
    review_date = models.DateField(_("arviointipäivä"), null=True, blank=True)
    achieved = models.CharField(
        _("toteutuminen"),
        max_length=10,
        blank=True,
        choices=[("yes", _("toteutui")), ("partly", _("osittain")), ("no", _("ei toteutunut"))],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(organisation="episode__organisation")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tavoite")
        verbose_name_plural = _("tavoitteet")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class NetworkMeeting(models.Model):
    """A network client meeting with external participants (CLI-15)."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="network_meetings")
    held_on = models.DateField(_("päivä"))
    external_participants = models.TextField(_("ulkopuoliset osallistujat"), blank=True)
    partners = models.ManyToManyField("organisations.Partner", blank=True, related_name="+")
    notes = models.TextField(_("muistiinpanot"), blank=True)
    child_participated = models.BooleanField(_("lapsi osallistui"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager(organisation="episode__organisation")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("verkostoneuvottelu")
        verbose_name_plural = _("verkostoneuvottelut")
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.episode} {self.held_on}"


class Referral(OrganisationScopedModel):
    """A referral from one service form to another (the client path, CLI-08)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("odottaa")
        ACCEPTED = "accepted", _("hyväksytty")
        DECLINED = "declined", _("ei vastaanotettu")

    from_episode = models.ForeignKey(
        Episode, on_delete=models.PROTECT, related_name="referrals_out"
    )
    to_service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        related_name="referrals_in",
        verbose_name=_("vastaanottava työmuoto"),
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="referrals")
    reason = models.TextField(_("ohjauksen syy"))
    consent_given = models.BooleanField(_("asiakas on antanut suostumuksen"), default=False)
    status = models.CharField(
        _("tila"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("käsitelty"), null=True, blank=True)
    decision_note = models.TextField(_("perustelu"), blank=True)
    to_episode = models.ForeignKey(
        Episode, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals_in"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ohjaus")
        verbose_name_plural = _("ohjaukset")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        """Receiving form, date and status (e.g. a discharge form's choice) — never the person."""
        created = (
            formats.date_format(timezone.localtime(self.created_at), "j.n.Y")
            if self.created_at
            else "–"
        )
        return str(
            _("%(form)s, ohjattu %(date)s (%(status)s)")
            % {
                "form": self.to_service_form.name,
                "date": created,
                "status": self.get_status_display(),
            }
        )


class ExternalReferral(models.Model):
    """An outbound referral to an external service, recorded as an event (CLI-09)."""

    episode = models.ForeignKey(
        Episode, on_delete=models.CASCADE, related_name="external_referrals"
    )
    partner = models.ForeignKey(
        "organisations.Partner", on_delete=models.PROTECT, null=True, blank=True
    )
    service_name = models.CharField(_("palvelu"), max_length=200)
    referred_on = models.DateField(_("päivä"))
    note = models.TextField(_("lisätieto"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager(organisation="episode__organisation")

    class Meta:
        verbose_name = _("ohjaus ulkopuoliseen palveluun")
        verbose_name_plural = _("ohjaukset ulkopuolisiin palveluihin")
        ordering = ["-referred_on"]

    def __str__(self) -> str:
        return f"{self.service_name} {self.referred_on}"


class BasicFormDefinition(OrganisationScopedModel):
    """The basic-information form (*perustietolomake*) of a service form, as configuration.

    ``fields`` is a list of ``{"code", "label", "type": "choice"|"multi"|"text"|"bool"|"date",
    "options": [{"code", "label"}], "required": bool}``. Versions are kept; episodes store answers
    keyed by code together with the version they were given on.
    """

    service_form = models.ForeignKey(
        "organisations.ServiceForm", on_delete=models.PROTECT, related_name="basic_forms"
    )
    version = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(_("otsikko"), max_length=200)
    fields = models.JSONField(_("kentät"), default=list)
    active = models.BooleanField(_("käytössä"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("perustietolomake")
        verbose_name_plural = _("perustietolomakkeet")
        constraints = [
            models.UniqueConstraint(
                fields=["service_form", "version"], name="basicform_unique_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class Entry(AppendOnlyModel):
    """A journal entry (*asiakaskirjaus*). Append-only: a correction is a new version.

    The newest version of a chain has ``superseded_by`` empty; older versions stay readable.
    A written row is never changed or removed — by the model, its queryset and the database's
    triggers (:mod:`tupa.core.append_only`; migration ``episodes/0006``). Nor are its links to
    participants and co-workers (:class:`EntryParticipant`, :class:`EntryCoWorker`) and its
    attachments (migration ``episodes/0007``): a correction gets rows of its own.
    """

    append_only_message = "journal is append-only"

    class Type(models.TextChoices):
        HOME_VISIT = "home_visit", _("kotikäynti")
        FAMILY_MEETING = "family_meeting", _("perhetapaaminen")
        INDIVIDUAL_MEETING = "individual_meeting", _("yksilötapaaminen")
        COUPLE_MEETING = "couple_meeting", _("pariskuntatapaaminen")
        NETWORK_MEETING = "network_meeting", _("verkostotapaaminen")
        PHONE = "phone", _("puhelinneuvonta")
        CHAT = "chat", _("chat")
        PARTNER_RECEPTION = "partner_reception", _("vastaanotto yhteistyötahon tiloissa")
        CRISIS_HELP = "crisis_help", _("kriisiapu")
        ADVICE = "advice", _("neuvonta ja ohjaus")
        MOTIVATION = "motivation", _("motivointitapaaminen")
        FOLLOW_UP = "follow_up", _("seurantatapaaminen")
        INTAKE = "intake", _("tulotapaaminen")
        NOTE = "note", _("muu kirjaus")

    class Place(models.TextChoices):
        OWN_PREMISES = "own", _("omat tilat")
        CLIENT_HOME = "client_home", _("asiakkaan koti")
        PARTNER_PREMISES = "partner", _("yhteistyötahon tilat")
        OTHER_MUNICIPALITY = "other_municipality", _("muu kunta")
        REMOTE = "remote", _("etäyhteys tai puhelin")
        OTHER = "other", _("muu paikka")

    # No index of its own: ``entry_episode_moment`` begins with it (migration 0009).
    episode = models.ForeignKey(
        Episode, on_delete=models.PROTECT, related_name="entries", db_index=False
    )
    type = models.CharField(_("kirjauksen laji"), max_length=30, choices=Type.choices)
    occurred_at = models.DateTimeField(_("aika"))
    duration_minutes = models.PositiveIntegerField(_("kesto (min)"), null=True, blank=True)
    place = models.CharField(
        _("paikka"), max_length=20, choices=Place.choices, default=Place.OWN_PREMISES
    )
    place_detail = models.CharField(_("paikan tarkenne"), max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="entries"
    )
    co_workers = models.ManyToManyField(  # type: ignore[var-annotated]
        settings.AUTH_USER_MODEL, blank=True, related_name="co_entries", through="EntryCoWorker"
    )
    external_co_worker = models.CharField(_("ulkopuolinen työpari"), max_length=200, blank=True)
    participants = models.ManyToManyField(  # type: ignore[var-annotated]
        Participant, blank=True, related_name="entries", through="EntryParticipant"
    )
    text = models.TextField(_("teksti"))
    written_with_client = models.BooleanField(
        _("kirjoitettu yhdessä asiakkaan kanssa"), default=False
    )
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    correction_reason = models.CharField(_("korjauksen syy"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("kirjattu"), auto_now_add=True)

    #: The participants a journal page shows (the episode's own that the entry links to), set
    #: by :mod:`tupa.episodes.journal.selectors`.
    shown_participants: list[Participant]

    objects = ScopedManager(  # type: ignore[django-manager-missing]
        organisation="episode__organisation", _manager_class=AppendOnlyManager
    )

    class Meta:
        verbose_name = _("asiakaskirjaus")
        verbose_name_plural = _("asiakaskirjaukset")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            # An episode's entries of a period, newest first: its journal, and the period's
            # contacts that the statistics count form by form (docs/performance.md).
            models.Index(fields=["episode", "occurred_at"], name="entry_episode_moment"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(correction_reason=""),
                name="entry_correction_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.occurred_at:%Y-%m-%d}"


class EntryParticipant(AppendOnlyModel):
    """An entry's link to a participant it is about (the through table of ``participants``).

    Append-only like the entry: re-linking an entry to another person would change the record.
    A participant named in the journal cannot be deleted (``PROTECT``); the one sanctioned
    removal of links is a person merge that has linked the entries to the kept participant
    (:func:`tupa.episodes.journal.links.release_moved_links`).
    """

    append_only_message = "journal is append-only"

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")

    objects = AppendOnlyManager()

    class Meta:
        db_table = "episodes_entry_participants"  # the table of the former automatic link
        unique_together = [("entry", "participant")]

    def __str__(self) -> str:
        return f"{self.entry_id} → {self.participant_id}"


class EntryCoWorker(AppendOnlyModel):
    """An entry's co-worker (the through table of ``co_workers``); append-only like the entry."""

    append_only_message = "journal is append-only"

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = AppendOnlyManager()

    class Meta:
        db_table = "episodes_entry_co_workers"  # the table of the former automatic link
        unique_together = [("entry", "user")]

    def __str__(self) -> str:
        return f"{self.entry_id} → {self.user_id}"


class Attachment(AppendOnlyModel):
    """A validated file attached to a journal entry; served only through a checked, logged view.

    Append-only like its entry (a correction carries it over as a new row, sharing the file).
    """

    append_only_message = "journal is append-only"

    class Kind(models.TextChoices):
        CHILD_DRAWING = "child_drawing", _("lapsen piirustus tai tuotos")
        SCANNED_DOCUMENT = "scanned", _("skannattu asiakirja")
        OTHER = "other", _("muu liite")

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(_("liitteen laji"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("tiedosto"), upload_to="attachments/%Y/%m/")
    original_name = models.CharField(_("alkuperäinen nimi"), max_length=200)
    content_type = models.CharField(_("tiedostotyyppi"), max_length=100)
    size = models.PositiveIntegerField(_("koko (tavua)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(  # type: ignore[django-manager-missing]
        organisation="entry__episode__organisation", _manager_class=AppendOnlyManager
    )

    class Meta:
        verbose_name = _("liite")
        verbose_name_plural = _("liitteet")

    def __str__(self) -> str:
        return self.original_name
