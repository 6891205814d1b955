"""Staff accounts and memberships as the organisation structure needs them.

These two services belong conceptually to ``tupa.accounts`` (owned by the accounts work);
they live here so that the demo builder and the organisation configuration have one write
path now. If ``tupa/accounts/services.py`` later gains equivalents, this module should
re-export them instead of keeping its own copy.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_scopes import scope

from tupa.accounts.models import EITHER_SCOPE_ROLES, SERVICE_FORM_ROLES, Membership, Role, User
from tupa.core.saving import save_validated

from .models import Organisation, ServiceForm


@transaction.atomic
def staff_user_create(
    *,
    actor: User | None,
    organisation: Organisation,
    username: str,
    first_name: str,
    last_name: str,
    title: str = "",
    password: str | None,
    password_hash: str | None = None,
    email: str = "",
    is_staff: bool = False,
    preferred_language: str = "fi",
) -> User:
    """Create a staff account of ``organisation``.

    Give either ``password`` (checked against the password validators, then hashed) or an
    already hashed ``password_hash`` (the demo builder hashes its shared demo password once:
    Argon2 is deliberately slow). With neither, the account has an unusable password.
    """
    if password is not None and password_hash is not None:
        raise ValueError("give password or password_hash, not both")
    user = User(
        organisation=organisation,
        username=username,
        first_name=first_name,
        last_name=last_name,
        title=title,
        email=email,
        is_staff=is_staff,
        preferred_language=preferred_language,
    )
    if password is not None:
        validate_password(password, user=user)
        user.set_password(password)
    elif password_hash is not None:
        user.password = password_hash
    else:
        user.set_unusable_password()
    save_validated(user, actor=actor)
    return user


def membership_errors(membership: Membership) -> dict[str, list[str]]:
    """Rules of a membership with Finnish messages (the database has the same as constraints)."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    m = membership
    if m.role in SERVICE_FORM_ROLES and m.service_form_id is None:
        add("service_form", _("Tämä rooli annetaan aina jossakin työmuodossa: valitse työmuoto."))
    if (
        m.role not in SERVICE_FORM_ROLES
        and m.role not in EITHER_SCOPE_ROLES
        and m.service_form_id is not None
    ):
        add("service_form", _("Tämä rooli koskee koko organisaatiota: älä valitse työmuotoa."))
    if m.valid_until is not None and m.valid_from is not None and m.valid_until < m.valid_from:
        add("valid_until", _("Jäsenyys ei voi päättyä ennen kuin se alkaa."))
    if not 1 <= m.fte_percent <= 100:
        add("fte_percent", _("Työaikaprosentin on oltava 1–100."))
    if m.user.organisation_id != m.organisation_id:
        add("user", _("Käyttäjä kuuluu toiseen organisaatioon."))
    if m.service_form_id is not None and m.service_form.organisation_id != m.organisation_id:  # type: ignore[union-attr]
        add("service_form", _("Työmuoto kuuluu toiseen organisaatioon."))
    return errors


@transaction.atomic
def membership_grant(
    *,
    actor: User | None,
    user: User,
    role: str,
    service_form: ServiceForm | None = None,
    valid_from: date,
    valid_until: date | None = None,
    title: str = "",
    fte_percent: int = 100,
    night_shift: bool = False,
    hourly_paid: bool = False,
) -> Membership:
    """Give ``user`` a role, in a service form or organisation-wide, for a period."""
    if user.organisation_id is None:
        raise ValidationError({"user": _("Käyttäjä ei kuulu mihinkään organisaatioon.")})
    if role not in Role.values:
        raise ValidationError({"role": _("Tuntematon rooli.")})
    membership = Membership(
        organisation_id=user.organisation_id,
        user=user,
        role=role,
        service_form=service_form,
        valid_from=valid_from,
        valid_until=valid_until,
        title=title,
        fte_percent=fte_percent,
        night_shift=night_shift,
        hourly_paid=hourly_paid,
    )
    errors = membership_errors(membership)
    if errors:
        raise ValidationError(errors)
    with scope(organisation=user.organisation_id):
        save_validated(membership, actor=actor)
    return membership
