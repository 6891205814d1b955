"""Residential services: places, stays and the people in them (seed-spec §2.1, §2.5, RES-01..03).

A **stay** is one episode's period in one **place**. Every person of the family in the stay is a
**stay member** with their own arrival and departure (a child may come a day later or leave
earlier), always inside the stay's own period.

**Moves** are modelled as consecutive stays, not as a separate table: a move ends the stay in the
old place at the moment of the move and opens the next stay of the same episode in the new place
at the same moment, linked by ``Stay.moved_from``. The stay chain (follow ``moved_from``) is the
family's whole residence; only the last stay of a chain has a departure destination. The care-day
ledger merges touching intervals of a person, so a move never creates or loses a care day.

No double booking: a family place (and a bed) holds one stay at a time; a room holds at most
``capacity`` persons. The services check this with the place row locked (``select_for_update``),
which serialises admissions to the same place on PostgreSQL; SQLite's IMMEDIATE transactions
serialise all writers.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords

from tupa.core.models import OrganisationScopedModel
from tupa.organisations.models import ServiceForm


class Place(OrganisationScopedModel):
    """A place of a residential service form: a family place, a room or a bed (RES-01, RES-02)."""

    class Kind(models.TextChoices):
        FAMILY_PLACE = "family_place", _("perhepaikka")
        ROOM = "room", _("huone")
        BED = "bed", _("vuodepaikka")

    #: Kinds that hold one stay (one family or one person) at a time.
    EXCLUSIVE_KINDS = frozenset({Kind.FAMILY_PLACE, Kind.BED})

    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        related_name="places",
        verbose_name=_("työmuoto"),
        limit_choices_to={"kind": "residential"},
    )
    name = models.CharField(_("nimi"), max_length=100)
    code = models.SlugField(_("tunnus"), max_length=30)
    kind = models.CharField(
        _("laji"), max_length=20, choices=Kind.choices, default=Kind.FAMILY_PLACE
    )
    capacity = models.PositiveSmallIntegerField(
        _("henkilöitä enintään"),
        default=1,
        help_text=_("Huoneessa samaan aikaan asuvien henkilöiden enimmäismäärä."),
    )
    active = models.BooleanField(_("käytössä"), default=True)
    active_from = models.DateField(
        _("käytössä alkaen"),
        null=True,
        blank=True,
        help_text=_("Ensimmäinen päivä, jona paikka on käytössä. Tyhjä: alusta asti."),
    )
    active_until = models.DateField(
        _("käytössä asti"),
        null=True,
        blank=True,
        help_text=_(
            "Viimeinen päivä, jona paikka oli käytössä. Täytetään tälle päivälle, kun paikka "
            "poistetaan käytöstä; voit antaa aiemman päivän."
        ),
    )
    order = models.PositiveSmallIntegerField(_("järjestys"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("paikka")
        verbose_name_plural = _("paikat")
        ordering = ["service_form", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["service_form", "code"], name="place_unique_code"),
            models.UniqueConstraint(fields=["service_form", "name"], name="place_unique_name"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="place_capacity_positive"),
            models.CheckConstraint(
                condition=Q(active_from__isnull=True)
                | Q(active_until__isnull=True)
                | Q(active_until__gte=models.F("active_from")),
                name="place_active_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Taking a place out of use records the day (today unless given): occupancy of past
        months divides by the places in use on each day (:func:`place_in_use_on`)."""
        from django.core.exceptions import ValidationError

        today = timezone.localdate()
        if not self.active and self.active_until is None:
            self.active_until = today
        if self.active and self.active_until is not None:
            ended = self.active_until
            raise ValidationError(
                {
                    "active_until": _(
                        "Paikan käyttö on päättynyt %(date)s. Jos paikka otetaan uudelleen "
                        "käyttöön, tyhjennä päättymispäivä."
                    )
                    % {"date": f"{ended.day}.{ended.month}.{ended.year}"}
                }
            )
        if (
            self.active_from is not None
            and self.active_until is not None
            and self.active_until < self.active_from
        ):
            raise ValidationError(
                {"active_until": _("Käytön päättymispäivä ei voi olla ennen sen alkamispäivää.")}
            )

    def in_use_on(self, day: date) -> bool:
        """Was the place in use (available for stays) on ``day``? See :func:`place_in_use_on`."""
        return place_in_use_on(
            day, active=self.active, active_from=self.active_from, active_until=self.active_until
        )


