"""The visibility rules of tupa.episodes.access (ARCHITECTURE.md §6)."""

import datetime as dt

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from tupa.accounts.models import Role
from tupa.core.policy import Basis
from tupa.core.tests.factories import (
    AreaFactory,
    ServiceFormFactory,
    TeamFactory,
    UserFactory,
    client_in,
    worker_in,
)
from tupa.episodes import access
from tupa.episodes.models import Assignment, BreakGlass
from tupa.people.models import Consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def forms():  # type: ignore[no-untyped-def]
    shelter = ServiceFormFactory(slug="turvakoti", violence_work="victim")
    org = shelter.organisation
    area = shelter.area
    team = TeamFactory(organisation=org, area=area)
    return {
        "shelter": shelter,
        "avokriisi": ServiceFormFactory(
            organisation=org, area=area, team=team, slug="avokriisi", violence_work="victim"
        ),
        "jussi": ServiceFormFactory(
            organisation=org, area=area, team=team, slug="jussi", violence_work="perpetrator"
        ),
        "alvari": ServiceFormFactory(
            organisation=org, area=AreaFactory(organisation=org), slug="alvari"
        ),
    }


def _visible(user) -> set[int]:  # type: ignore[no-untyped-def]
    with scope(organisation=user.organisation_id):
        return set(access.episodes_visible_to(user=user).values_list("pk", flat=True))


def test_membership_gives_the_own_service_forms_episodes_only(forms) -> None:  # type: ignore[no-untyped-def]
    _mother, stay = client_in(forms["shelter"])
    _man, jussi_episode = client_in(forms["jussi"])
    shelter_worker = worker_in(forms["shelter"])
    assert _visible(shelter_worker) == {stay.pk}
    with scope(organisation=shelter_worker.organisation_id):
        assert access.episode_basis(user=shelter_worker, episode=stay) is Basis.MEMBERSHIP
        assert access.episode_basis(user=shelter_worker, episode=jussi_episode) is None


def test_other_organisation_never_sees_anything(forms) -> None:  # type: ignore[no-untyped-def]
    _p, stay = client_in(forms["shelter"])
    foreign = worker_in(ServiceFormFactory(slug="turvakoti"))
    assert _visible(foreign) == set()
    with scopes_disabled():
        assert access.episode_basis(user=foreign, episode=stay) is None


def test_ended_membership_and_disabled_user_see_nothing(forms) -> None:  # type: ignore[no-untyped-def]
    _p, _stay = client_in(forms["shelter"])
    worker = worker_in(forms["shelter"])
    with scopes_disabled():
        worker.memberships.update(valid_until=timezone.localdate() - dt.timedelta(days=1))
    fresh = type(worker).objects.get(pk=worker.pk)
    assert _visible(fresh) == set()
    other = worker_in(forms["shelter"])
    other.is_active = False
    other.save()
    assert _visible(type(other).objects.get(pk=other.pk)) == set()


def test_assignment_opens_one_episode(forms) -> None:  # type: ignore[no-untyped-def]
    _p, couple_episode = client_in(forms["avokriisi"])
    _q, other_episode = client_in(forms["avokriisi"])
    jussi_worker = worker_in(forms["jussi"])
    with scopes_disabled():
        Assignment.objects.create(
            episode=couple_episode,
            user=jussi_worker,
            valid_from=dt.date(2026, 1, 1),
            assigned_by=worker_in(forms["avokriisi"]),
        )
    assert _visible(jussi_worker) == {couple_episode.pk}
    with scope(organisation=jussi_worker.organisation_id):
        assert access.episode_basis(user=jussi_worker, episode=couple_episode) is Basis.ASSIGNMENT
        assert access.episode_basis(user=jussi_worker, episode=other_episode) is None


def test_consent_shares_across_forms_but_never_across_the_wall(forms) -> None:  # type: ignore[no-untyped-def]
    mother, stay = client_in(forms["shelter"])
    recorder = worker_in(forms["shelter"])
    with scopes_disabled():
        for recipient in (forms["avokriisi"], forms["jussi"]):
            Consent.objects.create(
                person=mother,
                purpose="sharing",
                recipient_service_form=recipient,
                episode=stay,
                given_on=dt.date(2026, 1, 6),
                recorded_by=recorder,
            )
    avokriisi_worker = worker_in(forms["avokriisi"])
    jussi_worker = worker_in(forms["jussi"])
    assert _visible(avokriisi_worker) == {stay.pk}
    assert _visible(jussi_worker) == set()
    with scope(organisation=stay.organisation_id):
        assert access.episode_basis(user=avokriisi_worker, episode=stay) is Basis.CONSENT
        assert access.episode_basis(user=jussi_worker, episode=stay) is None


