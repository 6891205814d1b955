"""Configuration admin for staff accounts, memberships and second-factor devices.

Access to the admin is decided by :class:`tupa.home.admin_site.TupaAdminSite` and, per model,
by the policy (``configuration.manage``: the administrator role) through
:class:`tupa.organisations.admin.ConfigurationPermissions`. An administrator sees and edits only
the accounts of their own organisation; the platform operator (a superuser without an
organisation) sees all. Accounts are never deleted, only disabled: a disabled account cannot
log in and its open sessions end on their next request.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.forms.models import construct_instance
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from tupa.access import accounts as access
from tupa.access.marks import user_of
from tupa.organisations.admin import (
    ConfigurationAdmin,
    ConfigurationInline,
    ConfigurationPermissions,
    OrganisationHistory,
)
from tupa.organisations.staff import membership_errors

from . import security, services
from .models import Membership, SecurityEvent, User, UserKind


def _is_platform_operator(request: HttpRequest) -> bool:
    return access.is_platform_operator(request.user)


def _own_organisation(request: HttpRequest, queryset: QuerySet[Any], field: str) -> QuerySet[Any]:
    if _is_platform_operator(request):
        return queryset
    return queryset.filter(**{field: getattr(request.user, "organisation_id", None)})


# --------------------------------------------------------------------------- memberships


class MembershipPeriodFilter(admin.SimpleListFilter):
    title = _("voimassaolo")
    parameter_name = "voimassa"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("active", _("voimassa tänään")),
            ("ended", _("päättynyt")),
            ("future", _("alkaa myöhemmin")),
        ]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Membership]
    ) -> QuerySet[Membership]:
        today: date = timezone.localdate()
        value = self.value()
        if value == "active":
            return queryset.filter(
                Q(valid_from__lte=today) & (Q(valid_until__isnull=True) | Q(valid_until__gte=today))
            )
        if value == "ended":
            return queryset.filter(valid_until__lt=today)
        if value == "future":
            return queryset.filter(valid_from__gt=today)
        return queryset


def _is_self(request: HttpRequest, user_id: int | None) -> bool:
    """The account being changed is the administrator's own.

    An administrator configures the access of others, never her own: a role she gave herself
    (a worker in a shelter, the data-protection officer) would open what her role does not.
    Another administrator or the platform operator changes her memberships.
    """
    return user_id is not None and user_id == getattr(request.user, "pk", None)


class MembershipInlineForm(forms.ModelForm):  # type: ignore[type-arg]
    """A membership row on a user's page, checked by the same rules as the membership page."""

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        membership = self.instance
        if self.errors or not self.has_changed() or membership.user_id is None:
            return cleaned
        construct_instance(self, membership, self._meta.fields, self._meta.exclude)
        membership.organisation_id = membership.user.organisation_id
        errors = membership_errors(membership)
        if errors:
            mapped: dict[str | None, list[str]] = {}
            for field, texts in errors.items():
                mapped.setdefault(field if field in self.fields else None, []).extend(texts)
            raise ValidationError(mapped)  # type: ignore[arg-type]
        return cleaned


