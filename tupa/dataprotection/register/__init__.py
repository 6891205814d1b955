"""The register description (*rekisteriseloste / tietosuojaseloste*, GDPR Art 30) of a service form.

Generated from the configuration: the service form's register, kind, violence-work side,
anonymous intake, pregnancy stays, funders (purchase agreements), operating partner, the
default service task (which decides retention) and the security settings actually in force.
The administrator adds prose (``RegisterDescription``, with change history) that is shown next
to the generated text and never replaces it. Nothing here reads a person: the description holds
organisational data only, so its public version (``privacy:*``) may be shown without login.

Each generated statement is an :class:`Item`. ``verify`` marks a statement a lawyer or the DPO
must still confirm (finnish-requirements.md "[verify]"); ``detail`` is shown only inside the
organisation (it names the settings in force, which the public need not know). The sections
are a table (:mod:`.sections`); the conformity page (:mod:`.conformity`) reuses the
safeguards. Docs: docs/data-protection.md.
"""

from .assembly import PROSE_FIELDS, describe, describe_all, profile_of, register_forms
from .document import Description, Item, Section, Text
from .facts import Facts, facts_for, facts_of
from .retention import RETENTION
from .safeguards import safeguards

__all__ = [
    "PROSE_FIELDS",
    "RETENTION",
    "Description",
    "Facts",
    "Item",
    "Section",
    "Text",
    "describe",
    "describe_all",
    "facts_for",
    "facts_of",
    "profile_of",
    "register_forms",
    "safeguards",
]
