"""The surveys app's models, one module per sub-domain (the tables belong to the app ``surveys``
whatever the module, so moving a class between modules needs no migration).

- :mod:`.instruments` — questionnaires, their immutable published versions, sections, items and
  choices (fi/sv/en texts); the built-in instruments (Vaikuttavuus esiin, the smiley form).
- :mod:`.schedules` — who is asked and when: per service form, target, trigger, channel,
  anonymous or linked.
- :mod:`.responses` — invitations (one-time links), kiosks, drafts, responses and answers,
  imports.
- :mod:`.thl` — the shelter's THL feedback: only that the form link was given, and THL's
  periodic summaries as documents (no individual answer ever).
- :mod:`.quality` — quality self-evaluation against a named criteria set per unit and year.
"""

from tupa.surveys.models.instruments import (
    Choice,
    Item,
    ItemKind,
    Questionnaire,
    QuestionnaireVersion,
    Section,
    Target,
)
from tupa.surveys.models.quality import (
    CriteriaSet,
    Criterion,
    CriterionRating,
    SelfEvaluation,
)
from tupa.surveys.models.responses import (
    Answer,
    Channel,
    ImportBatch,
    Invitation,
    Kiosk,
    MeasurementPoint,
    Response,
    ResponseDraft,
)
from tupa.surveys.models.schedules import Schedule, Trigger
from tupa.surveys.models.thl import ThlFormGiven, ThlSummary

__all__ = [
    "Answer",
    "Channel",
    "Choice",
    "CriteriaSet",
    "Criterion",
    "CriterionRating",
    "ImportBatch",
    "Invitation",
    "Item",
    "ItemKind",
    "Kiosk",
    "MeasurementPoint",
    "Questionnaire",
    "QuestionnaireVersion",
    "Response",
    "ResponseDraft",
    "Schedule",
    "Section",
    "SelfEvaluation",
    "Target",
    "ThlFormGiven",
    "ThlSummary",
    "Trigger",
]
