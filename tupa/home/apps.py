from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The top floor: the dashboard, the report list, the navigation and the public statement.

    It reads what the apps registered in :mod:`tupa.core.registry`; ``ready`` imports every
    installed app's ``registrations`` module.
    """

    default = True
    name = "tupa.home"
    label = "home"
    verbose_name = _("Etusivu")

    def ready(self) -> None:
        from tupa.core import registry

        registry.autodiscover()


class TupaAdminConfig(admin_apps.AdminConfig):
    """Django's admin app with Tupa's site (:class:`tupa.home.admin_site.TupaAdminSite`)."""

    default = False
    default_site = "tupa.home.admin_site.TupaAdminSite"
