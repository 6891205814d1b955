from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidentialConfig(AppConfig):
    name = "tupa.residential"
    label = "residential"
    verbose_name = _("Asumispalvelut")