class MembershipInline(ConfigurationInline):
    form = MembershipInlineForm
    model = Membership
    fk_name = "user"
    fields = (
        "role",
        "service_form",
        "valid_from",
        "valid_until",
        "title",
        "fte_percent",
        "night_shift",
        "hourly_paid",
    )
    ordering = ("-valid_from",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_add_permission(request, obj) and not _is_self(
            request, getattr(obj, "pk", None)
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not _is_self(
            request, getattr(obj, "pk", None)
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not _is_self(
            request, getattr(obj, "pk", None)
        )


@admin.register(Membership)
class MembershipAdmin(ConfigurationAdmin):
    business_rules = staticmethod(membership_errors)
    list_display = (
        "user",
        "role",
        "service_form",
        "valid_from",
        "valid_until",
        "fte_percent",
        "night_shift",
    )
    list_filter = (MembershipPeriodFilter, "role", "service_form", "night_shift", "hourly_paid")
    search_fields = ("user__username", "user__first_name", "user__last_name", "title")
    list_select_related = ("user", "service_form")
    date_hierarchy = "valid_from"
    ordering = ("user__last_name", "user__first_name", "-valid_from")
    fields = (
        "user",
        "role",
        "service_form",
        ("valid_from", "valid_until"),
        "title",
        "fte_percent",
        "night_shift",
        "hourly_paid",
    )

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "user" and field is not None:
            field.queryset = field.queryset.exclude(pk=getattr(request.user, "pk", None))
        return field

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not (
            obj is not None and _is_self(request, obj.user_id)
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not (
            obj is not None and _is_self(request, obj.user_id)
        )


# --------------------------------------------------------------------------- users


@admin.register(User)
class UserAdmin(OrganisationHistory, ConfigurationPermissions, SimpleHistoryAdmin, DjangoUserAdmin):  # type: ignore[misc]
    list_display = (
        "username",
        "first_name",
        "last_name",
        "title",
        "organisation",
        "is_active",
        "last_login",
    )
    list_filter = ("is_active", "is_staff", "preferred_language")
    search_fields = ("username", "first_name", "last_name", "email", "title")
    ordering = ("last_name", "first_name", "username")
    readonly_fields = ("last_login", "date_joined", "session_generation")
    inlines = (MembershipInline,)
    actions = ("logout_everywhere",)
    history_list_display = ("is_active", "title", "organisation")

    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "first_name",
                    "last_name",
                    "email",
                    "title",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            fieldsets: list[Any] = list(self.add_fieldsets)
            if _is_platform_operator(request):
                fieldsets.append((_("Organisaatio"), {"fields": ("organisation",)}))
            return fieldsets
        permissions: tuple[str, ...] = ("is_active", "is_staff")
        if obj.kind == UserKind.VOLUNTEER:
            # A volunteer's own login is never staff and holds no role (ADR 0011).
            permissions = ("is_active",)
        elif _is_platform_operator(request):
            permissions = (*permissions, "is_superuser", "groups", "user_permissions")
        return (
            (None, {"fields": ("username", "password")}),
            (
                _("Henkilötiedot"),
                {
                    "fields": (
                        "first_name",
                        "last_name",
                        "email",
                        "phone",
                        "title",
                        "preferred_language",
                    )
                },
            ),
            (_("Organisaatio"), {"fields": ("organisation",)}),
            (_("Käyttöoikeudet"), {"fields": permissions}),
            (
                _("Kirjautuminen ja istunnot"),
                {"fields": ("last_login", "date_joined", "session_generation")},
            ),
        )

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.kind == UserKind.VOLUNTEER:
            return ()
        return super().get_inlines(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not _is_platform_operator(request):
            fields.append("organisation")
        return fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return _own_organisation(
            request, super().get_queryset(request), "organisation_id"
        ).select_related("organisation")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Accounts are disabled, never deleted: the access log and history refer to them.
        return False

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if not _is_platform_operator(request):
            obj.organisation_id = user_of(request).organisation_id
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is Membership:
            for membership_form in formset.forms:
                membership = membership_form.instance
                if membership.organisation_id is None:
                    membership.organisation_id = form.instance.organisation_id
        super().save_formset(request, form, formset, change)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            # Only a valid form redirects: the password was set. Recorded for the DPO.
            user = self.get_object(request, id)
            if user is not None:
                security.record_account_reset(
                    request=request, kind=SecurityEvent.Kind.PASSWORD_RESET, user=user
                )
        return response

    @admin.action(description=_("Kirjaa valitut ulos kaikilta laitteilta"))
    def logout_everywhere(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = 0
        for user in queryset:
            services.user_logout_everywhere(actor=user_of(request), user=user)
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d käyttäjä kirjattiin ulos kaikilta laitteilta.",
                "%(count)d käyttäjää kirjattiin ulos kaikilta laitteilta.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


# --------------------------------------------------------------------------- second-factor devices
# django-otp registers its own admins, which list every tenant's devices and can show secret
# keys and recovery codes. Replace them: own organisation only, no secrets, no adding (a device
# is enrolled by its owner). Deleting a device is how an administrator resets a lost phone.


class _DeviceAdmin(ConfigurationPermissions, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "name", "confirmed", "created_at", "last_used_at")
    list_filter = ("confirmed",)
    search_fields = ("user__username", "user__first_name", "user__last_name")
    list_select_related = ("user",)
    fields = ("user", "name", "confirmed", "created_at", "last_used_at", "throttling_failure_count")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return _own_organisation(request, super().get_queryset(request), "user__organisation_id")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        security.record_account_reset(
            request=request, kind=SecurityEvent.Kind.SECOND_FACTOR_RESET, user=obj.user
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for device in queryset.select_related("user"):
            security.record_account_reset(
                request=request, kind=SecurityEvent.Kind.SECOND_FACTOR_RESET, user=device.user
            )
        super().delete_queryset(request, queryset)


for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(_DeviceAdmin):
    pass


@admin.register(StaticDevice)
class StaticDeviceAdmin(_DeviceAdmin):
    pass


# --------------------------------------------------------------------------- login lockouts
# Lockouts are shown and lifted on Tupa's own admin pages (tupa.accounts.lockout_admin), where
# every lift needs a reason and is recorded for the DPO. django-axes' admin for its attempt rows
# would let a superuser delete them without a trace, so it is not offered.
if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
