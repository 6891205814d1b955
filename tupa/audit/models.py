"""The access log: one append-only row per (request, subject) of personal data read.

ARCHITECTURE.md §6 "Access log". Rows are written by :mod:`tupa.audit.services` in the same
transaction as the read they record (``ATOMIC_REQUESTS``), so a failure to log means the
response is never produced (fail closed). Rows are never updated or deleted: the Python layer
refuses it here (:mod:`tupa.core.append_only`), and database triggers (migration ``0002``) refuse it for everybody else,
including raw SQL.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from tupa.access.policy import Basis
from tupa.core.append_only import AppendOnlyError, AppendOnlyManager, AppendOnlyModel

__all__ = ["AppendOnlyError"]  # re-exported: the error of every append-only table of the app

APPEND_ONLY_MESSAGE = "access log is append-only"


class Action(models.TextChoices):
    VIEW = "view", _("katselu")
    LIST = "list", _("listaus")
    SEARCH = "search", _("haku")
    EXPORT = "export", _("vienti")
    PRINT = "print", _("tulostus")
    API = "api", _("rajapinta")
    BREAK_THE_GLASS = "break_the_glass", _("hätäkäyttö")
    REVEAL = "reveal", _("suojattujen tietojen näyttäminen")


_BASIS_LABELS: dict[str, Any] = {
    Basis.MEMBERSHIP: _("jäsenyys työmuodossa"),
    Basis.ASSIGNMENT: _("asiakkuuteen nimetty työntekijä"),
    Basis.ORGANISATION_ROLE: _("organisaatiotason rooli"),
    Basis.CONSENT: _("asiakkaan suostumus"),
    Basis.BREAK_THE_GLASS: _("hätäkäyttö"),
    Basis.SELF: _("omat tiedot"),
    Basis.NONE: _("ei perustetta"),
}

#: Choices mirror :class:`tupa.access.policy.Basis`; a new basis there needs a label here (a
#: missing one fails at import instead of showing the raw value in the log and the extract).
BASIS_CHOICES: list[tuple[str, Any]] = [(str(b), _BASIS_LABELS[b]) for b in Basis]


class AccessEvent(AppendOnlyModel):
    """Who read whose data, when, how and on what basis. Metadata only — never content.

    The subject is generic (``subject_type`` + ``subject_id``): one log holds the reads of
    persons, aliases, episodes, volunteers and staff. ``episode_id`` is a plain integer, not a
    foreign key, and stays one: the log is append-only and is kept longer than the records it
    names (an erased record leaves its reads here), so it cannot point at them with a
    constraint.

    The organisation, user and subject type have no index of their own: each is the first
    column of one of the composite indexes below, which serve every lookup by it (a single
    column index beside them was only written, on the most written table; audit 0008).
    """

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        db_index=False,
        related_name="+",
        verbose_name=_("organisaatio"),
    )
    occurred_at = models.DateTimeField(_("aika"), db_default=Now(), editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        db_index=False,
        related_name="+",
        verbose_name=_("käyttäjä"),
    )
    subject_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        db_index=False,
        related_name="+",
        verbose_name=_("kohteen tyyppi"),
    )
    subject_id = models.CharField(_("kohteen tunniste"), max_length=64)
    episode_id = models.BigIntegerField(
        _("asiakkuus"),
        null=True,
        blank=True,
        help_text=_("Asiakkuuden tunniste; säilyy, vaikka asiakkuus poistettaisiin."),
    )
    action = models.CharField(_("toiminto"), max_length=20, choices=Action.choices)
    basis = models.CharField(_("peruste"), max_length=30, choices=BASIS_CHOICES)
    reason = models.TextField(_("syy"), blank=True)
    request_id = models.CharField(_("pyyntötunniste"), max_length=64, blank=True)
    view_name = models.CharField(_("näkymä"), max_length=200, blank=True)

    append_only_message = APPEND_ONLY_MESSAGE

    objects = ScopedManager(  # type: ignore[django-manager-missing]
        organisation="organisation", _manager_class=AppendOnlyManager
    )

    class Meta:
        verbose_name = _("käyttölokitapahtuma")
        verbose_name_plural = _("käyttöloki")
        ordering = ["-occurred_at", "-id"]
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["organisation", "-occurred_at"], name="audit_event_org_time"),
            models.Index(fields=["user", "-occurred_at"], name="audit_event_user_time"),
            models.Index(
                fields=["subject_type", "subject_id", "-occurred_at"],
                name="audit_event_subject_time",
            ),
        ]

    def __str__(self) -> str:
        subject = f"{self.subject_type_id}:{self.subject_id}"
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {subject}"


# --- Anomaly reviews (docs/security.md "Anomaly reports") --------------------------------------

ANOMALY_REVIEW_APPEND_ONLY_MESSAGE = "anomaly review log is append-only"


class AnomalyRule(models.TextChoices):
    """The monitoring rules of :mod:`tupa.dataprotection.anomalies` (703/2023 §4.3)."""

    NO_RELATIONSHIP = "no_relationship", _("luku ilman voimassa olevaa perustetta")
    NIGHT_READ = "night_read", _("yöaikainen luku päivätyötä tekevältä")
    MANY_PERSONS = "many_persons", _("paljon henkilöitä lyhyessä ajassa")
    BREAK_GLASS_UNREVIEWED = "break_glass_unreviewed", _("tarkastamaton poikkeuksellinen pääsy")
    RESTRICTED_PERSON = "restricted_person", _("turvakieltoisen tietojen luku muulla perusteella")
    SAME_SURNAME = "same_surname", _("saman sukunimen luku (tarkistettava)")


class AnomalyReview(AppendOnlyModel):
    """The DPO's handling of one anomaly finding: who, when, with what note.

    Append-only like the access log (model, queryset and database triggers, migration
    ``0006``): a later review of the same finding *supersedes* the earlier one, which stays.
    The finding is named by its rule and a stable key (:mod:`tupa.dataprotection.anomalies`); the staff
    member and the time of the finding are kept so the row says what it was about even if the
    rules change.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisaatio"),
    )
    rule = models.CharField(_("sääntö"), max_length=30, choices=AnomalyRule.choices)
    finding_key = models.CharField(_("havainnon tunniste"), max_length=200)
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("käyttäjä"),
    )
    finding_at = models.DateTimeField(_("havainnon aika"))
    handled = models.BooleanField(_("käsitelty"), default=True)
    note = models.TextField(_("huomio"))
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("käsittelijä"),
    )
    handled_at = models.DateTimeField(_("käsitelty"), db_default=Now(), editable=False)
    supersedes = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("korvaa merkinnän"),
    )

    append_only_message = ANOMALY_REVIEW_APPEND_ONLY_MESSAGE

    objects = ScopedManager(  # type: ignore[django-manager-missing]
        organisation="organisation", _manager_class=AppendOnlyManager
    )

    class Meta:
        verbose_name = _("poikkeaman käsittely")
        verbose_name_plural = _("poikkeamien käsittelyt")
        ordering = ["-handled_at", "-id"]
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["organisation", "finding_key"], name="audit_anomaly_review_key"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.finding_key} ({self.handled_by_id})"


# --- Disclosure log and access requests (tupa/audit/rights_models.py, migration 0007) ----------

from .rights_models import (  # noqa: E402, F401
    AccessRequest,
    AccessRequestItemDecision,
    AccessRequestStep,
    Disclosure,
    DisclosureBasis,
    DisclosureKind,
    DisclosureSubject,
)
