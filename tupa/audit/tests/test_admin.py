"""The access log in the admin is read-only and visible only to the DPO."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory

from tupa.accounts.models import Role
from tupa.audit.models import AccessEvent
from tupa.audit.tests.builders import make_organisation
from tupa.core.tests.factories import org_role_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "may_view"),
    [
        (Role.DATA_PROTECTION_OFFICER, True),
        (Role.ADMINISTRATOR, False),
        (Role.EXECUTIVE_DIRECTOR, False),
    ],
)
def test_access_event_admin_is_read_only(role: str, may_view: bool) -> None:
    model_admin = admin.site._registry[AccessEvent]
    request = RequestFactory().get("/")
    request.user = org_role_user(make_organisation(), role, is_staff=True, is_superuser=True)
    event = AccessEvent()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
    assert model_admin.get_actions(request) == {}
    assert model_admin.has_view_permission(request, event) is may_view
    assert model_admin.has_module_permission(request) is may_view
