"""The disclosure log and the access-request workflow (703/2023 §4.2; GDPR 15; 1050/2018 §34).

Imported at the end of :mod:`tupa.audit.models`, so these are models of the ``audit`` app.

- :class:`Disclosure` (+ :class:`DisclosureSubject`): every disclosure of client data outside
  the unit — recipient, legal basis or consent, what was disclosed, the persons concerned, by
  whom and when. **Append-only** like the access log (model, queryset and database triggers,
  migration ``0007``).
- :class:`AccessRequest`: one access request (GDPR art. 15) and where it stands. Its status
  fields change as the workflow moves on, but every step is also an append-only
  :class:`AccessRequestStep`, and every review decision on one item of the draft extract is an
  append-only :class:`AccessRequestItemDecision` (the newest per item counts).

Services: :mod:`tupa.dataprotection.disclosures.services` and :mod:`tupa.dataprotection.access_requests`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from tupa.core.append_only import AppendOnlyManager, AppendOnlyModel

DISCLOSURE_APPEND_ONLY_MESSAGE = "disclosure log is append-only"
ACCESS_REQUEST_LOG_APPEND_ONLY_MESSAGE = "access request history is append-only"


# --------------------------------------------------------------------------- disclosure log


class DisclosureKind(models.TextChoices):
    EXTERNAL_REFERRAL = "external_referral", _("ohjaus ulkopuoliseen palveluun")
    CHILD_PROTECTION = "child_protection", _("lastensuojeluilmoitus tai lausunto lastensuojelulle")
    POLICE = "police", _("tieto poliisille")
    COURT = "court", _("jäljennös tuomioistuimelle")
    EXPORT = "export", _("luovutettu vienti tai tuloste")
    CLIENT_EXTRACT = "client_extract", _("ote asiakkaalle (tietopyyntö)")
    OTHER = "other", _("muu luovutus")


class DisclosureBasis(models.TextChoices):
    LAW = "law", _("lakiin perustuva luovutus")
    CONSENT = "consent", _("asiakkaan suostumus")
    DATA_SUBJECT = "data_subject", _("rekisteröidyn oma pyyntö")


class Disclosure(AppendOnlyModel):
    """One disclosure of client data outside the unit (*luovutusloki*, 703/2023 §4.2)."""

    append_only_message = DISCLOSURE_APPEND_ONLY_MESSAGE

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisaatio"),
    )
    recorded_at = models.DateTimeField(_("kirjattu"), db_default=Now(), editable=False)
    disclosed_on = models.DateField(_("luovutuspäivä"))
    kind = models.CharField(_("luovutuksen laji"), max_length=30, choices=DisclosureKind.choices)
    recipient = models.CharField(_("vastaanottaja"), max_length=300)
    basis_kind = models.CharField(
        _("luovutuksen peruste"), max_length=20, choices=DisclosureBasis.choices
    )
    legal_basis = models.TextField(_("säännös tai suostumus"))
    description = models.TextField(_("mitä luovutettiin"))
    episode = models.ForeignKey(
        "episodes.Episode",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("asiakkuus"),
    )
    disclosed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("luovuttaja"),
    )

    objects = ScopedManager(  # type: ignore[django-manager-missing]
        organisation="organisation", _manager_class=AppendOnlyManager
    )

    class Meta:
        verbose_name = _("luovutus")
        verbose_name_plural = _("luovutusloki")
        ordering = ["-disclosed_on", "-id"]
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["organisation", "-disclosed_on"], name="audit_disclosure_org_day"),
        ]

    def __str__(self) -> str:
        return f"{self.disclosed_on} {self.kind} {self.recipient}"


class DisclosureSubject(AppendOnlyModel):
    """A person (or an anonymous client's alias) whose data a disclosure contained."""

    append_only_message = DISCLOSURE_APPEND_ONLY_MESSAGE

    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, related_name="subjects")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    alias = models.ForeignKey(
        "people.Alias", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ScopedManager(  # type: ignore[django-manager-missing]
        organisation="disclosure__organisation", _manager_class=AppendOnlyManager
    )

    class Meta:
        verbose_name = _("luovutuksen kohde")
        verbose_name_plural = _("luovutusten kohteet")
        default_permissions = ("view",)
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(person__isnull=False) & models.Q(alias__isnull=True))
                | (models.Q(person__isnull=True) & models.Q(alias__isnull=False)),
                name="disclosure_subject_person_xor_alias",
            )
        ]

    def __str__(self) -> str:
        return f"{self.disclosure_id}: {self.person_id or self.alias_id}"


# --------------------------------------------------------------------------- access requests


