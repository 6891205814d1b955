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

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords

from tupa.core.models import OrganisationScopedModel


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
        ]

    def __str__(self) -> str:
        return self.name


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
    """A person (participant of the episode) in a stay, with their own arrival and departure.

    The member's period lies inside the stay's period (checked in :meth:`clean` and by the
    services; a database constraint cannot look at the stay row).
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
            models.UniqueConstraint(fields=["stay", "participant"], name="staymember_unique"),
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
