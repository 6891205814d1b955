"""The free texts of an erased person's episodes: which episodes are hers alone, which are shared.

One catalogue (:func:`sources`: the :class:`~tupa.core.registry.EpisodeText` entries each
client app registers in ``tupa.core.registry.episode_texts`` from its ``registrations.py``,
beside its models) names every free text kept on an episode (or on a row reached from it); one
selector (:func:`episode_texts`) sorts the person's episodes into **sole** (every participant
is the person — by person, by an alias linked to her or by a duplicate merged into her) and
**shared** (other participants too), with the number of non-empty texts by kind; :func:`clear_sole_texts` clears the texts of the sole episodes and
purges their change history. The execution page (the list of shared episodes) and the
execution (:func:`~tupa.dataprotection.erasure.services.erasure_execute`) both use them.

The rule (the association's decision, docs/security.md): a sole episode's texts are cleared
(``""`` where the field may be blank, :data:`PLACEHOLDER_TEXT` where it is required); a
shared episode's texts are the other participants' record too and are **kept**, after the DPO
has seen the list and confirmed it. Coded values, dates and counts are never touched (the
statistics survive). Participation-level rows (group memberships, stay periods, shelter data,
order parties) carry no free text.

Not here on purpose: journal entries and attachments (append-only; their existence blocks the
execution), the break-glass reasons (the audit record of staff access), shift notes
(append-only notes of a whole unit shift, possibly about several episodes), the payment
commitment's decision reference and the meeting order's case number (bookkeeping and the
authority's reference). :data:`KEPT` lists each such field with its reason (and the texts of
the disclosure and access-request records, and the consent scopes and feedback answers the
execution clears by person, not by episode).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q
from django_scopes import scopes_disabled

from tupa.core import registry
from tupa.episodes.models import BasicFormDefinition, Episode, Participant
from tupa.people.models import Person

if TYPE_CHECKING:
    from tupa.accounts.models import User

#: What a required free text becomes (the same word as the anonymised names).
PLACEHOLDER_TEXT = "Poistettu"
#: The change reason of the historical rows written by the execution (as in ``services``).
EXECUTED_MARK = "erasure-executed"
#: The pseudo field that stands for the basic form's text answers (registered by the episodes app).
BASIC_FORM = registry.EPISODE_BASIC_FORM

#: One kind of free text (the owning app registers it, ``tupa.core.registry.episode_texts``).
TextSource = registry.EpisodeText

#: The free-text fields of the models reached from an episode that are kept on purpose, with
#: the reason (``"app_label.Model.field"``). Together with the registered kinds
#: (:func:`sources`) they must cover every free-text field of an episode-linked model: a test
#: (``test_erasure_text_registry``) fails on a field in neither.
KEPT: dict[str, str] = {
    # Append-only; their existence blocks the execution.
    "episodes.Entry.text": "journal entry: append-only, blocks the execution",
    "episodes.Entry.place_detail": "journal entry: append-only, blocks the execution",
    "episodes.Entry.external_co_worker": "journal entry: append-only, blocks the execution",
    "episodes.Entry.correction_reason": "journal entry: append-only, blocks the execution",
    "episodes.Attachment.original_name": "attachment: append-only, blocks the execution",
    "episodes.Attachment.content_type": "attachment: a file type, not a text",
    "episodes.Attachment.sha256": "attachment: a checksum, not a text",
    # The audit record of staff access.
    "episodes.BreakGlass.reason": "break-glass reason: the audit record of staff access",
    "episodes.BreakGlass.review_note": "break-glass review: the audit record of staff access",
    # Append-only notes of a whole unit shift, possibly about several episodes.
    "residential.ShiftNote.text": "shift note: append-only, a whole shift's note",
    # Bookkeeping and the authority's reference.
    "residential.PaymentCommitment.reference": "commitment's decision reference: bookkeeping",
    "visitation.MeetingOrder.basis_reference": "meeting order's case number: the authority's",
    "visitation.MeetingOrder.authority_name": "the ordering authority's name, not the client's",
    "episodes.ExternalReferral.service_name": "the name of the service referred to",
    # The controller's records of disclosures and access requests (kept by law).
    "audit.Disclosure.recipient": "disclosure log: the controller's record",
    "audit.Disclosure.legal_basis": "disclosure log: the controller's record",
    "audit.Disclosure.description": "disclosure log: the controller's record",
    "audit.AccessRequest.request_text": "access-request record: the controller's record",
    "audit.AccessRequest.extension_reason": "access-request record: the controller's record",
    "audit.AccessRequest.identity_method": "access-request record: the controller's record",
    "audit.AccessRequest.decision_text": "access-request record: the controller's record",
    "audit.AccessRequest.delivery_method": "access-request record: the controller's record",
    "audit.AccessRequestStep.note": "access-request record: the controller's record",
    "audit.AccessRequestItemDecision.item_key": "access-request record: a key, not a text",
    "audit.AccessRequestItemDecision.released_text": "access-request record: what was released",
    "audit.AccessRequestItemDecision.reason": "access-request record: the controller's record",
    "dataprotection.AccessRequestLetter.html": "access-request record: the letter as decided and sent",
    "dataprotection.AccessRequestLetter.content_hash": "access-request record: a hash, not a text",
    # Cleared by the execution itself (services.erasure_execute), by person, not by episode.
    "people.Consent.scope": "consent scope: cleared by erasure_execute for the person",
    "surveys.Answer.text": "feedback answer: the linked answers are cleared by erasure_execute",
    "surveys.Invitation.recipient_label": "feedback invitation: handled by erasure_execute",
    "surveys.Invitation.token_hash": "feedback invitation: a hash, not a text",
    "surveys.Response.submission_key": "feedback response: a key, not a text",
}


def sources() -> list[TextSource]:
    """Every free text kept on a client episode, by kind, in the order of the execution page
    (what the client apps register in ``tupa.core.registry.episode_texts``)."""
    return registry.episode_texts.all()


@dataclass
class EpisodeTexts:
    """One episode of the person: whether she is its only participant and its texts by kind.

    ``counts`` maps a kind's label to the number of non-empty texts (never the texts)."""

    episode_id: int
    service_form: str
    start_date: dt.date | None
    end_date: dt.date | None
    sole: bool
    participants: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def person_and_merged(person: Person) -> list[int]:
    """The person and every duplicate merged into it (they carry the same name and hetu)."""
    pks = [person.pk]
    frontier = [person.pk]
    while frontier:
        frontier = list(
            Person.objects.filter(merged_into_id__in=frontier)
            .exclude(pk__in=pks)
            .values_list("pk", flat=True)
        )
        pks.extend(frontier)
    return pks


