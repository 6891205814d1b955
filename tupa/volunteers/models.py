"""Volunteers (seed-spec §8.8 VOL-01…VOL-05, CON-02; Act 148/2014).

A :class:`Volunteer` is a record of its own kind. It is **never** a client list entry and has no
link to :class:`tupa.people.models.Person`: a former client who becomes a volunteer or an
experience expert is entered here again, so that neither role can be read through the other.

- :class:`Assignment` — the service forms a volunteer works in and the role there (VOL-03).
- :class:`StatusChange` — every dated step of the lifecycle with its reason; the volunteer's
  ``status`` is the latest of them (written only by ``services.volunteer_set_status``).
- :class:`Screening` — the individual interview and the power of attorney (CON-02).
- :class:`RecordCheck` — a criminal-record extract **seen**: the date, who saw it and the result
  (fit / unfit). Nothing else: no file, no free text, no issue number (Act 148/2014 §6; the Legal
  Register Centre forbids copying the extract).
- :class:`TrainingCourse`, :class:`TrainingSession`, :class:`CourseParticipant`,
  :class:`SessionAttendance` — courses, their sessions, attendance and completion (VOL-04).
- :class:`HoursEntry` — realised activity: one occasion with its times (VOL-01, VOL-10).
- :class:`FormResponsible` — the named volunteer-responsible staff member of a form (VOL-02).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tupa.core.models import OrganisationScopedModel
from tupa.volunteers import clock


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
        return f"{self.changed_on:%d.%m.%Y} {self.get_status_display()}"


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
    """A criminal-record extract that was **seen** (Act 148/2014): when, by whom, the result.

    The extract itself, a copy, its number or what it said are never stored; there is no field
    for them on purpose. Rows are never changed: a new check is a new row.
    """

    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="record_checks",
        verbose_name=_("vapaaehtoinen"),
    )
    seen_on = models.DateField(_("ote nähty"))
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
        ]

    def __str__(self) -> str:
        return f"{self.seen_on:%d.%m.%Y} {self.get_result_display()}"


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


class CourseKind(models.TextChoices):
    MIESKAVERI_BASIC = "mieskaveri_basic", _("Mieskaverien peruskoulutus")
    DOULA = "doula", _("doulakurssi")
    SUPLI = "supli", _("SUPLI-uusperhekoulutus")
    OTHER = "other", _("muu koulutus")


class TrainingCourse(OrganisationScopedModel):
    """A course for volunteers (VOL-04): e.g. Mieskaveri basic training of 12–15 hours."""

    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("työmuoto"),
    )
    kind = models.CharField(_("koulutuksen laji"), max_length=30, choices=CourseKind.choices)
    name = models.CharField(_("nimi"), max_length=200)
    place = models.CharField(_("paikka"), max_length=200, blank=True)
    starts_on = models.DateField(_("alkaa"))
    ends_on = models.DateField(_("päättyy"))
    planned_hours = models.DecimalField(
        _("laajuus (tuntia)"), max_digits=5, decimal_places=1, null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("koulutus")
        verbose_name_plural = _("koulutukset")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="volunteer_course_period_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TrainingSession(OrganisationScopedModel):
    """One meeting of a course."""

    course = models.ForeignKey(
        TrainingCourse,
        on_delete=models.CASCADE,
        related_name="sessions",
        verbose_name=_("koulutus"),
    )
    date = models.DateField(_("päivä"))
    hours = models.DecimalField(_("kesto (tuntia)"), max_digits=4, decimal_places=1)
    topic = models.CharField(_("aihe"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("koulutuskerta")
        verbose_name_plural = _("koulutuskerrat")
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="volunteer_session_hours"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course}: {self.date:%d.%m.%Y}"


class CourseParticipant(OrganisationScopedModel):
    """A volunteer on a course; ``completed_on`` once the course is completed."""

    course = models.ForeignKey(
        TrainingCourse,
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("koulutus"),
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="courses", verbose_name=_("vapaaehtoinen")
    )
    completed_on = models.DateField(_("suoritettu"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("koulutuksen osallistuja")
        verbose_name_plural = _("koulutuksen osallistujat")
        ordering = ["volunteer__last_name", "volunteer__first_names", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "volunteer"], name="volunteer_course_participant_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course}: {self.volunteer_id}"


class SessionAttendance(OrganisationScopedModel):
    """A volunteer was present at a course session."""

    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("koulutuskerta"),
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="+", verbose_name=_("vapaaehtoinen")
    )

    class Meta:
        verbose_name = _("läsnäolo")
        verbose_name_plural = _("läsnäolot")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "volunteer"], name="volunteer_session_attendance_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.volunteer_id}"


class ActivityKind(models.TextChoices):
    SESSION = "session", _("ryhmä- tai tapaamiskerta")
    OUTING = "outing", _("retki tai yhteinen tekeminen")
    CAMP = "camp", _("leiri")
    EVENT = "event", _("tapahtuma")
    PHONE = "phone", _("puhelin tai viestit")
    OTHER = "other", _("muu")


class HoursEntry(OrganisationScopedModel):
    """One occasion of realised volunteer activity, with its wall-clock times (Helsinki).

    Entries of one volunteer never overlap (``services.hours_add`` and ``hours_update`` refuse).
    A camp of several days is entered day by day. The duration is computed from aware Helsinki
    datetimes (:mod:`tupa.volunteers.clock`), so the nights the clocks change count right.
    """

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="hours", verbose_name=_("vapaaehtoinen")
    )
    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("työmuoto"),
    )
    kind = models.CharField(_("toiminta"), max_length=20, choices=ActivityKind.choices)
    date = models.DateField(_("päivä"))
    starts = models.TimeField(_("alkaa"))
    ends = models.TimeField(_("päättyy"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kirjaaja"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("toteutunut toiminta")
        verbose_name_plural = _("toteutunut toiminta")
        ordering = ["-date", "-starts", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=models.F("starts")), name="volunteer_hours_end_after_start"
            ),
        ]
        indexes = [models.Index(fields=["volunteer", "date"], name="volunteer_hours_day")]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.starts:%H:%M}–{self.ends:%H:%M}"

    @property
    def minutes(self) -> int:
        """Elapsed minutes, counted in UTC so a daylight-saving night comes out right."""
        return clock.minutes_between(self.date, self.starts, self.ends)


# --------------------------------------------------------------------------- Mieskaveri matching


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
        return f"{self.service_form} {self.applied_on:%d.%m.%Y} #{self.pk}"


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
        return f"{self.changed_on:%d.%m.%Y} {self.get_status_display()}"


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
        return f"{self.volunteer_id} {self.started_on:%d.%m.%Y}"


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
        return f"{self.date:%d.%m.%Y}"


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
        return f"{self.date:%d.%m.%Y}"


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
        return f"{self.get_role_display()} {self.started_on:%d.%m.%Y}"
