"""Login lockouts in the configuration admin (``/hallinta/lukitukset/``).

The lock page tells a locked-out worker to ask an administrator. Here the administrator sees the
accounts of their organisation that are locked right now (django-axes: too many failed logins
within the cool-off) and can lift one with a written reason. The lift and its reason go to the
security event log, which the data-protection officer reads (``/lokit/turvallisuus/``).
django-axes' own admin for the attempts is not offered: a lift must always leave its record.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tupa.access import accounts as access
from tupa.access.marks import user_of

from . import security, services
from .models import User

ACTION = "account.lockout.lift"


def may_manage_lockouts(request: HttpRequest) -> bool:
    """:func:`tupa.access.accounts.may_manage_lockouts` for the user of an admin request."""
    return access.may_manage_lockouts(user_of(request))


def _organisation_id(request: HttpRequest) -> int | None:
    """None for the platform operator (every organisation), else the administrator's own."""
    return access.administered_organisation_of(user_of(request))


class LockoutLiftForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Syy lukituksen poistamiseen"),
        help_text=gettext_lazy(
            "Esimerkiksi miten varmistit, että pyyntö tuli tunnuksen omistajalta. "
            "Syy näkyy tietosuojavastaavalle."
        ),
        min_length=services.LOCKOUT_REASON_MIN_LENGTH,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": gettext_lazy("Kirjoita syy."),
            "min_length": gettext_lazy("Kirjoita syy, vähintään %(limit_value)d merkkiä."),
        },
    )


def lockout_list(request: HttpRequest, site: admin.AdminSite) -> HttpResponse:
    if not may_manage_lockouts(request):
        raise PermissionDenied
    context = {
        **site.each_context(request),
        "title": _("Kirjautumisen lukitukset"),
        "lockouts": security.current_lockouts(organisation_id=_organisation_id(request)),
        "cool_off_minutes": int(security.cool_off().total_seconds() // 60),
    }
    return TemplateResponse(request, "admin/accounts/lockouts.html", context)


def lockout_lift(request: HttpRequest, user_id: int, site: admin.AdminSite) -> HttpResponse:
    if not may_manage_lockouts(request):
        raise PermissionDenied
    users = User._default_manager.all()
    organisation_id = _organisation_id(request)
    if organisation_id is not None:
        users = users.filter(organisation_id=organisation_id)
    user = get_object_or_404(users, pk=user_id)
    list_url = reverse("admin:accounts_lockouts", current_app=site.name)
    lock = security.lockout_of(user)
    if lock is None:
        messages.info(request, _("Tunnus ei ole lukittuna."))
        return HttpResponseRedirect(list_url)
    form = LockoutLiftForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.lockout_lift(
                actor=user_of(request),
                user=user,
                reason=form.cleaned_data["reason"],
            )
        except services.NotLockedOut:
            messages.info(request, _("Tunnus ei ole lukittuna."))
            return HttpResponseRedirect(list_url)
        except ValidationError as exc:
            form.add_error("reason", exc)
        else:
            messages.success(
                request,
                _("Käyttäjän %(name)s lukitus poistettiin. Hän voi kirjautua heti.")
                % {"name": user.get_full_name() or user.username},
            )
            return HttpResponseRedirect(list_url)
    context = {
        **site.each_context(request),
        "title": _("Poista lukitus"),
        "locked_user": user,
        "lock": lock,
        "form": form,
        "list_url": list_url,
    }
    return TemplateResponse(request, "admin/accounts/lockout_lift.html", context)


def urls(site: admin.AdminSite) -> list[URLPattern]:
    def wrap(view: Any) -> Any:
        def bound(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            return view(request, *args, site=site, **kwargs)

        return site.admin_view(bound)

    return [
        path("lukitukset/", wrap(lockout_list), name="accounts_lockouts"),
        path(
            "lukitukset/<int:user_id>/poista/",
            wrap(lockout_lift),
            name="accounts_lockout_lift",
        ),
    ]


def app_list_entry(request: HttpRequest, site: admin.AdminSite) -> dict[str, Any] | None:
    """The "Kirjautumisen lukitukset" row of the admin index, under the accounts app."""
    if not may_manage_lockouts(request):
        return None
    return {
        "name": _("Kirjautumisen lukitukset"),
        "object_name": "Lockout",
        "perms": {"add": False, "change": False, "delete": False, "view": True},
        "admin_url": reverse("admin:accounts_lockouts", current_app=site.name),
        "add_url": None,
        "view_only": True,
    }
