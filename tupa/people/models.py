"""Persons, aliases of anonymous clients, relationships, households, restrictions and consents.

Seed-spec §8.2 (CLI-04..06, CLI-17, CLI-18), §8.10; finnish-requirements §6 (turvakielto).
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords

from tupa.core.models import OrganisationScopedModel

from .folding import Fold

#: Where a person lives and how to reach them: home municipality, address, phone, e-mail.
CONTACT_FIELDS = (
    "municipality",
    "street_address",
    "postal_code",
    "post_office",
    "phone",
    "email",
)
#: Fields hidden by default when a person has an active restriction (turvakielto or an own
#: safety decision): exactly the contact details.
RESTRICTED_FIELDS = CONTACT_FIELDS


class Person(OrganisationScopedModel):
    """A client or a family member. Children are clients in their own right.

    The identity code (*henkilötunnus*) is optional; people without one get a temporary
    identifier. Citizenship and residence permit are deliberately not recorded (CLI-18).
    """

    class Gender(models.TextChoices):
        FEMALE = "female", _("nainen")
        MALE = "male", _("mies")
        OTHER = "other", _("muu")
        UNKNOWN = "unknown", _("ei tiedossa")

    first_names = models.CharField(_("etunimet"), max_length=200)
    last_name = models.CharField(_("sukunimi"), max_length=200)
    #: The names folded for the search (``"Äikäs Hämäläinen"`` → ``"aikas hamalainen"``), written
    #: by the database whenever a name is, whatever the write path (the services, ``bulk_create``
    #: of the demo and the federation generator, ``update()``): the search filters this column
    #: instead of folding every visible person's names in each query (docs/performance.md, fifth
    #: pass). A word of the search, which has no space, occurs in it exactly when it occurs in
    #: the folded first names or the folded last name. Django does not read it back after a
    #: save (``refresh_from_db`` does): nothing but the search's query uses it.
    search_name = models.GeneratedField(
        expression=Fold(Concat("first_names", models.Value(" "), "last_name")),
        output_field=models.CharField(max_length=401),
        db_persist=True,
        verbose_name=_("hakunimi"),
    )
    # NULL, not "": many persons have no identity code, and the unique constraint skips NULLs.
    hetu = models.CharField(_("henkilötunnus"), max_length=11, null=True, blank=True)  # noqa: DJ001
    temporary_id = models.CharField(
        _("tilapäinen tunniste"), max_length=20, unique=True, editable=False
    )
    birth_date = models.DateField(_("syntymäaika"), null=True, blank=True)
    gender = models.CharField(
        _("sukupuoli"), max_length=10, choices=Gender.choices, default=Gender.UNKNOWN
    )
    native_language = models.CharField(_("äidinkieli"), max_length=50, blank=True)
    languages = models.CharField(_("asiointikielet"), max_length=200, blank=True)
    interpreter_needed = models.BooleanField(_("tulkin tarve"), default=False)
    interpreter_language = models.CharField(_("tulkkauskieli"), max_length=50, blank=True)
    # Restricted fields (RESTRICTED_FIELDS): hidden when a restriction is in force.
    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("kotikunta"),
    )
    street_address = models.CharField(_("lähiosoite"), max_length=200, blank=True)
    postal_code = models.CharField(_("postinumero"), max_length=10, blank=True)
    post_office = models.CharField(_("postitoimipaikka"), max_length=100, blank=True)
    phone = models.CharField(_("puhelin"), max_length=40, blank=True)
    email = models.EmailField(_("sähköposti"), blank=True)
    expected_due_date = models.DateField(_("odotetun lapsen laskettu aika"), null=True, blank=True)
    # GDPR art. 18: restriction of processing is a record state, not a deletion.
    processing_restricted = models.BooleanField(_("käsittelyä rajoitettu"), default=False)
    processing_restriction_reason = models.TextField(
        _("käsittelyn rajoituksen peruste"), blank=True
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("yhdistetty henkilöön"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    # The history keeps the names; the folded copy is derived from them (and a generated column
    # cannot be written, which the history's inserts would try).
    history = HistoricalRecords(excluded_fields=["search_name"])

    class Meta:
        verbose_name = _("henkilö")
        verbose_name_plural = _("henkilöt")
        ordering = ["last_name", "first_names", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "hetu"],
                condition=Q(hetu__isnull=False) & Q(merged_into__isnull=True),
                name="person_unique_hetu",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "last_name", "first_names"]),
            models.Index(fields=["organisation", "birth_date"]),
            # The few restricted persons, for the lists that leave them out
            # (processing.exclude_restricted_episodes): a tiny partial index.
            models.Index(
                fields=["organisation"],
                condition=Q(processing_restricted=True),
                name="person_restricted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_names} {self.last_name}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.temporary_id:
            self.temporary_id = "T-" + uuid.uuid4().hex[:10].upper()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def display_id(self) -> str:
        return self.hetu or self.temporary_id

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return None
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


class Alias(OrganisationScopedModel):
    """An anonymous client: an episode can start on an alias and be linked to a Person later."""

    label = models.CharField(_("peitenimi"), max_length=100)
    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        related_name="aliases",
        verbose_name=_("työmuoto"),
    )
    gender = models.CharField(
        _("sukupuoli"), max_length=10, choices=Person.Gender.choices, default=Person.Gender.UNKNOWN
    )
    birth_year = models.PositiveSmallIntegerField(_("syntymävuosi"), null=True, blank=True)
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aliases",
        verbose_name=_("henkilö"),
    )
    linked_at = models.DateTimeField(_("tunnistettu"), null=True, blank=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tunnistaja"),
    )
    link_reason = models.TextField(_("tunnistamisen peruste"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("luonut"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("peitenimi")
        verbose_name_plural = _("peitenimet")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=True)
                | (Q(linked_at__isnull=False) & ~Q(link_reason="")),
                name="alias_link_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Relationship(models.Model):
    """A directed relationship: ``person`` is ``kind`` of ``relative`` (e.g. parent of)."""

    class Kind(models.TextChoices):
        PARENT = "parent", _("vanhempi")
        PARTNER = "partner", _("puoliso tai kumppani")
        EX_PARTNER = "ex_partner", _("entinen puoliso tai kumppani")
        FOSTER_PARENT = "foster_parent", _("sijaisvanhempi")
        GRANDPARENT = "grandparent", _("isovanhempi")
        SIBLING = "sibling", _("sisarus")
        STEP_PARENT = "step_parent", _("isä- tai äitipuoli")
        OTHER_CLOSE = "other_close", _("muu läheinen")

    #: Kinds that read the same both ways.
    SYMMETRIC = frozenset({Kind.PARTNER, Kind.EX_PARTNER, Kind.SIBLING, Kind.OTHER_CLOSE})

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships_from")
    relative = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships_to")
    kind = models.CharField(_("suhde"), max_length=20, choices=Kind.choices)
    valid_from = models.DateField(_("alkaen"), null=True, blank=True)
    valid_until = models.DateField(_("päättynyt"), null=True, blank=True)
    note = models.CharField(_("lisätieto"), max_length=300, blank=True)

    objects = ScopedManager(organisation="person__organisation")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("läheissuhde")
        verbose_name_plural = _("läheissuhteet")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "relative", "kind"], name="relationship_unique"
            ),
            models.CheckConstraint(
                condition=~Q(person=models.F("relative")), name="relationship_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_kind_display()} – {self.relative}"


class Household(OrganisationScopedModel):
    """A family or household worked with as a unit (CLI-05, CLI-06)."""

    class FamilyType(models.TextChoices):
        SINGLE_PARENT = "single_parent", _("yksinhuoltajaperhe")
        STEPFAMILY = "stepfamily", _("uusperhe")
        IMMIGRANT = "immigrant", _("maahanmuuttaja- tai pakolaisperhe")
        PRISONER = "prisoner", _("vangin perhe")
        CHILD_PROTECTION = "child_protection", _("lastensuojelun asiakasperhe")

    name = models.CharField(_("nimi"), max_length=200)
    family_types = models.JSONField(_("perhetyypit"), default=list, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("perhe")
        verbose_name_plural = _("perheet")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def family_type_labels(self) -> list[str]:
        labels = dict(self.FamilyType.choices)
        return [str(labels.get(code, code)) for code in self.family_types]


class HouseholdMember(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="household_memberships"
    )
    valid_from = models.DateField(_("alkaen"), null=True, blank=True)
    valid_until = models.DateField(_("päättynyt"), null=True, blank=True)

    objects = ScopedManager(organisation="household__organisation")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("perheenjäsen")
        verbose_name_plural = _("perheenjäsenet")
        constraints = [
            models.UniqueConstraint(fields=["household", "person"], name="householdmember_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.household})"


class RestrictionQuerySet(models.QuerySet["Restriction"]):
    def in_force(self, on: date | None = None) -> RestrictionQuerySet:
        """Restrictions in force. An expired one stays in force until a worker reviews it."""
        day = on or timezone.localdate()
        return self.filter(valid_from__lte=day).filter(
            Q(lifted_on__isnull=True) | Q(lifted_on__gt=day)
        )


class Restriction(models.Model):
    """Turvakielto or an own safety decision on a person (finnish-requirements §6)."""

    class Kind(models.TextChoices):
        TURVAKIELTO = "turvakielto", _("turvakielto (väestötietojärjestelmä)")
        OWN_SAFETY = "own_safety", _("oma turvallisuuspäätös")
        COURT_ORDER = "court_order", _("tuomioistuimen määräys")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="restrictions")
    kind = models.CharField(_("laji"), max_length=20, choices=Kind.choices)
    source = models.CharField(_("lähde"), max_length=200, blank=True)
    valid_from = models.DateField(_("voimassa alkaen"))
    valid_until = models.DateField(_("voimassa asti"), null=True, blank=True)
    lifted_on = models.DateField(_("päättynyt"), null=True, blank=True)
    contact_address = models.TextField(_("yhteysosoite"), blank=True)
    covers_household_children = models.BooleanField(_("koskee myös perheen lapsia"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager(
        organisation="person__organisation",
        _manager_class=models.Manager.from_queryset(RestrictionQuerySet),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("turvakielto tai suojaus")
        verbose_name_plural = _("turvakiellot ja suojaukset")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.valid_from})"


class Consent(models.Model):
    """A consent recorded for a purpose: contact for follow-up, or sharing with a recipient."""

    class Purpose(models.TextChoices):
        FOLLOW_UP = "follow_up", _("yhteydenotto palautetta varten")
        SHARING = "sharing", _("tietojen luovutus tai jakaminen")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("tarkoitus"), max_length=20, choices=Purpose.choices)
    recipient_service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vastaanottava työmuoto"),
    )
    recipient_partner = models.ForeignKey(
        "organisations.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vastaanottava kumppani"),
    )
    episode = models.ForeignKey(
        "episodes.Episode",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("asiakkuus"),
    )
    scope = models.TextField(_("laajuus"), blank=True)
    given_on = models.DateField(_("annettu"))
    valid_until = models.DateField(_("voimassa asti"), null=True, blank=True)
    withdrawn_on = models.DateField(_("peruttu"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager(organisation="person__organisation")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("suostumus")
        verbose_name_plural = _("suostumukset")
        ordering = ["-given_on"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.given_on})"

    def in_force_on(self, day: date) -> bool:
        if self.withdrawn_on is not None and self.withdrawn_on <= day:
            return False
        return self.given_on <= day and (self.valid_until is None or self.valid_until >= day)


from .models_erasure import ErasureRequest  # noqa: E402, F401  (GDPR art. 17 requests)
from .models_hold import ContactHold  # noqa: E402, F401  (intake reuse: docs/security.md)
