from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EpisodesConfig(AppConfig):
    name = "tupa.episodes"
    label = "episodes"
    verbose_name = _("Asiakkuudet")

    def ready(self) -> None:
        from django.core.signals import request_finished

        from .journal.attachments import discard_rolled_back

        # An attachment's temporary file whose request rolled back is deleted at its end.
        request_finished.connect(discard_rolled_back, dispatch_uid="tupa.attachments.discard")
