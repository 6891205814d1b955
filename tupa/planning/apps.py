from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "tupa.planning"
    label = "planning"
    verbose_name = _("Toimintasuunnitelma")

    def ready(self) -> None:
        from . import registrations  # noqa: F401
