"""Configuration admin for the organisation structure and master data.

Who may use it is decided by :mod:`tupa.access.policy` (``configuration.manage``: the
administrator role), not by Django's model permissions, so a membership is all an
administrator needs. Every change is kept by django-simple-history with who and when (the
"Historia" button of each object). Querysets are scoped to the administrator's
organisation by ``OrganisationScopeMiddleware``; new rows get the organisation
automatically, and person pickers list only the organisation's own staff.

:class:`ConfigurationAdmin` and :class:`ConfigurationInline` are the base classes for every
app's configuration admin (``tupa.finance.admin`` uses them too).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, QuerySet
from django.forms.models import construct_instance
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from tupa.access import organisations
from tupa.access.accounts import is_platform_operator
from tupa.access.marks import user_of
from tupa.accounts.models import User, UserKind

from .models import (
    Area,
    DataProtectionProfile,
    Funder,
    Municipality,
    Organisation,
    Partner,
    PartnerRole,
    RegisterDescription,
    ServiceForm,
    ServiceFormFunding,
    StrategicTheme,
    Team,
    Value,
    WorkingGroup,
    WorkingGroupMember,
)
from .services import service_form_errors


def may_configure(request: HttpRequest) -> bool:
    """:func:`tupa.access.organisations.may_configure` for the user of an admin request."""
    return organisations.may_configure(user_of(request))


class ConfigurationPermissions:
    """Model-admin permissions answered by the policy instead of Django's model permissions."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_configure(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_configure(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return may_configure(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_configure(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_configure(request)


class OrganisationHistory:
    """django-simple-history's history pages, kept inside the administrator's organisation.

    The library finds an object missing from the admin's queryset in the (unscoped) history
    table instead, and saves a POSTed version form although reverting is switched off
    (``SIMPLE_HISTORY_REVERT_DISABLED``): another organisation's rows could be read and
    changed that way. Here an object's history opens only if the object is in the
    administrator's list, or was deleted from it (its last version is the organisation's);
    a version's form is read-only.
    """

    model: type[models.Model]

    def _history_object_or_404(self, request: HttpRequest, object_id: str) -> None:
        if is_platform_operator(request.user):
            return
        pk = unquote(object_id)
        try:
            if self.get_queryset(request).filter(pk=pk).exists():  # type: ignore[attr-defined]
                return
            history = getattr(self.model, self.model._meta.simple_history_manager_attribute)  # type: ignore[attr-defined]
            last = history.filter(**{self.model._meta.pk.attname: pk}).order_by(  # type: ignore[union-attr]
                "-history_date"
            )
            record = last.first()
        except (ValueError, TypeError, ValidationError):
            raise Http404 from None
        own = getattr(request.user, "organisation_id", None)
        if record is None or own is None:
            raise Http404
        if self.model is Organisation:
            belongs = record.pk == own or getattr(record, "id", None) == own
        else:
            belongs = getattr(record, "organisation_id", None) == own
        if not belongs:
            raise Http404

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        self._history_object_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)  # type: ignore[misc,no-any-return]

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied  # reverting is switched off: a version is only shown
        self._history_object_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)  # type: ignore[misc,no-any-return]


def _limit_users(
    db_field: models.ForeignKey[Any, Any], request: HttpRequest, kwargs: dict[str, Any]
) -> None:
    """Person pickers list only active staff of the administrator's own organisation."""
    if db_field.related_model is User and "queryset" not in kwargs:
        org_id = getattr(request.user, "organisation_id", None)
        users = User.objects.filter(is_active=True, kind=UserKind.STAFF).order_by(
            "last_name", "first_name"
        )
        kwargs["queryset"] = users.filter(organisation_id=org_id) if org_id is not None else users


