"""The access log in the admin: read-only, and only for whoever may browse the log (the DPO)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tupa.access import policy
from tupa.access.marks import user_of
from tupa.audit.models import AccessEvent


@admin.register(AccessEvent)
class AccessEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "occurred_at",
        "user",
        "subject_type",
        "subject_id",
        "action",
        "basis",
        "request_id",
    )
    list_filter = ("action", "basis")
    list_select_related = ("user", "subject_type")
    date_hierarchy = "occurred_at"
    actions = None
    readonly_fields = [f.name for f in AccessEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Same rule as the access-log page: an administrator does not read the log.
        return bool(policy.decide(user_of(request), "audit.browse"))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)
