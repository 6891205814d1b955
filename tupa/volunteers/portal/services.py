"""Writes of the volunteer portal: granting, re-sending, revoking a volunteer's own login, its
activation, and the volunteer's own contact data.

The coordinator's writes check :func:`tupa.access.volunteers.may_grant_portal` (a volunteer
coordinator of one of the volunteer's forms); the volunteer's own writes check
:func:`tupa.volunteers.guards.require_own`. The login itself is an ``accounts.User`` of the
*volunteer* kind: no membership, no staff status, reaching ``/vapaaehtoinen/`` only.
"""

from __future__ import annotations

from collections.abc import Callable
from smtplib import SMTPException
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_scopes import scope

from tupa.access import volunteers as access
from tupa.accounts.models import User, UserKind
from tupa.core.saving import save_validated
from tupa.volunteers.guards import lock_volunteer, require_own
from tupa.volunteers.models import PortalAccess, Status, Volunteer
from tupa.volunteers.portal.tokens import activation_tokens

if TYPE_CHECKING:
    from tupa.accounts.models import User as Actor

#: The contact fields a volunteer keeps up to date themselves.
OWN_CONTACT_FIELDS = (
    "phone",
    "email",
    "street_address",
    "postal_code",
    "post_office",
    "languages",
    "availability",
)

REVOKE_REASON_MIN_LENGTH = 5


def activation_path(user: User) -> str:
    """The path of ``user``'s one-time activation link (valid until the password is set)."""
    return reverse(
        "volunteer_portal:activate",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": activation_tokens.make_token(user),
        },
    )


def _end_sessions(user: User) -> None:
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])


def _send_link(user: User, *, volunteer: Volunteer, absolute: Callable[[str], str]) -> None:
    """E-mail the activation link to the volunteer's own address, as the last step of the
    transaction: if the mail cannot be handed to the mail server, nothing is granted and the
    coordinator is told so.

    The coordinator never sees the link: whoever sets the password with it owns the login.
    """
    url = absolute(activation_path(user))
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    subject = _("Tunnus vapaaehtoisten sivuille")
    body = _(
        "Hei %(name)s,\n\n"
        "sinulle on avattu tunnus vapaaehtoisen omille sivuille. Käyttäjätunnuksesi on "
        "%(username)s.\n\n"
        "Aseta salasana tästä linkistä (voimassa %(days)d vrk, toimii kerran):\n%(url)s\n\n"
        "Ensimmäisellä kirjautumisella otat käyttöön todennussovelluksen puhelimeesi.\n"
        "Jos et odottanut tätä viestiä, ota yhteyttä vapaaehtoistoiminnan koordinaattoriin."
    ) % {"name": volunteer.first_names, "username": user.username, "days": days, "url": url}
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [volunteer.email])
    except (OSError, SMTPException) as exc:
        raise ValidationError(
            _("Sähköpostia ei saatu lähetettyä. Tunnusta ei avattu; yritä myöhemmin uudelleen."),
            code="mail",
        ) from exc


def _username_for(volunteer: Volunteer, *, current: User | None) -> str:
    email = (volunteer.email or "").strip().lower()
    if not email:
        raise ValidationError(
            _("Kirjaa vapaaehtoiselle ensin sähköpostiosoite: aktivointilinkki lähetetään siihen."),
            code="email",
        )
    if len(email) > 150:
        raise ValidationError(_("Sähköpostiosoite on liian pitkä käyttäjätunnukseksi."))
    taken = User.objects.filter(username__iexact=email)
    if current is not None:
        taken = taken.exclude(pk=current.pk)
    if taken.exists():
        raise ValidationError(
            _(
                "Sähköpostiosoitteella on jo tunnus Tupassa. Kirjaa vapaaehtoiselle oma "
                "sähköpostiosoite."
            ),
            code="email_taken",
        )
    return email


@transaction.atomic
def portal_grant(
    *,
    actor: Actor,
    volunteer: Volunteer,
    absolute: Callable[[str], str],
    send_link: bool = True,
) -> PortalAccess:
    """Give the volunteer a login to the portal and e-mail them a one-time activation link.

    Granting again after a revocation re-opens the same login with a new password and a new
    authenticator app (the old ones stop working). ``absolute`` makes the link absolute
    (``request.build_absolute_uri``). ``send_link=False`` is for the demo, which gives its
    volunteer login the demo password itself (``tupa.demo.volunteers``).
    """
    if not access.may_grant_portal(actor, volunteer):
        raise PermissionDenied
    volunteer = lock_volunteer(volunteer)
    now = timezone.now()
    existing = PortalAccess.objects.filter(volunteer=volunteer).select_related("user").first()
    if existing is not None and existing.in_force:
        raise ValidationError(
            _("Vapaaehtoisella on jo tunnus. Voit lähettää aktivointilinkin uudelleen."),
            code="exists",
        )
    user = existing.user if existing is not None else None
    username = _username_for(volunteer, current=user)
    if user is None:
        user = User(kind=UserKind.VOLUNTEER)
    user.username = username
    user.first_name = volunteer.first_names[:150]
    user.last_name = volunteer.last_name[:150]
    user.email = volunteer.email
    user.organisation_id = volunteer.organisation_id
    user.is_active = True
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user._history_user = actor  # type: ignore[attr-defined]
    user.save()
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    if existing is not None:
        _end_sessions(user)
        portal = existing
        portal.revoked_at = None
        portal.revoked_by = None
        portal.revoke_reason = ""
        portal.activated_at = None
    else:
        portal = PortalAccess(organisation_id=volunteer.organisation_id, volunteer=volunteer)
        portal.user = user
    portal.granted_at = now
    portal.granted_by = actor
    portal.link_sent_at = now if send_link else None
    save_validated(portal, actor=actor, reason=_("Tunnus myönnetty"))
    if send_link:
        _send_link(user, volunteer=volunteer, absolute=absolute)
    return portal