def _is_hers(person_ids: list[int]) -> Q:
    return Q(person_id__in=person_ids) | Q(alias__person_id__in=person_ids)


def _blank_value(model: type[models.Model], name: str) -> str:
    model_field = model._meta.get_field(name)
    return "" if getattr(model_field, "blank", False) else PLACEHOLDER_TEXT


def _text_codes(definition_ids: set[int]) -> dict[int, set[str]]:
    """The codes of the ``text`` fields of each basic-form definition, over all its versions."""
    codes: dict[int, set[str]] = defaultdict(set)
    rows: list[tuple[int, Any]] = list(
        BasicFormDefinition._base_manager.filter(pk__in=definition_ids).values_list("pk", "fields")
    )
    rows += list(
        BasicFormDefinition.history.filter(id__in=definition_ids).values_list("id", "fields")
    )
    for pk, fields in rows:
        for spec in fields if isinstance(fields, list) else []:
            if isinstance(spec, dict) and spec.get("type") == "text" and spec.get("code"):
                codes[pk].add(spec["code"])
    return codes


def _pending(
    source: TextSource, episode_ids: list[int]
) -> list[tuple[int, int, dict[str, Any], int]]:
    """``(row pk, episode id, {field: cleared value}, number of texts)`` of each row of
    ``source`` in the episodes that still has a non-empty text."""
    manager = source.model._base_manager
    out: list[tuple[int, int, dict[str, Any], int]] = []
    if source.fields == (BASIC_FORM,):
        rows = manager.filter(pk__in=episode_ids).values_list("pk", "basic_form")
        stored = [(pk, form) for pk, form in rows if isinstance(form, dict) and form]
        codes = _text_codes(
            {s["definition_id"] for _pk, s in stored if isinstance(s.get("definition_id"), int)}
        )
        for pk, form in stored:
            answers = form.get("answers") or {}
            definition_id = form.get("definition_id")
            text = codes.get(definition_id, set()) if isinstance(definition_id, int) else set()
            filled = [c for c in text if isinstance(answers.get(c), str) and answers[c].strip()]
            if filled:
                cleared = {**form, "answers": {**answers, **dict.fromkeys(filled, "")}}
                out.append((pk, pk, {BASIC_FORM: cleared}, len(filled)))
        return out
    for row in manager.filter(**{f"{source.episode}__in": episode_ids}).values(
        "pk", source.episode, *source.fields
    ):
        changes = {}
        for name in source.fields:
            blank = _blank_value(source.model, name)
            if row[name] and row[name] != blank:
                changes[name] = blank
        if changes:
            out.append((row["pk"], row[source.episode], changes, 1))
    return out