def test_withdrawn_consent_stops_sharing(forms) -> None:  # type: ignore[no-untyped-def]
    mother, stay = client_in(forms["shelter"])
    with scopes_disabled():
        Consent.objects.create(
            person=mother,
            purpose="sharing",
            recipient_service_form=forms["avokriisi"],
            episode=stay,
            given_on=dt.date(2026, 1, 6),
            withdrawn_on=dt.date(2026, 2, 1),
            recorded_by=worker_in(forms["shelter"]),
        )
    assert _visible(worker_in(forms["avokriisi"])) == set()


def test_break_the_glass_is_time_limited_and_walled(forms) -> None:  # type: ignore[no-untyped-def]
    _p, stay = client_in(forms["shelter"])
    alvari_worker = worker_in(forms["alvari"])
    jussi_worker = worker_in(forms["jussi"])
    now = timezone.now()
    with scopes_disabled():
        for user in (alvari_worker, jussi_worker):
            BreakGlass.objects.create(
                user=user,
                episode=stay,
                reason="Kiireellinen lastensuojeluilmoitus",
                started_at=now,
                expires_at=now + dt.timedelta(hours=2),
            )
    assert _visible(alvari_worker) == {stay.pk}
    assert _visible(jussi_worker) == set()
    with scope(organisation=stay.organisation_id):
        assert access.may_break_glass(user=alvari_worker, episode=stay)
        assert not access.may_break_glass(user=jussi_worker, episode=stay)
        assert access.episode_basis(user=alvari_worker, episode=stay) is Basis.BREAK_THE_GLASS
    with scopes_disabled():
        BreakGlass.objects.filter(user=alvari_worker).update(
            expires_at=now - dt.timedelta(seconds=1)
        )
    assert _visible(type(alvari_worker).objects.get(pk=alvari_worker.pk)) == set()


def test_organisation_roles_see_no_client_data(forms) -> None:  # type: ignore[no-untyped-def]
    from tupa.core.tests.factories import org_role_user

    client_in(forms["shelter"])
    org = forms["shelter"].organisation
    for role in (
        Role.ADMINISTRATOR,
        Role.DATA_PROTECTION_OFFICER,
        Role.EXECUTIVE_DIRECTOR,
        Role.FINANCE,
    ):
        assert _visible(org_role_user(org, role)) == set()
    assert _visible(UserFactory(organisation=org)) == set()


def test_persons_visible_follow_episodes(forms) -> None:  # type: ignore[no-untyped-def]
    mother, _stay = client_in(forms["shelter"])
    man, _jussi_episode = client_in(forms["jussi"])
    jussi_worker = worker_in(forms["jussi"])
    with scope(organisation=mother.organisation_id):
        assert set(access.persons_visible_to(user=jussi_worker)) == {man}
        assert access.person_bases(user=jussi_worker, persons=[man, mother]) == {
            man.pk: Basis.MEMBERSHIP
        }


def test_person_bases_name_the_real_basis(forms) -> None:  # type: ignore[no-untyped-def]
    mother, stay = client_in(forms["shelter"])
    man, jussi_episode = client_in(forms["jussi"])
    avokriisi_worker = worker_in(forms["avokriisi"])
    alvari_worker = worker_in(forms["alvari"])
    now = timezone.now()
    with scopes_disabled():
        Consent.objects.create(
            person=mother,
            purpose="sharing",
            recipient_service_form=forms["avokriisi"],
            episode=stay,
            given_on=dt.date(2026, 1, 6),
            recorded_by=worker_in(forms["shelter"]),
        )
        BreakGlass.objects.create(
            user=alvari_worker,
            episode=stay,
            reason="Kiireellinen tilanne, lapsen turvallisuus",
            started_at=now,
            expires_at=now + dt.timedelta(hours=1),
        )
        Assignment.objects.create(
            episode=jussi_episode,
            user=avokriisi_worker,
            valid_from=dt.date(2026, 1, 1),
            assigned_by=worker_in(forms["jussi"]),
        )
    with scope(organisation=mother.organisation_id):
        assert access.person_bases(user=avokriisi_worker, persons=[mother, man]) == {
            mother.pk: Basis.CONSENT,
            man.pk: Basis.ASSIGNMENT,
        }
        assert access.person_bases(user=alvari_worker, persons=[mother, man]) == {
            mother.pk: Basis.BREAK_THE_GLASS
        }
