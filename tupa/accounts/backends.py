"""The authentication backend: Django's model backend, with the user's organisation."""

from __future__ import annotations

from typing import Any, Final

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from tupa.core.shapes import Shape

from .models import User

#: The signed-in user with her organisation: read on every request, so a shape compiled once
#: per connection (ADR 0026, second addendum).
_SIGNED_IN: Final = Shape(
    lambda s: User._default_manager.select_related("organisation").filter(pk=s.pk),
    name="signed-in user",
)


class UserBackend(ModelBackend):
    """Django's :class:`~django.contrib.auth.backends.ModelBackend`, except that the signed-in
    user is read with her organisation in the same query: every page shows the organisation
    (the navigation and its name), which cost a query of its own on every request.

    Authentication, the refusal of inactive accounts and the permissions are the model
    backend's own.
    """

    def get_user(self, user_id: Any) -> User | None:  # type: ignore[override]
        try:
            pk = User._meta.pk.to_python(user_id)  # the session keeps the id as text
        except ValidationError:
            return None
        found = _SIGNED_IN.instances(pk=pk) if pk is not None else []
        if not found:
            return None
        (user,) = found
        return user if self.user_can_authenticate(user) else None
