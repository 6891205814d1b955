"""The episode page's reads below the web layer (run on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from django_scopes import scopes_disabled

from tupa.core.tests.factories import (
    EpisodeFactory,
    ParticipantFactory,
    PersonFactory,
    ServiceFormFactory,
    worker_in,
)
from tupa.episodes.models import Goal, Referral
from tupa.episodes.selectors import _LISTS_PRESENT, _lists_present
from tupa.people.models import Consent

pytestmark = pytest.mark.django_db


def test_the_page_knows_which_of_its_lists_have_rows() -> None:
    """By hand: a goal, a consent and a referral out; no assignments, network meetings,
    referrals in or external referrals."""
    form = ServiceFormFactory.create()
    other = ServiceFormFactory.create(organisation=form.organisation, area=form.area)
    worker = worker_in(form)
    episode = EpisodeFactory.create(service_form=form, organisation=form.organisation)
    person = PersonFactory.create(organisation=form.organisation)
    ParticipantFactory.create(episode=episode, person=person, role="client")
    with scopes_disabled():
        assert _lists_present(episode) == dict.fromkeys(
            (
                "assignments",
                "goals",
                "network_meetings",
                "referrals_in",
                "referrals_out",
                "external_referrals",
                "consents",
            ),
            False,
        )
        Goal.objects.create(episode=episode, text="Arki sujuu", created_by=worker)
        Consent.objects.create(
            person=person,
            purpose="sharing",
            recipient_service_form=other,
            episode=episode,
            given_on=dt.date(2026, 1, 5),
            recorded_by=worker,
        )
        Referral.objects.create(
            organisation=form.organisation,
            from_episode=episode,
            to_service_form=other,
            person=person,
            reason="Jatkotuki",
            consent_given=True,
            created_by=worker,
        )
        assert _lists_present(episode) == {
            "assignments": False,
            "goals": True,
            "network_meetings": False,
            "referrals_in": False,
            "referrals_out": True,
            "external_referrals": False,
            "consents": True,
        }


def test_the_flags_are_read_only_within_the_episodes_organisation() -> None:
    episode = EpisodeFactory.create()
    stranger = ServiceFormFactory.create().organisation  # another organisation
    with scopes_disabled():
        assert _LISTS_PRESENT.rows(episode=episode.pk, organisation=stranger.pk) == []
        assert (
            len(_LISTS_PRESENT.rows(episode=episode.pk, organisation=episode.organisation_id)) == 1
        )
