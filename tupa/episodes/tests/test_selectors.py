"""The episode page's reads below the web layer (run on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from tupa.access.policy import Basis
from tupa.core.tests.factories import (
    EpisodeFactory,
    ParticipantFactory,
    PersonFactory,
    ServiceFormFactory,
    worker_in,
)
from tupa.episodes.models import (
    Assignment,
    ExternalReferral,
    Goal,
    NetworkMeeting,
    Referral,
)
from tupa.episodes.selectors import _LISTS_PRESENT, _lists_present, episode_detail
from tupa.organisations.models import Partner
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


def test_the_lists_read_once_compiled_are_the_orms() -> None:
    """Every list of the page, each with two rows, equals the plain ORM's read of it — rows,
    order and related rows (no further query) — and a referral of another organisation that
    names the episode is not among them."""
    form = ServiceFormFactory.create()
    other = ServiceFormFactory.create(organisation=form.organisation, area=form.area)
    worker = worker_in(form)
    episode = EpisodeFactory.create(service_form=form, organisation=form.organisation)
    source = EpisodeFactory.create(service_form=other, organisation=form.organisation)
    person = PersonFactory.create(organisation=form.organisation)
    ParticipantFactory.create(episode=episode, person=person, role="client")
    stranger = ServiceFormFactory.create()  # another organisation
    with scopes_disabled():
        partner = Partner.objects.create(organisation=form.organisation, name="Koulu (testi)")
        for n in range(2):
            day = dt.date(2026, 1, 5 + n)
            Assignment.objects.create(
                episode=episode, user=worker, valid_from=day, assigned_by=worker
            )
            Goal.objects.create(episode=episode, text=f"Tavoite {n}", created_by=worker)
            meeting = NetworkMeeting.objects.create(
                episode=episode, held_on=day, notes=f"Neuvottelu {n}", created_by=worker
            )
            meeting.partners.add(partner)
            ExternalReferral.objects.create(
                episode=episode,
                partner=partner,
                service_name="Neuvola",
                referred_on=day,
                created_by=worker,
            )
            Consent.objects.create(
                person=person,
                purpose="sharing",
                recipient_service_form=other,
                episode=episode,
                given_on=day,
                recorded_by=worker,
            )
            for organisation, from_episode, to_episode in (
                (form.organisation, source, episode),
                (form.organisation, episode, None),
                (stranger.organisation, source, episode),
            ):
                Referral.objects.create(
                    organisation=organisation,
                    from_episode=from_episode,
                    to_episode=to_episode,
                    to_service_form=other if to_episode is None else form,
                    person=person,
                    reason=f"Jatkotuki {n}",
                    consent_given=True,
                    created_by=worker,
                )
        detail = episode_detail(episode=episode, basis=Basis.MEMBERSHIP)
        expected = {
            "assignments": list(
                Assignment.objects.filter(episode=episode).order_by("-valid_from", "pk")
            ),
            "goals": list(Goal.objects.filter(episode=episode).order_by("created_at", "pk")),
            "network_meetings": list(
                NetworkMeeting.objects.filter(episode=episode).order_by("-held_on", "-pk")
            ),
            "referrals_in": list(
                Referral.objects.filter(
                    to_episode=episode, organisation=form.organisation
                ).order_by("-created_at", "pk")
            ),
            "referrals_out": list(
                Referral.objects.filter(from_episode=episode).order_by("-created_at", "pk")
            ),
            "external_referrals": list(
                ExternalReferral.objects.filter(episode=episode).order_by("-referred_on", "-pk")
            ),
            "consents": list(Consent.objects.filter(episode=episode).order_by("-given_on", "-pk")),
        }
    for name, rows in expected.items():
        assert len(rows) == 2, name
        assert getattr(detail, name) == rows, name
    with CaptureQueriesContext(connection) as queries:
        assert {r.from_episode.service_form.pk for r in detail.referrals_in} == {other.pk}
        assert {r.to_service_form.pk for r in detail.referrals_out} == {other.pk}
        assert {r.person.pk for r in detail.referrals_in + detail.referrals_out} == {person.pk}
        assert {c.recipient_service_form.pk for c in detail.consents} == {other.pk}
        assert {e.partner.pk for e in detail.external_referrals} == {partner.pk}
        assert {a.user.pk for a in detail.assignments} == {worker.pk}
        assert [[p.pk for p in m.partners.all()] for m in detail.network_meetings] == [
            [partner.pk],
            [partner.pk],
        ]
    assert queries.captured_queries == []
