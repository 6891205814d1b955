from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tupa.accounts"
    label = "accounts"
    verbose_name = _("Käyttäjät")

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth import user_logged_in, user_login_failed
        from django.contrib.auth.models import update_last_login

        from .security import on_user_locked_out, on_user_login_failed
        from .signals import update_last_login_quietly

        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(update_last_login_quietly, dispatch_uid="tupa_update_last_login")
        # The security event log (docs/security.md): failed logins and lockouts.
        user_login_failed.connect(on_user_login_failed, dispatch_uid="tupa_security_login_failed")
        user_locked_out.connect(on_user_locked_out, dispatch_uid="tupa_security_locked_out")
