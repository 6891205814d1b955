"""What the accounts app adds to the shared pages (see ``tupa.core.registry``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tupa.core import registry

from . import lockout_admin

registry.nav_links.register(
    registry.NavLink("accounts:staff_list", _("Henkilöstö"), "account.view", order=40),
)
registry.admin_extensions.register(
    registry.AdminExtension(
        "login_lockouts",
        app_label="accounts",
        urls=lockout_admin.urls,
        app_list_entry=lockout_admin.app_list_entry,
    ),
)
