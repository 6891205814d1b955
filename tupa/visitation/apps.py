from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitationConfig(AppConfig):
    name = "tupa.visitation"
    label = "visitation"
    verbose_name = _("Valvotut tapaamiset")
