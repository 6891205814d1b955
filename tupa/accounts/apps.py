from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tupa.accounts"
    label = "accounts"
    verbose_name = _("Käyttäjät")

    def ready(self) -> None:
        from django.contrib.auth import user_logged_in
        from django.contrib.auth.models import update_last_login

        from .signals import update_last_login_quietly

        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(update_last_login_quietly, dispatch_uid="tupa_update_last_login")