@transaction.atomic
def portal_send_link(
    *, actor: Actor, volunteer: Volunteer, absolute: Callable[[str], str]
) -> PortalAccess:
    """Send a new activation link (the first one expired or was lost). The password is reset,
    so an earlier link stops working; the authenticator app is kept."""
    if not access.may_grant_portal(actor, volunteer):
        raise PermissionDenied
    portal = PortalAccess.objects.filter(volunteer=volunteer).select_related("user").first()
    if portal is None or not portal.in_force:
        raise ValidationError(_("Vapaaehtoisella ei ole voimassa olevaa tunnusta."), code="none")
    user = portal.user
    user.username = _username_for(volunteer, current=user)
    user.email = volunteer.email
    user.set_unusable_password()
    user._history_user = actor  # type: ignore[attr-defined]
    user.save()
    _end_sessions(user)
    portal.link_sent_at = timezone.now()
    portal.activated_at = None
    save_validated(portal, actor=actor, reason=_("Aktivointilinkki lähetetty uudelleen"))
    _send_link(user, volunteer=volunteer, absolute=absolute)
    return portal


def _revoke(portal: PortalAccess, *, actor: Actor, reason: str) -> None:
    user = portal.user
    user.is_active = False
    user._history_user = actor  # type: ignore[attr-defined]
    user.save(update_fields=["is_active"])
    _end_sessions(user)
    portal.revoked_at = timezone.now()
    portal.revoked_by = actor
    portal.revoke_reason = reason[:300]
    save_validated(portal, actor=actor, reason=reason)


@transaction.atomic
def portal_revoke(*, actor: Actor, volunteer: Volunteer, reason: str) -> PortalAccess:
    """Close the volunteer's login now: it cannot log in, and an open session ends on its next
    request. The row stays, with who revoked it and why."""
    if not access.may_manage(actor, volunteer):
        raise PermissionDenied
    reason = (reason or "").strip()
    if len(reason) < REVOKE_REASON_MIN_LENGTH:
        raise ValidationError(
            {
                "reason": _("Kirjoita perumisen syy (vähintään %(count)d merkkiä).")
                % {"count": REVOKE_REASON_MIN_LENGTH}
            }
        )
    portal = PortalAccess.objects.filter(volunteer=volunteer).select_related("user").first()
    if portal is None or not portal.in_force:
        raise ValidationError(_("Vapaaehtoisella ei ole voimassa olevaa tunnusta."), code="none")
    _revoke(portal, actor=actor, reason=reason)
    return portal


def portal_revoke_on_end(*, actor: Actor, volunteer: Volunteer) -> None:
    """Ending a volunteer closes their login (called by ``volunteer_set_status``, which has
    checked the actor and holds the volunteer's lock)."""
    portal = PortalAccess.objects.filter(volunteer=volunteer).select_related("user").first()
    if portal is not None and portal.in_force:
        _revoke(portal, actor=actor, reason=_("Vapaaehtoinen lopetti"))


def activation_user(uidb64: str, token: str) -> User | None:
    """The volunteer login of a valid activation link whose access is in force, else None.

    Runs for an anonymous request (whose scope reads nothing): the login's own organisation
    is the scope of the check.
    """
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=pk, kind=UserKind.VOLUNTEER, is_active=True).first()
    if user is None or user.organisation_id is None:
        return None
    if not activation_tokens.check_token(user, token):
        return None
    with scope(organisation=user.organisation_id):
        if access.portal_volunteer_of(user) is None:
            return None
    return user


@transaction.atomic
def portal_activate(*, user: User, password: str) -> None:
    """Set the first password of a volunteer login (the activation link's form validated it).

    The link stops working: the token is signed with the password hash.
    """
    with scope(organisation=user.organisation_id):
        if access.portal_volunteer_of(user) is None:
            raise PermissionDenied
        user.set_password(password)
        user._history_user = user  # type: ignore[attr-defined]
        user.save(update_fields=["password"])
        PortalAccess.objects.filter(user=user).update(activated_at=timezone.now())


@transaction.atomic
def own_contact_update(*, actor: Actor, volunteer: Volunteer, **contact: str) -> Volunteer:
    """The volunteer keeps their own contact data up to date (the change history records it)."""
    require_own(actor, volunteer)
    unknown = set(contact) - set(OWN_CONTACT_FIELDS)
    if unknown:
        raise PermissionDenied
    volunteer = lock_volunteer(volunteer)
    if volunteer.status == Status.ENDED:
        raise PermissionDenied
    for field, value in contact.items():
        setattr(volunteer, field, (value or "").strip())
    save_validated(volunteer, actor=actor, reason=_("Vapaaehtoinen päivitti yhteystietonsa"))
    return volunteer