def place_in_use_on(
    day: date, *, active: bool, active_from: date | None, active_until: date | None
) -> bool:
    """A place is in use from ``active_from`` (empty: always) to ``active_until`` inclusive
    (empty: as long as it is active). An inactive place without an end date — one taken out of
    use before the dates were recorded and with no history to tell when — counts as never in
    use; the occupancy figures still count it on every day it held a stay."""
    if active_from is not None and day < active_from:
        return False
    if active_until is not None:
        return day <= active_until
    return active


def is_shelter(service_form: ServiceForm) -> bool:
    """A shelter (turvakoti): residential work on the victims' side of the wall (THL's return)."""
    return (
        service_form.kind == ServiceForm.Kind.RESIDENTIAL and service_form.violence_work == "victim"
    )


class PayerCategory(models.TextChoices):
    """Who pays for the care days (the ledger is split by this)."""

    STATE = "state", _("valtio (turvakotien valtionkorvaus)")
    MUNICIPALITY = "municipality", _("kunta tai hyvinvointialue (maksusitoumus)")
    OTHER = "other", _("muu maksaja")


class Destination(models.TextChoices):
    """Where the family went after the stay (discharge)."""

    HOME = "home", _("kotiin")
    OTHER_SHELTER = "other_shelter", _("toiseen turvakotiin")
    OWN_NEW_HOME = "own_new_home", _("omaan uuteen asuntoon")
    RELATIVES = "relatives", _("sukulaisten tai ystävien luo")
    OTHER_SERVICE = "other_service", _("muuhun palveluun")
    UNKNOWN = "unknown", _("ei tiedossa")


