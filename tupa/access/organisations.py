"""Who may maintain the organisation's configuration (:mod:`tupa.organisations` admin).

Every app's configuration admin (:class:`tupa.organisations.admin.ConfigurationPermissions`)
answers its Django permissions with :func:`may_configure` instead of model permissions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tupa.access import policy
from tupa.access.accounts import is_platform_operator

if TYPE_CHECKING:
    from tupa.accounts.models import User


def may_configure(user: User) -> bool:
    """Administrators (``configuration.manage``) and the platform operator maintain configuration."""
    if is_platform_operator(user):
        return True
    return bool(policy.decide(user, "configuration.manage"))
