"""The association's structure: organisation → area → team → service form, and master data.

Seed-spec §1, §3, §6 and requirements ORG-01..06. One module per part; every model is
re-exported here (``from tupa.organisations.models import ServiceForm``):

- :mod:`.structure` — :class:`Organisation`, :class:`Area`, :class:`Team`;
- :mod:`.partners` — :class:`Municipality`, :class:`Partner`, :class:`PartnerRole`,
  :class:`Funder`;
- :mod:`.service_forms` — :class:`ServiceTask`, :class:`ServiceForm`,
  :class:`ServiceFormFunding`;
- :mod:`.governance` — :class:`WorkingGroup`, :class:`WorkingGroupMember`, :class:`Value`,
  :class:`StrategicTheme`;
- :mod:`.data_protection` — :class:`DataProtectionProfile`, :class:`RegisterDescription`.
"""

from .data_protection import DataProtectionProfile, RegisterDescription
from .governance import (
    THEME_ORDERING,
    StrategicTheme,
    Value,
    WorkingGroup,
    WorkingGroupMember,
    theme_order,
)
from .partners import Funder, Municipality, Partner, PartnerRole
from .service_forms import ServiceForm, ServiceFormFunding, ServiceTask
from .structure import Area, Organisation, Team

__all__ = [
    "THEME_ORDERING",
    "Area",
    "DataProtectionProfile",
    "Funder",
    "Municipality",
    "Organisation",
    "Partner",
    "PartnerRole",
    "RegisterDescription",
    "ServiceForm",
    "ServiceFormFunding",
    "ServiceTask",
    "StrategicTheme",
    "Team",
    "Value",
    "WorkingGroup",
    "WorkingGroupMember",
    "theme_order",
]
