"""The authentication backend: Django's model backend, with the user's organisation."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from .models import User


class UserBackend(ModelBackend):
    """Django's :class:`~django.contrib.auth.backends.ModelBackend`, except that the signed-in
    user is read with her organisation in the same query: every page shows the organisation
    (the navigation and its name), which cost a query of its own on every request.

    Authentication, the refusal of inactive accounts and the permissions are the model
    backend's own.
    """

    def get_user(self, user_id: Any) -> User | None:  # type: ignore[override]
        try:
            user = User._default_manager.select_related("organisation").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
