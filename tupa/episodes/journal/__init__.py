"""The client journal (*asiakaskirjaukset*, OUT-01, OUT-02, CLI-14, CLI-16).

- :mod:`.services` — new entries and corrections (append-only; the rules are in its docstring);
- :mod:`.selectors` — entries and their versions, participants, co-worker choices;
- :mod:`.attachments` — attachment files: validation, metadata stripping, storage;
- :mod:`.forms`, :mod:`.views`, :mod:`.urls` — the journal pages (``episodes:journal_*``).

Who may write or correct is decided in :mod:`tupa.access.episodes`; this package re-exports
the journal's public API so other apps write ``journal.entry_create(...)``.
"""

from tupa.access.episodes import JOURNAL_WRITE_BASES as WRITE_BASES
from tupa.access.episodes import may_correct_entry as may_correct
from tupa.access.episodes import may_write_journal as can_write

from .selectors import (
    co_worker_candidates,
    current_entries,
    entry_subjects,
    entry_versions,
    episode_participants,
    episode_persons,
    newest_version,
)
from .services import (
    FUTURE_TOLERANCE,
    KEEP,
    MAX_DURATION,
    MIN_DURATION,
    TEXT_MAX_LENGTH,
    JournalPermissionDenied,
    ensure_can_write,
    entry_correct,
    entry_create,
)

__all__ = [
    "FUTURE_TOLERANCE",
    "KEEP",
    "MAX_DURATION",
    "MIN_DURATION",
    "TEXT_MAX_LENGTH",
    "WRITE_BASES",
    "JournalPermissionDenied",
    "can_write",
    "co_worker_candidates",
    "current_entries",
    "ensure_can_write",
    "entry_correct",
    "entry_create",
    "entry_subjects",
    "entry_versions",
    "episode_participants",
    "episode_persons",
    "may_correct",
    "newest_version",
]
