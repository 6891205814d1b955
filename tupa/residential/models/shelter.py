"""The shelter's own records: the 24 h line's contacts, turn-aways and shift notes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tupa.core.models import OrganisationScopedModel


class AnonymousShelterEntry(OrganisationScopedModel):
    """What a line contact and a turn-away share: an anonymous entry of a moment, with a short
    note that must not identify anyone and the worker who recorded it, listed newest first.

    Each subclass declares its own ``service_form`` (the related names differ) and the index on
    it; the columns and options here are exactly those both models had, so no migration.
    """

    occurred_at = models.DateTimeField(_("ajankohta"), default=timezone.now)
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
        abstract = True
        ordering = ["-occurred_at", "-pk"]


class LineContact(AnonymousShelterEntry):
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
    duration_minutes = models.PositiveSmallIntegerField(_("kesto (min)"), default=10)
    channel = models.CharField(
        _("kanava"), max_length=10, choices=Channel.choices, default=Channel.PHONE
    )
    caller = models.CharField(_("yhteydenottaja"), max_length=20, choices=Caller.choices)
    topics = models.JSONField(_("aiheet"), default=list, blank=True)
    outcome = models.CharField(_("tulos"), max_length=20, choices=Outcome.choices)
    referred_to = models.CharField(_("ohjattu minne"), max_length=200, blank=True)
    language = models.CharField(_("kieli"), max_length=40, blank=True)

    class Meta(AnonymousShelterEntry.Meta):
        verbose_name = _("linjan yhteydenotto")
        verbose_name_plural = _("linjan yhteydenotot")
        indexes = [models.Index(fields=["service_form", "occurred_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1) & Q(duration_minutes__lte=600),
                name="linecontact_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.occurred_at:%Y-%m-%d %H:%M}"


class TurnAway(AnonymousShelterEntry):
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
    channel = models.CharField(
        _("yhteydenottotapa"), max_length=20, choices=Channel.choices, default=Channel.PHONE
    )
    adults = models.PositiveSmallIntegerField(_("aikuisia"), default=1)
    children = models.PositiveSmallIntegerField(_("lapsia"), default=0)
    reason = models.CharField(_("syy"), max_length=20, choices=Reason.choices)
    directed_to = models.CharField(_("ohjattu"), max_length=20, choices=DirectedTo.choices)

    class Meta(AnonymousShelterEntry.Meta):
        verbose_name = _("käännytetty pyyntö")
        verbose_name_plural = _("käännytetyt pyynnöt")
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
