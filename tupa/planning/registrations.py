"""What the plan adds to the shared pages (see ``tupa.core.registry``): the main navigation's
"Suunnitelma" for those who keep goals (the forms' leads, the executive director). Every other
staff member reads the plan at its address (``planning:index``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tupa.access.planning import may_keep_any
from tupa.core import registry

registry.nav_links.register(
    # Beside the statistics (45) and the feedback (46): the plan is read against their figures.
    registry.NavLink("planning:index", _("Suunnitelma"), may_keep_any, order=47),
)
