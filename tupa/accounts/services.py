"""Writes of the accounts app: second-factor devices, recovery codes, passwords, sessions,
lifting a login lockout.

Every function is keyword-only and takes the acting user as ``actor``.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.models import Device, VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tupa.access import accounts as access

from . import security
from .forms import is_totp_shaped
from .models import SecurityEvent, User

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Todennussovellus"
RECOVERY_DEVICE_NAME = "Varakoodit"


class SecondFactorThrottled(Exception):
    """Too many wrong codes in a row: django-otp refuses to verify until ``locked_until``."""

    def __init__(self, locked_until: datetime | None) -> None:
        super().__init__("second factor throttled")
        self.locked_until = locked_until

    @property
    def seconds_left(self) -> int:
        if self.locked_until is None:
            return 1
        return max(1, int((self.locked_until - timezone.now()).total_seconds() + 0.999))


def _throttle_of(device: Device) -> SecondFactorThrottled | None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    if data and data.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
        return SecondFactorThrottled(data.get("locked_until"))
    return SecondFactorThrottled(None)


@transaction.atomic
def second_factor_verify(*, actor: User, token: str) -> Device | None:
    """Check ``token`` against the user's confirmed devices; the device that accepted it, or None.

    A six-digit token is checked against the authenticator app (TOTP), anything else against the
    recovery codes (a matching recovery code is consumed). Only the devices of the matching kind
    are tried, so a recovery code does not count as a failed TOTP attempt. Raises
    :class:`SecondFactorThrottled` while django-otp's exponential back-off is in force.
    """
    wanted = TOTPDevice if is_totp_shaped(token) else StaticDevice
    devices = [
        d for d in devices_for_user(actor, confirmed=True, for_verify=True) if isinstance(d, wanted)
    ]
    throttled: SecondFactorThrottled | None = None
    for device in devices:
        blocked = _throttle_of(device)
        if blocked is not None:
            throttled = blocked
            continue
        if device.verify_token(token):
            return device
    # The security event log (fail-safe): a wrong or throttled code is a failed login.
    security.record_second_factor_failed(user=actor)
    if throttled is not None:
        raise throttled
    return None


@transaction.atomic
def totp_device_start(*, actor: User) -> TOTPDevice:
    """The user's pending (unconfirmed) authenticator device; created on first call.

    Re-using the pending device keeps the secret stable if the set-up page is reloaded.
    """
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, actor: User, device: TOTPDevice, token: str) -> bool:
    """Confirm a pending device with a code it generated; replaces any earlier app.

    Raises :class:`SecondFactorThrottled` while wrong codes are being throttled.
    """
    if device.user_id != actor.pk or device.confirmed:
        raise PermissionDenied
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    blocked = _throttle_of(device)
    if blocked is not None:
        raise blocked
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
    return True


def user_has_second_factor(*, user: User) -> bool:
    """Whether the user has any confirmed device (app or recovery codes) to verify with."""
    return any(True for _ in devices_for_user(user, confirmed=True))


@transaction.atomic
def recovery_codes_regenerate(*, actor: User) -> list[str]:
    """Replace the user's recovery codes with ten new one-time codes and return them.

    The codes are shown to the user once; earlier codes stop working immediately.
    """
    device, _created = StaticDevice.objects.get_or_create(
        user=actor, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    StaticDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    device.token_set.all().delete()
    device.throttle_reset()
    codes: list[str] = []
    while len(codes) < RECOVERY_CODE_COUNT:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def user_change_password(*, actor: User, new_password: str) -> None:
    """Set the actor's own password (already validated by the form).

    Changing the password changes the session hash: every other session of the user ends.
    """
    actor.set_password(new_password)
    actor.save(update_fields=["password"])


@transaction.atomic
def user_logout_everywhere(*, actor: User, user: User) -> None:
    """End every session of ``user`` on every device ("log out everywhere").

    ``session_generation`` is mixed into the session auth hash, so incrementing it makes every
    existing session fail verification on its next request. The user may do this to themself;
    an administrator of the same organisation may do it to anyone in it.
    """
    if not access.may_end_sessions(actor=actor, user=user):
        raise PermissionDenied
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])


#: A lockout is lifted only with a written reason of at least this many characters.
LOCKOUT_REASON_MIN_LENGTH = 10


class NotLockedOut(Exception):
    """The account is not locked out (any more): there is nothing to lift."""


@transaction.atomic
def lockout_lift(*, actor: User, user: User, reason: str) -> None:
    """Lift ``user``'s login lockout now; the lift and its reason go to the security event log.

    Fail-closed: the lift and its record are one transaction, so a lift that cannot be recorded
    does not happen. Raises :class:`NotLockedOut` when the lock has already ended.
    """
    from axes.utils import reset

    if not access.may_lift_lockout(actor=actor, user=user):
        raise PermissionDenied
    reason = (reason or "").strip()
    if len(reason) < LOCKOUT_REASON_MIN_LENGTH:
        raise ValidationError(
            _("Kirjoita syy, vähintään %(count)d merkkiä.") % {"count": LOCKOUT_REASON_MIN_LENGTH},
            code="reason",
        )
    if security.lockout_of(user) is None:
        raise NotLockedOut
    reset(username=user.username)
    SecurityEvent.objects.create(
        kind=SecurityEvent.Kind.LOCKOUT_LIFTED,
        organisation_id=user.organisation_id,
        user=user,
        actor=actor,
        reason=reason,
        request_id=security.request_id(),
    )