class Stay(OrganisationScopedModel):
    """An episode's stay in one place (a move ends it and opens the next one)."""

    episode = models.ForeignKey(
        "episodes.Episode",
        on_delete=models.PROTECT,
        related_name="stays",
        verbose_name=_("asiakkuus"),
    )
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="stays", verbose_name=_("paikka")
    )
    arrived_at = models.DateTimeField(_("tulo"))
    departed_at = models.DateTimeField(_("lähtö"), null=True, blank=True)
    payer_category = models.CharField(
        _("maksajaryhmä"), max_length=20, choices=PayerCategory.choices
    )
    payer = models.ForeignKey(
        "organisations.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("maksaja"),
    )
    destination = models.CharField(
        _("jatkosijoitus"), max_length=20, choices=Destination.choices, blank=True
    )
    destination_note = models.CharField(_("jatkosijoitus, lisätieto"), max_length=300, blank=True)
    follow_on_referral = models.ForeignKey(
        "episodes.Referral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("jatko-ohjaus"),
    )
    started_in_pregnancy = models.BooleanField(
        _("alkoi raskausaikana"),
        default=False,
        help_text=_("Ensikoti: jakso alkoi ennen lapsen syntymää (raskausajan asuminen)."),
    )
    moved_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moved_to",
        verbose_name=_("siirretty paikasta"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("asumisjakso")
        verbose_name_plural = _("asumisjaksot")
        ordering = ["-arrived_at", "-pk"]
        indexes = [
            models.Index(fields=["place", "arrived_at"]),
            models.Index(fields=["organisation", "departed_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(departed_at__isnull=True) | Q(departed_at__gt=models.F("arrived_at")),
                name="stay_departure_after_arrival",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.place} {self.arrived_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.departed_at is None


class StayMember(models.Model):
    """A period of one person (participant of the episode) in a stay: arrival and departure.

    The member's period lies inside the stay's period (checked in :meth:`clean` and by the
    services; a database constraint cannot look at the stay row). A person who leaves early
    and comes back gets a **new period** (row); the earlier one is kept as it was. Periods of
    one person in one stay never overlap (the services check it) and at most one is open (a
    database constraint).
    """

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="members")
    participant = models.ForeignKey(
        "episodes.Participant",
        on_delete=models.PROTECT,
        related_name="stay_memberships",
        verbose_name=_("henkilö"),
    )
    arrived_at = models.DateTimeField(_("tulo"))
    departed_at = models.DateTimeField(_("lähtö"), null=True, blank=True)

    objects = ScopedManager(organisation="stay__organisation")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("jakson henkilö")
        verbose_name_plural = _("jakson henkilöt")
        ordering = ["arrived_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["stay", "participant"],
                condition=Q(departed_at__isnull=True),
                name="staymember_one_open_period",
            ),
            models.CheckConstraint(
                condition=Q(departed_at__isnull=True) | Q(departed_at__gt=models.F("arrived_at")),
                name="staymember_departure_after_arrival",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} @ {self.stay}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        stay = self.stay
        errors: dict[str, str] = {}
        if self.arrived_at is not None and self.arrived_at < stay.arrived_at:
            errors["arrived_at"] = str(_("Henkilö ei voi tulla ennen jakson alkua."))
        if stay.departed_at is not None:
            if self.arrived_at is not None and self.arrived_at >= stay.departed_at:
                errors["arrived_at"] = str(_("Henkilö ei voi tulla jakson päättymisen jälkeen."))
            if self.departed_at is None or self.departed_at > stay.departed_at:
                errors["departed_at"] = str(
                    _("Henkilön lähtö ei voi olla jakson päättymisen jälkeen.")
                )
        if (
            self.departed_at is not None
            and self.arrived_at is not None
            and self.departed_at <= self.arrived_at
        ):
            errors["departed_at"] = str(_("Lähdön on oltava tulon jälkeen."))
        if errors:
            raise ValidationError(errors)


class LineContact(OrganisationScopedModel):
    """One anonymous contact on the shelter's 24 h phone and chat line (issue 4, item 7).

    Deliberately anonymous: no names, phone numbers or other identifying data; only the
    classification needed for the daily and monthly counts. ``created_at`` comes from
    :class:`~tupa.core.models.TimeStampedModel`.
    """

    class Channel(models.TextChoices):
        PHONE = "phone", _("puhelin")
        CHAT = "chat", _("chat")
        OTHER = "other", _("muu")

    class Caller(models.TextChoices):
        VICTIM = "victim", _("väkivaltaa kokenut")
        PERPETRATOR = "perpetrator", _("väkivaltaa käyttänyt")
        RELATIVE = "relative", _("omainen tai läheinen")
        PROFESSIONAL = "professional", _("ammattilainen")
        OTHER = "other", _("muu")
        UNKNOWN = "unknown", _("ei tiedossa")

    class Topic(models.TextChoices):
        CLOSE_RELATIONSHIP_VIOLENCE = "violence", _("lähisuhdeväkivalta")
        SAFETY_PLANNING = "safety_planning", _("turvallisuussuunnittelu")
        SHELTER_PLACE = "shelter_place", _("turvakotipaikan tiedustelu")
        CHILDREN = "children", _("lasten tilanne")
        LEGAL = "legal", _("oikeudelliset asiat")
        HOUSING = "housing", _("asuminen")
        OTHER = "other", _("muu")

    class Outcome(models.TextChoices):
        ADVICE = "advice", _("neuvonta ja ohjaus")
        CAME_TO_SHELTER = "came_to_shelter", _("tuli turvakotiin")
        REFERRED = "referred", _("ohjattiin muualle")
        OTHER = "other", _("muu")

    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        related_name="line_contacts",
        verbose_name=_("työmuoto"),
    )
    occurred_at = models.DateTimeField(_("ajankohta"), default=timezone.now)
    duration_minutes = models.PositiveSmallIntegerField(_("kesto (min)"), default=10)
    channel = models.CharField(
        _("kanava"), max_length=10, choices=Channel.choices, default=Channel.PHONE
    )
    caller = models.CharField(_("yhteydenottaja"), max_length=20, choices=Caller.choices)
    topics = models.JSONField(_("aiheet"), default=list, blank=True)
    outcome = models.CharField(_("tulos"), max_length=20, choices=Outcome.choices)
    referred_to = models.CharField(_("ohjattu minne"), max_length=200, blank=True)
    language = models.CharField(_("kieli"), max_length=40, blank=True)
    note = models.CharField(
        _("lyhyt huomio"),
        max_length=200,
        blank=True,
        help_text=_("Älä kirjaa tunnistetietoja."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kirjaaja"),
    )

    class Meta:
        verbose_name = _("linjan yhteydenotto")
        verbose_name_plural = _("linjan yhteydenotot")
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["service_form", "occurred_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1) & Q(duration_minutes__lte=600),
                name="linecontact_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.occurred_at:%Y-%m-%d %H:%M}"


class ShelterClientData(models.Model):
    """What THL's shelter return asks of one person of a shelter episode (issue 4, item 6).

    One row per participant of a residential episode: the statistical attributes THL's yearly
    summary form counts (finnish-requirements §1.2). They are classifications, not free text, and
    an anonymous client (an alias) carries them the same way as a named one (§1.3, §1.4 point 2).
    Gender and age band are stored here, frozen at arrival, so that an anonymous person counts and
    a later birthday does not move last year's statistics.
    """

    class ClientStatus(models.TextChoices):
        VICTIM = "victim", _("väkivallan kokija")
        USED_VIOLENCE = "used_violence", _("väkivallan käyttäjä")
        VIOLENT_ENVIRONMENT = "violent_environment", _("elänyt väkivaltaisessa ilmapiirissä")

    class Gender(models.TextChoices):
        FEMALE = "female", _("nainen tai tyttö")
        MALE = "male", _("mies tai poika")
        UNKNOWN = "unknown", _("sukupuolesta ei tietoa")

    class AgeBand(models.TextChoices):
        # [verify] THL's band limits; children under 18 and adults in the bands of the form.
        UNDER_4 = "0-3", _("0–3 v")
        AGE_4_6 = "4-6", _("4–6 v")
        AGE_7_12 = "7-12", _("7–12 v")
        AGE_13_17 = "13-17", _("13–17 v")
        AGE_18_24 = "18-24", _("18–24 v")
        AGE_25_34 = "25-34", _("25–34 v")
        AGE_35_44 = "35-44", _("35–44 v")
        AGE_45_54 = "45-54", _("45–54 v")
        AGE_55_64 = "55-64", _("55–64 v")
        AGE_65_PLUS = "65-", _("65 v tai yli")
        UNKNOWN = "unknown", _("ikä ei tiedossa")

    class ViolenceForm(models.TextChoices):
        PHYSICAL = "physical", _("fyysinen")
        PSYCHOLOGICAL = "psychological", _("psyykkinen")
        SEXUAL = "sexual", _("seksuaalinen")
        ECONOMIC = "economic", _("taloudellinen")
        THREAT = "threat", _("uhkailu")
        STALKING = "stalking", _("vainoaminen")
        DIGITAL = "digital", _("digitaalinen")
        CULTURAL_RELIGIOUS = "cultural_religious", _("kulttuurinen tai uskonnollinen")
        CHEMICAL = "chemical", _("kemiallinen")
        OTHER = "other", _("muu")

    class Relationship(models.TextChoices):
        CURRENT_PARTNER = "current_partner", _("nykyinen puoliso tai kumppani")
        FORMER_PARTNER = "former_partner", _("entinen puoliso tai kumppani")
        PARENT = "parent", _("vanhempi")
        CHILD = "child", _("oma lapsi")
        OTHER_RELATIVE = "other_relative", _("muu sukulainen")
        OTHER = "other", _("muu henkilö")
        UNKNOWN = "unknown", _("ei tiedossa")

    class StayOrder(models.TextChoices):
        FIRST = "first", _("ensimmäinen turvakotijakso")
        REPEAT = "repeat", _("aiempia turvakotijaksoja")
        UNKNOWN = "unknown", _("ei tiedossa")

    class ViolenceDuration(models.TextChoices):
        UNDER_1_MONTH = "lt_1m", _("alle kuukauden")
        MONTHS_1_6 = "1_6m", _("1–6 kuukautta")
        MONTHS_6_12 = "6_12m", _("6–12 kuukautta")
        YEARS_1_5 = "1_5y", _("1–5 vuotta")
        OVER_5_YEARS = "gt_5y", _("yli 5 vuotta")
        UNKNOWN = "unknown", _("ei tiedossa")

    participant = models.OneToOneField(
        "episodes.Participant",
        on_delete=models.CASCADE,
        related_name="shelter_data",
        verbose_name=_("henkilö"),
    )
    client_status = models.CharField(
        _("asiakkaan asema"), max_length=30, choices=ClientStatus.choices
    )
    gender = models.CharField(
        _("sukupuoli (tilasto)"), max_length=10, choices=Gender.choices, default=Gender.UNKNOWN
    )
    age_band = models.CharField(
        _("ikäryhmä tulohetkellä"), max_length=10, choices=AgeBand.choices, default=AgeBand.UNKNOWN
    )
    violence_forms = models.JSONField(
        _("väkivallan muodot"),
        default=list,
        blank=True,
        help_text=_("Yksi tai useampi; koodit luokituksesta ViolenceForm."),
    )
    relationship = models.CharField(
        _("suhde väkivallan käyttäjään"),
        max_length=20,
        choices=Relationship.choices,
        default=Relationship.UNKNOWN,
    )
    stay_order = models.CharField(
        _("ensimmäinen vai toistuva jakso"),
        max_length=10,
        choices=StayOrder.choices,
        default=StayOrder.UNKNOWN,
    )
    violence_duration = models.CharField(
        _("väkivallan kesto ennen tuloa"),
        max_length=10,
        choices=ViolenceDuration.choices,
        default=ViolenceDuration.UNKNOWN,
    )
    updated_at = models.DateTimeField(_("muokattu"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager(organisation="participant__episode__organisation")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("turvakodin tilastotieto")
        verbose_name_plural = _("turvakodin tilastotiedot")

    def __str__(self) -> str:
        return f"{self.participant}: {self.get_client_status_display()}"


class TurnAway(OrganisationScopedModel):
    """A request for a place that could not be accepted (issue 4, item 5). Anonymous by design.

    Counts only: how many adults and children, why not, and where they were directed. THL counts
    those "referred to another shelter for lack of room" (finnish-requirements §1.2).
    """

    class Reason(models.TextChoices):
        NO_PLACE = "no_place", _("ei vapaata paikkaa")
        NOT_SUITABLE = "not_suitable", _("palvelu ei sovellu tilanteeseen")
        SAFETY = "safety", _("turvallisuussyy")
        OTHER = "other", _("muu syy")

    class DirectedTo(models.TextChoices):
        OTHER_SHELTER = "other_shelter", _("toiseen turvakotiin")
        SOCIAL_SERVICES = "social_services", _("sosiaalipäivystykseen tai sosiaalitoimeen")
        HEALTH_CARE = "health_care", _("terveydenhuoltoon")
        OUTPATIENT = "outpatient", _("avopalveluun")
        OTHER = "other", _("muualle")
        NOWHERE = "nowhere", _("ei ohjattu")

    class Channel(models.TextChoices):
        PHONE = "phone", _("puhelin")
        AUTHORITY = "authority", _("viranomaisen yhteydenotto")
        IN_PERSON = "in_person", _("tuli paikan päälle")
        OTHER = "other", _("muu")

    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        related_name="turn_aways",
        verbose_name=_("työmuoto"),
    )
    occurred_at = models.DateTimeField(_("ajankohta"), default=timezone.now)
    channel = models.CharField(
        _("yhteydenottotapa"), max_length=20, choices=Channel.choices, default=Channel.PHONE
    )
    adults = models.PositiveSmallIntegerField(_("aikuisia"), default=1)
    children = models.PositiveSmallIntegerField(_("lapsia"), default=0)
    reason = models.CharField(_("syy"), max_length=20, choices=Reason.choices)
    directed_to = models.CharField(_("ohjattu"), max_length=20, choices=DirectedTo.choices)
    note = models.CharField(
        _("lyhyt huomio"),
        max_length=200,
        blank=True,
        help_text=_("Älä kirjaa tunnistetietoja."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kirjaaja"),
    )

    class Meta:
        verbose_name = _("käännytetty pyyntö")
        verbose_name_plural = _("käännytetyt pyynnöt")
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["service_form", "occurred_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(adults__gte=1) | Q(children__gte=1), name="turnaway_someone"
            ),
            models.CheckConstraint(
                condition=Q(adults__lte=20) & Q(children__lte=20), name="turnaway_sizes"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.occurred_at:%Y-%m-%d %H:%M}"


class ShiftNote(OrganisationScopedModel):
    """A handover note between shifts of a residential unit (issue 4, item 8).

    Visible only to people with an active membership in the unit's service form. Notes are
    append-only: a correction is a new note that ``supersedes`` the old one.
    """

    class Shift(models.TextChoices):
        MORNING = "morning", _("aamuvuoro")
        EVENING = "evening", _("iltavuoro")
        NIGHT = "night", _("yövuoro")

    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        related_name="shift_notes",
        verbose_name=_("työmuoto"),
    )
    shift = models.CharField(_("vuoro"), max_length=10, choices=Shift.choices)
    shift_date = models.DateField(_("vuoron päivä"))
    text = models.TextField(_("raportti"))
    important = models.BooleanField(_("tärkeä"), default=False)
    episodes = models.ManyToManyField(
        "episodes.Episode", blank=True, related_name="+", verbose_name=_("koskee asiakkuuksia")
    )
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("korjaa merkintää"),
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("vuororaportti")
        verbose_name_plural = _("vuororaportit")
        ordering = ["-shift_date", "-created_at", "-pk"]
        indexes = [models.Index(fields=["service_form", "shift_date"])]

    def __str__(self) -> str:
        return f"{self.get_shift_display()} {self.shift_date:%Y-%m-%d}"


class PaymentCommitment(OrganisationScopedModel):
    """A payer's commitment (*maksusitoumus*) to pay an episode's care days (issue 4, item 9).

    Ensikoti's care days are paid by the client's wellbeing services county or municipality on
    the strength of a commitment with a validity period; a care day is billable to the payer
    whose commitment covers that date. Days no commitment covers are shown, not dropped.
    """

    episode = models.ForeignKey(
        "episodes.Episode",
        on_delete=models.PROTECT,
        related_name="payment_commitments",
        verbose_name=_("asiakkuus"),
    )
    payer = models.ForeignKey(
        "organisations.Partner",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("maksaja"),
    )
    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kotikunta"),
    )
    reference = models.CharField(_("päätöksen numero tai viite"), max_length=100, blank=True)
    valid_from = models.DateField(_("voimassa alkaen"))
    valid_until = models.DateField(_("voimassa asti"), null=True, blank=True)
    daily_price = models.DecimalField(
        _("vuorokausihinta (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    note = models.CharField(_("lisätieto"), max_length=300, blank=True)
    cancelled_on = models.DateField(_("peruttu"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("maksusitoumus")
        verbose_name_plural = _("maksusitoumukset")
        ordering = ["episode", "valid_from", "pk"]
        indexes = [models.Index(fields=["organisation", "valid_from"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="commitment_valid_order",
            ),
            models.CheckConstraint(
                condition=Q(daily_price__isnull=True) | Q(daily_price__gte=0),
                name="commitment_price_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payer} {self.valid_from:%d.%m.%Y}"

    def covers(self, day: date) -> bool:
        if self.cancelled_on is not None:
            return False
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class YearEndConfirmation(models.Model):
    """A worker's confirmation that a stay still open after a year's end really continues.

    THL's return must not count forgotten departures (finnish-requirements §1.4 point 3): an open
    stay blocks the year's summary until someone records the departure or confirms here that the
    family was still living in the unit when the year ended.
    """

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="year_end_confirmations")
    year = models.PositiveSmallIntegerField(_("vuosi"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("vahvistettu"), default=timezone.now)

    objects = ScopedManager(organisation="stay__organisation")

    class Meta:
        verbose_name = _("vuodenvaihteen vahvistus")
        verbose_name_plural = _("vuodenvaihteen vahvistukset")
        constraints = [
            models.UniqueConstraint(fields=["stay", "year"], name="yearendconfirmation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.stay} {self.year}"