class AccessRequest(models.Model):
    """An access request (GDPR art. 15) on its way from receipt to delivery."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("vastaanotettu")
        VERIFIED = "verified", _("henkilöllisyys varmistettu")
        DRAFT = "draft", _("luonnos tarkastettavana")
        REVIEWED = "reviewed", _("tarkastettu")
        DECIDED = "decided", _("päätetty")
        DELIVERED = "delivered", _("toimitettu")

    class Outcome(models.TextChoices):
        FULL = "full", _("tiedot annetaan kokonaan")
        PARTIAL = "partial", _("tiedot annetaan osittain")
        REFUSED = "refused", _("tietoja ei anneta")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("rekisteröity"),
    )
    received_on = models.DateField(_("vastaanotettu"))
    request_text = models.TextField(_("pyyntö"), blank=True)
    due_on = models.DateField(_("määräaika"))
    extension_reason = models.TextField(_("määräajan pidentämisen syy"), blank=True)
    status = models.CharField(
        _("tila"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    identity_method = models.TextField(_("henkilöllisyyden varmistustapa"), blank=True)
    identity_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    identity_verified_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("ratkaisu"), max_length=10, choices=Outcome.choices, blank=True)
    decision_text = models.TextField(_("perusteltu päätös"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    delivery_method = models.CharField(_("toimitustapa"), max_length=200, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    delivered_at = models.DateTimeField(null=True, blank=True)
    disclosure = models.ForeignKey(
        Disclosure, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    objects = ScopedManager(organisation="organisation")  # type: ignore[django-manager-missing]

    class Meta:
        verbose_name = _("tietopyyntö")
        verbose_name_plural = _("tietopyynnöt")
        ordering = ["due_on", "pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.pk} {self.received_on} {self.status}"


class AccessRequestStep(AppendOnlyModel):
    """One step of an access request: who did what, when (append-only history)."""

    append_only_message = ACCESS_REQUEST_LOG_APPEND_ONLY_MESSAGE

    class Kind(models.TextChoices):
        RECEIVED = "received", _("pyyntö vastaanotettu")
        IDENTITY_VERIFIED = "identity_verified", _("henkilöllisyys varmistettu")
        DRAFT_ASSEMBLED = "draft_assembled", _("otteen luonnos koottu")
        ITEM_DECIDED = "item_decided", _("tarkastuspäätös kirjattu")
        UNIT_REVIEWED = "unit_reviewed", _("yksikön työntekijä tarkasti")
        DPO_REVIEWED = "dpo_reviewed", _("tietosuojavastaava tarkasti")
        EXTENDED = "extended", _("määräaikaa pidennetty")
        DECIDED = "decided", _("päätös tehty")
        DELIVERED = "delivered", _("toimitettu")

    access_request = models.ForeignKey(
        AccessRequest, on_delete=models.PROTECT, related_name="steps"
    )
    kind = models.CharField(_("vaihe"), max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField(_("aika"), db_default=Now(), editable=False)
    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("huomio"), blank=True)

    objects = ScopedManager(  # type: ignore[django-manager-missing]
        organisation="access_request__organisation", _manager_class=AppendOnlyManager
    )

    class Meta:
        verbose_name = _("tietopyynnön vaihe")
        verbose_name_plural = _("tietopyynnön vaiheet")
        ordering = ["occurred_at", "pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.access_request_id} {self.kind}"


class AccessRequestItemDecision(AppendOnlyModel):
    """A review decision on one item of the draft extract; the newest per item counts."""

    append_only_message = ACCESS_REQUEST_LOG_APPEND_ONLY_MESSAGE

    class Decision(models.TextChoices):
        RELEASE = "release", _("annetaan sellaisenaan")
        REDACT = "redact", _("annetaan peitettynä")
        WITHHOLD = "withhold", _("jätetään pois")

    access_request = models.ForeignKey(
        AccessRequest, on_delete=models.PROTECT, related_name="item_decisions"
    )
    item_key = models.CharField(_("kohta"), max_length=40)
    decision = models.CharField(_("päätös"), max_length=10, choices=Decision.choices)
    released_text = models.TextField(_("annettava teksti"), blank=True)
    reason = models.TextField(_("perustelu"), blank=True)
    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("aika"), db_default=Now(), editable=False)

    objects = ScopedManager(  # type: ignore[django-manager-missing]
        organisation="access_request__organisation", _manager_class=AppendOnlyManager
    )

    class Meta:
        verbose_name = _("tarkastuspäätös")
        verbose_name_plural = _("tarkastuspäätökset")
        ordering = ["decided_at", "pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.access_request_id} {self.item_key} {self.decision}"
