from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default = True
    name = "tupa.core"
    label = "core"
    verbose_name = _("Ydin")
