from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default = True
    name = "tupa.core"
    label = "core"
    verbose_name = _("Ydin")


class TupaAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "tupa.core.admin_site.TupaAdminSite"
