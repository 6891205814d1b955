"""What a journal entry says is frozen: its attachments and its links to participants and
co-workers are append-only like the entry itself (model, queryset and database triggers).

A correction is a new entry with links and attachment rows of its own; the one sanctioned
removal of a link is a person merge moving an entry's link to the kept participant.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import transaction
from django.db.models import ProtectedError
from django_scopes import scopes_disabled

from tupa.core.append_only import AppendOnlyError
from tupa.core.tests.factories import ParticipantFactory, PersonFactory
from tupa.core.tests.helpers import assert_append_only, refused_by_the_database
from tupa.episodes import journal
from tupa.episodes.journal import attachments
from tupa.episodes.journal.links import release_moved_links
from tupa.episodes.models import Attachment, Entry, Participant
from tupa.episodes.tests.journal_support import Family, entry_kwargs, png_bytes, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root", "committed_at_once")]

MESSAGE = "journal is append-only"


@pytest.fixture
def entry(family: Family, org_scope: None) -> Entry:
    kwargs = entry_kwargs(participants=[family.mother_p], co_workers=[family.colleague])
    return journal.entry_create(actor=family.worker, episode=family.episode, **kwargs)  # type: ignore[arg-type]


def _refused(call: Callable[[], object]) -> None:
    # A savepoint of its own: the related managers' writes run in an atomic block.
    with pytest.raises(AppendOnlyError), transaction.atomic():
        call()


def _refused_by_the_database(sql: str, params: list[object]) -> None:
    refused_by_the_database(sql, params, MESSAGE)


def test_an_attachment_is_never_changed_or_removed(family: Family, entry: Entry) -> None:
    stored = attachments.attachment_add(
        actor=family.worker, entry=entry, uploaded=upload("a.png", png_bytes()), kind="other"
    )
    assert_append_only(stored, original_name="vaihdettu.png")
    table = Attachment._meta.db_table
    other = journal.entry_create(actor=family.worker, episode=family.episode, **entry_kwargs())  # type: ignore[arg-type]
    _refused_by_the_database(
        f"UPDATE {table} SET entry_id = %s WHERE id = %s", [other.pk, stored.pk]
    )
    _refused_by_the_database(f"UPDATE {table} SET file = 'x.png' WHERE id = %s", [stored.pk])
    _refused_by_the_database(f"DELETE FROM {table} WHERE id = %s", [stored.pk])
    with scopes_disabled():
        again = Attachment.objects.get(pk=stored.pk)
    assert (again.entry_id, again.file.name, again.original_name) == (
        entry.pk,
        stored.file.name,
        "a.png",
    )


def test_an_entry_is_never_relinked_to_other_participants(family: Family, entry: Entry) -> None:
    _refused(lambda: entry.participants.remove(family.mother_p))
    _refused(lambda: entry.participants.clear())
    _refused(lambda: entry.participants.set([family.child_p]))
    links = Entry.participants.through.objects.filter(entry=entry)
    _refused(lambda: links.update(participant=family.child_p))
    _refused(lambda: links.delete())
    table = Entry.participants.through._meta.db_table
    _refused_by_the_database(
        f"UPDATE {table} SET participant_id = %s WHERE entry_id = %s",
        [family.child_p.pk, entry.pk],
    )
    _refused_by_the_database(f"DELETE FROM {table} WHERE entry_id = %s", [entry.pk])
    assert list(entry.participants.all()) == [family.mother_p]


def test_an_entrys_co_workers_are_never_changed(family: Family, entry: Entry) -> None:
    _refused(lambda: entry.co_workers.remove(family.colleague))
    _refused(lambda: entry.co_workers.clear())
    links = Entry.co_workers.through.objects.filter(entry=entry)
    _refused(lambda: links.update(user=family.lead))
    table = Entry.co_workers.through._meta.db_table
    _refused_by_the_database(
        f"UPDATE {table} SET user_id = %s WHERE entry_id = %s",
        [family.lead.pk, entry.pk],
    )
    _refused_by_the_database(f"DELETE FROM {table} WHERE entry_id = %s", [entry.pk])
    assert list(entry.co_workers.all()) == [family.colleague]


def test_a_participant_in_the_journal_cannot_be_deleted(family: Family, entry: Entry) -> None:
    """Deleting the participant would silently take the entry's link with it."""
    with pytest.raises(ProtectedError):
        family.mother_p.delete()
    assert list(entry.participants.all()) == [family.mother_p]


def test_a_participant_whose_entries_are_linked_to_another_one_may_go(
    family: Family, entry: Entry
) -> None:
    """The person merge: the entry is linked to the kept participant first (an insert), then
    the duplicate participant's links are released and the participant removed, the triggers
    back in place afterwards. A participant whose entry names nobody else keeps its links."""
    duplicate = ParticipantFactory(
        episode=family.episode, person=PersonFactory(organisation=family.episode.organisation)
    )
    with scopes_disabled():
        second = journal.entry_create(
            actor=family.worker,
            episode=family.episode,
            **entry_kwargs(participants=[duplicate]),  # type: ignore[arg-type]
        )
        second.participants.add(family.mother_p)
        release_moved_links(duplicate)
        duplicate.delete()
        assert not Participant.objects.filter(pk=duplicate.pk).exists()
        assert list(second.participants.all()) == [family.mother_p]
    table = Entry.participants.through._meta.db_table
    _refused_by_the_database(f"DELETE FROM {table} WHERE entry_id = %s", [second.pk])
    with scopes_disabled(), pytest.raises(ProtectedError):
        release_moved_links(family.mother_p)
