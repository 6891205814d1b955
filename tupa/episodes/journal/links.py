"""The one sanctioned removal of journal links: a duplicate participant leaving after a merge.

An entry's links to its participants are append-only (:class:`~tupa.episodes.models.EntryParticipant`,
database triggers of migration ``episodes/0007``). A person merge whose two records both take
part in the same episode links every journal entry of the duplicate participant to the kept
one (an insert) and then deletes the duplicate (``tupa.people.services.merge``). Its old links
go with it here (the merge calls :func:`release_moved_links` before the delete), only when every one of its entries is linked to another participant of the
same episode — the record still names the person — and in the way a retention purge works
(:mod:`tupa.core.append_only`): the triggers are dropped, the rows deleted and the triggers
installed again, in one transaction (on PostgreSQL the dropped trigger is never visible to
other sessions, which wait for the table's lock).
"""

from __future__ import annotations

from typing import Any

from django.db import connections, router, transaction
from django.db.models import ProtectedError

from tupa.core import append_only

from ..models import EntryParticipant, Participant


class _Executor:
    """The part of a schema editor that :func:`append_only.install` needs, usable inside a
    transaction (SQLite's schema editor refuses to start inside one)."""

    def __init__(self, using: str) -> None:
        self.connection = connections[using]

    def execute(self, sql: str, params: Any = None) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)


def release_moved_links(participant: Participant) -> None:
    """Remove ``participant``'s journal links if each entry is linked to another participant
    of its episode; otherwise raise :class:`ProtectedError` (nothing changes)."""
    links = EntryParticipant.objects.filter(participant_id=participant.pk)
    if not links.exists():
        return
    covered = EntryParticipant.objects.filter(
        participant__episode_id=participant.episode_id
    ).exclude(participant_id=participant.pk)
    uncovered = list(links.exclude(entry_id__in=covered.values("entry_id")))
    if uncovered or participant.person_id is None:  # a merge moves persons, never aliases
        raise ProtectedError("the participant is named in the journal", set(links))
    using = router.db_for_write(EntryParticipant)
    table = EntryParticipant._meta.db_table
    executor = _Executor(using)
    with transaction.atomic(using=using):
        append_only.uninstall(executor, table)
        executor.execute(
            f"DELETE FROM {table} WHERE participant_id = %s",  # noqa: S608 - the model's table
            [participant.pk],
        )
        append_only.install(executor, table, EntryParticipant.append_only_message)
