"""An administrator's reset of someone's password or second factor is recorded for the DPO.

Setting a new password and deleting the authenticator app is all it takes to log in as that
person (the data-protection officer, a shelter worker). Both are legitimate — a forgotten
password, a lost phone — but neither may happen without a trace.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tupa.accounts.models import Role, SecurityEvent, User
from tupa.core.tests.factories import org_role_user
from tupa.core.tests.helpers import login_verified
from tupa.organisations.models import Organisation

from .helpers import confirmed_device, recovery_codes_for

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "kolme vihreää kanoottia laiturilla"


@pytest.fixture
def administrator(organisation: Organisation) -> User:
    return org_role_user(organisation, Role.ADMINISTRATOR, is_staff=True)


@pytest.fixture
def dpo(organisation: Organisation) -> User:
    return org_role_user(organisation, Role.DATA_PROTECTION_OFFICER, username="tietosuoja")


def test_password_set_by_an_administrator_is_recorded(
    client: Client, administrator: User, dpo: User
) -> None:
    login_verified(client, administrator)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[dpo.pk]),
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    dpo.refresh_from_db()
    assert dpo.check_password(NEW_PASSWORD)
    event = SecurityEvent.objects.get(user=dpo, kind="password_reset")
    assert event.actor == administrator
    assert event.organisation_id == dpo.organisation_id
    assert NEW_PASSWORD not in str(event.__dict__)


def test_a_refused_password_is_not_recorded(client: Client, administrator: User, dpo: User) -> None:
    login_verified(client, administrator)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[dpo.pk]),
        {"usable_password": "true", "password1": "lyhyt", "password2": "lyhyt"},
    )
    assert response.status_code == 200
    assert not SecurityEvent.objects.filter(user=dpo, kind="password_reset").exists()


def test_deleting_someones_second_factor_is_recorded(
    client: Client, administrator: User, dpo: User
) -> None:
    device = confirmed_device(dpo)
    codes = recovery_codes_for(dpo, ["abcd2345"])
    login_verified(client, administrator)
    response = client.post(
        reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("admin:otp_static_staticdevice_changelist"),
        {"action": "delete_selected", "_selected_action": [codes.pk], "post": "yes"},
    )
    assert response.status_code == 302
    events = SecurityEvent.objects.filter(user=dpo, kind="second_factor_reset")
    assert events.count() == 2
    assert {e.actor for e in events} == {administrator}