class ConfigurationInline(ConfigurationPermissions, admin.TabularInline):  # type: ignore[type-arg]
    extra = 0

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        _limit_users(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ConfigurationAdmin(OrganisationHistory, ConfigurationPermissions, SimpleHistoryAdmin):  # type: ignore[type-arg]
    """Base admin for an organisation-scoped model with change history."""

    #: Form-level business rules: a function returning ``{field: [messages]}`` for the instance.
    business_rules: Any = None
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        exclude = list(super().get_exclude(request, obj) or [])
        if self._is_scoped() and not is_platform_operator(request.user):
            exclude.append("organisation")
        return exclude

    def _is_scoped(self) -> bool:
        return any(f.name == "organisation" for f in self.model._meta.fields)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)
        org_id = getattr(request.user, "organisation_id", None) if self._is_scoped() else None
        rules = type(self).business_rules

        class ConfigurationForm(form_class):  # type: ignore[valid-type, misc]
            def __init__(self, *args: Any, **kw: Any) -> None:
                super().__init__(*args, **kw)
                if org_id is not None and getattr(self.instance, "organisation_id", None) is None:
                    self.instance.organisation_id = org_id

            def _get_validation_exclusions(self) -> set[str]:
                # The organisation is set on the instance, not in the form: still validate the
                # per-organisation uniqueness constraints that include it.
                exclusions = set(super()._get_validation_exclusions())
                exclusions.discard("organisation")
                return exclusions

            def clean(self) -> dict[str, Any]:
                cleaned = super().clean()
                if rules is not None and not self.errors:
                    construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
                    messages = rules(self.instance)
                    if messages:
                        mapped: dict[str | None, list[str]] = {}
                        for field, texts in messages.items():
                            key = field if field in self.fields else None
                            mapped.setdefault(key, []).extend(texts)
                        raise ValidationError(mapped)  # type: ignore[arg-type]
                return cleaned

        return ConfigurationForm

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        _limit_users(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# --------------------------------------------------------------------------- organisation


@admin.register(Organisation)
class OrganisationAdmin(ConfigurationAdmin):
    list_display = ("name", "short_name", "slug", "business_id", "federation_member")
    search_fields = ("name", "short_name", "slug")
    readonly_fields = ("slug", "created_at", "updated_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organisation]:
        # Organisation is not a scoped model: an administrator sees only their own.
        queryset = super().get_queryset(request)
        if is_platform_operator(request.user):
            return queryset
        return queryset.filter(pk=getattr(request.user, "organisation_id", None))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if is_platform_operator(request.user):
            return ("created_at", "updated_at")
        return self.readonly_fields

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_platform_operator(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Area)
class AreaAdmin(ConfigurationAdmin):
    list_display = ("name", "kind", "order")
    list_filter = ("kind",)
    search_fields = ("name",)
    ordering = ("order", "name")


@admin.register(Team)
class TeamAdmin(ConfigurationAdmin):
    list_display = ("name", "area", "line_manager", "meeting_frequency", "order")
    list_filter = ("area",)
    search_fields = ("name", "line_manager__first_name", "line_manager__last_name")
    list_select_related = ("area", "line_manager")
    ordering = ("area__order", "order", "name")


# --------------------------------------------------------------------------- service forms


class ServiceFormFundingInline(ConfigurationInline):
    model = ServiceFormFunding
    fields = ("funder", "type", "note")
    autocomplete_fields = ("funder",)


@admin.register(ServiceForm)
class ServiceFormAdmin(ConfigurationAdmin):
    business_rules = staticmethod(service_form_errors)
    list_display = ("name", "area", "team", "kind", "register", "operator", "start_year", "active")
    list_filter = ("area", "kind", "register", "operator", "active", "trademark")
    search_fields = ("name", "slug", "description")
    list_select_related = ("area", "team")
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("area__order", "order", "name")
    inlines = (ServiceFormFundingInline,)
    autocomplete_fields = ("operating_partner", "national_coordinator")
    fieldsets = (
        (None, {"fields": ("name", "slug", "area", "team", "description", "order", "active")}),
        (_("Toiminta"), {"fields": ("kind", "register", "operator", "operating_partner")}),
        (
            _("Ominaisuudet"),
            {
                "fields": (
                    ("capacity", "capacity_unit"),
                    "open_24h",
                    "free_of_charge",
                    "anonymous_allowed",
                    "trademark",
                    "national_coordinator",
                    "quality_criteria",
                    "violence_work",
                    "pregnancy_stays",
                    ("adult_service_task", "child_service_task"),
                )
            },
        ),
        (
            _("Historia ja hanke"),
            {"fields": ("start_year", "start_note", ("project_start", "project_end"))},
        ),
    )


# --------------------------------------------------------------------------- partners and funders


class PartnerRoleInline(ConfigurationInline):
    model = PartnerRole
    fields = ("role",)


@admin.register(Partner)
class PartnerAdmin(ConfigurationAdmin):
    list_display = ("name", "kind", "role_list", "municipality", "active")
    list_filter = ("kind", "roles__role", "active")
    search_fields = ("name", "business_id", "description")
    list_select_related = ("municipality",)
    inlines = (PartnerRoleInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Partner]:
        return super().get_queryset(request).prefetch_related("roles")

    @admin.display(description=_("roolit"))
    def role_list(self, obj: Partner) -> str:
        return ", ".join(str(r.get_role_display()) for r in obj.roles.all())


@admin.register(Funder)
class FunderAdmin(ConfigurationAdmin):
    list_display = ("name", "category", "partner", "service_form_count")
    list_filter = ("category",)
    search_fields = ("name", "partner__name")
    list_select_related = ("partner",)
    autocomplete_fields = ("partner",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Funder]:
        return (
            super()
            .get_queryset(request)
            .annotate(_service_forms=Count("fundings__service_form", distinct=True))
        )

    @admin.display(description=_("työmuotoja"), ordering="_service_forms")
    def service_form_count(self, obj: Funder) -> int:
        return obj._service_forms  # type: ignore[attr-defined,no-any-return]


# --------------------------------------------------------------------------- working groups


class WorkingGroupMemberInline(ConfigurationInline):
    model = WorkingGroupMember
    fields = ("user", "service_form", "role")


@admin.register(WorkingGroup)
class WorkingGroupAdmin(ConfigurationAdmin):
    list_display = (
        "name",
        "short_name",
        "meeting_frequency",
        "member_count",
        "minutes_public_to_staff",
    )
    list_filter = ("minutes_public_to_staff",)
    search_fields = ("name", "short_name", "purpose")
    inlines = (WorkingGroupMemberInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[WorkingGroup]:
        return super().get_queryset(request).annotate(_members=Count("members"))

    @admin.display(description=_("jäseniä"), ordering="_members")
    def member_count(self, obj: WorkingGroup) -> int:
        return obj._members  # type: ignore[attr-defined,no-any-return]


# --------------------------------------------------------------------------- values and themes


@admin.register(Value)
class ValueAdmin(ConfigurationAdmin):
    list_display = ("order", "name")
    list_display_links = ("name",)
    search_fields = ("name", "description")


class HeadingVariantsField(forms.CharField):
    """Heading variants edited as one per line, stored as a JSON list."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(str(v) for v in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        if isinstance(value, list):
            return [str(v) for v in value]
        return [line.strip() for line in str(value or "").splitlines() if line.strip()]


class StrategicThemeForm(forms.ModelForm):  # type: ignore[type-arg]
    heading_variants = HeadingVariantsField(
        label=_("otsikon muunnelmat"), required=False, help_text=_("Yksi muunnelma riviä kohden.")
    )

    class Meta:
        model = StrategicTheme
        fields = (
            "organisation",
            "code",
            "name",
            "description",
            "strategy_name",
            "start_year",
            "end_year",
            "heading_variants",
        )


@admin.register(StrategicTheme)
class StrategicThemeAdmin(ConfigurationAdmin):
    form = StrategicThemeForm
    list_display = ("code", "name", "strategy_name", "start_year", "end_year")
    list_display_links = ("code", "name")
    search_fields = ("code", "name", "description")


# --------------------------------------------------------------------------- municipalities


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Shared reference data: read-only here, maintained with ``manage.py load_municipalities``."""

    list_display = ("code", "name_fi", "name_sv", "region_name_fi", "valid")
    list_filter = ("valid", "region_name_fi")
    search_fields = ("code", "name_fi", "name_sv")
    ordering = ("name_fi",)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_configure(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_configure(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --------------------------------------------------------------------------- data protection
# The register descriptions are generated (tupa.dataprotection.register); here the administrator
# keeps the contacts and the prose parts, with change history. Pages: /organisaatio/rekisterit/.


@admin.register(DataProtectionProfile)
class DataProtectionProfileAdmin(ConfigurationAdmin):
    list_display = ("__str__", "email", "dpo_name", "accessibility_reviewed_on")
    fieldsets = (
        (_("Rekisterinpitäjän yhteystiedot"), {"fields": ("address", "email", "phone")}),
        (_("Tietosuojavastaava"), {"fields": ("dpo_name", "dpo_email", "dpo_phone")}),
        (
            _("Saavutettavuusseloste"),
            {
                "fields": (
                    "accessibility_email",
                    "accessibility_phone",
                    "accessibility_reviewed_on",
                    "accessibility_note",
                )
            },
        ),
    )

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        # One per organisation: the list holds the administrator's own row at most.
        return may_configure(request) and not self.get_queryset(request).exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RegisterDescription)
class RegisterDescriptionAdmin(ConfigurationAdmin):
    list_display = ("service_form", "updated_at")
    list_select_related = ("service_form",)
    search_fields = ("service_form__name",)
    fields = (
        "service_form",
        "purpose",
        "controller_note",
        "legal_basis_note",
        "recipients_note",
        "retention_note",
        "notes",
    )

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "service_form" and "queryset" not in kwargs:
            kwargs["queryset"] = ServiceForm.objects.exclude(register=ServiceForm.Register.NONE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
