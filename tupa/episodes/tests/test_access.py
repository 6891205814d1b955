"""The visibility rules of tupa.access.clients (ARCHITECTURE.md §6)."""

import datetime as dt

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from tupa.access import clients, contact
from tupa.access.policy import Basis
from tupa.accounts.models import Role
from tupa.core.tests.factories import (
    AreaFactory,
    ServiceFormFactory,
    TeamFactory,
    UserFactory,
    client_in,
    worker_in,
)
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
        return set(clients.episodes_visible_to(user=user).values_list("pk", flat=True))


def test_membership_gives_the_own_service_forms_episodes_only(forms) -> None:  # type: ignore[no-untyped-def]
    _mother, stay = client_in(forms["shelter"])
    _man, jussi_episode = client_in(forms["jussi"])
    shelter_worker = worker_in(forms["shelter"])
    assert _visible(shelter_worker) == {stay.pk}
    with scope(organisation=shelter_worker.organisation_id):
        assert clients.episode_basis(user=shelter_worker, episode=stay) is Basis.MEMBERSHIP
        assert clients.episode_basis(user=shelter_worker, episode=jussi_episode) is None


def test_other_organisation_never_sees_anything(forms) -> None:  # type: ignore[no-untyped-def]
    _p, stay = client_in(forms["shelter"])
    foreign = worker_in(ServiceFormFactory(slug="turvakoti"))
    assert _visible(foreign) == set()
    with scopes_disabled():
        assert clients.episode_basis(user=foreign, episode=stay) is None


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
        assert clients.episode_basis(user=jussi_worker, episode=couple_episode) is Basis.ASSIGNMENT
        assert clients.episode_basis(user=jussi_worker, episode=other_episode) is None


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
        assert clients.episode_basis(user=avokriisi_worker, episode=stay) is Basis.CONSENT
        assert clients.episode_basis(user=jussi_worker, episode=stay) is None


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
        assert clients.may_break_glass(user=alvari_worker, episode=stay)
        assert not clients.may_break_glass(user=jussi_worker, episode=stay)
        assert clients.episode_basis(user=alvari_worker, episode=stay) is Basis.BREAK_THE_GLASS
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
        assert set(clients.persons_visible_to(user=jussi_worker)) == {man}
        assert clients.person_bases(user=jussi_worker, persons=[man, mother]) == {
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
        assert clients.person_bases(user=avokriisi_worker, persons=[mother, man]) == {
            mother.pk: Basis.CONSENT,
            man.pk: Basis.ASSIGNMENT,
        }
        assert clients.person_bases(user=alvari_worker, persons=[mother, man]) == {
            mother.pk: Basis.BREAK_THE_GLASS
        }


# --- the wall for users with mixed memberships (issue 10: decided by the side of the work) ------


def _mixed_user(forms, *slugs):  # type: ignore[no-untyped-def]
    from tupa.core.tests.factories import MembershipFactory

    first, *rest = slugs
    user = worker_in(forms[first])
    for slug in rest:
        MembershipFactory(
            user=user, organisation=user.organisation, service_form=forms[slug], role=Role.WORKER
        )
    return type(user).objects.get(pk=user.pk)


def _attack_state(forms, user, mother, stay):  # type: ignore[no-untyped-def]
    """What an attacker holding a perpetrator-side membership could have gathered: a consent to
    Jussi-työ on her shelter stay and an unexpired break-the-glass (both written directly, as if
    an older version or the admin had let them in)."""
    now = timezone.now()
    with scopes_disabled():
        Consent.objects.create(
            person=mother,
            purpose="sharing",
            recipient_service_form=forms["jussi"],
            episode=stay,
            given_on=dt.date(2026, 1, 6),
            recorded_by=worker_in(forms["shelter"]),
        )
        BreakGlass.objects.create(
            user=user,
            episode=stay,
            reason="Kiireellinen tilanne",
            started_at=now,
            expires_at=now + dt.timedelta(hours=2),
        )


@pytest.mark.parametrize("other", ["alvari", "avokriisi"])
def test_perpetrator_work_plus_another_membership_never_crosses_the_wall(forms, other) -> None:  # type: ignore[no-untyped-def]
    """The demo's Jussi worker is also a TPPH member: the wall must hold for him all the same —
    and for a Jussi worker who also works in victim-side Avokriisityö, it holds for everything
    that does not come from the Avokriisityö work."""
    mother, stay = client_in(forms["shelter"])
    user = _mixed_user(forms, "jussi", other)
    _attack_state(forms, user, mother, stay)
    with scope(organisation=stay.organisation_id):
        assert stay.pk not in _visible(user)
        assert clients.episode_basis(user=user, episode=stay) is None
        assert not clients.may_break_glass(user=user, episode=stay)
        assert clients.person_bases(user=user, persons=[mother]) == {}
        assert not contact.may_reveal_person(user=user, person=mother)
        assert clients.person_behind_wall(person=mother, service_form=forms["jussi"])
        assert not clients.person_behind_wall(person=mother, service_form=forms[other])


def test_a_consent_to_a_victim_side_form_opens_for_its_worker_who_also_does_jussi_work(
    forms,
) -> None:  # type: ignore[no-untyped-def]
    mother, stay = client_in(forms["shelter"])
    user = _mixed_user(forms, "jussi", "avokriisi")
    with scopes_disabled():
        Consent.objects.create(
            person=mother,
            purpose="sharing",
            recipient_service_form=forms["avokriisi"],
            episode=stay,
            given_on=dt.date(2026, 1, 6),
            recorded_by=worker_in(forms["shelter"]),
        )
    with scope(organisation=stay.organisation_id):
        assert _visible(user) == {stay.pk}
        assert clients.episode_basis(user=user, episode=stay) is Basis.CONSENT


def test_victim_and_neutral_work_may_break_the_glass(forms) -> None:  # type: ignore[no-untyped-def]
    _mother, stay = client_in(forms["shelter"])
    user = _mixed_user(forms, "avokriisi", "alvari")
    with scope(organisation=stay.organisation_id):
        assert clients.may_break_glass(user=user, episode=stay)


def test_reveal_comes_from_the_side_of_the_work(forms) -> None:  # type: ignore[no-untyped-def]
    """A Jussi + Avokriisityö worker may reveal for his Avokriisityö client, but not for a
    victim-side client whose record reached a Jussi episode (old data, or a merge)."""
    from tupa.core.tests.factories import ParticipantFactory

    user = _mixed_user(forms, "jussi", "avokriisi")
    own_client, _crisis = client_in(forms["avokriisi"])
    mother, _stay = client_in(forms["shelter"])
    _man, jussi_episode = client_in(forms["jussi"])
    ParticipantFactory.create(episode=jussi_episode, person=mother, role="partner")
    with scope(organisation=mother.organisation_id):
        assert contact.may_reveal_person(user=user, person=own_client)
        assert clients.person_bases(user=user, persons=[mother]) == {mother.pk: Basis.MEMBERSHIP}
        assert not contact.may_reveal_person(user=user, person=mother)
        assert contact.may_reveal_person(user=worker_in(forms["shelter"]), person=mother)


def test_the_one_who_used_violence_is_not_behind_the_wall(forms) -> None:  # type: ignore[no-untyped-def]
    """A shelter or couple episode may name the partner who used violence; Jussi-työ can still
    take him in (a referral from the shelter to Jussi-työ is the point of the service path)."""
    from tupa.core.tests.factories import ParticipantFactory, PersonFactory

    _mother, stay = client_in(forms["shelter"])
    man = PersonFactory.create(organisation=stay.organisation)
    ParticipantFactory.create(episode=stay, person=man, role="partner", violence_role="used")
    assert not clients.person_behind_wall(person=man, service_form=forms["jussi"])


# --- a property over generated membership sets -------------------------------------------------

FORM_SLUGS = ("shelter", "avokriisi", "jussi", "alvari")


def _expected_basis(forms, slugs, episode, consents, break_glass) -> Basis | None:  # type: ignore[no-untyped-def]
    """The rule written independently of the code: the basis comes from one piece of work, and
    that work's side decides the wall."""
    side = {slug: forms[slug].violence_work for slug in FORM_SLUGS}
    target = episode.service_form.violence_work
    member_forms = {forms[s].pk for s in slugs}
    if episode.service_form_id in member_forms:
        return Basis.MEMBERSHIP
    for recipient in consents:
        if forms[recipient].pk in member_forms and not (
            side[recipient] == "perpetrator" and target == "victim"
        ):
            return Basis.CONSENT
    does_perpetrator_work = any(side[s] == "perpetrator" for s in slugs)
    if break_glass and slugs and not (does_perpetrator_work and target == "victim"):
        return Basis.BREAK_THE_GLASS
    return None


def test_the_wall_holds_for_every_membership_set(forms) -> None:  # type: ignore[no-untyped-def]
    """For every set of memberships, consents and break-the-glass rows, visibility and basis
    follow the side of the granting work — never a victim-side episode from perpetrator work."""
    from django.db import transaction
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from tupa.core.tests.factories import MembershipFactory

    mother, stay = client_in(forms["shelter"])
    _p, crisis = client_in(forms["avokriisi"])
    _q, jussi_episode = client_in(forms["jussi"])
    _r, alvari_episode = client_in(forms["alvari"])
    episodes = {
        "shelter": stay,
        "avokriisi": crisis,
        "jussi": jussi_episode,
        "alvari": alvari_episode,
    }
    recorder = worker_in(forms["shelter"])

    @settings(
        max_examples=60,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        slugs=st.sets(st.sampled_from(FORM_SLUGS)),
        target=st.sampled_from(FORM_SLUGS),
        consents=st.sets(st.sampled_from(FORM_SLUGS)),
        break_glass=st.booleans(),
    )
    def check(slugs, target, consents, break_glass) -> None:  # type: ignore[no-untyped-def]
        episode = episodes[target]
        consents = {c for c in consents if c != target}
        with transaction.atomic():
            user = UserFactory(organisation=mother.organisation)
            for slug in slugs:
                MembershipFactory(
                    user=user, organisation=user.organisation, service_form=forms[slug]
                )
            now = timezone.now()
            with scopes_disabled():
                person = episode.participants.first().person
                for recipient in consents:
                    Consent.objects.create(
                        person=person,
                        purpose="sharing",
                        recipient_service_form=forms[recipient],
                        episode=episode,
                        given_on=dt.date(2026, 1, 6),
                        recorded_by=recorder,
                    )
                if break_glass:
                    BreakGlass.objects.create(
                        user=user,
                        episode=episode,
                        reason="Kiireellinen tilanne",
                        started_at=now,
                        expires_at=now + dt.timedelta(hours=1),
                    )
            user = type(user).objects.get(pk=user.pk)
            expected = _expected_basis(forms, slugs, episode, consents, break_glass)
            with scope(organisation=episode.organisation_id):
                assert clients.episode_basis(user=user, episode=episode) == expected
                assert (episode.pk in _visible(user)) == (expected is not None)
                assert (
                    clients.episode_bases(user=user, episode_ids=[episode.pk]).get(episode.pk)
                    == expected
                )
                if episode.service_form.violence_work == "victim" and "jussi" in slugs:
                    assert expected is None or target in slugs or consents - {"jussi"}
            transaction.set_rollback(True)

    check()