def episode_texts(person_ids: list[int]) -> list[EpisodeTexts]:
    """The person's episodes (``person_ids``: :func:`person_and_merged`), oldest first: sole or
    shared, with the number of non-empty free texts by kind (the selector of the execution
    page and of the execution)."""
    with scopes_disabled():  # every query is keyed by the (scoped) person's pks
        episode_ids = list(
            Participant.objects.filter(_is_hers(person_ids))
            .values_list("episode_id", flat=True)
            .distinct()
        )
        others: dict[int, int] = defaultdict(int)
        everyone: dict[int, int] = defaultdict(int)
        mine = set(person_ids)
        for ep_id, person_id, alias_person_id in Participant.objects.filter(
            episode_id__in=episode_ids
        ).values_list("episode_id", "person_id", "alias__person_id"):
            everyone[ep_id] += 1
            if person_id not in mine and alias_person_id not in mine:
                others[ep_id] += 1
        rows = {
            ep.pk: EpisodeTexts(
                episode_id=ep.pk,
                service_form=ep.service_form.name,
                start_date=ep.start_date,
                end_date=ep.end_date,
                sole=others[ep.pk] == 0,
                participants=everyone[ep.pk],
            )
            for ep in Episode._base_manager.filter(pk__in=episode_ids)
            .select_related("service_form")
            .order_by("opened_at", "pk")
        }
        for source in sources():
            for _pk, ep_id, _changes, n in _pending(source, episode_ids):
                counts = rows[ep_id].counts
                counts[str(source.label)] = counts.get(str(source.label), 0) + n
    return list(rows.values())


def shared_with_texts(rows: list[EpisodeTexts]) -> list[EpisodeTexts]:
    """The shared episodes that have free texts (the ones the DPO must confirm are kept)."""
    return [r for r in rows if not r.sole and r.total]


def clear_sole_texts(*, actor: User, rows: list[EpisodeTexts]) -> dict[str, int]:
    """Clear the free texts of the sole episodes in ``rows`` and purge the change history of
    every changed row (a single new historical row records the cleared state, by ``actor``).
    Returns ``{"episode_texts": texts cleared, "episode_text_history": historical rows
    purged}``. Call inside the execution's transaction, with scopes disabled."""
    sole = [r.episode_id for r in rows if r.sole]
    changes: dict[type[models.Model], dict[int, dict[str, Any]]] = defaultdict(dict)
    cleared = 0
    for source in sources():
        for pk, _ep_id, values, n in _pending(source, sole):
            changes[source.model].setdefault(pk, {}).update(values)
            cleared += n
    purged = 0
    for model, by_pk in changes.items():
        history = getattr(model, "history", None)
        if history is not None:
            purged += history.filter(id__in=list(by_pk)).delete()[0]
        for obj in model._base_manager.filter(pk__in=list(by_pk)):
            values = by_pk[obj.pk]
            for name, value in values.items():
                setattr(obj, name, value)
            update = list(values)
            if hasattr(obj, "version"):  # an edit form opened before sees a conflict
                obj.version += 1
                update.append("version")
            obj._history_user = actor  # type: ignore[attr-defined]
            obj._change_reason = EXECUTED_MARK  # type: ignore[attr-defined]
            obj.save(update_fields=update)
    return {"episode_texts": cleared, "episode_text_history": purged}
