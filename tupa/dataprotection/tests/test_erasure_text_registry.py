"""The catalogue of an episode's free texts (``tupa.core.registry.episode_texts``).

Each client app registers the free texts of its own models (its ``registrations.py``); the
erasure (:mod:`tupa.dataprotection.erasure.texts`) clears what is registered. Pinned here: the
catalogue is exactly what the apps registered before the move (an app that silently drops its
registration would leave its texts after an erasure), and every free-text field of a model
reached from an episode is either registered or kept on purpose (``texts.KEPT``, with the
reason) — a new free-text field fails here until its app registers it or the DPO decides to
keep it.
"""

from __future__ import annotations

from django.apps import apps
from django.db import models

from tupa.core import registry
from tupa.dataprotection.erasure import texts
from tupa.episodes.models import Episode

#: ``(key, label, model, lookup to the episode, fields)``, in the execution page's order.
EXPECTED = [
    ("summary", "Tilanteen kuvaus ja ohjaajan yhteyshenkilö", "episodes.Episode", "id",
     ("summary", "referral_contact")),
    ("basic_form", "Perustietolomakkeen tekstivastaukset", "episodes.Episode", "id",
     ("basic_form",)),
    ("goals", "Tavoitteet", "episodes.Goal", "episode_id", ("text", "defined_with")),
    ("network_meetings", "Verkostoneuvottelut", "episodes.NetworkMeeting", "episode_id",
     ("notes", "external_participants")),
    ("referrals", "Ohjaukset toiseen työmuotoon", "episodes.Referral", "from_episode_id",
     ("reason", "decision_note")),
    ("external_referrals", "Ohjaukset ulkopuolisiin palveluihin", "episodes.ExternalReferral",
     "episode_id", ("note",)),
    ("appointments", "Ajanvaraukset", "scheduling.Appointment", "episode_id",
     ("note", "place_note", "outcome_note")),
    ("stays", "Asumisjaksot", "residential.Stay", "episode_id", ("destination_note",)),
    ("payment_commitments", "Maksusitoumukset", "residential.PaymentCommitment", "episode_id",
     ("note",)),
    ("meeting_orders", "Tapaamismääräykset", "visitation.MeetingOrder", "episode_id",
     ("notes", "safety_notes")),
    ("meetings", "Valvotut tapaamiset ja vaihdot", "visitation.Meeting", "order__episode_id",
     ("outcome_note", "location")),
    ("contacts", "Tapaamisten yhteydenotot", "visitation.Contact", "order__episode_id",
     ("summary", "other")),
    ("matching_cases", "Kaveritoiminnan prosessit", "volunteers.MatchingCase", "episode_id",
     ("wishes", "family_situation", "confirmed_warnings", "end_reason", "area")),
    ("case_steps", "Kaveritoiminnan vaiheiden syyt", "volunteers.CaseStep", "case__episode_id",
     ("reason",)),
    ("matches", "Kaverisuhteet", "volunteers.Match", "case__episode_id",
     ("note_for_volunteer",)),
    ("match_activities", "Kaverisuhteen yhteinen tekeminen", "volunteers.MatchActivity",
     "match__case__episode_id", ("note",)),
    ("follow_ups", "Kaverisuhteen seurannat", "volunteers.FollowUp", "case__episode_id",
     ("note",)),
    ("family_links", "Vapaaehtoisten perhelinkit", "volunteers.FamilyLink", "episode_id",
     ("note_for_volunteer",)),
    ("identification_consents", "Suostumukset asiakkaaksi tunnistamiseen",
     "dropin.IdentificationConsent", "episode_id", ("consent_text",)),
]  # fmt: skip


def test_the_catalogue_is_exactly_what_the_client_apps_register() -> None:
    found = [
        (s.key, str(s.label), s.model._meta.label, s.episode, s.fields) for s in texts.sources()
    ]
    assert found == EXPECTED
    assert [s.key for s in registry.episode_texts] == [row[0] for row in EXPECTED]


def test_every_registered_text_names_real_fields_and_a_real_path_to_the_episode() -> None:
    for source in texts.sources():
        for name in source.fields:
            if name == texts.BASIC_FORM:
                assert source.model is Episode
            model_field = source.model._meta.get_field(name)
            assert isinstance(model_field, models.TextField | models.CharField | models.JSONField)
        # The lookup is valid (the query compiles) and ends at the episode's id.
        str(source.model._base_manager.filter(**{f"{source.episode}__in": [1]}).query)
        assert source.episode == "id" or source.episode.endswith("episode_id")


def _is_historical(model: type[models.Model]) -> bool:
    return any(f.name == "history_id" for f in model._meta.fields)


def _episode_linked_models() -> list[type[models.Model]]:
    """The models of Tupa reached from an episode: the episode itself, and every model with a
    foreign key (or a many-to-many) to an episode-linked model, at any depth."""
    candidates = [
        m for m in apps.get_models() if m.__module__.startswith("tupa.") and not _is_historical(m)
    ]
    linked: set[type[models.Model]] = {Episode}
    grew = True
    while grew:
        grew = False
        for model in candidates:
            if model in linked:
                continue
            relations = [
                f
                for f in model._meta.get_fields()
                if f.concrete and (f.many_to_one or f.one_to_one or f.many_to_many)
            ]
            if any(f.related_model in linked for f in relations):
                linked.add(model)
                grew = True
    return sorted(linked, key=lambda m: m._meta.label)


def _free_text_fields(model: type[models.Model]) -> list[str]:
    """Text and char fields without choices (coded values are not free texts)."""
    return [
        f.name
        for f in model._meta.get_fields()
        if isinstance(f, models.TextField | models.CharField) and not f.choices
    ]


def test_every_free_text_of_an_episode_linked_model_is_registered_or_kept_on_purpose() -> None:
    registered = {f"{s.model._meta.label}.{name}" for s in texts.sources() for name in s.fields}
    linked = _episode_linked_models()
    assert {"residential.ShiftNote", "volunteers.MatchActivity", "visitation.Contact"} <= {
        m._meta.label for m in linked
    }  # the walk reaches many-to-many and deep links
    unaccounted = [
        f"{model._meta.label}.{name}"
        for model in linked
        for name in _free_text_fields(model)
        if f"{model._meta.label}.{name}" not in registered | set(texts.KEPT)
    ]
    assert unaccounted == [], (
        "Register these free texts in the owning app's registrations.py "
        "(registry.episode_texts) or list them, with the reason, in texts.KEPT"
    )


def test_nothing_is_both_registered_and_kept_and_every_kept_field_exists() -> None:
    registered = {f"{s.model._meta.label}.{name}" for s in texts.sources() for name in s.fields}
    assert not registered & set(texts.KEPT)
    for dotted in texts.KEPT:
        label, name = dotted.rsplit(".", 1)
        apps.get_model(label)._meta.get_field(name)  # a stale entry fails here
