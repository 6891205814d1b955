"""The one-time activation link of a volunteer's login (set the first password).

Django's password-reset token with a salt of its own: it is signed with the login's password
hash, last login and ``session_generation``, so it stops working once the password is set, the
access is granted again (the password is reset) or revoked (the sessions end). It expires after
``PASSWORD_RESET_TIMEOUT`` (three days by default).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "tupa.volunteers.portal.tokens.ActivationTokenGenerator"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        generation = getattr(user, "session_generation", 0)
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}{generation}"


activation_tokens = ActivationTokenGenerator()
