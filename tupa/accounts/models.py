"""Staff accounts and their time-bounded memberships in service forms."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords

from tupa.core.append_only import AppendOnlyManager, AppendOnlyModel


class Role(models.TextChoices):
    """Roles carried by a membership (ARCHITECTURE.md §6)."""

    WORKER = "worker", _("työntekijä")
    LEAD = "lead", _("esihenkilö")
    COORDINATOR = "coordinator", _("koordinaattori")
    FINANCE = "finance", _("talous")
    EXECUTIVE_DIRECTOR = "executive_director", _("toiminnanjohtaja")
    DATA_PROTECTION_OFFICER = "dpo", _("tietosuojavastaava")
    ADMINISTRATOR = "admin", _("pääkäyttäjä")
    FEDERATION_ANALYST = "federation_analyst", _("liiton tilastoasiantuntija")
    VOLUNTEER_COORDINATOR = "volunteer_coordinator", _("vapaaehtoistoiminnan koordinaattori")


#: Roles that are held in a service form; the others are organisation-wide.
SERVICE_FORM_ROLES = frozenset({Role.WORKER, Role.LEAD, Role.COORDINATOR})

#: Roles that may be held either in one service form or organisation-wide. The volunteer
#: coordinator of a form sees that form's volunteers; held organisation-wide, every form's
#: (docs/volunteers.md). It is not a client-work role: it opens no client record.
EITHER_SCOPE_ROLES = frozenset({Role.VOLUNTEER_COORDINATOR})


class UserKind(models.TextChoices):
    """What a login is for (docs/adr/0011-volunteer-portal.md).

    A *staff* login works in Tupa under its memberships. A *volunteer* login is a volunteer's
    own: it reaches only the volunteer portal (``/vapaaehtoinen/``), the login, second-factor and
    password pages and the public pages (:mod:`tupa.access.volunteer_portal`); it never holds a
    membership, staff status or the admin.
    """

    STAFF = "staff", _("henkilökunta")
    VOLUNTEER = "volunteer", _("vapaaehtoinen")


class User(AbstractUser):
    """A login. Belongs to exactly one organisation (the tenant); staff or a volunteer's own."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("organisaatio"),
    )
    title = models.CharField(_("tehtävänimike"), max_length=200, blank=True)
    phone = models.CharField(_("työpuhelin"), max_length=40, blank=True)
    preferred_language = models.CharField(
        _("asiointikieli"),
        max_length=5,
        choices=[("fi", "suomi"), ("sv", "svenska"), ("en", "English")],
        default="fi",
    )
    kind = models.CharField(
        _("tunnuksen laji"),
        max_length=10,
        choices=UserKind.choices,
        default=UserKind.STAFF,
        editable=False,
        help_text=_("Vapaaehtoisen tunnuksella pääsee vain vapaaehtoisen omille sivuille."),
    )
    # Incremented by "log out everywhere": it is mixed into the session hash, so every
    # existing session of the user fails verification on its next request.
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    history = HistoricalRecords(excluded_fields=["password", "last_login", "session_generation"])

    class Meta:
        verbose_name = _("käyttäjä")
        verbose_name_plural = _("käyttäjät")
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["staff", "volunteer"]), name="user_kind_known"
            ),
            # A volunteer's login is never an administrator's: no admin, no superuser.
            models.CheckConstraint(
                condition=Q(kind="staff") | Q(is_staff=False, is_superuser=False),
                name="user_volunteer_not_admin",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_volunteer_login(self) -> bool:
        """A volunteer's own login (it reaches the volunteer portal only)."""
        return self.kind == UserKind.VOLUNTEER

    def get_session_auth_hash(self) -> str:
        key_salt = "tupa.accounts.User.get_session_auth_hash"
        return salted_hmac(
            key_salt, f"{self.password}:{self.session_generation}", algorithm="sha256"
        ).hexdigest()


class MembershipQuerySet(models.QuerySet["Membership"]):
    def valid_on(self, day: date) -> MembershipQuerySet:
        """The memberships whose validity covers ``day`` (whatever their user's state)."""
        return self.filter(
            Q(valid_from__lte=day) & (Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        )

    def active(self, on: date | None = None) -> MembershipQuerySet:
        """Valid on ``on`` (today) and held by an active account."""
        return self.valid_on(on or timezone.localdate()).filter(user__is_active=True)

    def client_work(self) -> MembershipQuerySet:
        """Client work: a worker's, lead's or coordinator's membership (:data:`SERVICE_FORM_ROLES`,
        always in a service form: ``membership_role_scope``). In memory the same set is
        :data:`tupa.access.clients.CLIENT_WORK_ROLES`."""
        return self.filter(role__in=[str(r) for r in SERVICE_FORM_ROLES])


class Membership(models.Model):
    """A user's role in a service form (or organisation-wide), valid for a period.

    Also carries the roster facts of STF-01: title, FTE %, night shift, hourly pay.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisaatio"),
    )
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("käyttäjä")
    )
    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("työmuoto"),
    )
    role = models.CharField(_("rooli"), max_length=30, choices=Role.choices)
    valid_from = models.DateField(_("alkaa"), default=timezone.localdate)
    valid_until = models.DateField(_("päättyy"), null=True, blank=True)
    title = models.CharField(_("tehtävänimike"), max_length=200, blank=True)
    fte_percent = models.PositiveSmallIntegerField(_("työaika-%"), default=100)
    night_shift = models.BooleanField(_("yötyö"), default=False)
    hourly_paid = models.BooleanField(_("tuntipalkkainen"), default=False)

    objects = ScopedManager(
        organisation="organisation", _manager_class=models.Manager.from_queryset(MembershipQuerySet)
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("jäsenyys")
        verbose_name_plural = _("jäsenyydet")
        ordering = ["user", "service_form", "role"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="membership_period_order",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["worker", "lead", "coordinator"], service_form__isnull=False)
                | Q(role="volunteer_coordinator")
                | Q(
                    ~Q(role__in=["worker", "lead", "coordinator", "volunteer_coordinator"]),
                    service_form__isnull=True,
                ),
                name="membership_role_scope",
            ),
            models.CheckConstraint(
                condition=Q(fte_percent__lte=100), name="membership_fte_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        where = self.service_form or _("koko organisaatio")
        return f"{self.user}: {self.get_role_display()} ({where})"

    def is_active_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or self.valid_until >= day)


# --------------------------------------------------------------------------- security events

SECURITY_LOG_APPEND_ONLY_MESSAGE = "security event log is append-only"


class SecurityLogAppendOnlyError(Exception):
    """Raised when code tries to change or remove a security event."""


class SecurityEvent(AppendOnlyModel):
    """A failed login, a lockout and its lifting, a refused request, or an administrator setting
    a user's password or removing her second-factor device (docs/security.md).

    Append-only like the access log (:mod:`tupa.core.append_only`; database triggers, migration
    ``0003``). Never holds a
    password, a query string or what a user typed into the username field unless it is the
    name of an existing account: a password typed into the wrong field would otherwise be kept.
    ``organisation`` is empty only for attempts at usernames that do not exist.

    The organisation and the user have no index of their own: each begins a composite index
    below, which serves every lookup by it (accounts 0010, as the access log's).
    """

    class Kind(models.TextChoices):
        LOGIN_FAILED = "login_failed", _("epäonnistunut kirjautuminen")
        SECOND_FACTOR_FAILED = "second_factor_failed", _("virheellinen vahvistuskoodi")
        LOCKED_OUT = "locked_out", _("tunnus lukittiin")
        LOCKOUT_LIFTED = "lockout_lifted", _("lukitus poistettiin")
        REFUSED = "refused", _("torjuttu pyyntö")
        PASSWORD_RESET = "password_reset", _("pääkäyttäjä asetti salasanan")
        SECOND_FACTOR_RESET = "second_factor_reset", _("pääkäyttäjä poisti todennuslaitteen")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisaatio"),
    )
    occurred_at = models.DateTimeField(_("aika"), db_default=Now(), editable=False)
    kind = models.CharField(_("tapahtuma"), max_length=30, choices=Kind.choices)
    user = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("käyttäjä"),
        help_text=_("Tili, jota tapahtuma koskee; tyhjä, jos tunnusta ei ole olemassa."),
    )
    actor = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tekijä"),
        help_text=_(
            "Pääkäyttäjä, joka poisti lukituksen, asetti salasanan tai poisti todennuslaitteen; "
            "tyhjä, kun tapahtuma ei ole kenenkään toimi."
        ),
    )
    path = models.CharField(_("sivun osoite"), max_length=500, blank=True)
    status_code = models.PositiveSmallIntegerField(_("tilakoodi"), null=True, blank=True)
    view_name = models.CharField(_("näkymä"), max_length=200, blank=True)
    reason = models.TextField(_("syy"), blank=True)
    request_id = models.CharField(_("pyyntötunniste"), max_length=64, blank=True)

    objects = AppendOnlyManager()

    append_only_message = SECURITY_LOG_APPEND_ONLY_MESSAGE
    append_only_error = SecurityLogAppendOnlyError

    class Meta:
        verbose_name = _("turvallisuustapahtuma")
        verbose_name_plural = _("turvallisuustapahtumat")
        ordering = ["-occurred_at", "-id"]
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["organisation", "-occurred_at"], name="security_event_org_time"),
            models.Index(fields=["user", "-occurred_at"], name="security_event_user_time"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.kind} {self.user_id}"
