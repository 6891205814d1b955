"""Reads of the accounts app. Callers run inside the organisation scope (django-scopes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tupa.organisations.models import Organisation

from .models import Membership, User, UserKind


@dataclass(frozen=True)
class TwoFactorStatus:
    app_enabled: bool
    app_last_used: datetime | None
    recovery_codes_left: int

    @property
    def enabled(self) -> bool:
        return self.app_enabled


def two_factor_status(*, user: User) -> TwoFactorStatus:
    app = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()
    codes = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    return TwoFactorStatus(
        app_enabled=app is not None,
        app_last_used=app.last_used_at if app is not None else None,
        recovery_codes_left=codes,
    )


def users_with_app(*, user_ids: list[int]) -> set[int]:
    """Which of the given users have a confirmed authenticator app."""
    return set(
        TOTPDevice.objects.filter(user_id__in=user_ids, confirmed=True).values_list(
            "user_id", flat=True
        )
    )


def active_staff(*, organisation_id: int) -> QuerySet[User]:
    """The active staff logins of one organisation, by name: the choices wherever a member of
    staff is picked (a leader, an interviewer, a supervisor). Volunteers' own logins
    (``UserKind.VOLUNTEER``) are never among them."""
    return User.objects.filter(
        organisation_id=organisation_id, is_active=True, kind=UserKind.STAFF
    ).order_by("last_name", "first_name", "username")


def staff_of(*, organisation: Organisation) -> QuerySet[User]:
    """Staff of one organisation (volunteers' own logins excluded); memberships valid today in
    ``active_memberships``."""
    today = timezone.localdate()
    active = (
        Membership.objects.active(on=today)
        .filter(organisation=organisation)
        .select_related("service_form")
        .order_by("service_form__name", "role")
    )
    return (
        User.objects.filter(organisation=organisation, kind=UserKind.STAFF)
        .prefetch_related(Prefetch("memberships", queryset=active, to_attr="active_memberships"))
        .order_by("last_name", "first_name", "username")
    )


def memberships_of(*, user: User) -> QuerySet[Membership]:
    """Every membership of the user in their own organisation, newest first (incl. ended ones)."""
    if user.organisation_id is None:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user, organisation_id=user.organisation_id)
        .select_related("service_form")
        .order_by("-valid_from", "service_form__name", "role")
    )


def has_recovery_device(*, user: User) -> bool:
    return StaticDevice.objects.filter(user=user, confirmed=True).exists()
