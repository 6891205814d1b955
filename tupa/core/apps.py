from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default = True
    name = "tupa.core"
    label = "core"
    verbose_name = _("Ydin")

    def ready(self) -> None:
        from . import collector, timestamps
        from .choices import install

        install()  # choice labels translated once per language (tupa/core/choices.py)
        collector.install()  # the cyclic collector frozen after warm-up (tupa/core/collector.py)
        timestamps.install()  # moments read by psycopg's compiled loader (tupa/core/timestamps.py)
